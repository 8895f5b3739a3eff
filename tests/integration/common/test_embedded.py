"""The embedded servers are real: start both, do a round trip, stop them."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import asyncpg

from services.common.embedded import start_postgres, start_redis
from services.common.redis import create_redis, ping


async def test_embedded_postgres_and_redis_round_trip(tmp_path: Path) -> None:
    started = time.monotonic()
    postgres = await asyncio.to_thread(start_postgres, tmp_path)
    redis_server = await asyncio.to_thread(start_redis, tmp_path)
    try:
        assert time.monotonic() - started < 30  # initdb plus start: about a second here
        conn = await asyncpg.connect(postgres.dsn())
        try:
            await conn.execute("CREATE TABLE t (id int PRIMARY KEY, v text)")
            await conn.execute("INSERT INTO t VALUES (1, 'one')")
            assert await conn.fetchval("SELECT v FROM t WHERE id = 1") == "one"
        finally:
            await conn.close()
        client = create_redis(redis_server.url)
        try:
            assert await ping(client)
            await client.set(b"k", b"v")
            assert await client.get(b"k") == b"v"
            config = await client.config_get("appendonly")
            assert {str(k): str(v) for k, v in config.items()} == {"appendonly": "yes"}
        finally:
            await client.aclose()
    finally:
        await asyncio.to_thread(redis_server.stop)
        await asyncio.to_thread(postgres.stop)
    assert redis_server.process.poll() is not None
    assert (tmp_path / "redis" / "appendonlydir").exists() or (
        tmp_path / "redis" / "appendonly.aof"
    ).exists()
