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
import os
import textwrap
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
import pytest

from services.demo.platform_server import PlatformServer
from switchyard.v1 import dispatcher_pb2
from tests.chaos.conftest import ChaosStack
from tests.helpers import wait_for
from tests.stack import Org, settle

SECONDS = float(os.environ.get("SWITCHYARD_CHAOS_SECONDS", "25"))
SENDERS = 6
PACE_SECONDS = 0.1  # each sender's gap between new events: steady traffic, ~60 events/s
DESTINATIONS = ("meta", "tiktok", "postback")
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=10)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(SECONDS * 3 + 240)]


def _document(platforms: PlatformServer) -> str:
    base = platforms.base_url
    return textwrap.dedent(
        f"""
        organization: {{name: chaos, default_country: US}}
        campaigns:
          - {{name: main, event_lists: [funnel]}}
        event_lists:
          - {{name: funnel, events: [Lead]}}
        integrations:
          - {{name: network, kind: postback, campaign: main}}
        destinations:
          - name: meta
            type: meta
            settings: {{pixel_id: "555", endpoint: "{base}/meta"}}
            credentials: {{access_token: chaos-meta}}
          - name: tiktok
            type: tiktok
            settings: {{pixel_code: CHAOS1, endpoint: "{base}/tiktok"}}
            credentials: {{access_token: chaos-tiktok}}
          - name: partner
            type: postback
            settings: {{url: "{base}/postback/partner?event_id={{event_id}}"}}
        """
    )


@dataclass
class Traffic:
    """What the senders did."""

    sent: set[str] = field(default_factory=set)
    acked: dict[str, str] = field(default_factory=dict)  # event id -> outcome
    retried: Counter[str] = field(default_factory=Counter)  # event id -> retries
    refusals: Counter[str] = field(default_factory=Counter)  # why a try was not acknowledged


async def _send_until_acked(
    http: aiohttp.ClientSession, url: str, event_id: str, traffic: Traffic, deadline: float
) -> None:
    """Send one event, retrying with the same id until acknowledged or past the deadline."""
    params = {"event": "Lead", "event_id": event_id, "email": f"{event_id}@chaos.example"}
    traffic.sent.add(event_id)
    while time.monotonic() < deadline:
        wait = 0.2
        try:
            async with http.get(url, params=params, timeout=REQUEST_TIMEOUT) as answer:
                if answer.status == 200:
                    body = await answer.json()
                    traffic.acked[event_id] = body["results"][0]["outcome"]
                    return
                assert answer.status >= 500, (answer.status, await answer.text())
                traffic.refusals[str(answer.status)] += 1
                wait = min(float(answer.headers.get("Retry-After", "0.2")), 1.0)
        except (aiohttp.ClientError, TimeoutError) as err:
            traffic.refusals[type(err).__name__] += 1
        traffic.retried[event_id] += 1
        await asyncio.sleep(wait)  # the sender's backoff before its retry


async def _sender(
    http: aiohttp.ClientSession, url: str, traffic: Traffic, stop: asyncio.Event
) -> None:
    """New events at a steady pace until told to stop; the last one is finished, not dropped."""
    while not stop.is_set():
        event_id = f"chaos-{uuid.uuid4().hex}"
        await _send_until_acked(http, url, event_id, traffic, time.monotonic() + SECONDS + 120)
        await asyncio.sleep(PACE_SECONDS)  # pacing the traffic, not waiting on a condition


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
    org: Org = await services.create_org(_document(platforms))
    token = org.tokens["network"]
    url = f"{services.http_url}/v1/postback/{token}"
    traffic = Traffic()
    stop = asyncio.Event()
    done_faults: list[str] = []
    async with aiohttp.ClientSession() as http:
        await services.wait_for_token(http, token)
        senders = [asyncio.create_task(_sender(http, url, traffic, stop)) for _ in range(SENDERS)]
        started = time.monotonic()
        try:
            await _run_faults(chaos_stack, traffic, started, done_faults)
            # Traffic flows again after the last fault before the senders stop.
            await _acked_more(traffic, 30)
        finally:
            stop.set()
            await asyncio.gather(*senders)
        traffic_seconds = time.monotonic() - started

    assert traffic.sent == set(traffic.acked), "every event was acknowledged in the end"
    await settle(org, timeout=90)
    await _check_no_loss(org, platforms, traffic, done_faults, traffic_seconds)


async def _acked_more(traffic: Traffic, count: int) -> None:
    """Wait until `count` more events are acknowledged: the stack has recovered."""
    target = len(traffic.acked) + count
    await wait_for(lambda: len(traffic.acked) >= target, timeout=60, interval=0.05)


async def _run_faults(chaos: ChaosStack, traffic: Traffic, started: float, done: list[str]) -> None:
    """Rounds of faults, each after traffic has recovered from the last, until time is up."""
    faults = _faults(chaos)
    per_fault = SECONDS / len(faults)
    while True:
        for name, fault in faults:
            await _acked_more(traffic, 30)
            # Let traffic run for this fault's share of the time before striking.
            due = started + per_fault * (len(done) + 1)
            await asyncio.sleep(max(0.0, due - time.monotonic()))  # the chaos schedule
            await fault()
            done.append(name)
        if time.monotonic() - started >= SECONDS:
            return


async def _check_no_loss(
    org: Org,
    platforms: PlatformServer,
    traffic: Traffic,
    faults: list[str],
    seconds: float,
) -> None:
    acked = set(traffic.acked)
    delivered = {name: platforms.accepted_ids(name) for name in DESTINATIONS}
    for name, counts in delivered.items():
        missing = acked - set(counts)
        assert not missing, f"{len(missing)} acknowledged events never reached {name}"
        unknown = set(counts) - acked
        assert not unknown, f"{name} received {len(unknown)} events never acknowledged"
    duplicates = {
        name: {eid: n for eid, n in counts.items() if n > 1} for name, counts in delivered.items()
    }
    stored = await org.deliveries()
    statuses = Counter(dispatcher_pb2.DeliveryStatus.Name(d.status) for d in stored)
    assert statuses == {"DELIVERY_STATUS_DELIVERED": len(acked) * len(DESTINATIONS)}, statuses
    retried = sum(1 for n in traffic.retried.values() if n)
    outcome = Counter(traffic.acked.values())
    print(
        f"\nchaos: {seconds:.0f}s of traffic, sent {len(traffic.sent)}, acked {len(acked)} "
        f"({outcome['accepted']} accepted, {outcome['duplicate']} duplicate on a retry), "
        f"{retried} events retried ({sum(traffic.retried.values())} retries: "
        f"{dict(traffic.refusals)}), "
        + ", ".join(f"{name} received {sum(c.values())}" for name, c in delivered.items())
        + ", duplicates at the receiver "
        + str({name: len(d) for name, d in duplicates.items()})
        + f", faults {len(faults)}: {', '.join(faults)}"
    )
    await _explain(org, duplicates)


async def _explain(org: Org, duplicates: dict[str, dict[str, int]], limit: int = 20) -> None:
    """Print each duplicate with the attempts its delivery recorded, to show why it happened."""
    receivers = {"meta": "meta", "tiktok": "tiktok", "postback": "partner"}
    shown = 0
    for name, found in duplicates.items():
        for event_id, count in sorted(found.items())[: max(0, limit - shown)]:
            [summary] = [d for d in await org.deliveries(event_id=event_id)
                         if d.destination_name == receivers[name]]  # fmt: skip
            unrecorded = count - summary.attempts
            print(
                f"  duplicate at {name}: {event_id} received x{count}, {summary.attempts} "
                f"attempt(s) recorded: {unrecorded} send(s) not recorded because the sender "
                "died or lost Postgres before writing the answer; resent after its lease expired"
                if unrecorded > 0
                else f"  duplicate at {name}: {event_id} received x{count}, "
                f"{summary.attempts} attempts recorded"
            )
            shown += 1
