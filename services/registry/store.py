"""Transactions over one organization's configuration, and its versioned snapshots.

Every mutation runs in one transaction that first bumps `organizations.config_version` (the row
lock this takes serializes concurrent changes of one organization), reads the organization's
state, writes, and ends with `pg_notify('switchyard_registry', '<org>:<version>')`. Postgres
delivers a notification only at commit, so a watcher never sees a version that rolls back, and
a failed mutation leaves the version unchanged.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from services.common.crypto import CredentialCipher
from services.common.errors import FailedPrecondition, NotFound
from services.common.ssrf import Network
from services.registry import repository as repo
from services.registry.state import OrgState, finish_snapshot
from switchyard.v1 import config_pb2

NOTIFY_CHANNEL = "switchyard_registry"
SNAPSHOT_CACHE_SIZE = 256


@dataclass(frozen=True)
class Outbound:
    """What configuration checks need from the environment: the allow list and the cipher."""

    allow: tuple[Network, ...] = ()
    cipher: CredentialCipher | None = None

    def require_cipher(self) -> CredentialCipher:
        """The cipher, or FAILED_PRECONDITION telling the operator how to configure one."""
        if self.cipher is None:
            raise FailedPrecondition(
                "credentials cannot be stored: set SWITCHYARD_CREDENTIALS_KEY "
                "(base64 of 32 random bytes) on the registry"
            )
        return self.cipher


@dataclass
class Tx:
    """One open mutation: its connection, the organization's state and the outbound policy."""

    conn: Any
    organization_id: str
    state: OrgState
    outbound: Outbound

    @property
    def allow(self) -> Sequence[Network]:
        return self.outbound.allow

    async def reload(self) -> OrgState:
        """Re-read the state after writes, so later checks and answers see them."""
        self.state = await repo.load_state(self.conn, self.organization_id)
        return self.state


class Store:
    """Opens mutations and reads; caches built snapshots per (organization, version)."""

    def __init__(self, pool: Any, outbound: Outbound) -> None:
        self.pool = pool
        self.outbound = outbound
        self._snapshots: OrderedDict[tuple[str, int], config_pb2.Snapshot] = OrderedDict()

    @asynccontextmanager
    async def mutation(self, organization_id: str) -> AsyncIterator[Tx]:
        """A transaction that commits as the organization's next version and announces it."""
        async with self.pool.acquire() as conn, conn.transaction():
            version = await self.bump(conn, organization_id)
            state = await repo.load_state(conn, organization_id)
            yield Tx(conn, organization_id, state, self.outbound)
            await announce(conn, organization_id, version)

    @staticmethod
    async def bump(conn: Any, organization_id: str) -> int:
        """Take the organization's lock and its next version; NotFound for an unknown one."""
        if not repo.is_uuid(organization_id):
            raise NotFound("no such organization")
        version = await repo.fetchval(conn, "bump_version", organization_id)
        if version is None:
            raise NotFound("no such organization")
        return int(version)

    async def state(self, organization_id: str) -> OrgState:
        """The organization's stored configuration, read consistently."""
        if not repo.is_uuid(organization_id):
            raise NotFound("no such organization")
        async with repo.read_transaction(self.pool) as conn:
            return await repo.load_state(conn, organization_id)

    async def snapshot(self, organization_id: str) -> config_pb2.Snapshot:
        """The organization's current snapshot, built once per version."""
        if not repo.is_uuid(organization_id):
            raise NotFound("no such organization")
        async with self.pool.acquire() as conn:
            version = await repo.fetchval(conn, "organization_version", organization_id)
        if version is None:
            raise NotFound("no such organization")
        cached = self._snapshots.get((organization_id, version))
        if cached is not None:
            return cached
        state = await self.state(organization_id)
        return self.remember(state)

    def remember(self, state: OrgState) -> config_pb2.Snapshot:
        """Cache a freshly read state as the snapshot of its version."""
        snapshot = finish_snapshot(state.snapshot)
        key = (state.organization_id, snapshot.version)
        self._snapshots[key] = snapshot
        self._snapshots.move_to_end(key)
        while len(self._snapshots) > SNAPSHOT_CACHE_SIZE:
            self._snapshots.popitem(last=False)
        return snapshot

    async def versions(self) -> dict[str, int]:
        """Every organization's current version."""
        async with self.pool.acquire() as conn:
            rows = await repo.fetch(conn, "organization_versions")
        return {row["id"]: int(row["config_version"]) for row in rows}


async def announce(conn: Any, organization_id: str, version: int) -> None:
    """Queue the notification that goes out when the transaction commits."""
    await repo.execute(conn, "notify_version", organization_id, version)


def require(found: Any, what: str) -> Any:
    """The object, or NOT_FOUND naming what was asked for (other tenants' objects look absent)."""
    if found is None:
        raise NotFound(f"no such {what}")
    return found
