"""No loss under chaos: steady traffic through the HTTP gateway while each service is killed
with SIGKILL and restarted, Redis is restarted and Postgres is restarted, in turn.

Senders retry every request that was not acknowledged (connection errors, timeouts, 5xx, 503
with Retry-After) with the same event id until it is. At the end: every acknowledged event
reached every destination it maps to at least once (counted by event id at the receiving
server), nothing reached a destination without being acknowledged, duplicates at the receiver
are counted and printed (allowed only as at-least-once effects), and no delivery is stuck.

The default run is short (SWITCHYARD_CHAOS_SECONDS, default 25 s of traffic: one round of
faults). For a longer soak: `SWITCHYARD_CHAOS_SECONDS=600 pytest -m slow tests/chaos`, which
repeats the round of faults until the time is up.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import aiohttp
import pytest

from services.demo.platform_server import PlatformServer
from tests.chaos.conftest import ChaosStack
from tests.chaos.traffic import (
    SECONDS,
    SENDERS,
    Gateways,
    Traffic,
    acked_more,
    chaos_document,
    check_delivered,
    explain,
    sender,
    summary,
)
from tests.stack import Org, settle

pytestmark = [pytest.mark.slow, pytest.mark.timeout(SECONDS * 3 + 240)]


def _faults(chaos: ChaosStack) -> list[tuple[str, Callable[[], Awaitable[None]]]]:
    services = chaos.services

    def kill_and_restart(name: str) -> Callable[[], Awaitable[None]]:
        async def fault() -> None:
            await services.kill(name)
            await services.restart(name)

        return fault

    faults = [(f"kill {name}", kill_and_restart(name)) for name in
              ("registry", "mapper", "dispatcher", "ingest")]  # fmt: skip
    faults.append(("restart redis", chaos.restart_redis))
    faults.append(("restart postgres", chaos.restart_postgres))
    return faults


async def test_no_acknowledged_event_is_lost_while_everything_is_restarted(
    chaos_stack: ChaosStack, platforms: PlatformServer
) -> None:
    services = chaos_stack.services
    org: Org = await services.create_org(chaos_document(platforms))
    token = org.tokens["network"]
    path = f"/v1/postback/{token}"
    gateways = Gateways(services.http_url)
    traffic = Traffic()
    stop = asyncio.Event()
    done_faults: list[str] = []
    async with aiohttp.ClientSession() as http:
        await services.wait_for_token(http, token)
        senders = [
            asyncio.create_task(sender(http, gateways, path, traffic, stop)) for _ in range(SENDERS)
        ]
        started = time.monotonic()
        try:
            await _run_faults(chaos_stack, traffic, started, done_faults)
            # Traffic flows again after the last fault before the senders stop.
            await acked_more(traffic, 30)
        finally:
            stop.set()
            await asyncio.gather(*senders)
        traffic_seconds = time.monotonic() - started

    assert traffic.sent == set(traffic.acked), "every event was acknowledged in the end"
    await settle(org, timeout=90)
    duplicates = await check_delivered(org, platforms, traffic)
    print(
        f"\nchaos: {summary(traffic, platforms, duplicates, traffic_seconds)}, "
        f"faults {len(done_faults)}: {', '.join(done_faults)}"
    )
    await explain(org, duplicates)


async def _run_faults(chaos: ChaosStack, traffic: Traffic, started: float, done: list[str]) -> None:
    """Rounds of faults, each after traffic has recovered from the last, until time is up."""
    faults = _faults(chaos)
    per_fault = SECONDS / len(faults)
    while True:
        for name, fault in faults:
            await acked_more(traffic, 30)
            # Let traffic run for this fault's share of the time before striking.
            due = started + per_fault * (len(done) + 1)
            await asyncio.sleep(max(0.0, due - time.monotonic()))  # the chaos schedule
            await fault()
            done.append(name)
        if time.monotonic() - started >= SECONDS:
            return
