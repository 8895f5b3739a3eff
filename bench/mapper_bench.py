"""Events mapped per second per process, for a typical organization with 10 destinations.

    .venv/bin/python -m bench.mapper_bench                 # pure mapping, 20,000 events
    .venv/bin/python -m bench.mapper_bench --grpc          # also through a real gRPC Map call
    .venv/bin/python -m bench.mapper_bench --events 50000 --batch 100

The organization: Meta, Google Ads, GA4, TikTok, Microsoft, Snapchat, Pinterest, Reddit, a
postback URL and a signed webhook, two event mappings and an affiliate postback. Events are a
mix of Purchase, Lead, AddToCart and a custom `sale`, each with a full identity and click.
The gRPC mode serves Map from an in-process server whose snapshot store already holds the
organization (what a warm replica looks like) and calls it over a real channel.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime

import grpc

from services.common.grpc_server import GrpcServer
from services.common.logging import configure_logging
from services.mapper.grpc_api import MapperApi
from services.mapper.routing import map_events
from services.mapper.snapshot_index import SnapshotIndex
from services.mapper.snapshots import SnapshotStore
from switchyard.v1 import common_pb2, config_pb2, mapper_pb2, mapper_pb2_grpc
from tests.unit.mapper import factory as f

D = common_pb2.DestinationType
TYPES = (
    D.DESTINATION_TYPE_META,
    D.DESTINATION_TYPE_GOOGLE_ADS,
    D.DESTINATION_TYPE_GA4,
    D.DESTINATION_TYPE_TIKTOK,
    D.DESTINATION_TYPE_MICROSOFT,
    D.DESTINATION_TYPE_SNAPCHAT,
    D.DESTINATION_TYPE_PINTEREST,
    D.DESTINATION_TYPE_REDDIT,
    D.DESTINATION_TYPE_POSTBACK,
    D.DESTINATION_TYPE_WEBHOOK,
)
NAMES = ("Purchase", "Lead", "AddToCart", "sale")
TOKEN = "bench-internal-token"


def organization() -> config_pb2.Snapshot:
    """The typical organization."""
    destinations = [f.destination(t) for t in TYPES]
    mappings = [
        config_pb2.EventMapping(
            destination_id="dest-meta",
            event_name="sale",
            action=config_pb2.MAPPING_ACTION_STANDARD,
            target="Purchase",
        ),
        config_pb2.EventMapping(
            destination_id="dest-tiktok",
            event_name="AddToCart",
            action=config_pb2.MAPPING_ACTION_DISABLED,
        ),
    ]
    postbacks = [
        config_pb2.Postback(
            id="pb-1",
            name="network",
            event_name="sale",
            enabled=True,
            url_template="https://aff.example/p?tx={transaction_id}&payout={payout}&s={sub1}",
        )
    ]
    return f.snapshot(destinations, mappings, postbacks)


def events(count: int, now: datetime) -> list[common_pb2.CanonicalEvent]:
    """A mix of standard and custom events, each with a full identity and click."""
    made = []
    for i in range(count):
        name = NAMES[i % len(NAMES)]
        kind = common_pb2.EVENT_KIND_CUSTOM if name == "sale" else common_pb2.EVENT_KIND_STANDARD
        event = f.event(event_id=f"evt-{i}", event_name=name, kind=kind, transaction_id=f"T-{i}")
        event.event_time.FromDatetime(now)
        made.append(event)
    return made


def bench_pure(count: int, batch: int) -> tuple[float, int]:
    """Events/s and deliveries through the pure mapping function."""
    now = datetime.now(UTC)
    index = SnapshotIndex(organization())
    batch_events = events(count, now)
    started = time.perf_counter()
    deliveries = 0
    for start in range(0, count, batch):
        for result in map_events(index, batch_events[start : start + batch], now):
            deliveries += len(result.deliveries)
    return count / (time.perf_counter() - started), deliveries


async def bench_grpc(count: int, batch: int) -> float:
    """Events/s through a real gRPC Map call, batches sent one after another."""
    store = SnapshotStore(stub=None)
    store.put(organization())
    server = GrpcServer(
        "mapper", port=0, service_names=("switchyard.v1.Mapper",), internal_token=TOKEN
    )
    mapper_pb2_grpc.add_MapperServicer_to_server(MapperApi(store), server.server)
    port = await server.start()
    now = datetime.now(UTC)
    requests = [
        mapper_pb2.MapRequest(organization_id=f.ORG, events=events(batch, now))
        for _ in range(max(1, count // batch))
    ]
    metadata = (("authorization", f"Bearer {TOKEN}"),)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = mapper_pb2_grpc.MapperStub(channel)
            await stub.Map(requests[0], metadata=metadata)  # warm the connection
            started = time.perf_counter()
            for request in requests:
                await stub.Map(request, metadata=metadata)
            elapsed = time.perf_counter() - started
    finally:
        await server.stop(0)
    return len(requests) * batch / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.mapper_bench")
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--grpc", action="store_true", help="also measure the gRPC Map call")
    args = parser.parse_args()
    configure_logging("warning", "auto", "mapper")  # per-call debug lines would be measured too
    rate, deliveries = bench_pure(args.events, args.batch)
    per_second = rate * deliveries / args.events
    print(
        f"pure mapping: {rate:,.0f} events/s ({per_second:,.0f} deliveries/s), "
        f"{len(TYPES)} destinations, batches of {args.batch}"
    )
    if args.grpc:
        grpc_rate = asyncio.run(bench_grpc(args.events, args.batch))
        print(f"gRPC Map: {grpc_rate:,.0f} events/s, batches of {args.batch}, one client")


if __name__ == "__main__":
    main()
