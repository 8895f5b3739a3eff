"""The only code that talks to the outside world: one aiohttp session, SSRF-checked at send time.

Names are resolved by a resolver that keeps only addresses passing the outbound policy (law 8)
and pins the connection to them, so DNS cannot swap in an internal address between check and
use. Redirects are not followed: a 3xx is an answer for the classifier, not a new target.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from services.common.errors import Unavailable
from services.common.ssrf import Network, TargetRefused, check_url, resolve_and_check
from services.dispatcher.credentials import OutboundRequest


class RefusedTarget(OSError):
    """The host resolves only to refused addresses (raised inside aiohttp's connector)."""


class UnresolvableHost(OSError):
    """The host name does not resolve right now."""


class PinnedResolver(AbstractResolver):
    """Resolves through `resolve_and_check`, returning only the addresses that may be reached."""

    def __init__(self, allow: Sequence[Network]) -> None:
        self._allow = tuple(allow)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            addresses = await resolve_and_check(host, port, self._allow)
        except TargetRefused as err:
            raise RefusedTarget(err.reason) from None
        except Unavailable as err:
            raise UnresolvableHost(err.message) from None
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        return None


@dataclass(frozen=True)
class Answer:
    """What came back: an HTTP answer (status > 0) or a transport error (error_class set)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    truncated: bool
    latency_ms: int
    error_class: str = ""
    error_message: str = ""


class Sender:
    """Sends outbound requests with a timeout, keeping at most `max_response_bytes` of a body."""

    def __init__(
        self, allow: Sequence[Network], timeout_seconds: float, max_response_bytes: int
    ) -> None:
        self._allow = tuple(allow)
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._max_bytes = max_response_bytes
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Open the connection pool."""
        connector = aiohttp.TCPConnector(
            resolver=PinnedResolver(self._allow), limit=0, ttl_dns_cache=10
        )
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=self._timeout, auto_decompress=True
        )

    async def close(self) -> None:
        """Close every connection."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, request: OutboundRequest) -> Answer:
        """Send once; every failure becomes an Answer with its error class, never an exception."""
        started = time.perf_counter()

        def failure(error_class: str, message: str) -> Answer:
            return Answer(0, (), b"", False, _ms(started), error_class, message)

        try:
            check_url(request.url, self._allow)
        except TargetRefused as err:
            return failure("refused_target", err.reason)
        assert self._session is not None, "Sender.start() was not called"
        try:
            async with self._session.request(
                request.method,
                request.url,
                headers=list(request.headers),
                data=request.body or None,
                allow_redirects=False,
            ) as response:
                body = await response.content.read(self._max_bytes + 1)
                return Answer(
                    response.status,
                    tuple((k, v) for k, v in response.headers.items()),
                    body[: self._max_bytes],
                    len(body) > self._max_bytes,
                    _ms(started),
                )
        except aiohttp.ClientConnectorError as err:
            return failure(*_connector_failure(err))
        except (TimeoutError, aiohttp.ServerTimeoutError):
            return failure("timeout", f"no answer within {self._timeout.total}s")
        except aiohttp.ClientError as err:
            return failure("connection", f"{type(err).__name__}: {err}")


def _connector_failure(err: Any) -> tuple[str, str]:
    cause = getattr(err, "os_error", None)
    if isinstance(cause, RefusedTarget):
        return "refused_target", str(cause)
    if isinstance(cause, UnresolvableHost):
        return "dns", str(cause)
    return "connection", f"{type(err).__name__}: {err}"


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
