"""All four services as real processes, for the end-to-end and chaos suites.

`ProcessStack` starts registry, mapper, dispatcher and ingest with `services/cli/stack.py` (what
`switchyard up` runs) on free ports, each logging to its own file, and gives a test what it
needs to drive them: gRPC stubs with an API key or the internal token, the HTTP gateway's URL,
SIGKILL-and-restart of one service, and the tail of every log when something goes wrong.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import signal
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import asyncpg
import grpc
import pytest

from services.cli.stack import SERVICES, Stack, run_migrations, start_service, stop_stack
from switchyard.v1 import (
    config_pb2,
    dispatcher_pb2,
    dispatcher_pb2_grpc,
    registry_pb2,
    registry_pb2_grpc,
)
from tests.helpers import wait_for

INTERNAL_TOKEN = "e2e-internal-token"
TOKEN_LINE = re.compile(r"^created integration (\S+) \(URL token, shown once: (\S+)\)")
NON_TERMINAL = (
    dispatcher_pb2.DELIVERY_STATUS_PENDING,
    dispatcher_pb2.DELIVERY_STATUS_IN_FLIGHT,
    dispatcher_pb2.DELIVERY_STATUS_RETRYING,
)

# Fast retries and short leases, so a test sees a failing destination recover in seconds and a
# killed dispatcher's claims come back quickly.
FAST_DELIVERY_ENV = {
    "SWITCHYARD_DISPATCHER_POLL_SECONDS": "0.1",
    "SWITCHYARD_DISPATCHER_HTTP_TIMEOUT_SECONDS": "2",
    "SWITCHYARD_DISPATCHER_LEASE_SECONDS": "3",
    "SWITCHYARD_DISPATCHER_RETRY_BASE_SECONDS": "0.1",
    "SWITCHYARD_DISPATCHER_RETRY_CAP_SECONDS": "0.5",
    "SWITCHYARD_DISPATCHER_BREAKER_FAILURES": "1000",
    "SWITCHYARD_DISPATCHER_BATCH_WINDOW_MS": "5",
}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item, so a fixture can tell that the test failed.

    A hook for the conftest of each suite that runs a stack (imported there)."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@asynccontextmanager
async def own_database(admin_dsn: str, label: str) -> AsyncIterator[str]:
    """A fresh database on the run's Postgres, dropped afterwards.

    A stack of processes gets its own: its dispatcher would otherwise claim the deliveries of
    another suite's dispatcher working on the shared test database.
    """
    name = f"switchyard_{label}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield urlunsplit(urlsplit(admin_dsn)._replace(path=f"/{name}"))
    finally:
        admin = await asyncpg.connect(admin_dsn)
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = $1 AND pid <> pg_backend_pid()",
                name,
            )
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        finally:
            await admin.close()


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stack_env(
    database_url: str, redis_url: str, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment of every service process: the run's storage and free ports for all."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SWITCHYARD_")}
    env.update(
        {
            "SWITCHYARD_DATABASE_URL": database_url,
            "SWITCHYARD_REDIS_URL": redis_url,
            "SWITCHYARD_INTERNAL_TOKEN": INTERNAL_TOKEN,
            "SWITCHYARD_CREDENTIALS_KEY": base64.b64encode(os.urandom(32)).decode(),
            "SWITCHYARD_OUTBOUND_ALLOW_CIDRS": "127.0.0.0/8",
            "SWITCHYARD_LOG_FORMAT": "json",
            "SWITCHYARD_LOG_LEVEL": "info",
            "SWITCHYARD_SHUTDOWN_GRACE_SECONDS": "3",
            "SWITCHYARD_INGEST_HTTP_PORT": str(free_port()),
            **FAST_DELIVERY_ENV,
        }
    )
    for name in SERVICES:
        grpc_port = free_port()
        env[f"SWITCHYARD_{name.upper()}_GRPC_PORT"] = str(grpc_port)
        env[f"SWITCHYARD_{name.upper()}_METRICS_PORT"] = str(free_port())
        env[f"SWITCHYARD_{name.upper()}_ADDRESS"] = f"127.0.0.1:{grpc_port}"
    env.update(extra or {})
    return env


def _keyed(stub: Any, key: str) -> Any:
    """A stub whose every call carries `authorization: Bearer <key>` and a timeout."""
    metadata = (("authorization", f"Bearer {key}"),)

    class Keyed:
        def __getattr__(self, name: str) -> Callable[..., Any]:
            method = getattr(stub, name)
            return lambda request, timeout=15, **kw: method(
                request, metadata=metadata, timeout=timeout, **kw
            )

    return Keyed()


@dataclass
class Org:
    """An organization made for a test from a declarative document."""

    id: str
    key: str
    registry: Any
    dispatcher: Any
    tokens: dict[str, str]
    version: int
    campaigns: dict[str, str] = field(default_factory=dict)
    destinations: dict[str, str] = field(default_factory=dict)
    postbacks: dict[str, str] = field(default_factory=dict)

    async def apply(self, document: str) -> registry_pb2.ApplyConfigResponse:
        """Make the organization match `document`; remembers the new version and ids."""
        answer = await self.registry.ApplyConfig(registry_pb2.ApplyConfigRequest(document=document))
        for line in answer.changes:
            match = TOKEN_LINE.match(line)
            if match:
                self.tokens[match.group(1)] = match.group(2)
        self.version = int(answer.version)
        await self.refresh()
        return answer

    async def refresh(self) -> None:
        """Names to ids, from the current snapshot."""
        snapshot = (await self.registry.GetSnapshot(registry_pb2.GetSnapshotRequest())).snapshot
        self.campaigns = {c.name: c.id for c in snapshot.campaigns}
        self.destinations = {d.name: d.id for d in snapshot.destinations}
        self.postbacks = {p.name: p.id for p in snapshot.postbacks}

    async def deliveries(self, **filters: Any) -> list[dispatcher_pb2.DeliverySummary]:
        """Every delivery matching the filter (all pages)."""
        found: list[dispatcher_pb2.DeliverySummary] = []
        token = ""
        while True:
            answer = await self.dispatcher.ListDeliveries(
                dispatcher_pb2.ListDeliveriesRequest(
                    filter=dispatcher_pb2.HistoryFilter(**filters),
                    page=_page(token),
                )
            )
            found.extend(answer.deliveries)
            token = answer.next_page_token
            if not token:
                return found

    async def event(self, event_id: str) -> dispatcher_pb2.GetEventResponse:
        """One event's journey."""
        return await self.dispatcher.GetEvent(dispatcher_pb2.GetEventRequest(event_id=event_id))

    async def unsettled(self) -> list[dispatcher_pb2.DeliverySummary]:
        """Deliveries still pending, in flight or retrying."""
        return await self.deliveries(statuses=list(NON_TERMINAL), include_test=True)


def _page(token: str) -> Any:
    from switchyard.v1 import common_pb2

    return common_pb2.PageRequest(page_size=500, page_token=token)


class ProcessStack:
    """The four services as child processes, with clients to reach them."""

    def __init__(self, env: dict[str, str], data_dir: Path) -> None:
        self.stack = Stack(data_dir=data_dir, env=env, log_dir=data_dir / "logs")
        self.env = env
        self.http_url = f"http://127.0.0.1:{env['SWITCHYARD_INGEST_HTTP_PORT']}"
        self.kills: list[str] = []
        self._channels: dict[str, Any] = {}

    def address(self, name: str) -> str:
        return self.env[f"SWITCHYARD_{name.upper()}_ADDRESS"]

    def channel(self, name: str) -> Any:
        """A plain channel to one service (calls bring their own authorization)."""
        if name not in self._channels:
            self._channels[name] = grpc.aio.insecure_channel(self.address(name))
        return self._channels[name]

    async def start(self) -> None:
        """Migrate, then start every service and wait until each reports SERVING."""
        await run_migrations(self.stack)
        for name in SERVICES:
            await start_service(self.stack, name)

    async def stop(self) -> None:
        for chan in self._channels.values():
            await chan.close()
        grace = float(self.env["SWITCHYARD_SHUTDOWN_GRACE_SECONDS"])
        await stop_stack(self.stack, grace)

    async def kill(self, name: str) -> None:
        """SIGKILL one service: no drain, no goodbye."""
        process = self.stack.processes[name]
        if process.returncode is None:
            os.kill(process.pid, signal.SIGKILL)
        await process.wait()
        self.kills.append(name)

    async def restart(self, name: str) -> None:
        """Start a service again (after `kill`) and wait until it reports SERVING."""
        await start_service(self.stack, name)

    def internal(self) -> Any:
        stub = registry_pb2_grpc.RegistryInternalStub(self.channel("registry"))
        return _keyed(stub, INTERNAL_TOKEN)

    async def create_org(self, document: str, name: str = "") -> Org:
        """A new organization with an admin key, configured from `document`."""
        created = await self.internal().CreateOrganization(
            registry_pb2.CreateOrganizationRequest(
                organization=config_pb2.Organization(
                    name=name or f"org-{os.urandom(4).hex()}", default_country="US"
                ),
                admin_key_name="admin",
            )
        )
        org = Org(
            id=created.organization.id,
            key=created.key,
            registry=_keyed(registry_pb2_grpc.RegistryStub(self.channel("registry")), created.key),
            dispatcher=_keyed(
                dispatcher_pb2_grpc.DispatcherStub(self.channel("dispatcher")), created.key
            ),
            tokens={},
            version=0,
        )
        await org.apply(document)
        return org

    async def wait_for_token(self, http: aiohttp.ClientSession, token: str) -> None:
        """Wait until ingest holds the snapshot that knows a postback token.

        A postback with no event is refused as invalid (400) once the token is known, and as
        unauthenticated (401) before, so the probe stores nothing either way.
        """

        async def known() -> bool:
            async with http.get(f"{self.http_url}/v1/postback/{token}") as answer:
                return answer.status != 401

        await wait_for(known, timeout=15, interval=0.05)

    def log_tails(self, lines: int = 40) -> str:
        """The last lines of every process's log, for a failed test's report."""
        parts: list[str] = []
        log_dir = self.stack.log_dir
        if log_dir is None:
            return ""
        for path in sorted(log_dir.rglob("*.log")):  # second processes log in subfolders
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"----- {path.relative_to(log_dir)} (last {len(tail)} lines) -----")
            parts.extend(tail)
        return "\n".join(parts)


async def ack_event(
    http: aiohttp.ClientSession, url: str, params: dict[str, str]
) -> tuple[int, Any]:
    """GET a postback; the status and the JSON answer."""
    async with http.get(url, params=params) as answer:
        return answer.status, await answer.json(content_type=None)


async def settle(org: Org, timeout: float = 20.0) -> None:  # noqa: ASYNC109 - a deadline
    """Wait until no delivery of the organization is pending, in flight or retrying."""

    async def settled() -> bool:
        return not await org.unsettled()

    await wait_for(settled, timeout=timeout, interval=0.1)
