"""Test infrastructure against real servers: the machine's Postgres and Redis, else embedded ones.

Each run gets a fresh Postgres database (dropped at the end) and a Redis database number it
claims for itself (flushed at start and end), so parallel runs on one machine do not collide.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
import redis.asyncio as aioredis

from services.common.db import create_pool
from services.common.embedded import start_postgres, start_redis

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379"
REDIS_CLAIM_KEY = b"switchyard:test:claimed_by"
REDIS_CLAIM_SECONDS = 3600
# Set to 1 to run against embedded servers even where local ones listen (a new user's machine).
FORCE_EMBEDDED = os.environ.get("SWITCHYARD_TEST_EMBEDDED") == "1"


async def _postgres_answers(dsn: str) -> bool:
    if FORCE_EMBEDDED:
        return False
    try:
        conn = await asyncpg.connect(dsn, timeout=2)
    except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return False
    await conn.close()
    return True


async def _redis_answers(url: str) -> bool:
    if FORCE_EMBEDDED:
        return False
    client = aioredis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        return bool(await client.ping())
    except (OSError, aioredis.RedisError):
        return False
    finally:
        await client.aclose()


def _with_database(dsn: str, database: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.fixture(scope="session")
def embedded_dir() -> Iterator[Path]:
    """Where embedded servers keep their data when the machine has none running.

    Not under pytest's tmp folder: that is private to its owner, and when the tests run as root
    pgserver runs PostgreSQL as an unprivileged user who must reach the data folder.
    """
    folder = Path(tempfile.mkdtemp(prefix="switchyard-embedded-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
async def postgres_admin_dsn(embedded_dir: Path) -> AsyncIterator[str]:
    """A superuser DSN on the machine's Postgres, or on an embedded one started for the run."""
    if await _postgres_answers(LOCAL_POSTGRES):
        yield LOCAL_POSTGRES
        return
    server = await asyncio.to_thread(start_postgres, embedded_dir)
    try:
        yield server.dsn()
    finally:
        await asyncio.to_thread(server.stop)


@pytest.fixture(scope="session")
async def database_url(postgres_admin_dsn: str) -> AsyncIterator[str]:
    """A database created for this test run and dropped after it."""
    name = f"switchyard_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(postgres_admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield _with_database(postgres_admin_dsn, name)
    admin = await asyncpg.connect(postgres_admin_dsn)
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def redis_server_url(embedded_dir: Path) -> AsyncIterator[str]:
    """The machine's Redis, or an embedded one started for the run (no database number)."""
    if await _redis_answers(LOCAL_REDIS):
        yield LOCAL_REDIS
        return
    server = await asyncio.to_thread(start_redis, embedded_dir)
    try:
        yield server.url.rsplit("/", 1)[0]
    finally:
        await asyncio.to_thread(server.stop)


async def _claim_redis_db(server_url: str, run_id: str) -> int:
    """Claim a free Redis database number 1..15 for this run (SET NX of a claim key)."""
    for db in random.sample(range(1, 16), 15):
        client = aioredis.Redis.from_url(f"{server_url}/{db}")
        try:
            if await client.set(REDIS_CLAIM_KEY, run_id, nx=True, ex=REDIS_CLAIM_SECONDS):
                return db
        finally:
            await client.aclose()
    raise RuntimeError("every Redis database 1..15 is claimed by another test run")


async def _flush_keeping_claim(client: aioredis.Redis, run_id: str) -> None:
    await client.flushdb()
    await client.set(REDIS_CLAIM_KEY, run_id, ex=REDIS_CLAIM_SECONDS)


@pytest.fixture(scope="session")
async def redis_url(redis_server_url: str) -> AsyncIterator[str]:
    """A Redis URL on a database number this run has to itself, flushed at start and end."""
    run_id = f"{os.getpid()}_{secrets.token_hex(4)}"
    db = await _claim_redis_db(redis_server_url, run_id)
    url = f"{redis_server_url}/{db}"
    client = aioredis.Redis.from_url(url)
    try:
        await _flush_keeping_claim(client, run_id)
        yield url
        await client.flushdb()
    finally:
        await client.aclose()


@pytest.fixture(scope="session")
async def db_pool(database_url: str) -> AsyncIterator[Any]:
    """An asyncpg pool on the run's database (jsonb decodes to Python objects)."""
    pool = await create_pool(database_url, min_size=1, max_size=10, application_name="tests")
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    """A bytes Redis client on the run's database."""
    client = aioredis.Redis.from_url(redis_url, decode_responses=False)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture(scope="session")
def span_exporter() -> Any:
    """Spans of this test process, recorded in memory (tracing's provider is global, set once)."""
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from services.common.tracing import configure_tracing

    exporter = InMemorySpanExporter()
    configure_tracing("tests", None, exporter=exporter)
    return exporter
