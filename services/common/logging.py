"""structlog set up once per process: JSON lines to stdout (pretty on a TTY), secrets redacted.

Ids bound with `structlog.contextvars.bind_contextvars` at the edges (request_id, event_id,
delivery_id, destination_id) appear on every line logged while that work runs.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog
from structlog.typing import EventDict, FilteringBoundLogger, Processor, WrappedLogger

REDACTED = "[redacted]"
SECRET_KEY_MARKERS = (
    "authorization",
    "access_token",
    "api_key",
    "apikey",
    "token",
    "secret",
    "password",
    "credentials",
)
# userinfo in a URL, e.g. postgresql://user:password@host
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s/]+@", re.IGNORECASE)
_BEARER = re.compile(r"\b(bearer|basic)\s+\S+", re.IGNORECASE)


def is_secret_key(key: object) -> bool:
    """True for a key whose value must never be logged (matched loosely: over-redacting is safe)."""
    if not isinstance(key, str):
        return False
    lowered = key.lower().replace("-", "_")
    return any(marker in lowered for marker in SECRET_KEY_MARKERS)


def redact(value: Any) -> Any:
    """Copy of `value` with secret-named entries, URL passwords and bearer tokens masked."""
    if isinstance(value, dict):
        return {k: REDACTED if is_secret_key(k) else redact(v) for k, v in value.items()}
    if isinstance(value, tuple) and len(value) == 2 and is_secret_key(value[0]):
        return (value[0], REDACTED)  # a gRPC metadata pair such as ("authorization", "Bearer x")
    if isinstance(value, list | tuple | set | frozenset):
        return type(value)(redact(v) for v in value)
    if isinstance(value, str):
        without_password = _URL_PASSWORD.sub(r"\g<head>" + REDACTED + "@", value)
        return _BEARER.sub(r"\1 " + REDACTED, without_password)
    return value


def redact_secrets(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """structlog processor: law 6 — a secret can never be logged by accident."""
    return {k: REDACTED if is_secret_key(k) else redact(v) for k, v in event_dict.items()}


def _add_service(service: str) -> Processor:
    def add(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
        event_dict.setdefault("service", service)
        return event_dict

    return add


def _shared_processors(service: str) -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_service(service),
        redact_secrets,
    ]


def _renderer(fmt: str) -> Processor:
    pretty = fmt == "console" or (fmt == "auto" and sys.stdout.isatty())
    if pretty:
        return structlog.dev.ConsoleRenderer()
    return structlog.processors.JSONRenderer()


def configure_logging(level: str, fmt: str, service: str) -> None:
    """Route structlog and stdlib logging (grpc, asyncpg, aiohttp) to one stdout stream."""
    level_number = logging.getLevelNamesMapping()[level.upper()]
    shared = _shared_processors(service)
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level_number),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    final: list[Processor] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if fmt != "console" and not (fmt == "auto" and sys.stdout.isatty()):
        # a traceback can quote a DSN or header: redact again once it is text
        final += [structlog.processors.format_exc_info, redact_secrets]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared, processors=[*final, _renderer(fmt)]
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level_number)


def get_logger(name: str) -> FilteringBoundLogger:
    """A logger named after its module (`get_logger(__name__)`)."""
    logger: FilteringBoundLogger = structlog.get_logger(name)
    return logger
