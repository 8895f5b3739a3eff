"""Steady gateway traffic for the chaos tests: the organization, the senders, what they saw,
and the checks at the end (every acknowledged event at every destination, nothing stuck).

Senders retry every request that was not acknowledged (connection errors, timeouts, 5xx, 503
with Retry-After) with the same event id until it is, and record each failed try with the
gateway it went to and when, so a test can tell a refused connection from a request cut short.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import textwrap
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import aiohttp

from services.demo.platform_server import PlatformServer
from switchyard.v1 import dispatcher_pb2
from tests.helpers import wait_for
from tests.stack import Org

SECONDS = float(os.environ.get("SWITCHYARD_CHAOS_SECONDS", "25"))
SENDERS = 6
PACE_SECONDS = 0.1  # each sender's gap between new events: steady traffic, ~60 events/s
DESTINATIONS = ("meta", "tiktok", "postback")
RECEIVERS = {"meta": "meta", "tiktok": "tiktok", "postback": "partner"}  # receiver -> destination
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=10)
REFUSED = "refused"  # the connection was refused: the request never reached a gateway


def chaos_document(platforms: PlatformServer) -> str:
    """One postback integration whose Lead goes to Meta, TikTok and a partner postback."""
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


@dataclass(frozen=True)
class Failure:
    """One try that was not acknowledged: which gateway, how it failed, and when."""

    gateway: str
    kind: str  # REFUSED, "reset", "timeout" or the HTTP status
    started: float
    ended: float


@dataclass
class Traffic:
    """What the senders did."""

    sent: set[str] = field(default_factory=set)
    acked: dict[str, str] = field(default_factory=dict)  # event id -> outcome
    retried: Counter[str] = field(default_factory=Counter)  # event id -> retries
    refusals: Counter[str] = field(default_factory=Counter)  # why a try was not acknowledged
    failures: list[Failure] = field(default_factory=list)
    acked_by: Counter[str] = field(default_factory=Counter)  # gateway -> acknowledgements


class Gateways:
    """The gateway base URLs the senders spread their tries over, in turn."""

    def __init__(self, *urls: str) -> None:
        self.urls = list(urls)
        self._turn = itertools.count()

    def next(self) -> str:
        return self.urls[next(self._turn) % len(self.urls)]


def _kind(err: BaseException) -> str:
    """A failed try's kind; a refused connection is told apart from one cut short."""
    if isinstance(err, aiohttp.ClientConnectorError):
        return REFUSED
    if isinstance(err, TimeoutError):
        return "timeout"
    return "reset"


async def send_until_acked(
    http: aiohttp.ClientSession,
    gateways: Gateways,
    path: str,
    event_id: str,
    traffic: Traffic,
    deadline: float,
) -> None:
    """Send one event, retrying with the same id until acknowledged or past the deadline."""
    params = {"event": "Lead", "event_id": event_id, "email": f"{event_id}@chaos.example"}
    traffic.sent.add(event_id)
    while time.monotonic() < deadline:
        wait = 0.2
        gateway = gateways.next()
        started = time.monotonic()
        try:
            async with http.get(gateway + path, params=params, timeout=REQUEST_TIMEOUT) as answer:
                if answer.status == 200:
                    body = await answer.json()
                    traffic.acked[event_id] = body["results"][0]["outcome"]
                    traffic.acked_by[gateway] += 1
                    return
                assert answer.status >= 500, (answer.status, await answer.text())
                kind = str(answer.status)
                traffic.refusals[kind] += 1
                wait = min(float(answer.headers.get("Retry-After", "0.2")), 1.0)
        except (aiohttp.ClientError, TimeoutError) as err:
            kind = _kind(err)
            traffic.refusals[type(err).__name__] += 1
        traffic.failures.append(Failure(gateway, kind, started, time.monotonic()))
        traffic.retried[event_id] += 1
        await asyncio.sleep(wait)  # the sender's backoff before its retry


async def sender(
    http: aiohttp.ClientSession,
    gateways: Gateways,
    path: str,
    traffic: Traffic,
    stop: asyncio.Event,
) -> None:
    """New events at a steady pace until told to stop; the last one is finished, not dropped."""
    while not stop.is_set():
        event_id = f"chaos-{uuid.uuid4().hex}"
        deadline = time.monotonic() + SECONDS + 120
        await send_until_acked(http, gateways, path, event_id, traffic, deadline)
        await asyncio.sleep(PACE_SECONDS)  # pacing the traffic, not waiting on a condition


async def acked_more(traffic: Traffic, count: int) -> None:
    """Wait until `count` more events are acknowledged: the stack has recovered."""
    target = len(traffic.acked) + count
    await wait_for(lambda: len(traffic.acked) >= target, timeout=60, interval=0.05)


def received(platforms: PlatformServer) -> dict[str, Counter[str]]:
    """Per receiving platform, how often each event id arrived there."""
    return {name: platforms.accepted_ids(name) for name in DESTINATIONS}


async def check_delivered(
    org: Org, platforms: PlatformServer, traffic: Traffic
) -> dict[str, dict[str, int]]:
    """Every acknowledged event reached every destination, nothing else did, every delivery
    ended delivered; returns the duplicates per receiver (event id -> times received)."""
    acked = set(traffic.acked)
    for name, counts in received(platforms).items():
        missing = acked - set(counts)
        assert not missing, f"{len(missing)} acknowledged events never reached {name}"
        unknown = set(counts) - acked
        assert not unknown, f"{name} received {len(unknown)} events never acknowledged"
    stored = await org.deliveries()
    statuses = Counter(dispatcher_pb2.DeliveryStatus.Name(d.status) for d in stored)
    assert statuses == {"DELIVERY_STATUS_DELIVERED": len(acked) * len(DESTINATIONS)}, statuses
    return {
        name: {eid: n for eid, n in counts.items() if n > 1}
        for name, counts in received(platforms).items()
    }


def summary(
    traffic: Traffic,
    platforms: PlatformServer,
    duplicates: dict[str, dict[str, int]],
    seconds: float,
) -> str:
    """One line: what was sent, acknowledged, retried and received, and the duplicates."""
    retried = sum(1 for n in traffic.retried.values() if n)
    outcome = Counter(traffic.acked.values())
    return (
        f"{seconds:.0f}s of traffic, sent {len(traffic.sent)}, acked {len(traffic.acked)} "
        f"({outcome['accepted']} accepted, {outcome['duplicate']} duplicate on a retry), "
        f"{retried} events retried ({sum(traffic.retried.values())} retries: "
        f"{dict(traffic.refusals)}), "
        + ", ".join(f"{name} received {sum(c.values())}" for name, c in received(platforms).items())
        + ", duplicates at the receiver "
        + str({name: len(d) for name, d in duplicates.items()})
    )


async def explain(org: Org, duplicates: dict[str, dict[str, int]], limit: int = 20) -> None:
    """Print each duplicate with the attempts its delivery recorded, to show why it happened."""
    shown = 0
    for name, found in duplicates.items():
        for event_id, count in sorted(found.items())[: max(0, limit - shown)]:
            [delivery] = [d for d in await org.deliveries(event_id=event_id)
                          if d.destination_name == RECEIVERS[name]]  # fmt: skip
            unrecorded = count - delivery.attempts
            print(
                f"  duplicate at {name}: {event_id} received x{count}, {delivery.attempts} "
                f"attempt(s) recorded: {unrecorded} send(s) not recorded because the sender "
                "died or lost Postgres before writing the answer; resent after its lease expired"
                if unrecorded > 0
                else f"  duplicate at {name}: {event_id} received x{count}, "
                f"{delivery.attempts} attempts recorded"
            )
            shown += 1
