"""Rolling updates lose and duplicate nothing: steady gateway traffic while each service in turn
is stopped with SIGTERM (never SIGKILL) and started again, as Kubernetes does it.

Registry and mapper are rolled one process at a time. Ingest and the dispatcher also surge:
a second process of the same service starts on other ports (senders spread over both gateways;
both dispatchers work the one queue), then each of the two is stopped with SIGTERM while the
other keeps working. (Ingest enqueues through the one dispatcher address, so while the first
dispatcher is away the gateways answer 503 and senders retry; the second works the queue.)
Every stop must be graceful: health turns NOT_SERVING before the process goes, and it exits 0
within its grace period.

At the end: every acknowledged event reached every destination, no delivery is stuck, ZERO
duplicates at the receiver (a stopping dispatcher finishes its sends or gives its leases back
unsent, so the other never resends), and no sender saw a reset, a timeout or a 5xx from a
gateway while it was stopping: a stopping gateway may refuse new connections, never cut short
or fail a request it accepted. Senders open a new connection per request, so a refused
connection is never confused with a kept-alive one closed under a request.

The default run is short (SWITCHYARD_CHAOS_SECONDS, default 25 s of traffic: one round of
updates). Longer: `SWITCHYARD_CHAOS_SECONDS=300 pytest tests/chaos/test_rolling_update.py`,
which repeats the round until the time is up.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.cli.stack import Stack, http_url, service_address, start_service
from services.demo.platform_server import PlatformServer
from tests.chaos.conftest import ChaosStack
from tests.chaos.traffic import (
    REFUSED,
    SECONDS,
    SENDERS,
    Failure,
    Gateways,
    Traffic,
    acked_more,
    chaos_document,
    check_delivered,
    explain,
    sender,
    summary,
)
from tests.stack import Org, ProcessStack, free_port, settle

pytestmark = [pytest.mark.slow, pytest.mark.timeout(SECONDS * 4 + 240)]
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


@dataclass
class Replica:
    """One process of a service: its own `Stack` record holds its ports, process and log."""

    name: str
    stack: Stack

    @property
    def address(self) -> str:
        return service_address(self.stack.env, self.name)

    @property
    def gateway(self) -> str:
        """The HTTP gateway's base URL (ingest only)."""
        return http_url(self.stack.env)

    async def start(self) -> None:
        """Start the process and wait until it reports SERVING."""
        await start_service(self.stack, self.name)


def original(services: ProcessStack, name: str) -> Replica:
    """The stack's own process of a service."""
    return Replica(name, services.stack)


async def surge(services: ProcessStack, name: str) -> Replica:
    """A second process of a service on free ports, sharing the stack's storage."""
    env = dict(services.env)
    prefix = f"SWITCHYARD_{name.upper()}"
    env[f"{prefix}_GRPC_PORT"] = str(free_port())
    env[f"{prefix}_METRICS_PORT"] = str(free_port())
    if name == "ingest":
        env["SWITCHYARD_INGEST_HTTP_PORT"] = str(free_port())
    assert services.stack.log_dir is not None
    stack = Stack(services.stack.data_dir, env, log_dir=services.stack.log_dir / "surge")
    replica = Replica(name, stack)
    await replica.start()
    return replica


@dataclass(frozen=True)
class Stop:
    """One SIGTERM: to what, when it was sent, when the process was gone, how it went."""

    name: str
    gateway: str  # "" unless ingest
    signalled: float
    exited: float
    returncode: int | None
    announced: bool  # health said NOT_SERVING before the process went

    def overlaps(self, failure: Failure) -> bool:
        """The failed try went to this gateway while it was stopping."""
        return (
            failure.gateway == self.gateway
            and failure.started <= self.exited
            and failure.ended >= self.signalled
        )


async def _not_serving(watch: object) -> bool:
    """Read a health watch until it says NOT_SERVING (True) or ends without saying so."""
    try:
        while True:
            answer = await watch.read()  # type: ignore[attr-defined]
            if answer is grpc.aio.EOF:
                return False
            if answer.status == NOT_SERVING:
                return True
    except grpc.aio.AioRpcError:
        return False


async def terminate(replica: Replica, grace: float) -> Stop:
    """SIGTERM the process, watching its health, and wait for it to exit."""
    process = replica.stack.processes[replica.name]
    async with grpc.aio.insecure_channel(replica.address) as chan:
        watch = health_pb2_grpc.HealthStub(chan).Watch(health_pb2.HealthCheckRequest())
        assert (await watch.read()).status == SERVING
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            announced = await asyncio.wait_for(_not_serving(watch), grace + 10)
        finally:
            watch.cancel()  # an open watch would hold the server's drain for its whole grace
    try:
        await asyncio.wait_for(process.wait(), grace + 10)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"{replica.name} did not exit within {grace + 10}s") from None
    gateway = replica.gateway if replica.name == "ingest" else ""
    return Stop(replica.name, gateway, signalled, time.monotonic(), process.returncode, announced)


Step = Callable[[], Awaitable[None]]


def _updates(
    services: ProcessStack,
    traffic: Traffic,
    gateways: Gateways,
    stops: list[Stop],
    surges: list[Replica],
) -> list[tuple[str, Step]]:
    """The round: roll each service, then surge ingest and the dispatcher."""
    grace = float(services.env["SWITCHYARD_SHUTDOWN_GRACE_SECONDS"])

    def roll(name: str) -> Step:
        async def step() -> None:
            replica = original(services, name)
            stops.append(await terminate(replica, grace))
            await replica.start()

        return step

    def surge_and_roll(name: str) -> Step:
        async def step() -> None:
            first = original(services, name)
            second = await surge(services, name)
            surges.append(second)
            if name == "ingest":
                gateways.urls.append(second.gateway)  # in the Service as soon as it is ready
            await acked_more(traffic, 20)
            stops.append(await terminate(first, grace))  # the second keeps working
            if name == "ingest":  # (ingest reaches only the first dispatcher: no acks meanwhile)
                await acked_more(traffic, 20)
            await first.start()
            await acked_more(traffic, 20)
            stops.append(await terminate(second, grace))  # the first keeps working
            if name == "ingest":
                gateways.urls.remove(second.gateway)

        return step

    steps = [(f"roll {name}", roll(name)) for name in ("registry", "mapper", "dispatcher")]
    steps.append(("surge dispatcher", surge_and_roll("dispatcher")))
    steps.append(("roll ingest", roll("ingest")))
    steps.append(("surge ingest", surge_and_roll("ingest")))
    return steps


async def test_a_rolling_update_loses_and_duplicates_nothing(
    chaos_stack: ChaosStack, platforms: PlatformServer
) -> None:
    services = chaos_stack.services
    org: Org = await services.create_org(chaos_document(platforms))
    token = org.tokens["network"]
    path = f"/v1/postback/{token}"
    gateways = Gateways(services.http_url)
    traffic = Traffic()
    stop = asyncio.Event()
    stops: list[Stop] = []
    surges: list[Replica] = []
    done: list[str] = []
    # A new connection per request: a refusal is then always a refusal of a new connection.
    connector = aiohttp.TCPConnector(force_close=True, limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        await services.wait_for_token(http, token)
        senders = [
            asyncio.create_task(sender(http, gateways, path, traffic, stop)) for _ in range(SENDERS)
        ]
        started = time.monotonic()
        try:
            updates = _updates(services, traffic, gateways, stops, surges)
            await _run_updates(updates, traffic, started, done)
            await acked_more(traffic, 30)  # traffic flows after the last update
        finally:
            await _stop_surges(surges)
            stop.set()
            await asyncio.gather(*senders)
        traffic_seconds = time.monotonic() - started

    assert traffic.sent == set(traffic.acked), "every event was acknowledged in the end"
    await settle(org, timeout=90)
    duplicates = await check_delivered(org, platforms, traffic)
    cut_short = [
        f for f in traffic.failures if f.kind != REFUSED and any(s.overlaps(f) for s in stops)
    ]
    timings = ", ".join(f"{s.name} {s.exited - s.signalled:.1f}s" for s in stops)
    print(
        f"\nrolling update: {summary(traffic, platforms, duplicates, traffic_seconds)}, "
        f"acked per gateway {dict(traffic.acked_by)}, stops {len(stops)} ({timings}), "
        f"requests failed by a stopping gateway {len(cut_short)}, updates: {', '.join(done)}"
    )
    await explain(org, duplicates)
    for s in stops:
        assert s.announced, f"{s.name} went without turning NOT_SERVING first"
        assert s.returncode == 0, f"{s.name} exited with {s.returncode} on SIGTERM"
    assert not cut_short, f"stopping gateways failed accepted requests: {cut_short[:10]}"
    assert not any(duplicates.values()), "a graceful stop sent something twice"
    surged = [url for url in traffic.acked_by if url != services.http_url]
    assert surged and all(traffic.acked_by[url] > 0 for url in surged), "the second gateway served"


async def _stop_surges(surges: list[Replica]) -> None:
    """Kill second processes a failed test left running (a passing test stopped them)."""
    for replica in surges:
        process = replica.stack.processes[replica.name]
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _run_updates(
    updates: list[tuple[str, Step]], traffic: Traffic, started: float, done: list[str]
) -> None:
    """Rounds of updates, each after traffic has recovered from the last, until time is up."""
    per_update = SECONDS / len(updates)
    while True:
        for name, update in updates:
            await acked_more(traffic, 30)
            # Let traffic run for this update's share of the time before the next one.
            due = started + per_update * (len(done) + 1)
            await asyncio.sleep(max(0.0, due - time.monotonic()))  # the update schedule
            await update()
            done.append(name)
        if time.monotonic() - started >= SECONDS:
            return
