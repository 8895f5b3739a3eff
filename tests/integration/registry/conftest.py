"""The real registry gRPC server, in-process on a free port, against the run's database."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc
import pytest

from services.registry.app import Registry, start
from services.registry.config import RegistrySettings
from switchyard.v1 import config_pb2, registry_pb2, registry_pb2_grpc

INTERNAL_TOKEN = "registry-tests-internal-token"
CREDENTIALS_KEY = base64.b64encode(os.urandom(32)).decode()


@dataclass
class Org:
    """An organization made for one test, with an admin key and stubs that send it."""

    id: str
    key: str
    stub: Any  # a RegistryStub whose calls carry the admin key

    def metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.key}"),)


class KeyedStub:
    """A RegistryStub whose every call carries one API key."""

    def __init__(self, channel: grpc.aio.Channel, key: str) -> None:
        self._stub = registry_pb2_grpc.RegistryStub(channel)
        self._metadata = (("authorization", f"Bearer {key}"),)

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        method = getattr(self._stub, name)
        return lambda request, **kw: method(request, metadata=self._metadata, timeout=10, **kw)


def settings_for(database_url: str, **extra: str) -> RegistrySettings:
    return RegistrySettings.from_env(
        {
            "SWITCHYARD_DATABASE_URL": database_url,
            "SWITCHYARD_REGISTRY_GRPC_PORT": "0",
            "SWITCHYARD_INTERNAL_TOKEN": INTERNAL_TOKEN,
            "SWITCHYARD_CREDENTIALS_KEY": CREDENTIALS_KEY,
            **extra,
        }
    )


@pytest.fixture(scope="session")
async def registry(database_url: str, db_pool: Any) -> AsyncIterator[Registry]:
    running = await start(settings_for(database_url), db_pool, with_metrics=False)
    try:
        yield running
    finally:
        await running.stop(1.0)


@pytest.fixture(scope="session")
async def channel(registry: Registry) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{registry.port}") as chan:
        yield chan


@pytest.fixture(scope="session")
def internal(channel: grpc.aio.Channel) -> Any:
    """A RegistryInternalStub whose calls carry the internal token."""

    class Internal:
        def __init__(self) -> None:
            self._stub = registry_pb2_grpc.RegistryInternalStub(channel)

        def __getattr__(self, name: str) -> Callable[..., Any]:
            method = getattr(self._stub, name)
            meta = (("authorization", f"Bearer {INTERNAL_TOKEN}"),)
            return lambda request, **kw: method(request, metadata=meta, **kw)

    return Internal()


@pytest.fixture
def make_org(channel: grpc.aio.Channel, internal: Any) -> Callable[..., Awaitable[Org]]:
    """Create an organization through RegistryInternal and return it with its admin key."""

    async def make(name: str = "Acme", country: str = "US") -> Org:
        answer = await internal.CreateOrganization(
            registry_pb2.CreateOrganizationRequest(
                organization=config_pb2.Organization(name=name, default_country=country),
                admin_key_name="admin",
            )
        )
        return Org(answer.organization.id, answer.key, KeyedStub(channel, answer.key))

    return make


@pytest.fixture
async def org(make_org: Callable[..., Awaitable[Org]]) -> Org:
    return await make_org()
