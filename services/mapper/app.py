"""Wiring of the mapper process: snapshot stream, gRPC server and metrics.

The mapper holds no state of its own beyond the snapshots, so it has no database. Health
turns SERVING once the registry answers and the snapshot stream is running: an organization
the stream has not delivered yet is fetched on first use, so no request needs to wait for the
whole stream. On SIGTERM: NOT_SERVING, drain calls, stop the stream, close the channel.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.grpc_client import channel as grpc_channel
from services.common.grpc_server import GrpcServer
from services.common.lifecycle import Supervisor
from services.common.logging import get_logger
from services.common.metrics import MetricsServer, start_metrics_server
from services.common.runtime import run_service
from services.mapper.config import MapperSettings
from services.mapper.grpc_api import MapperApi
from services.mapper.snapshots import SnapshotStore
from switchyard.v1 import mapper_pb2, mapper_pb2_grpc, registry_pb2, registry_pb2_grpc

WATCH_TASK = "snapshot_watch"
READY_TIMEOUT_SECONDS = 30.0
REGISTRY_SERVICE = registry_pb2.DESCRIPTOR.services_by_name["RegistryInternal"].full_name
log = get_logger(__name__)


@dataclass
class Mapper:
    """A running mapper: its bound port, its snapshots and what to stop."""

    server: GrpcServer
    store: SnapshotStore
    supervisor: Supervisor
    channel: Any
    metrics: MetricsServer | None

    @property
    def port(self) -> int:
        assert self.server.port is not None
        return self.server.port

    async def stop(self, grace: float = 5.0) -> None:
        """NOT_SERVING, drain in-flight calls, stop the stream, close the channel."""
        await self.server.stop(grace)
        await self.supervisor.stop(grace)
        if self.metrics is not None:
            await self.metrics.stop()
        await self.channel.close()


async def registry_ready(channel: Any) -> None:
    """Return once the registry's health check says RegistryInternal is SERVING."""
    stub = health_pb2_grpc.HealthStub(channel)
    request = health_pb2.HealthCheckRequest(service=REGISTRY_SERVICE)
    while True:
        try:
            answer = await stub.Check(request, timeout=2, wait_for_ready=True)
            if answer.status == health_pb2.HealthCheckResponse.SERVING:
                return
        except Exception as err:  # any failure means not yet: keep asking until the deadline
            log.info("registry_not_ready", error=type(err).__name__)
        await asyncio.sleep(0.2)  # polling interval while waiting for the registry


async def start(settings: MapperSettings, *, with_metrics: bool = True) -> Mapper:
    """Start serving (port 0 picks a free one); returns once health says SERVING."""
    token = settings.common.internal_token
    channel = grpc_channel(settings.common.registry_address, token)
    store = SnapshotStore(registry_pb2_grpc.RegistryInternalStub(channel))
    server = GrpcServer(
        "mapper",
        port=settings.grpc_port,
        service_names=(mapper_pb2.DESCRIPTOR.services_by_name["Mapper"].full_name,),
        internal_token=token,  # every Mapper call is Switchyard's own (policy "internal")
    )
    mapper_pb2_grpc.add_MapperServicer_to_server(MapperApi(store), server.server)
    supervisor = Supervisor()
    metrics = await start_metrics_server(settings.metrics_port) if with_metrics else None
    await server.start()
    await asyncio.wait_for(registry_ready(channel), READY_TIMEOUT_SECONDS)
    supervisor.start(WATCH_TASK, store.watch)
    await asyncio.wait_for(store.synced.wait(), READY_TIMEOUT_SECONDS)
    await server.set_ready()
    return Mapper(server, store, supervisor, channel, metrics)


async def serve(settings: MapperSettings) -> None:
    """Run until SIGTERM or SIGINT."""

    async def begin() -> Any:
        mapper = await start(settings)
        log.info("mapper_ready", port=mapper.port)
        return lambda: mapper.stop(settings.common.shutdown_grace_seconds)

    await run_service("mapper", settings.common, begin)
