"""Postgres pool and schema migrations; each service owns one schema and its migrations folder.

Migrations are plain `NNNN_name.sql` files applied in order, each in its own transaction, under
an advisory lock on the schema so replicas starting together apply each file exactly once.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg

if TYPE_CHECKING:
    from services.common.settings import CommonSettings

_MIGRATION_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class MigrationError(Exception):
    """The migrations folder and the database disagree; an operator must look before we start."""


async def _init_connection(conn: Any) -> None:
    """jsonb and json columns read and write as Python objects."""
    for type_name in ("jsonb", "json"):
        await conn.set_type_codec(
            type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


async def create_pool(
    dsn: str, min_size: int, max_size: int, application_name: str = "switchyard"
) -> Any:
    """An asyncpg pool whose sessions are labelled in pg_stat_activity and decode jsonb."""
    return await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        server_settings={"application_name": application_name},
    )


async def service_pool(common: CommonSettings, application_name: str) -> Any:
    """A service's pool on the configured database, sized by its settings (the launcher sets
    the URL, embedded or not); exits when none is set, since nothing can run without it."""
    if not common.database_url:
        raise SystemExit("SWITCHYARD_DATABASE_URL is not set")
    return await create_pool(
        common.database_url, common.db_pool_min, common.db_pool_max, application_name
    )


@dataclass(frozen=True)
class Migration:
    """One migration file: its version, name, SQL text and the SHA-256 of that text."""

    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """Recorded when applied, so a later edit of an applied file is caught."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(migrations_dir: Path) -> list[Migration]:
    """Every `NNNN_name.sql` in the folder, in version order; a stray .sql name is an error."""
    found: dict[int, Migration] = {}
    for path in sorted(migrations_dir.glob("*.sql")):
        match = _MIGRATION_FILE.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named NNNN_name.sql")
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"{path.name}: version {version} is used twice")
        found[version] = Migration(version, match.group(2), path.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def _quote(identifier: str) -> str:
    if not _IDENTIFIER.match(identifier):
        raise MigrationError(f"{identifier!r} is not a plain lower-case schema name")
    return f'"{identifier}"'


def _lock_key(schema: str) -> int:
    """A stable signed 64-bit advisory lock key for this schema's migrations."""
    digest = hashlib.sha256(f"switchyard.migrate.{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def _lock_and_read(conn: Any, schema: str) -> dict[int, tuple[str, str]]:
    """Inside a transaction: take the schema's lock, ensure the ledger, return what is applied."""
    quoted = _quote(schema)
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _lock_key(schema))
    await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
    await conn.execute(
        f"CREATE TABLE IF NOT EXISTS {quoted}.schema_migrations ("
        " version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())"
    )
    rows = await conn.fetch(f"SELECT version, name, checksum FROM {quoted}.schema_migrations")
    return {row["version"]: (row["name"], row["checksum"]) for row in rows}


def _verify(applied: dict[int, tuple[str, str]], migrations: list[Migration]) -> None:
    """Refuse to run when an applied migration's file is gone or was edited."""
    by_version = {m.version: m for m in migrations}
    problems = []
    for version, (name, checksum) in sorted(applied.items()):
        migration = by_version.get(version)
        if migration is None:
            problems.append(f"{version:04d}_{name}.sql was applied but its file is missing")
        elif (migration.name, migration.checksum) != (name, checksum):
            problems.append(f"{version:04d}_{migration.name}.sql changed after it was applied")
    if problems:
        raise MigrationError("; ".join(problems))


async def _apply_one(conn: Any, schema: str, migration: Migration) -> bool:
    """Apply one migration in its own transaction unless someone already has; True if applied."""
    quoted = _quote(schema)
    async with conn.transaction():
        applied = await _lock_and_read(conn, schema)
        if migration.version in applied:
            return False
        await conn.execute(f"SET LOCAL search_path TO {quoted}, public")
        await conn.execute(migration.sql)
        await conn.execute(
            f"INSERT INTO {quoted}.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
            migration.version,
            migration.name,
            migration.checksum,
        )
    return True


async def _migrate_on(conn: Any, schema: str, migrations: list[Migration]) -> list[str]:
    async with conn.transaction():
        applied = await _lock_and_read(conn, schema)
        _verify(applied, migrations)
    names = []
    for migration in migrations:
        if migration.version not in applied and await _apply_one(conn, schema, migration):
            names.append(f"{migration.version:04d}_{migration.name}")
    return names


async def migrate(pool_or_conn: Any, schema: str, migrations_dir: Path) -> list[str]:
    """Bring `schema` up to date with the folder; return the migrations applied by this call."""
    migrations = load_migrations(migrations_dir)
    if isinstance(pool_or_conn, asyncpg.Pool):
        async with pool_or_conn.acquire() as conn:
            return await _migrate_on(conn, schema, migrations)
    return await _migrate_on(pool_or_conn, schema, migrations)


async def migrate_service(
    common: CommonSettings, schema: str, migrations_dir: Path, application_name: str
) -> list[str]:
    """`python -m services.<name> migrate`: apply a service's migrations on its own pool."""
    pool = await service_pool(common, f"{application_name}-migrate")
    try:
        return await migrate(pool, schema, migrations_dir)
    finally:
        await pool.close()


async def service_database(
    common: CommonSettings,
    application_name: str,
    schema: str,
    migrations_dir: Path,
    pool: Any = None,
) -> tuple[Any, bool]:
    """A service's pool (the given one, else a new one it owns) with its schema migrated, and
    whether the service owns it (and so closes it)."""
    if not common.database_url:  # LISTEN connections need the URL even with a given pool
        raise SystemExit("SWITCHYARD_DATABASE_URL is not set")
    owns = pool is None
    if pool is None:
        pool = await service_pool(common, application_name)
    await migrate(pool, schema, migrations_dir)
    return pool, owns

