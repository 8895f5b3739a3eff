"""SnapshotStore against the real registry: one fetch per organization, resumable stream."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc

from services.common.grpc_client import channel as grpc_channel
from services.mapper.snapshots import SnapshotStore
from services.registry.app import Registry
from services.registry.app import start as start_registry
from services.registry.config import RegistrySettings
from switchyard.v1 import config_pb2, registry_pb2, registry_pb2_grpc
from tests.helpers import wait_for
from tests.integration.mapper.conftest import CREDENTIALS_KEY, INTERNAL, INTERNAL_TOKEN


class Recording:
    """The real RegistryInternal stub, recording the requests the store sends through it."""

    def __init__(self, stub: Any) -> None:
        self._stub = stub
        self.fetches: list[registry_pb2.GetOrganizationSnapshotRequest] = []
        self.watches: list[registry_pb2.WatchSnapshotsRequest] = []

    def GetOrganizationSnapshot(self, request: Any, **kw: Any) -> Any:
        self.fetches.append(request)
        return self._stub.GetOrganizationSnapshot(request, **kw)

    def WatchSnapshots(self, request: Any, **kw: Any) -> Any:
        self.watches.append(request)
        return self._stub.WatchSnapshots(request, **kw)


async def new_org(registry_internal: Any, name: str) -> str:
    answer = await registry_internal.CreateOrganization(
        registry_pb2.CreateOrganizationRequest(
            organization=config_pb2.Organization(name=name), admin_key_name="admin"
        ),
        metadata=INTERNAL,
    )
    return str(answer.organization.id)


async def test_concurrent_requests_share_one_fetch(
    mapper_registry: Registry, registry_internal: Any
) -> None:
    org_id = await new_org(registry_internal, "Fetch Once")
    async with grpc_channel(f"127.0.0.1:{mapper_registry.port}", INTERNAL_TOKEN) as chan:
        recording = Recording(registry_pb2_grpc.RegistryInternalStub(chan))
        store = SnapshotStore(recording)
        indexes = await asyncio.gather(*(store.get(org_id) for _ in range(20)))
        assert {index.organization_id for index in indexes} == {org_id}
        assert len(recording.fetches) == 1
        await store.get(org_id)  # held now: no second fetch
        assert len(recording.fetches) == 1


async def test_a_resumed_stream_sends_the_versions_already_held(
    mapper_registry: Registry, registry_internal: Any
) -> None:
    org_id = await new_org(registry_internal, "Resume")
    async with grpc_channel(f"127.0.0.1:{mapper_registry.port}", INTERNAL_TOKEN) as chan:
        recording = Recording(registry_pb2_grpc.RegistryInternalStub(chan))
        store = SnapshotStore(recording)
        first = asyncio.create_task(store.watch())
        try:
            held = await wait_for(lambda: store.held(org_id))
        finally:
            first.cancel()
            await asyncio.gather(first, return_exceptions=True)
        second = asyncio.create_task(store.watch())
        try:
            await wait_for(lambda: len(recording.watches) == 2)
        finally:
            second.cancel()
            await asyncio.gather(second, return_exceptions=True)
    assert dict(recording.watches[0].known_versions) == {}
    assert dict(recording.watches[1].known_versions)[org_id] == held.version


async def test_stream_end_is_an_error_so_the_supervisor_reconnects(
    database_url: str, db_pool: Any, registry_internal: Any
) -> None:
    """A registry that goes away ends watch() with an exception, never a silent return."""
    settings = RegistrySettings.from_env(
        {
            "SWITCHYARD_DATABASE_URL": database_url,
            "SWITCHYARD_REGISTRY_GRPC_PORT": "0",
            "SWITCHYARD_INTERNAL_TOKEN": INTERNAL_TOKEN,
            "SWITCHYARD_CREDENTIALS_KEY": CREDENTIALS_KEY,
        }
    )
    await new_org(registry_internal, "Stream End")  # so the stream has something to send
    doomed = await start_registry(settings, db_pool, with_metrics=False)
    async with grpc_channel(f"127.0.0.1:{doomed.port}", INTERNAL_TOKEN) as chan:
        store = SnapshotStore(registry_pb2_grpc.RegistryInternalStub(chan))
        task = asyncio.create_task(store.watch())
        await wait_for(lambda: store.streamed > 0)  # the run's organizations arrive first
        await doomed.stop(0)
        done, _ = await asyncio.wait({task}, timeout=10)
    assert task in done and not task.cancelled()
    assert isinstance(task.exception(), grpc.aio.AioRpcError | ConnectionError)
