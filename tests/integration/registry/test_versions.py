"""Snapshot versions and the change stream: every commit is a new version, seen within 1 s."""

from __future__ import annotations

import asyncio
import time

import grpc

from services.common.grpc_client import channel as service_channel
from services.registry.app import start
from services.registry.store import Outbound, Store
from services.registry.watch import LISTENER_NAME
from switchyard.v1 import config_pb2, registry_pb2_grpc
from switchyard.v1 import registry_pb2 as rp
from tests.helpers import wait_for
from tests.integration.registry.conftest import INTERNAL_TOKEN, settings_for
from tests.integration.registry.support import campaign, custom_event, expect, version

Code = grpc.StatusCode


async def test_each_mutation_adds_one_and_a_failed_one_adds_nothing(org):
    start = await version(org)
    main = await campaign(org)
    assert await version(org) == start + 1
    await custom_event(org, "sale", main.id)
    assert await version(org) == start + 2
    await expect(Code.ALREADY_EXISTS, campaign(org, "main"))
    await expect(Code.INVALID_ARGUMENT, custom_event(org, "Bad"))
    await expect(Code.NOT_FOUND, org.stub.DeleteCampaign(rp.DeleteCampaignRequest(id=org.id)))
    assert await version(org) == start + 2
    snapshot = (await org.stub.GetSnapshot(rp.GetSnapshotRequest())).snapshot
    resolved = {r.campaign_id: list(r.event_names) for r in snapshot.resolved_campaigns}
    assert "sale" in resolved[main.id]


async def test_concurrent_changes_get_distinct_versions(org):
    start = await version(org)
    await asyncio.gather(*(campaign(org, f"c{i}") for i in range(8)))
    assert await version(org) == start + 8


async def _next_snapshot(call, organization_id, at_least):
    """Read the stream until it carries the organization at `at_least` or later."""
    while True:
        answer = await call.read()
        assert answer is not grpc.aio.EOF
        if answer.snapshot.organization.id == organization_id:
            if answer.snapshot.version >= at_least:
                return answer.snapshot


async def test_watch_sends_what_the_caller_lacks_then_each_commit_within_a_second(
    org, make_org, internal
):
    other = await make_org("Other")
    first = internal.WatchSnapshots(rp.WatchSnapshotsRequest())
    seen = await _next_snapshot(first, org.id, 1)
    assert seen.version == await version(org)
    first.cancel()

    current = await version(org)
    call = internal.WatchSnapshots(
        rp.WatchSnapshotsRequest(known_versions={org.id: current, other.id: await version(other)})
    )
    reader = asyncio.ensure_future(_next_snapshot(call, org.id, current + 1))
    started = time.perf_counter()
    made = await campaign(org, "live")
    snapshot = await asyncio.wait_for(reader, timeout=1.0)
    latency = time.perf_counter() - started
    assert latency < 1.0
    assert snapshot.version == current + 1
    assert [c.id for c in snapshot.campaigns] == [made.id]
    call.cancel()


async def test_the_stream_skips_versions_the_caller_already_holds(org, internal):
    current = await version(org)
    call = internal.WatchSnapshots(rp.WatchSnapshotsRequest(known_versions={org.id: current}))
    await campaign(org, "after")
    snapshot = await asyncio.wait_for(_next_snapshot(call, org.id, 0), timeout=2.0)
    assert snapshot.version == current + 1  # never the version it already had
    call.cancel()


async def test_changes_during_a_lost_listener_connection_still_arrive(
    org, internal, db_pool, registry
):
    current = await version(org)
    call = internal.WatchSnapshots(rp.WatchSnapshotsRequest(known_versions={org.id: current}))
    killed = await db_pool.fetchval(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE application_name = $1 AND datname = current_database()",
        LISTENER_NAME,
    )
    assert killed >= 1
    await wait_for(lambda: not registry.hub.listening.is_set(), timeout=2)
    await campaign(org, "during-gap")
    snapshot = await asyncio.wait_for(_next_snapshot(call, org.id, current + 1), timeout=5.0)
    assert snapshot.version == current + 1
    await wait_for(registry.hub.listening.is_set, timeout=5)
    call.cancel()


async def test_min_version_waits_for_a_version_about_to_commit(org, internal):
    current = await version(org)
    pending = asyncio.ensure_future(
        internal.GetOrganizationSnapshot(
            rp.GetOrganizationSnapshotRequest(organization_id=org.id, min_version=current + 1)
        )
    )
    await campaign(org, "soon")
    answer = await asyncio.wait_for(pending, timeout=2.0)
    assert answer.snapshot.version == current + 1
    await expect(
        Code.FAILED_PRECONDITION,
        internal.GetOrganizationSnapshot(
            rp.GetOrganizationSnapshotRequest(organization_id=org.id, min_version=current + 50)
        ),
    )
    await expect(
        Code.NOT_FOUND,
        internal.GetOrganizationSnapshot(rp.GetOrganizationSnapshotRequest(organization_id="x")),
    )


async def test_snapshots_are_built_once_per_version(org, db_pool):
    store = Store(db_pool, Outbound())
    first = await store.snapshot(org.id)
    assert await store.snapshot(org.id) is first
    await campaign(org, "next")
    second = await store.snapshot(org.id)
    assert second is not first and second.version == first.version + 1
    assert isinstance(second, config_pb2.Snapshot)


async def test_the_stream_says_when_the_caller_holds_every_organization(org, internal):
    """Services report ready on this marker, so a new pod never refuses a valid token."""
    call = internal.WatchSnapshots(rp.WatchSnapshotsRequest())
    seen: set[str] = set()
    while not (message := await asyncio.wait_for(call.read(), timeout=2.0)).synced:
        assert not message.removed_organization_id
        seen.add(message.snapshot.organization.id)
    assert org.id in seen  # every organization came before the marker
    await campaign(org, "after-sync")
    message = await asyncio.wait_for(call.read(), timeout=2.0)
    assert message.snapshot.organization.id == org.id and not message.synced  # sent once
    call.cancel()


async def test_stopping_ends_open_watch_streams_instead_of_waiting_out_the_grace(
    database_url, db_pool
):
    """Every other service holds a stream open; a rolling update must not wait on them."""
    replica = await start(settings_for(database_url), db_pool, with_metrics=False)
    async with service_channel(f"127.0.0.1:{replica.port}", INTERNAL_TOKEN) as chan:
        call = registry_pb2_grpc.RegistryInternalStub(chan).WatchSnapshots(
            rp.WatchSnapshotsRequest()
        )
        while not (await asyncio.wait_for(call.read(), timeout=2.0)).synced:
            pass
        started = time.perf_counter()
        await replica.stop(grace=10.0)
        assert time.perf_counter() - started < 2.0
        assert await asyncio.wait_for(call.read(), timeout=2.0) is grpc.aio.EOF
