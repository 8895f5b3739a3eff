"""How every service process begins and ends: logging, tracing, signals, a shielded stop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from services.common.lifecycle import StopFn, run_until_signal
from services.common.logging import configure_logging, get_logger
from services.common.settings import CommonSettings
from services.common.tracing import configure_tracing, shutdown_tracing

log = get_logger(__name__)


async def run_service(
    service: str, common: CommonSettings, start: Callable[[], Awaitable[StopFn]]
) -> None:
    """Set up logging and tracing, run `start` until SIGTERM/SIGINT, then stop and flush."""
    configure_logging(common.log_level, common.log_format, service)
    for warning in common.startup_warnings():
        log.warning("startup_warning", message=warning)
    configure_tracing(service, common.otlp_endpoint)
    try:
        await run_until_signal(start)
    finally:
        shutdown_tracing()
