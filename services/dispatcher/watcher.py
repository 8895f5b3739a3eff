"""Listening for what others know: the registry's snapshot stream and peers' queue notices.

When a destination's credentials_version grows past the version that was refused, its parked
backlog is released and the poller woken, so it flows by itself. The dispatcher works without
a reachable registry: the stream is retried in the background.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import grpc

from services.common.logging import get_logger
from services.dispatcher.credentials import CredentialStore
from services.dispatcher.repository import Repository
from services.dispatcher.worker import Worker
from switchyard.v1 import registry_pb2, registry_pb2_grpc

CHANNEL = "switchyard_dispatcher"
log = get_logger(__name__)


async def apply_snapshot(
    snapshot: Any, repository: Repository, credentials: CredentialStore, worker: Worker
) -> list[str]:
    """Note the destinations' credential versions; un-park those with newer ones."""
    versions = [(d.id, d.credentials_version) for d in snapshot.destinations]
    for destination_id, version in versions:
        credentials.note_version(destination_id, version)
    cleared = await repository.clear_needs_credentials(versions) if versions else []
    if cleared:
        log.info("destination_credentials_renewed", destination_ids=cleared)
        worker.wake()
    return cleared


async def watch_snapshots(
    channel: Any,
    internal_token: str,
    repository: Repository,
    credentials: CredentialStore,
    worker: Worker,
    retry_seconds: float = 2.0,
) -> None:
    """Follow RegistryInternal.WatchSnapshots for good, reconnecting after a pause."""
    stub = registry_pb2_grpc.RegistryInternalStub(channel)
    metadata = (("authorization", f"Bearer {internal_token}"),)
    known: dict[str, int] = {}
    while True:
        try:
            stream = stub.WatchSnapshots(
                registry_pb2.WatchSnapshotsRequest(known_versions=known), metadata=metadata
            )
            async for message in stream:
                if message.HasField("snapshot"):
                    snapshot = message.snapshot
                    known[snapshot.organization.id] = snapshot.version
                    await apply_snapshot(snapshot, repository, credentials, worker)
                elif message.removed_organization_id:
                    known.pop(message.removed_organization_id, None)
        except grpc.aio.AioRpcError as err:
            log.info(
                "snapshot_watch_unavailable", code=err.code().name, retry_in_seconds=retry_seconds
            )
        await asyncio.sleep(retry_seconds)  # reconnect backoff


async def listen_for_work(dsn: str, instance_id: str, worker: Worker) -> None:
    """LISTEN for other replicas' enqueues and redeliveries; reconnect when the link drops."""
    while True:
        conn = await asyncpg.connect(dsn)
        closed = asyncio.Event()

        def on_notice(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
            if payload != instance_id:
                worker.wake()

        conn.add_termination_listener(lambda _conn, done=closed: done.set())
        try:
            await conn.add_listener(CHANNEL, on_notice)
            worker.wake()  # anything committed while we were not listening
            await closed.wait()
            log.info("work_listener_reconnecting")
        finally:
            await conn.close()
