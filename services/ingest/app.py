"""Wiring of the ingest process: pools, snapshots, batcher, gRPC server, HTTP gateway, metrics.

On SIGTERM: readiness fails first (gRPC health NOT_SERVING, /readyz 503), the gRPC and HTTP
listeners close (new connections are refused), requests already accepted finish within the
grace period, then the batcher flushes what is left and the pools close.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from aiohttp import web

from services.common.auth import CachedKeyResolver, RegistryKeyResolver
from services.common.db import migrate_service, service_database
from services.common.grpc_client import channel
from services.common.grpc_server import GrpcServer
from services.common.lifecycle import Supervisor
from services.common.logging import get_logger
from services.common.metrics import MetricsServer, start_metrics_server
from services.common.redis import create_redis, ping
from services.common.runtime import run_service
from services.ingest.attribution import Attribution
from services.ingest.batcher import Batcher
from services.ingest.catalog import Catalog, SnapshotSource, StoreSource
from services.ingest.config import IngestSettings
from services.ingest.dedup import Dedup
from services.ingest.grpc_api import IngestApi
from services.ingest.handoff import HandOff
from services.ingest.http_api import create_app
from services.ingest.intake import Intake
from services.ingest.repository import MIGRATIONS_DIR, SCHEMA, Repository
from services.ingest.validation import Limits
from services.mapper.snapshots import SnapshotStore
from switchyard.v1 import (
    dispatcher_pb2_grpc,
    ingest_pb2,
    ingest_pb2_grpc,
    mapper_pb2_grpc,
    registry_pb2_grpc,
)

WATCH_TASK = "snapshot_watch"
READY_TIMEOUT_SECONDS = 30.0
APPLICATION_NAME = "switchyard-ingest"
log = get_logger(__name__)


@dataclass
class Ingest:
    """A running ingest: its bound ports and what to stop."""

    server: GrpcServer
    runner: web.AppRunner
    http_port: int
    intake: Intake
    batcher: Batcher[Any, Any]
    channels: list[Any]
    pool: Any
    redis: aioredis.Redis
    metrics: MetricsServer | None
    owns_pool: bool
    owns_redis: bool
    stopping: bool = False

    @property
    def grpc_port(self) -> int:
        assert self.server.port is not None
        return self.server.port

    async def stop(self, grace: float = 5.0) -> None:
        """Fail readiness, stop listening, finish accepted calls, flush, then close."""
        self.stopping = True
        await self.server.health.enter_graceful_shutdown()
        # Both listeners close first, together: new connections are refused (the caller retries
        # elsewhere) while calls already accepted finish with the batcher still taking work.
        # Closing the batcher first answered 503 to requests accepted meanwhile.
        await asyncio.gather(self.server.stop(grace), self.runner.cleanup())
        await self.batcher.drain(grace)
        for open_channel in self.channels:
            await open_channel.close()
        if self.metrics is not None:
            await self.metrics.stop()
        if self.owns_redis:
            await self.redis.aclose()
        if self.owns_pool:
            await self.pool.close()


async def start(
    settings: IngestSettings,
    snapshots: SnapshotSource,
    snapshots_synced: asyncio.Event,
    *,
    pool: Any = None,
    redis: aioredis.Redis | None = None,
    with_metrics: bool = True,
) -> Ingest:
    """Start serving gRPC and HTTP (port 0 picks free ones); returns once ready."""
    common = settings.common
    owns_redis = redis is None
    pool, owns_pool = await service_database(common, APPLICATION_NAME, SCHEMA, MIGRATIONS_DIR, pool)
    if redis is None:
        if not common.redis_url:
            raise SystemExit("SWITCHYARD_REDIS_URL is not set")
        redis = create_redis(common.redis_url)
    token = common.internal_token
    registry_channel = channel(common.registry_address, token)
    mapper_channel = channel(common.mapper_address, token)
    dispatcher_channel = channel(common.dispatcher_address, token)
    repository = Repository(pool)
    attribution = Attribution(repository, redis, settings.click_cache_seconds)
    handoff = HandOff(
        Dedup(redis),
        attribution,
        mapper_pb2_grpc.MapperStub(mapper_channel),
        dispatcher_pb2_grpc.DispatcherStub(dispatcher_channel),
    )
    batcher: Batcher[Any, Any] = Batcher(
        handoff, settings.batch_window_ms / 1000, settings.batch_max
    )
    intake = Intake(
        catalog=Catalog(snapshots),
        batcher=batcher,
        attribution=attribution,
        resolver=CachedKeyResolver(RegistryKeyResolver(registry_channel, token)),
        internal_token=token,
        registry=registry_pb2_grpc.RegistryInternalStub(registry_channel),
        limits=Limits(settings.max_event_age_days),
        max_batch=settings.max_batch,
        strict=settings.strict,
    )
    server = GrpcServer(
        "ingest",
        port=settings.grpc_port,
        service_names=(ingest_pb2.DESCRIPTOR.services_by_name["Ingest"].full_name,),
        internal_token=None,  # callers present API keys; the servicer authorizes them
    )
    ingest_pb2_grpc.add_IngestServicer_to_server(IngestApi(intake), server.server)
    state: dict[str, Ingest] = {}

    async def ready() -> dict[str, bool]:
        running = state.get("ingest")
        return {
            "accepting": running is not None and not running.stopping,
            "snapshots": snapshots_synced.is_set(),
            "postgres": await repository.ping(),
            "redis": await _redis_ok(redis),
            "mapper": _channel_ok(mapper_channel),
            "dispatcher": _channel_ok(dispatcher_channel),
        }

    app = create_app(intake, ready, settings.max_body_bytes)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=common.shutdown_grace_seconds)
    await runner.setup()
    site = web.TCPSite(runner, "0.0.0.0", settings.http_port)
    await site.start()
    http_port = int(runner.addresses[0][1])
    metrics = await start_metrics_server(settings.metrics_port) if with_metrics else None
    await server.start()
    # Ready only with every organization in hand: earlier, valid tokens would be refused.
    await asyncio.wait_for(snapshots_synced.wait(), READY_TIMEOUT_SECONDS)
    await server.set_ready()
    ingest = Ingest(
        server,
        runner,
        http_port,
        intake,
        batcher,
        [registry_channel, mapper_channel, dispatcher_channel],
        pool,
        redis,
        metrics,
        owns_pool,
        owns_redis,
    )
    state["ingest"] = ingest
    return ingest


async def _redis_ok(client: aioredis.Redis) -> bool:
    try:
        return await ping(client)
    except Exception:  # readiness reports, it does not raise
        return False


def _channel_ok(open_channel: Any) -> bool:
    import grpc

    state = open_channel.get_state(try_to_connect=True)
    return bool(state != grpc.ChannelConnectivity.SHUTDOWN)


async def serve(settings: IngestSettings) -> None:
    """Run until SIGTERM or SIGINT, with the mapper's snapshot store fed by the registry."""
    registry = channel(settings.common.registry_address, settings.common.internal_token)
    store = SnapshotStore(registry_pb2_grpc.RegistryInternalStub(registry))
    source = StoreSource(store)
    supervisor = Supervisor()

    async def begin() -> Any:
        supervisor.start(WATCH_TASK, store.watch)
        ingest = await start(settings, source, source.synced)
        log.info("ingest_ready", grpc_port=ingest.grpc_port, http_port=ingest.http_port)

        async def stop() -> None:
            await ingest.stop(settings.common.shutdown_grace_seconds)
            await supervisor.stop(settings.common.shutdown_grace_seconds)
            await registry.close()

        return stop

    await run_service("ingest", settings.common, begin)


async def run_migrations(settings: IngestSettings) -> list[str]:
    """Apply ingest's migrations and return the names applied."""
    return await migrate_service(settings.common, SCHEMA, MIGRATIONS_DIR, APPLICATION_NAME)
