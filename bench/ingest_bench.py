"""Load for one ingest process: POST /v1/events batches and single postbacks at full speed.

    .venv/bin/python bench/ingest_bench.py --database-url postgresql://postgres@127.0.0.1/bench \
        --redis-url redis://127.0.0.1:6379/14 --seconds 20

A child process runs the registry, mapper, dispatcher and ingest (in one event loop: the
figure is a floor for an ingest with its own core); this process sets up an organization and
drives the gateway with concurrent clients, then prints events/s and ack latency p50/p99.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import time
import uuid
from typing import Any

import aiohttp


async def _run_services(env: dict[str, str], ready: Any) -> None:
    from services.common.grpc_client import channel
    from services.common.lifecycle import Supervisor
    from services.common.logging import configure_logging
    from services.dispatcher.app import start as start_dispatcher
    from services.dispatcher.config import DispatcherSettings
    from services.ingest.app import start as start_ingest
    from services.ingest.catalog import StoreSource
    from services.ingest.config import IngestSettings
    from services.mapper.app import start as start_mapper
    from services.mapper.config import MapperSettings
    from services.mapper.snapshots import SnapshotStore
    from services.registry.app import start as start_registry
    from services.registry.config import RegistrySettings
    from switchyard.v1 import registry_pb2_grpc

    configure_logging("warning", "json", "bench")
    registry = await start_registry(RegistrySettings.from_env(env), with_metrics=False)
    env["SWITCHYARD_REGISTRY_ADDRESS"] = f"127.0.0.1:{registry.port}"
    mapper = await start_mapper(MapperSettings.from_env(env), with_metrics=False)
    dispatcher = await start_dispatcher(DispatcherSettings.from_env(env), with_metrics=False)
    env["SWITCHYARD_MAPPER_ADDRESS"] = f"127.0.0.1:{mapper.port}"
    env["SWITCHYARD_DISPATCHER_ADDRESS"] = f"127.0.0.1:{dispatcher.port}"
    store = SnapshotStore(
        registry_pb2_grpc.RegistryInternalStub(
            channel(env["SWITCHYARD_REGISTRY_ADDRESS"], env["SWITCHYARD_INTERNAL_TOKEN"])
        )
    )
    supervisor = Supervisor()
    supervisor.start("snapshot_watch", store.watch)
    source = StoreSource(store)
    ingest = await start_ingest(IngestSettings.from_env(env), source, source.synced)
    ready.put((registry.port, ingest.http_port))
    await asyncio.Event().wait()


def services_main(env: dict[str, str], ready: Any) -> None:
    """Child process entry."""
    asyncio.run(_run_services(env, ready))


async def setup(registry_port: int, token: str) -> tuple[str, str, str]:
    """An organization with a campaign (Purchase) and a postback integration."""
    import grpc

    from switchyard.v1 import config_pb2, registry_pb2, registry_pb2_grpc

    async with grpc.aio.insecure_channel(f"127.0.0.1:{registry_port}") as chan:
        internal = registry_pb2_grpc.RegistryInternalStub(chan)
        org = await internal.CreateOrganization(
            registry_pb2.CreateOrganizationRequest(
                organization=config_pb2.Organization(name=f"bench-{uuid.uuid4().hex[:6]}"),
                admin_key_name="bench",
            ),
            metadata=(("authorization", f"Bearer {token}"),),
        )
        meta = (("authorization", f"Bearer {org.key}"),)
        stub = registry_pb2_grpc.RegistryStub(chan)
        campaign = await stub.CreateCampaign(
            registry_pb2.CreateCampaignRequest(campaign=config_pb2.Campaign(name="bench")),
            metadata=meta,
        )
        lst = await stub.CreateEventList(
            registry_pb2.CreateEventListRequest(event_list=config_pb2.EventList(name="b")),
            metadata=meta,
        )
        await stub.AddEventsToList(
            registry_pb2.AddEventsToListRequest(
                event_list_id=lst.event_list.id, event_names=["Purchase"]
            ),
            metadata=meta,
        )
        await stub.AssignEventList(
            registry_pb2.AssignEventListRequest(
                event_list_id=lst.event_list.id, campaign_id=campaign.campaign.id
            ),
            metadata=meta,
        )
        integration = await stub.CreateIntegration(
            registry_pb2.CreateIntegrationRequest(
                integration=config_pb2.Integration(
                    name="net",
                    kind=config_pb2.INTEGRATION_KIND_POSTBACK,
                    campaign_id=campaign.campaign.id,
                    enabled=True,
                )
            ),
            metadata=meta,
        )
    return org.key, campaign.campaign.id, integration.token


async def drive(
    base: str, key: str, campaign: str, token: str, seconds: float, clients: int, batch: int
) -> None:
    """Concurrent clients until the deadline; half send batches, half postbacks."""
    latencies: list[float] = []
    events = 0
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client(n: int, http: aiohttp.ClientSession) -> None:
        nonlocal events, errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            if n % 2:
                body = {
                    "events": [
                        {
                            "event_name": "Purchase",
                            "campaign_id": campaign,
                            "value": 10,
                            "currency": "USD",
                            "user": {"email": f"u{uuid.uuid4().hex[:8]}@example.com"},
                        }
                        for _ in range(batch)
                    ]
                }
                async with http.post(
                    f"{base}/v1/events", json=body, headers={"Authorization": f"Bearer {key}"}
                ) as answer:
                    await answer.read()
                    ok, count = answer.status == 200, batch
            else:
                async with http.get(
                    f"{base}/v1/postback/{token}",
                    params={"event": "Purchase", "txid": uuid.uuid4().hex, "amount": "5"},
                ) as answer:
                    await answer.read()
                    ok, count = answer.status == 200, 1
            latencies.append(time.perf_counter() - started)
            if ok:
                events += count
            else:
                errors += 1

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    print(f"events accepted: {events} in {elapsed:.1f}s -> {events / elapsed:.0f} events/s")
    print(f"requests: {len(latencies)}, errors: {errors}")
    print(f"ack latency p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--batch", type=int, default=20, help="events per POST /v1/events")
    args = parser.parse_args()
    token = os.environ.get("SWITCHYARD_INTERNAL_TOKEN", "bench-internal-token")
    env = {
        "SWITCHYARD_DATABASE_URL": args.database_url,
        "SWITCHYARD_REDIS_URL": args.redis_url,
        "SWITCHYARD_INTERNAL_TOKEN": token,
        "SWITCHYARD_LOG_LEVEL": "warning",
        "SWITCHYARD_LOG_FORMAT": "json",
        "SWITCHYARD_REGISTRY_GRPC_PORT": "0",
        "SWITCHYARD_MAPPER_GRPC_PORT": "0",
        "SWITCHYARD_DISPATCHER_GRPC_PORT": "0",
        "SWITCHYARD_INGEST_GRPC_PORT": "0",
        "SWITCHYARD_INGEST_HTTP_PORT": "0",
    }
    ready: Any = multiprocessing.Queue()
    child = multiprocessing.Process(target=services_main, args=(env, ready), daemon=True)
    child.start()
    try:
        registry_port, http_port = ready.get(timeout=60)
        key, campaign, integration = asyncio.run(setup(registry_port, token))
        time.sleep(1.0)  # let the new configuration reach ingest's snapshot stream
        asyncio.run(
            drive(
                f"http://127.0.0.1:{http_port}",
                key,
                campaign,
                integration,
                args.seconds,
                args.clients,
                args.batch,
            )
        )
    finally:
        child.terminate()
        child.join(10)


if __name__ == "__main__":
    main()
