"""The only module that reads the environment: a small typed parser and the shared settings.

Every bad value is collected and reported at once in one `SettingsError`, so an operator fixes
the whole deployment in one go and a service never starts half-configured.
"""

from __future__ import annotations

import builtins
import ipaddress
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TypeVar, overload

from services.common.crypto import parse_key

T = TypeVar("T")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

DEV_INTERNAL_TOKEN = "dev-internal-token"
LOG_LEVELS = ("debug", "info", "warning", "error")
LOG_FORMATS = ("json", "console", "auto")
DEFAULT_PORTS: dict[builtins.str, tuple[int, int]] = {
    "registry": (50051, 9101),
    "mapper": (50052, 9102),
    "dispatcher": (50053, 9103),
    "ingest": (50054, 9104),
}
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


class SettingsError(Exception):
    """One or more environment variables are invalid; `problems` lists (variable, rule) pairs."""

    def __init__(self, problems: Iterable[tuple[builtins.str, builtins.str]]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {name}: {rule}" for name, rule in self.problems)
        super().__init__(f"invalid settings:\n{lines}")


class Env:
    """Typed reads of environment variables that collect problems instead of raising at once.

    Unset and empty variables both mean "use the default". Call `check()` after the last read.
    """

    def __init__(self, environ: Mapping[builtins.str, builtins.str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self.problems: list[tuple[builtins.str, builtins.str]] = []

    def raw(self, name: builtins.str) -> builtins.str | None:
        """The stripped value, or None when unset or empty."""
        value = self._environ.get(name, "").strip()
        return value or None

    def problem(self, name: builtins.str, rule: builtins.str) -> None:
        """Record a broken rule, e.g. from a cross-field check a service makes."""
        self.problems.append((name, rule))

    def check(self) -> None:
        """Raise SettingsError naming every problem recorded so far."""
        if self.problems:
            raise SettingsError(self.problems)

    def parse(self, name: builtins.str, parser: Callable[[builtins.str], T], default: T) -> T:
        """Read with a custom parser; a ValueError's message becomes the rule in the report."""
        text = self.raw(name)
        if text is None:
            return default
        try:
            return parser(text)
        except ValueError as err:
            self.problem(name, str(err) or "invalid value")
            return default

    @overload
    def str(self, name: builtins.str, default: builtins.str) -> builtins.str: ...
    @overload
    def str(self, name: builtins.str, default: None = None) -> builtins.str | None: ...
    def str(self, name: builtins.str, default: builtins.str | None = None) -> builtins.str | None:
        """A string, or the default."""
        text = self.raw(name)
        return default if text is None else text

    def choice(
        self, name: builtins.str, default: builtins.str, choices: Iterable[builtins.str]
    ) -> builtins.str:
        """One of a fixed set of words, case-insensitive."""
        allowed = tuple(choices)

        def pick(text: builtins.str) -> builtins.str:
            if text.lower() not in allowed:
                raise ValueError(f"must be one of {', '.join(allowed)}")
            return text.lower()

        return self.parse(name, pick, default)

    def int(
        self,
        name: builtins.str,
        default: builtins.int,
        *,
        min: builtins.int | None = None,
        max: builtins.int | None = None,
    ) -> builtins.int:
        """An integer within [min, max]."""

        def convert(text: builtins.str) -> builtins.int:
            try:
                number = builtins.int(text)
            except ValueError:
                raise ValueError("must be an integer") from None
            return _bounded(number, min, max)

        return self.parse(name, convert, default)

    def float(
        self,
        name: builtins.str,
        default: builtins.float,
        *,
        min: builtins.float | None = None,
        max: builtins.float | None = None,
    ) -> builtins.float:
        """A finite number within [min, max]."""

        def convert(text: builtins.str) -> builtins.float:
            try:
                number = builtins.float(text)
            except ValueError:
                raise ValueError("must be a number") from None
            if number != number or number in (builtins.float("inf"), builtins.float("-inf")):
                raise ValueError("must be a finite number")
            return _bounded(number, min, max)

        return self.parse(name, convert, default)

    def bool(self, name: builtins.str, default: builtins.bool) -> builtins.bool:
        """true/false, 1/0, yes/no, on/off."""

        def convert(text: builtins.str) -> builtins.bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError("must be true or false")

        return self.parse(name, convert, default)

    def csv(
        self, name: builtins.str, default: tuple[builtins.str, ...] = ()
    ) -> tuple[builtins.str, ...]:
        """A comma-separated list; blanks between commas are dropped."""
        return self.parse(
            name, lambda text: tuple(p.strip() for p in text.split(",") if p.strip()), default
        )

    def duration_seconds(
        self,
        name: builtins.str,
        default: builtins.float,
        *,
        min: builtins.float | None = 0.0,
        max: builtins.float | None = None,
    ) -> builtins.float:
        """A duration as seconds: `20`, `1.5s`, `250ms`, `2m` or `1h`."""

        def convert(text: builtins.str) -> builtins.float:
            match = _DURATION.match(text.lower())
            if match is None:
                raise ValueError("must be a duration like 20, 1.5s, 250ms, 2m or 1h")
            seconds = builtins.float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
            return _bounded(seconds, min, max)

        return self.parse(name, convert, default)

    def networks(self, name: builtins.str) -> tuple[Network, ...]:
        """Comma-separated CIDRs (a bare address means just that address)."""

        def convert(text: builtins.str) -> tuple[Network, ...]:
            try:
                return tuple(ipaddress.ip_network(p.strip()) for p in text.split(",") if p.strip())
            except ValueError as err:
                raise ValueError(f"must be comma-separated CIDRs ({err})") from None

        return self.parse(name, convert, ())


N = TypeVar("N", int, float)


def environ_snapshot() -> dict[builtins.str, builtins.str]:
    """A copy of this process's environment, for the service processes a launcher starts and
    the `${VAR}` references an applied document names."""
    return dict(os.environ)


def _bounded(number: N, low: N | None, high: N | None) -> N:
    if low is not None and number < low:
        raise ValueError(f"must be >= {low}")
    if high is not None and number > high:
        raise ValueError(f"must be <= {high}")
    return number


class ServicePorts(NamedTuple):
    """The two ports a service listens on."""

    grpc_port: int
    metrics_port: int


def service_ports(env: Env, service: str) -> ServicePorts:
    """Read SWITCHYARD_<SERVICE>_GRPC_PORT and _METRICS_PORT with the documented defaults."""
    grpc_default, metrics_default = DEFAULT_PORTS[service]
    prefix = f"SWITCHYARD_{service.upper()}"
    return ServicePorts(
        env.int(f"{prefix}_GRPC_PORT", grpc_default, min=0, max=65535),
        env.int(f"{prefix}_METRICS_PORT", metrics_default, min=0, max=65535),
    )


def _address(env: Env, service: str) -> str:
    name = f"SWITCHYARD_{service.upper()}_ADDRESS"
    default = f"127.0.0.1:{DEFAULT_PORTS[service][0]}"

    def convert(text: str) -> str:
        host, sep, port = text.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ValueError("must be host:port")
        return text

    return env.parse(name, convert, default)


@dataclass(frozen=True)
class CommonSettings:
    """Settings every service shares; secrets are kept out of repr so they never reach a log."""

    database_url: str | None = field(repr=False)
    redis_url: str | None = field(repr=False)
    data_dir: Path
    log_level: str
    log_format: str
    internal_token: str = field(repr=False)
    internal_token_is_default: bool
    shutdown_grace_seconds: float
    registry_address: str
    mapper_address: str
    dispatcher_address: str
    ingest_address: str
    outbound_allow_cidrs: tuple[Network, ...]
    db_pool_min: int
    db_pool_max: int
    credentials_key: bytes | None = field(repr=False)
    otlp_endpoint: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CommonSettings:
        """Parse and validate; raise SettingsError listing every bad variable."""
        env = Env(environ)
        settings = cls.read(env)
        env.check()
        return settings

    @classmethod
    def read(cls, env: Env) -> CommonSettings:
        """Read into an Env whose problems the caller checks (lets a service add its own)."""
        token = env.str("SWITCHYARD_INTERNAL_TOKEN")
        pool_min = env.int("SWITCHYARD_DB_POOL_MIN", 1, min=0, max=1000)
        pool_max = env.int("SWITCHYARD_DB_POOL_MAX", 10, min=1, max=1000)
        if pool_min > pool_max:
            env.problem("SWITCHYARD_DB_POOL_MIN", "must be <= SWITCHYARD_DB_POOL_MAX")
        return cls(
            database_url=env.str("SWITCHYARD_DATABASE_URL"),
            redis_url=env.str("SWITCHYARD_REDIS_URL"),
            data_dir=Path(env.str("SWITCHYARD_DATA_DIR", ".data")),
            log_level=env.choice("SWITCHYARD_LOG_LEVEL", "info", LOG_LEVELS),
            log_format=env.choice("SWITCHYARD_LOG_FORMAT", "auto", LOG_FORMATS),
            internal_token=token or DEV_INTERNAL_TOKEN,
            internal_token_is_default=token is None,
            shutdown_grace_seconds=env.duration_seconds(
                "SWITCHYARD_SHUTDOWN_GRACE_SECONDS", 20.0, max=3600.0
            ),
            registry_address=_address(env, "registry"),
            mapper_address=_address(env, "mapper"),
            dispatcher_address=_address(env, "dispatcher"),
            ingest_address=_address(env, "ingest"),
            outbound_allow_cidrs=env.networks("SWITCHYARD_OUTBOUND_ALLOW_CIDRS"),
            db_pool_min=pool_min,
            db_pool_max=pool_max,
            credentials_key=env.parse("SWITCHYARD_CREDENTIALS_KEY", parse_key, None),
            otlp_endpoint=env.str("SWITCHYARD_OTLP_ENDPOINT"),
        )

    def startup_warnings(self) -> list[str]:
        """Things an operator should hear about once at start (log them after logging is set up)."""
        warnings = []
        if self.internal_token_is_default:
            warnings.append(
                "SWITCHYARD_INTERNAL_TOKEN is unset: using the fixed development token; "
                "set a random secret in any shared environment"
            )
        return warnings
