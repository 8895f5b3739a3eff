"""Redis client factory: one connection pool per process, bytes in and out."""

from __future__ import annotations

import redis.asyncio as aioredis


def create_redis(url: str) -> aioredis.Redis:
    """A client for `url` (redis://host:port/db); raw bytes, so callers choose their encoding."""
    return aioredis.Redis.from_url(url, decode_responses=False, health_check_interval=30)


async def ping(client: aioredis.Redis) -> bool:
    """True when Redis answers; lets a service wait for it at start and report readiness."""
    return bool(await client.ping())
