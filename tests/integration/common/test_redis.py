from __future__ import annotations

import redis.asyncio as aioredis

from services.common.redis import create_redis, ping
from tests.conftest import REDIS_CLAIM_KEY


async def test_fixture_database_is_claimed_by_this_run(
    redis_url: str, redis_client: aioredis.Redis
) -> None:
    assert int(redis_url.rsplit("/", 1)[1]) in range(1, 16)
    assert await redis_client.exists(REDIS_CLAIM_KEY)  # this run holds the database
    client = create_redis(redis_url)
    try:
        assert await ping(client)
        await client.set(b"bytes", b"\xff\x00")
        assert await redis_client.get(b"bytes") == b"\xff\x00"
    finally:
        await client.delete(b"bytes")
        await client.aclose()
