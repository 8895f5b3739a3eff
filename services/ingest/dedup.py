"""Event id de-duplication in Redis: one pipeline to claim a batch, one to mark it done (law 3).

A claim is `pending:<request id>` for a minute; after the dispatcher commits it becomes `done`
for the organization's dedup window. A failed request releases its claims so the sender's retry
goes through. When Redis is unreachable ingest still accepts: availability wins, and the
dispatcher's durable event id record answers DUPLICATE for anything already committed.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from services.common.logging import get_logger

PENDING_PREFIX = b"pending:"
DONE = b"done"
CLAIM_SECONDS = 60
# Delete a claim only while it is still ours: an expired claim may belong to someone else now.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""

log = get_logger(__name__)


class Claim(enum.Enum):
    """What a claim attempt found."""

    CLAIMED = "claimed"
    DONE = "done"
    IN_FLIGHT = "in_flight"
    UNCHECKED = "unchecked"


def dedup_key(organization_id: str, event_id: str) -> str:
    """The Redis key of one organization's event id."""
    return f"dedup:{organization_id}:{event_id}"


class Dedup:
    """Claims, finishes and releases event ids, a batch at a time."""

    def __init__(self, client: aioredis.Redis, claim_seconds: int = CLAIM_SECONDS) -> None:
        self._client = client
        self._claim_seconds = claim_seconds
        self._release = client.register_script(_RELEASE)

    async def claim(self, keys: Sequence[tuple[str, str]], request_id: str) -> list[Claim]:
        """Claim each (organization, event id) for `request_id`, in one pipeline."""
        if not keys:
            return []
        token = PENDING_PREFIX + request_id.encode()
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for organization_id, event_id in keys:
                    key = dedup_key(organization_id, event_id)
                    pipe.set(key, token, nx=True, ex=self._claim_seconds)
                    pipe.get(key)
                answers: list[Any] = await pipe.execute()
        except (RedisError, OSError) as err:
            log.warning("dedup_unavailable", error=type(err).__name__, events=len(keys))
            return [Claim.UNCHECKED] * len(keys)
        claims = []
        for was_set, value in zip(answers[::2], answers[1::2], strict=True):
            if was_set:
                claims.append(Claim.CLAIMED)
            elif value == DONE:
                claims.append(Claim.DONE)
            elif value is None:
                claims.append(Claim.UNCHECKED)  # expired between SET and GET: rare, harmless
            else:
                claims.append(Claim.IN_FLIGHT)
        return claims

    async def finish(self, entries: Sequence[tuple[str, str, int]]) -> None:
        """Mark (organization, event id, window seconds) done, after the dispatcher committed."""
        if not entries:
            return
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for organization_id, event_id, window in entries:
                    pipe.set(dedup_key(organization_id, event_id), DONE, ex=max(window, 1))
                await pipe.execute()
        except (RedisError, OSError) as err:
            # The events are committed; the dispatcher's record still catches a resend.
            log.warning("dedup_finish_failed", error=type(err).__name__, events=len(entries))

    async def release(self, keys: Sequence[tuple[str, str]], request_id: str) -> None:
        """Drop claims this request still holds, so the sender's retry goes through."""
        if not keys:
            return
        token = PENDING_PREFIX + request_id.encode()
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for organization_id, event_id in keys:
                    await self._release(
                        keys=[dedup_key(organization_id, event_id)], args=[token], client=pipe
                    )
                await pipe.execute()
        except (RedisError, OSError) as err:
            log.warning("dedup_release_failed", error=type(err).__name__, events=len(keys))
