"""The dispatcher in-process against the run's database, a local endpoint, the real registry."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import pytest
from aiohttp import web

from services.dispatcher.app import Dispatcher, start
from services.dispatcher.config import DispatcherSettings
from services.registry.app import Registry
from services.registry.app import start as start_registry
from services.registry.config import RegistrySettings
from switchyard.v1 import (
    config_pb2,
    dispatcher_pb2,
    dispatcher_pb2_grpc,
    registry_pb2,
    registry_pb2_grpc,
)
from tests.integration.dispatcher.support import INTERNAL_TOKEN, Endpoint

FAST = {
    "SWITCHYARD_OUTBOUND_ALLOW_CIDRS": "127.0.0.0/8",
    "SWITCHYARD_DISPATCHER_POLL_SECONDS": "0.05",
    "SWITCHYARD_DISPATCHER_RETRY_BASE_SECONDS": "0.05",
    "SWITCHYARD_DISPATCHER_RETRY_CAP_SECONDS": "0.2",
    "SWITCHYARD_DISPATCHER_HTTP_TIMEOUT_SECONDS": "2",
    "SWITCHYARD_DISPATCHER_LEASE_SECONDS": "5",
    "SWITCHYARD_DISPATCHER_BREAKER_COOLDOWN_SECONDS": "1",
}


def dispatcher_settings(
    database_url: str, registry_port: int = 1, **extra: str
) -> DispatcherSettings:
    """Settings with fast retries and the local endpoint allow-listed."""
    return DispatcherSettings.from_env(
        {
            "SWITCHYARD_DATABASE_URL": database_url,
            "SWITCHYARD_INTERNAL_TOKEN": INTERNAL_TOKEN,
            "SWITCHYARD_DISPATCHER_GRPC_PORT": "0",
            "SWITCHYARD_REGISTRY_ADDRESS": f"127.0.0.1:{registry_port}",
            **FAST,
            **extra,
        }
    )


@pytest.fixture
async def endpoint() -> AsyncIterator[Endpoint]:
    """A local platform server on a free port."""
    found = Endpoint()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", found.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    found.port = runner.addresses[0][1]
    try:
        yield found
    finally:
        await runner.cleanup()


@pytest.fixture(scope="session")
async def registry(database_url: str, db_pool: Any) -> AsyncIterator[Registry]:
    """The real registry, in-process."""
    settings = RegistrySettings.from_env(
        {
            "SWITCHYARD_DATABASE_URL": database_url,
            "SWITCHYARD_REGISTRY_GRPC_PORT": "0",
            "SWITCHYARD_INTERNAL_TOKEN": INTERNAL_TOKEN,
            "SWITCHYARD_CREDENTIALS_KEY": base64.b64encode(os.urandom(32)).decode(),
        }
    )
    running = await start_registry(settings, db_pool, with_metrics=False)
    try:
        yield running
    finally:
        await running.stop(1.0)


async def _quiet_queue(db_pool: Any) -> None:
    """Nothing left by one test is sent by the next one's dispatcher."""
    await db_pool.execute(
        "UPDATE dispatcher.deliveries SET status = 'failed', reason = 'left by a finished test'"
        " WHERE status IN ('pending', 'retrying', 'in_flight')"
    )
    await db_pool.execute("DELETE FROM dispatcher.destination_state")


@pytest.fixture
async def start_dispatcher(
    database_url: str, db_pool: Any
) -> AsyncIterator[Callable[..., Awaitable[Dispatcher]]]:
    """Start dispatchers with extra settings; all are stopped (and the queue quieted) after."""
    running: list[Dispatcher] = []

    async def make(registry_port: int = 1, **extra: str) -> Dispatcher:
        settings = dispatcher_settings(database_url, registry_port, **extra)
        dispatcher = await start(settings, db_pool, with_metrics=False)
        running.append(dispatcher)
        return dispatcher

    try:
        yield make
    finally:
        for dispatcher in running:
            await dispatcher.stop(1.0)
        await _quiet_queue(db_pool)


@pytest.fixture
async def dispatcher(
    start_dispatcher: Callable[..., Awaitable[Dispatcher]], registry: Registry
) -> Dispatcher:
    """A dispatcher that knows the in-process registry."""
    return await start_dispatcher(registry.port)


class Client:
    """Dispatcher stubs with the internal token or an organization's admin key."""

    def __init__(self, channel: grpc.aio.Channel, key: str) -> None:
        self._stub = dispatcher_pb2_grpc.DispatcherStub(channel)
        self._metadata = (("authorization", f"Bearer {key}"),)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._stub, name)
        return lambda request, **kw: method(request, metadata=self._metadata, timeout=10, **kw)


@pytest.fixture
async def channel(dispatcher: Dispatcher) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{dispatcher.port}") as chan:
        yield chan


@pytest.fixture
def internal(channel: grpc.aio.Channel) -> Client:
    return Client(channel, INTERNAL_TOKEN)


@pytest.fixture
async def registry_internal(registry: Registry) -> AsyncIterator[Any]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{registry.port}") as chan:
        yield registry_pb2_grpc.RegistryInternalStub(chan), chan


async def make_org(registry_internal: Any, name: str) -> tuple[str, str]:
    """A new organization's id and admin key."""
    stub, _ = registry_internal
    answer = await stub.CreateOrganization(
        registry_pb2.CreateOrganizationRequest(
            organization=config_pb2.Organization(name=name, default_country="US"),
            admin_key_name="admin",
        ),
        metadata=(("authorization", f"Bearer {INTERNAL_TOKEN}"),),
    )
    return answer.organization.id, answer.key


async def enqueue(client: Client, *envelopes: dispatcher_pb2.EventEnvelope) -> list[int]:
    answer = await client.Enqueue(dispatcher_pb2.EnqueueRequest(events=list(envelopes)))
    return [r.outcome for r in answer.results]
