"""Wiring of the registry process: pool, migrations, the LISTEN task, gRPC server and metrics.

Health turns SERVING only once migrations have run and the snapshot listener is up, so a watcher
connecting to a ready registry never misses a change. On SIGTERM: NOT_SERVING, drain calls,
stop the listener, close the pool.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from services.common.crypto import CredentialCipher
from services.common.db import service_database
from services.common.grpc_server import GrpcServer
from services.common.lifecycle import Supervisor
from services.common.logging import get_logger
from services.common.metrics import MetricsServer, start_metrics_server
from services.common.runtime import run_service
from services.registry.config import RegistrySettings
from services.registry.grpc_api import RegistryApi
from services.registry.grpc_internal import RegistryInternalApi
from services.registry.organizations import DatabaseKeyResolver
from services.registry.repository import MIGRATIONS_DIR, SCHEMA
from services.registry.store import Outbound, Store
from services.registry.watch import SnapshotHub
from switchyard.v1 import registry_pb2, registry_pb2_grpc

# How its sessions are labelled in pg_stat_activity.
APPLICATION_NAME = "switchyard-registry"
LISTENER_TASK = "snapshot_listener"
READY_TIMEOUT_SECONDS = 30.0
log = get_logger(__name__)


@dataclass
class Registry:
    """A running registry: its bound port and what to stop."""

    server: GrpcServer
    store: Store
    hub: SnapshotHub
    supervisor: Supervisor
    pool: Any
    metrics: MetricsServer | None
    owns_pool: bool

    @property
    def port(self) -> int:
        assert self.server.port is not None
        return self.server.port

    async def stop(self, grace: float = 5.0) -> None:
        """NOT_SERVING, end the watch streams, drain in-flight calls, close what we opened."""
        await self.server.set_not_serving()
        self.hub.close()
        await self.server.stop(grace)
        await self.supervisor.stop(grace)
        if self.metrics is not None:
            await self.metrics.stop()
        if self.owns_pool:
            await self.pool.close()


async def start(
    settings: RegistrySettings, pool: Any = None, *, with_metrics: bool = True
) -> Registry:
    """Start serving (port 0 picks a free one); returns once health says SERVING."""
    pool, owns_pool = await service_database(
        settings.common, APPLICATION_NAME, SCHEMA, MIGRATIONS_DIR, pool
    )
    dsn = str(settings.common.database_url)
    cipher = settings.common.credentials_key
    outbound = Outbound(
        settings.common.outbound_allow_cidrs, CredentialCipher(cipher) if cipher else None
    )
    store = Store(pool, outbound)
    hub = SnapshotHub(store)
    resolver = DatabaseKeyResolver(pool)
    token = settings.common.internal_token
    server = GrpcServer(
        "registry",
        port=settings.grpc_port,
        service_names=(
            registry_pb2.DESCRIPTOR.services_by_name["Registry"].full_name,
            registry_pb2.DESCRIPTOR.services_by_name["RegistryInternal"].full_name,
        ),
        internal_token=None,  # Registry calls carry API keys; each method authorizes itself
    )
    registry_pb2_grpc.add_RegistryServicer_to_server(
        RegistryApi(store, resolver, token), server.server
    )
    registry_pb2_grpc.add_RegistryInternalServicer_to_server(
        RegistryInternalApi(store, hub, resolver, token), server.server
    )
    supervisor = Supervisor()
    supervisor.start(LISTENER_TASK, lambda: hub.listen(dsn))
    metrics = await start_metrics_server(settings.metrics_port) if with_metrics else None
    await server.start()
    await asyncio.wait_for(hub.listening.wait(), READY_TIMEOUT_SECONDS)
    await server.set_ready()
    return Registry(server, store, hub, supervisor, pool, metrics, owns_pool)


async def serve(settings: RegistrySettings) -> None:
    """Run until SIGTERM or SIGINT."""

    async def begin() -> Any:
        registry = await start(settings)
        log.info("registry_ready", port=registry.port)
        return lambda: registry.stop(settings.common.shutdown_grace_seconds)

    await run_service("registry", settings.common, begin)
