"""The snapshot change stream: one LISTEN connection per process, fanned out to every watcher.

Committed mutations notify `switchyard_registry` with `<org>:<version>`. The listener passes each
new version to every open WatchSnapshots stream through its own queue. Notifications sent while
the listener was disconnected are lost, so after every (re)connect it compares each
organization's stored version with the last one it broadcast and announces the differences.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

import asyncpg

from services.common.logging import get_logger
from services.registry.store import NOTIFY_CHANNEL, Store
from switchyard.v1 import registry_pb2

REMOVED = -1
SYNCED = ""  # queue sentinel: the stream's initial snapshots are all out
CLOSED = "\0"  # queue sentinel: the process is stopping; end the stream
LISTENER_NAME = "switchyard-registry-listener"
log = get_logger(__name__)


class SnapshotHub:
    """Receives committed versions and hands them to every subscribed stream."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._queues: set[asyncio.Queue[tuple[str, int]]] = set()
        self._broadcast: dict[str, int] = {}
        self.listening = asyncio.Event()

    def subscribe(self) -> asyncio.Queue[tuple[str, int]]:
        queue: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
        self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[tuple[str, int]]) -> None:
        self._queues.discard(queue)

    def close(self) -> None:
        """End every open stream, so a stopping server need not wait out its grace period for
        watchers that would never finish; they reconnect to another replica."""
        for queue in self._queues:
            queue.put_nowait((CLOSED, 0))

    def publish(self, organization_id: str, version: int) -> None:
        """Announce a version (or REMOVED) unless an equal or newer one was announced."""
        last = self._broadcast.get(organization_id, 0)
        if version != REMOVED and version <= last:
            return
        self._broadcast[organization_id] = version
        for queue in self._queues:
            queue.put_nowait((organization_id, version))

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        organization_id, _, version = payload.partition(":")
        if version.isdigit():
            self.publish(organization_id, int(version))

    async def catch_up(self) -> None:
        """Announce every version that differs from the last broadcast (after a gap)."""
        versions = await self._store.versions()
        for organization_id, version in versions.items():
            self.publish(organization_id, version)
        for organization_id in set(self._broadcast) - set(versions):
            if self._broadcast[organization_id] != REMOVED:
                self.publish(organization_id, REMOVED)

    async def listen(self, dsn: str) -> None:
        """Hold a LISTEN connection until it breaks (the supervisor then starts a new one)."""
        conn = await asyncpg.connect(dsn, server_settings={"application_name": LISTENER_NAME})
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        try:
            await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
            await self.catch_up()
            self.listening.set()
            log.info("snapshot_listener_started")
            await lost.wait()
            raise ConnectionError("the LISTEN connection to Postgres was lost")
        finally:
            self.listening.clear()
            await conn.close(timeout=2)

    async def stream(
        self, known_versions: Mapping[str, int]
    ) -> AsyncIterator[registry_pb2.WatchSnapshotsResponse]:
        """Every organization's snapshot the caller lacks, then each new version as it commits."""
        queue = self.subscribe()  # before reading versions, so nothing falls between
        try:
            sent = dict(known_versions)
            for organization_id, version in (await self._store.versions()).items():
                if sent.get(organization_id) != version:
                    queue.put_nowait((organization_id, version))
            queue.put_nowait((SYNCED, 0))
            while True:
                organization_id, version = await queue.get()
                if organization_id == CLOSED:
                    return
                if organization_id == SYNCED:
                    yield registry_pb2.WatchSnapshotsResponse(synced=True)
                    continue
                if version == REMOVED:
                    sent.pop(organization_id, None)
                    yield registry_pb2.WatchSnapshotsResponse(
                        removed_organization_id=organization_id
                    )
                    continue
                if sent.get(organization_id, 0) >= version:
                    continue
                snapshot = await self._store.snapshot(organization_id)
                sent[organization_id] = snapshot.version
                yield registry_pb2.WatchSnapshotsResponse(snapshot=snapshot)
        finally:
            self.unsubscribe(queue)
