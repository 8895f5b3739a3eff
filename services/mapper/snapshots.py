"""Every organization's snapshot in memory, kept current by the registry's change stream.

`watch()` is one WatchSnapshots session, run under the supervisor: it sends the versions held
(so a reconnect resends only what changed) and raises when the stream ends, so the supervisor
reconnects with backoff. `get()` answers from memory, and when a caller needs a newer version
than the stream has delivered yet, asks GetOrganizationSnapshot — at most one call in flight per
organization, shared by every waiting request.
"""

from __future__ import annotations

import asyncio
from typing import Any

import grpc

from services.common.errors import NotFound, Unavailable
from services.common.logging import get_logger
from services.mapper.snapshot_index import SnapshotIndex
from switchyard.v1 import config_pb2, registry_pb2

log = get_logger(__name__)
FETCH_TIMEOUT_SECONDS = 10.0


class SnapshotStore:
    """Indexed snapshots by organization id, newest version wins."""

    def __init__(self, stub: Any, fetch_timeout: float = FETCH_TIMEOUT_SECONDS) -> None:
        self._stub = stub  # RegistryInternalStub on a channel that sends the internal token
        self._fetch_timeout = fetch_timeout
        self._indexes: dict[str, SnapshotIndex] = {}
        self._fetches: dict[str, asyncio.Task[SnapshotIndex]] = {}
        self.streamed = 0
        # Set once a stream has delivered every organization the registry held when it opened.
        self.synced = asyncio.Event()

    def put(self, snapshot: config_pb2.Snapshot) -> SnapshotIndex:
        """Hold a snapshot unless a newer one is already held; return what is held."""
        organization_id = snapshot.organization.id
        held = self._indexes.get(organization_id)
        if held is not None and held.version >= snapshot.version:
            return held
        index = SnapshotIndex(snapshot)
        self._indexes[organization_id] = index
        return index

    def remove(self, organization_id: str) -> None:
        """Forget a removed organization."""
        self._indexes.pop(organization_id, None)

    def held(self, organization_id: str) -> SnapshotIndex | None:
        """The snapshot held for an organization, if any."""
        return self._indexes.get(organization_id)

    def known_versions(self) -> dict[str, int]:
        """Version held per organization, as WatchSnapshots wants it."""
        return {org: index.version for org, index in self._indexes.items()}

    async def get(self, organization_id: str, min_version: int = 0) -> SnapshotIndex:
        """A snapshot at least `min_version` new, fetched from the registry if not held."""
        while True:
            held = self._indexes.get(organization_id)
            if held is not None and held.version >= min_version:
                return held
            fetch = self._fetches.get(organization_id)
            if fetch is None:
                fetch = asyncio.create_task(self._fetch(organization_id, min_version))
                self._fetches[organization_id] = fetch
                fetch.add_done_callback(lambda _t: self._fetches.pop(organization_id, None))
            # Shielded: one caller giving up must not cancel the fetch others wait on.
            index = await asyncio.shield(fetch)
            if index.version >= min_version:
                return index
            # That fetch was for an older version than this caller needs: go again.

    async def _fetch(self, organization_id: str, min_version: int) -> SnapshotIndex:
        request = registry_pb2.GetOrganizationSnapshotRequest(
            organization_id=organization_id, min_version=min_version
        )
        try:
            answer = await self._stub.GetOrganizationSnapshot(request, timeout=self._fetch_timeout)
        except grpc.aio.AioRpcError as err:
            raise _domain_error(err, organization_id, min_version) from err
        log.info(
            "snapshot_fetched", organization_id=organization_id, version=answer.snapshot.version
        )
        return self.put(answer.snapshot)

    async def watch(self) -> None:
        """One WatchSnapshots session: apply every message, raise when the stream ends."""
        request = registry_pb2.WatchSnapshotsRequest(known_versions=self.known_versions())
        call = self._stub.WatchSnapshots(request)
        try:
            async for message in call:
                if message.synced:
                    self.synced.set()
                    continue
                if message.removed_organization_id:
                    self.remove(message.removed_organization_id)
                    log.info("snapshot_removed", organization_id=message.removed_organization_id)
                    continue
                index = self.put(message.snapshot)
                self.streamed += 1
                log.info(
                    "snapshot_applied", organization_id=index.organization_id, version=index.version
                )
        finally:
            call.cancel()
        raise ConnectionError("the registry ended the snapshot stream")


def _domain_error(err: grpc.aio.AioRpcError, organization_id: str, version: int) -> Exception:
    """What a failed snapshot fetch means to the Map caller."""
    code = err.code()
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFound(f"organization {organization_id} does not exist")
    if code == grpc.StatusCode.FAILED_PRECONDITION:
        return Unavailable(
            f"configuration version {version} of organization {organization_id} "
            "is not available yet",
            1.0,
        )
    return Unavailable("the registry cannot serve configuration right now", 1.0)
