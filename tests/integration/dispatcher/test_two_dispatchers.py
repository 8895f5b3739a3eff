"""Two dispatcher processes on one database, an endpoint that fails, stalls and recovers, and
one dispatcher killed with SIGKILL mid-batch: every delivery still arrives or ends with a reason.

A duplicate at the endpoint is allowed only for a delivery the killed dispatcher held when it
died (sent, then killed before recording); the test counts and prints them.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import grpc
import pytest
from aiohttp import web
from grpc_health.v1 import health_pb2, health_pb2_grpc

from switchyard.v1 import dispatcher_pb2, dispatcher_pb2_grpc
from tests.helpers import wait_for
from tests.integration.dispatcher.support import (
    INTERNAL_TOKEN,
    Endpoint,
    delivery,
    envelope,
    new_id,
)

ROOT = Path(__file__).resolve().parents[3]
ORG = "org-two-dispatchers"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spawn(database_url: str, name: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SWITCHYARD_DATABASE_URL": database_url,
        "SWITCHYARD_INTERNAL_TOKEN": INTERNAL_TOKEN,
        "SWITCHYARD_DISPATCHER_GRPC_PORT": str(port),
        "SWITCHYARD_DISPATCHER_METRICS_PORT": str(_free_port()),
        "SWITCHYARD_DISPATCHER_INSTANCE_ID": name,
        "SWITCHYARD_REGISTRY_ADDRESS": "127.0.0.1:1",  # unreachable: not needed without credentials
        "SWITCHYARD_OUTBOUND_ALLOW_CIDRS": "127.0.0.0/8",
        "SWITCHYARD_DISPATCHER_POLL_SECONDS": "0.1",
        "SWITCHYARD_DISPATCHER_LEASE_SECONDS": "2",
        "SWITCHYARD_DISPATCHER_HTTP_TIMEOUT_SECONDS": "1",
        "SWITCHYARD_DISPATCHER_RETRY_BASE_SECONDS": "0.05",
        "SWITCHYARD_DISPATCHER_RETRY_CAP_SECONDS": "0.3",
        "SWITCHYARD_DISPATCHER_BREAKER_FAILURES": "1000",
        "SWITCHYARD_LOG_LEVEL": "warning",
        "SWITCHYARD_SHUTDOWN_GRACE_SECONDS": "3",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "services.dispatcher"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _serving(port: int) -> bool:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as chan:
        try:
            answer = await health_pb2_grpc.HealthStub(chan).Check(
                health_pb2.HealthCheckRequest(), timeout=1
            )
        except grpc.aio.AioRpcError:
            return False
    return bool(answer.status == health_pb2.HealthCheckResponse.SERVING)


class Flaky:
    """Fails every fifth request, stalls every seventh past the timeout, until told to recover."""

    def __init__(self) -> None:
        self.count = 0
        self.recovered = False
        self.succeeded: Counter[str] = Counter()

    async def __call__(self, got: Any) -> web.Response:
        self.count += 1
        if not self.recovered and self.count % 5 == 0:
            return web.Response(status=503)
        if not self.recovered and self.count % 7 == 0:
            await asyncio.sleep(1.5)
            return web.Response(status=504)
        self.succeeded[got.json()["event_id"]] += 1
        return web.Response(status=200)


async def _run(database_url: str, db_pool: Any, endpoint: Endpoint, events: int) -> None:
    flaky = Flaky()
    endpoint.handlers["/sink"] = flaky
    ports = [_free_port(), _free_port()]
    names = [f"dispatcher-{i}-{new_id()[:6]}" for i in range(2)]
    procs = [_spawn(database_url, name, port) for name, port in zip(names, ports, strict=True)]
    try:
        for port in ports:
            await wait_for(lambda port=port: _serving(port), timeout=30, interval=0.1)
        ids = [new_id() for _ in range(events)]
        channels = [grpc.aio.insecure_channel(f"127.0.0.1:{p}") for p in ports]
        stubs = [dispatcher_pb2_grpc.DispatcherStub(c) for c in channels]
        meta = (("authorization", f"Bearer {INTERNAL_TOKEN}"),)
        envelopes = [
            envelope(ORG, [delivery(i, endpoint.url("/sink"), destination_id=f"sink-{k % 4}")])
            for k, i in enumerate(ids)
        ]
        for n, start in enumerate(range(0, events, 50)):
            request = dispatcher_pb2.EnqueueRequest(events=envelopes[start : start + 50])
            await stubs[n % 2].Enqueue(request, metadata=meta, timeout=10)
        victim = procs[0]
        victim_name = names[0]
        await wait_for(
            lambda: db_pool.fetchval(
                "SELECT count(*) FROM dispatcher.deliveries"
                " WHERE status = 'in_flight' AND lease_owner = $1",
                victim_name,
            ),
            timeout=20,
            interval=0.005,
        )
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        orphaned = {
            r["id"]
            for r in await db_pool.fetch(
                "SELECT id FROM dispatcher.deliveries"
                " WHERE status = 'in_flight' AND lease_owner = $1",
                victim_name,
            )
        }
        flaky.recovered = True
        delivery_ids = [e.deliveries[0].delivery_id for e in envelopes]

        async def all_final() -> bool:
            left = await db_pool.fetchval(
                "SELECT count(*) FROM dispatcher.deliveries WHERE id = ANY($1)"
                " AND status NOT IN ('delivered', 'failed', 'dead')",
                delivery_ids,
            )
            return left == 0

        await wait_for(all_final, timeout=60, interval=0.1)
        rows = await db_pool.fetch(
            "SELECT id, event_id, status, reason FROM dispatcher.deliveries WHERE id = ANY($1)",
            delivery_ids,
        )
        for r in rows:
            if r["status"] == "delivered":
                assert flaky.succeeded[r["event_id"]] >= 1, r["id"]
            else:
                assert r["reason"], r["id"]
        duplicates = {r["id"] for r in rows if flaky.succeeded[r["event_id"]] > 1}
        print(
            f"\n{events} deliveries, {len(orphaned)} held by the killed dispatcher, "
            f"{len(duplicates)} duplicates at the endpoint, {flaky.count} requests"
        )
        assert duplicates <= orphaned
        assert len(rows) == events
        survivor = procs[1]
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(15) == 0  # graceful stop
        for chan in channels:
            await chan.close()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
        await db_pool.execute(
            "UPDATE dispatcher.deliveries SET status = 'failed', reason = 'left by a finished test'"
            " WHERE status IN ('pending', 'retrying', 'in_flight')"
        )


async def test_two_dispatchers_survive_a_sigkill(
    database_url: str, db_pool: Any, endpoint: Endpoint
) -> None:
    await _run(database_url, db_pool, endpoint, events=200)


@pytest.mark.slow
async def test_two_dispatchers_survive_a_sigkill_at_volume(
    database_url: str, db_pool: Any, endpoint: Endpoint
) -> None:
    await _run(database_url, db_pool, endpoint, events=2000)
