"""All four services in-process on free ports (real registry, mapper and dispatcher servers)
against the run's Postgres and Redis, and helpers to configure an organization for a test."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import grpc
import pytest
import redis.asyncio as aioredis

from services.common.grpc_client import channel as service_channel
from services.common.lifecycle import Supervisor
from services.dispatcher.app import start as start_dispatcher
from services.dispatcher.config import DispatcherSettings
from services.ingest.app import Ingest
from services.ingest.app import start as start_ingest
from services.ingest.catalog import StoreSource
from services.ingest.config import IngestSettings
from services.mapper.app import start as start_mapper
from services.mapper.config import MapperSettings
from services.mapper.snapshots import SnapshotStore
from services.registry.app import start as start_registry
from services.registry.config import RegistrySettings
from switchyard.v1 import common_pb2, config_pb2, registry_pb2, registry_pb2_grpc
from tests.helpers import wait_for

INTERNAL_TOKEN = "ingest-tests-internal-token"
CREDENTIALS_KEY = base64.b64encode(os.urandom(32)).decode()


def common_env(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        "SWITCHYARD_DATABASE_URL": database_url,
        "SWITCHYARD_REDIS_URL": redis_url,
        "SWITCHYARD_INTERNAL_TOKEN": INTERNAL_TOKEN,
        "SWITCHYARD_CREDENTIALS_KEY": CREDENTIALS_KEY,
        "SWITCHYARD_OUTBOUND_ALLOW_CIDRS": "127.0.0.0/8",
    }


@dataclass
class Stack:
    """The running services and the clients a test needs."""

    ingest: Ingest
    store: SnapshotStore
    registry_channel: Any
    admin_channel: Any
    base_url: str
    http: aiohttp.ClientSession

    def internal(self) -> registry_pb2_grpc.RegistryInternalStub:
        return registry_pb2_grpc.RegistryInternalStub(self.registry_channel)


# Package scope: its in-process dispatcher must be gone before another suite's tests on the
# shared database run, or it claims their deliveries.
@pytest.fixture(scope="package")
async def stack(database_url: str, redis_url: str, db_pool: Any) -> AsyncIterator[Stack]:
    env = common_env(database_url, redis_url)
    registry = await start_registry(
        RegistrySettings.from_env({**env, "SWITCHYARD_REGISTRY_GRPC_PORT": "0"}),
        db_pool,
        with_metrics=False,
    )
    env["SWITCHYARD_REGISTRY_ADDRESS"] = f"127.0.0.1:{registry.port}"
    mapper = await start_mapper(
        MapperSettings.from_env({**env, "SWITCHYARD_MAPPER_GRPC_PORT": "0"}), with_metrics=False
    )
    dispatcher = await start_dispatcher(
        DispatcherSettings.from_env({**env, "SWITCHYARD_DISPATCHER_GRPC_PORT": "0"}),
        db_pool,
        with_metrics=False,
    )
    env["SWITCHYARD_MAPPER_ADDRESS"] = f"127.0.0.1:{mapper.port}"
    env["SWITCHYARD_DISPATCHER_ADDRESS"] = f"127.0.0.1:{dispatcher.port}"
    settings = IngestSettings.from_env(
        {
            **env,
            "SWITCHYARD_INGEST_GRPC_PORT": "0",
            "SWITCHYARD_INGEST_HTTP_PORT": "0",
            "SWITCHYARD_INGEST_MAX_BODY_BYTES": "65536",
        }
    )
    registry_channel = service_channel(env["SWITCHYARD_REGISTRY_ADDRESS"], INTERNAL_TOKEN)
    store = SnapshotStore(registry_pb2_grpc.RegistryInternalStub(registry_channel))
    supervisor = Supervisor()
    supervisor.start("snapshot_watch", store.watch)
    source = StoreSource(store)
    ingest = await start_ingest(
        settings, source, source.synced, pool=db_pool, with_metrics=False
    )
    admin_channel = grpc.aio.insecure_channel(env["SWITCHYARD_REGISTRY_ADDRESS"])
    async with aiohttp.ClientSession() as http:
        yield Stack(
            ingest,
            store,
            registry_channel,
            admin_channel,
            f"http://127.0.0.1:{ingest.http_port}",
            http,
        )
    await admin_channel.close()
    await ingest.stop(1.0)
    await supervisor.stop(1.0)
    await registry_channel.close()
    await dispatcher.stop(1.0)
    await mapper.stop(1.0)
    await registry.stop(1.0)


@dataclass
class Org:
    """An organization configured for one test."""

    id: str
    key: str
    campaign_id: str
    postback_token: str
    stub: Any

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


def keyed(channel: Any, key: str) -> Any:
    stub = registry_pb2_grpc.RegistryStub(channel)
    meta = (("authorization", f"Bearer {key}"),)

    class Keyed:
        def __getattr__(self, name: str) -> Callable[..., Any]:
            method = getattr(stub, name)
            return lambda request, **kw: method(request, metadata=meta, timeout=10, **kw)

    return Keyed()


async def wait_for_version(stack: Stack, organization_id: str, version: int) -> None:
    await wait_for(
        lambda: (held := stack.store.held(organization_id)) is not None and held.version >= version,
        timeout=10,
    )


async def current_version(org: Org) -> int:
    answer = await org.stub.GetSnapshot(registry_pb2.GetSnapshotRequest())
    return int(answer.snapshot.version)


@pytest.fixture
def make_org(stack: Stack) -> Callable[..., Awaitable[Org]]:
    """An organization with one campaign (Lead, Purchase, sale) and a postback integration."""

    async def make(*, strict: bool = False, name: str = "") -> Org:
        internal = stack.internal()
        created = await internal.CreateOrganization(
            registry_pb2.CreateOrganizationRequest(
                organization=config_pb2.Organization(
                    name=name or f"org-{os.urandom(4).hex()}", default_country="US"
                ),
                admin_key_name="admin",
            )
        )
        stub = keyed(stack.admin_channel, created.key)
        campaign = await stub.CreateCampaign(
            registry_pb2.CreateCampaignRequest(campaign=config_pb2.Campaign(name="main"))
        )
        campaign_id = campaign.campaign.id
        await stub.CreateEventDefinition(
            registry_pb2.CreateEventDefinitionRequest(
                event_definition=config_pb2.EventDefinition(name="sale", conversion=True)
            )
        )
        events = await stub.CreateEventList(
            registry_pb2.CreateEventListRequest(event_list=config_pb2.EventList(name="funnel"))
        )
        await stub.AddEventsToList(
            registry_pb2.AddEventsToListRequest(
                event_list_id=events.event_list.id,
                event_names=["Lead", "Purchase", "sale"],
            )
        )
        await stub.AssignEventList(
            registry_pb2.AssignEventListRequest(
                event_list_id=events.event_list.id, campaign_id=campaign_id
            )
        )
        await stub.CreateCustomField(
            registry_pb2.CreateCustomFieldRequest(
                custom_field=config_pb2.CustomField(
                    campaign_id=campaign_id,
                    event_name="sale",
                    name="plan",
                    type=config_pb2.FIELD_TYPE_TEXT,
                    required=True,
                )
            )
        )
        integration = await stub.CreateIntegration(
            registry_pb2.CreateIntegrationRequest(
                integration=config_pb2.Integration(
                    name="network",
                    kind=config_pb2.INTEGRATION_KIND_POSTBACK,
                    campaign_id=campaign_id,
                    enabled=True,
                    strict=strict,
                    event_rules=[config_pb2.EventRule(source="conv", event_name="sale")],
                )
            )
        )
        org = Org(created.organization.id, created.key, campaign_id, integration.token, stub)
        await wait_for_version(stack, org.id, await current_version(org))
        return org

    return make


@pytest.fixture
async def org(make_org: Callable[..., Awaitable[Org]]) -> Org:
    return await make_org()


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    yield client
    await client.aclose()


__all__ = ["Org", "Stack", "common_pb2", "grpc", "wait_for_version"]
