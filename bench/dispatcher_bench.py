"""Deliveries per second one dispatcher process sustains to a local endpoint answering 200.

Every attempt is recorded (attempt rows, delivery status) as in production. Runs against the
Postgres at $BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432/postgres) in a fresh
database that is dropped afterwards.

    .venv/bin/python bench/dispatcher_bench.py --deliveries 10000

Measured on a 2-CPU machine, endpoint and Postgres on the same host, info log per attempt:
one request per delivery ~670 deliveries/s; batched (500 per request) ~4,100 deliveries/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import grpc
from aiohttp import web
from grpc_health.v1 import health_pb2, health_pb2_grpc

from switchyard.v1 import common_pb2, dispatcher_pb2, dispatcher_pb2_grpc

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-internal-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def envelopes(
    count: int, url: str, batched: bool, start: int
) -> list[dispatcher_pb2.EventEnvelope]:
    spec = common_pb2.BatchSpec(key="bench", field="data", max_items=500) if batched else None
    out = []
    for n in range(start, start + count):
        event_id = f"bench-{n}"
        body = json.dumps({"data": [{"event_id": event_id, "event_name": "Purchase"}]}).encode()
        out.append(
            dispatcher_pb2.EventEnvelope(
                event=common_pb2.CanonicalEvent(
                    event_id=event_id, organization_id="bench-org", event_name="Purchase"
                ),
                config_version=1,
                deliveries=[
                    common_pb2.Delivery(
                        delivery_id=f"{event_id}:d",
                        event_id=event_id,
                        destination_id=f"dest-{n % 8}",
                        destination_type=common_pb2.DESTINATION_TYPE_META
                        if batched
                        else common_pb2.DESTINATION_TYPE_WEBHOOK,
                        decision=common_pb2.DELIVERY_DECISION_SEND,
                        response_kind="webhook",
                        request=common_pb2.HttpRequest(
                            method="POST",
                            url=url,
                            body=body,
                            batch=spec,
                            headers=[
                                common_pb2.Header(name="Content-Type", value="application/json")
                            ],
                        ),
                    )
                ],
            )
        )
    return out


async def run(deliveries: int, batched: bool, admin_dsn: str) -> float:
    name = f"switchyard_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    dsn = admin_dsn.rsplit("/", 1)[0] + f"/{name}"
    received = 0

    async def sink(request: web.Request) -> web.Response:
        nonlocal received
        received += len(json.loads(await request.read())["data"])
        return web.Response(status=200, text='{"events_received":1}')

    app = web.Application()
    app.router.add_post("/sink", sink)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/sink"
    port = free_port()
    env = {
        **os.environ,
        "SWITCHYARD_DATABASE_URL": dsn,
        "SWITCHYARD_INTERNAL_TOKEN": TOKEN,
        "SWITCHYARD_DISPATCHER_GRPC_PORT": str(port),
        "SWITCHYARD_DISPATCHER_METRICS_PORT": str(free_port()),
        "SWITCHYARD_REGISTRY_ADDRESS": "127.0.0.1:1",
        "SWITCHYARD_OUTBOUND_ALLOW_CIDRS": "127.0.0.0/8",
        "SWITCHYARD_DISPATCHER_DESTINATION_RATE": "100000",
        "SWITCHYARD_DISPATCHER_DESTINATION_CONCURRENCY": "32",
        "SWITCHYARD_DISPATCHER_MAX_IN_FLIGHT": "2000",
        "SWITCHYARD_DISPATCHER_CLAIM_BATCH": "500",
        "SWITCHYARD_DB_POOL_MAX": "20",
        "SWITCHYARD_LOG_LEVEL": "info",
    }
    log = tempfile.TemporaryFile()  # the process's log, kept out of the way
    proc = subprocess.Popen(  # noqa: ASYNC220 - started once, before the clock runs
        [sys.executable, "-m", "services.dispatcher"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as chan:
            health = health_pb2_grpc.HealthStub(chan)
            for _ in range(300):
                try:
                    answer = await health.Check(health_pb2.HealthCheckRequest(), timeout=1)
                    if answer.status == health_pb2.HealthCheckResponse.SERVING:
                        break
                except grpc.aio.AioRpcError:
                    pass
                await asyncio.sleep(0.1)
            stub = dispatcher_pb2_grpc.DispatcherStub(chan)
            meta = (("authorization", f"Bearer {TOKEN}"),)
            started = time.perf_counter()
            for start in range(0, deliveries, 500):
                batch = envelopes(min(500, deliveries - start), url, batched, start)
                await stub.Enqueue(
                    dispatcher_pb2.EnqueueRequest(events=batch), metadata=meta, timeout=30
                )
            pool = await asyncpg.connect(dsn)
            while (  # noqa: ASYNC110 - polling the database is the measurement
                await pool.fetchval(
                    "SELECT count(*) FROM dispatcher.deliveries WHERE status = 'delivered'"
                )
                < deliveries
            ):
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - started
            attempts = await pool.fetchval("SELECT count(*) FROM dispatcher.attempts")
            await pool.close()
            assert attempts >= deliveries and received >= deliveries
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
        await runner.cleanup()
        admin = await asyncpg.connect(admin_dsn)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    return deliveries / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=20000)
    args = parser.parse_args()
    dsn = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
    for batched in (False, True):
        rate = asyncio.run(run(args.deliveries, batched, dsn))
        kind = "batched (500 per request)" if batched else "one request per delivery"
        print(
            f"{args.deliveries} deliveries, {kind}: {rate:,.0f} deliveries/s (enqueue to recorded)"
        )


if __name__ == "__main__":
    main()
