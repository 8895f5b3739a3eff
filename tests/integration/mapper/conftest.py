"""The real registry and the real mapper, both in-process on free ports, on the run's database."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from services.mapper.app import Mapper
from services.mapper.app import start as start_mapper
from services.mapper.config import MapperSettings
from services.registry.app import Registry
from services.registry.app import start as start_registry
from services.registry.config import RegistrySettings
from switchyard.v1 import mapper_pb2_grpc, registry_pb2_grpc

INTERNAL_TOKEN = "mapper-tests-internal-token"
CREDENTIALS_KEY = base64.b64encode(os.urandom(32)).decode()
INTERNAL = (("authorization", f"Bearer {INTERNAL_TOKEN}"),)


@pytest.fixture(scope="session")
async def mapper_registry(database_url: str, db_pool: Any) -> AsyncIterator[Registry]:
    settings = RegistrySettings.from_env(
        {
            "SWITCHYARD_DATABASE_URL": database_url,
            "SWITCHYARD_REGISTRY_GRPC_PORT": "0",
            "SWITCHYARD_INTERNAL_TOKEN": INTERNAL_TOKEN,
            "SWITCHYARD_CREDENTIALS_KEY": CREDENTIALS_KEY,
        }
    )
    running = await start_registry(settings, db_pool, with_metrics=False)
    try:
        yield running
    finally:
        await running.stop(1.0)


@pytest.fixture(scope="session")
async def mapper(mapper_registry: Registry) -> AsyncIterator[Mapper]:
    settings = MapperSettings.from_env(
        {
            "SWITCHYARD_MAPPER_GRPC_PORT": "0",
            "SWITCHYARD_REGISTRY_ADDRESS": f"127.0.0.1:{mapper_registry.port}",
            "SWITCHYARD_INTERNAL_TOKEN": INTERNAL_TOKEN,
        }
    )
    running = await start_mapper(settings, with_metrics=False)
    try:
        yield running
    finally:
        await running.stop(1.0)


@pytest.fixture(scope="session")
async def mapper_channel(mapper: Mapper) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{mapper.port}") as chan:
        yield chan


@pytest.fixture(scope="session")
def mapper_stub(mapper_channel: grpc.aio.Channel) -> Any:
    return mapper_pb2_grpc.MapperStub(mapper_channel)


@pytest.fixture(scope="session")
async def registry_channel(mapper_registry: Registry) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{mapper_registry.port}") as chan:
        yield chan


@pytest.fixture(scope="session")
def registry_internal(registry_channel: grpc.aio.Channel) -> Any:
    return registry_pb2_grpc.RegistryInternalStub(registry_channel)
