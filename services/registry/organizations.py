"""Organizations and their API keys, and the key resolver every registry call checks.

Keys are shown once: only their SHA-256 and a short prefix are stored. A new organization gets
the built-in events as rows (see catalog.py) in the same transaction that creates it.
"""

from __future__ import annotations

from typing import Any

from services.common.auth import Caller
from services.common.crypto import hash_api_key, new_api_key
from services.common.errors import InvalidArgument, Problem
from services.registry import repository as repo
from services.registry import rules
from services.registry.catalog import seed_events
from services.registry.store import Tx, announce, require
from switchyard.v1 import config_pb2

PREFIX_LENGTH = 12


async def create_organization(
    conn: Any, organization: config_pb2.Organization, key_name: str
) -> tuple[config_pb2.Organization, config_pb2.ApiKey, str]:
    """Insert an organization with its built-in events and first admin key (one transaction)."""
    org = config_pb2.Organization()
    org.CopyFrom(organization)
    org.default_country = org.default_country.upper()
    org.dedup_window_seconds = org.dedup_window_seconds or rules.DEFAULT_DEDUP_WINDOW
    problems = rules.organization(org, "organization")
    problems += rules.display_name(key_name or "admin", "admin_key_name")
    if problems:
        raise InvalidArgument(problems)
    async with conn.transaction():
        row = await repo.fetchrow(
            conn, "insert_organization", org.name, org.default_country, org.dedup_window_seconds
        )
        seeds = seed_events()
        await repo.execute(
            conn,
            "insert_events",
            row["id"],
            [s.name for s in seeds],
            [s.kind for s in seeds],
            [s.description for s in seeds],
            [s.conversion for s in seeds],
            [s.multi_trigger for s in seeds],
        )
        api_key, key = await insert_api_key(conn, row["id"], key_name or "admin", "admin")
        await announce(conn, row["id"], row["config_version"])
    return repo.organization_pb(row), api_key, key


async def bootstrap_organization(
    pool: Any, name: str, country: str = ""
) -> tuple[config_pb2.Organization, str]:
    """Create an organization and return it with its first admin key (shown only this once)."""
    async with pool.acquire() as conn:
        org, _, key = await create_organization(
            conn, config_pb2.Organization(name=name, default_country=country), "bootstrap admin"
        )
    return org, key


async def insert_api_key(
    conn: Any, organization_id: str, name: str, role: str
) -> tuple[config_pb2.ApiKey, str]:
    """Store a new key's hash and prefix; return its public record and the key itself."""
    key = new_api_key(role)
    row = await repo.fetchrow(
        conn, "insert_api_key", organization_id, name, role, key[:PREFIX_LENGTH], hash_api_key(key)
    )
    return repo.api_key_pb(row), key


async def create_api_key(
    pool: Any, organization_id: str, name: str, role: int
) -> tuple[config_pb2.ApiKey, str]:
    """A new admin or ingest key for the organization."""
    word = repo.ROLES.get(role)  # type: ignore[call-overload]
    problems = rules.display_name(name, "name")
    if word is None:
        problems.append(Problem("role", "must be admin or ingest"))
    if problems:
        raise InvalidArgument(problems)
    async with pool.acquire() as conn:
        return await insert_api_key(conn, organization_id, name, word)


async def list_api_keys(pool: Any, organization_id: str) -> list[config_pb2.ApiKey]:
    async with pool.acquire() as conn:
        return [
            repo.api_key_pb(r) for r in await repo.fetch(conn, "list_api_keys", organization_id)
        ]


async def revoke_api_key(pool: Any, organization_id: str, key_id: str) -> config_pb2.ApiKey:
    """Revoke at once: the registry checks keys against its table on every call."""
    if not repo.is_uuid(key_id):
        require(None, "API key")
    async with pool.acquire() as conn:
        row = await repo.fetchrow(conn, "revoke_api_key", organization_id, key_id)
    return repo.api_key_pb(require(row, "API key"))


async def update_organization(tx: Tx, organization: config_pb2.Organization) -> None:
    org = config_pb2.Organization()
    org.CopyFrom(organization)
    org.default_country = org.default_country.upper()
    org.dedup_window_seconds = org.dedup_window_seconds or rules.DEFAULT_DEDUP_WINDOW
    problems = rules.organization(org, "organization")
    if problems:
        raise InvalidArgument(problems)
    await repo.execute(
        tx.conn,
        "update_organization",
        tx.organization_id,
        org.name,
        org.default_country,
        org.dedup_window_seconds,
    )


class DatabaseKeyResolver:
    """Resolves API keys from the registry's own table (a `KeyResolver`)."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    async def resolve(self, key: str) -> Caller | None:
        async with self._pool.acquire() as conn:
            row = await repo.fetchrow(conn, "authenticate_key", hash_api_key(key))
        if row is None:
            return None
        return Caller(row["organization_id"], row["role"], row["id"])
