"""Wiring of the dispatcher process: pool, migrations, partitions, worker, gRPC and metrics.

Health turns SERVING once migrations ran and today's partitions exist; the registry is not
needed for that (deliveries without credentials flow without it). On SIGTERM: NOT_SERVING,
stop claiming, let sends finish within the grace period, give back unfinished leases, write
the last outcomes (shielded), close the pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.common.auth import CachedKeyResolver, RegistryKeyResolver
from services.common.db import service_database
from services.common.grpc_client import channel
from services.common.grpc_server import GrpcServer
from services.common.lifecycle import Supervisor
from services.common.logging import get_logger
from services.common.metrics import MetricsServer, start_metrics_server
from services.common.runtime import run_service
from services.dispatcher.config import DispatcherSettings
from services.dispatcher.credentials import CredentialStore
from services.dispatcher.gate import Gates
from services.dispatcher.grpc_api import DispatcherService
from services.dispatcher.maintenance import partition_days, run_maintenance, run_queue_gauge
from services.dispatcher.repository import MIGRATIONS_DIR, SCHEMA, Repository
from services.dispatcher.retry import RetryPolicy
from services.dispatcher.sender import Sender
from services.dispatcher.watcher import listen_for_work, watch_snapshots
from services.dispatcher.worker import Worker, WorkerOptions
from switchyard.v1 import dispatcher_pb2, dispatcher_pb2_grpc

APPLICATION_NAME = "switchyard-dispatcher"
CLAIMER_TASK = "claimer"
log = get_logger(__name__)


@dataclass
class Dispatcher:
    """A running dispatcher: its port, worker and what to stop, in order."""

    server: GrpcServer
    worker: Worker
    service: DispatcherService
    repository: Repository
    intake: Supervisor
    background: Supervisor
    sender: Sender
    pool: Any
    channels: list[Any]
    metrics: MetricsServer | None
    owns_pool: bool

    @property
    def port(self) -> int:
        assert self.server.port is not None
        return self.server.port

    async def stop(self, grace: float = 5.0) -> None:
        """NOT_SERVING, stop claiming, drain sends, give back leases, close what we opened."""
        await self.server.set_not_serving()
        # The claimer ends its round and returns: cancelling it mid-claim could leave rows
        # leased to this process, waiting out their lease before another replica sends them.
        self.worker.stop_claiming()
        await self.intake.finish(CLAIMER_TASK, grace)
        await self.intake.stop(grace)
        await self.server.stop(grace)
        await self.worker.drain(grace)
        await self.background.stop(grace)
        await self.sender.close()
        for open_channel in self.channels:
            await open_channel.close()
        if self.metrics is not None:
            await self.metrics.stop()
        if self.owns_pool:
            await self.pool.close()


async def start(
    settings: DispatcherSettings, pool: Any = None, *, with_metrics: bool = True
) -> Dispatcher:
    """Start serving and delivering (port 0 picks a free one); returns once SERVING."""
    pool, owns_pool = await service_database(
        settings.common, APPLICATION_NAME, SCHEMA, MIGRATIONS_DIR, pool
    )
    dsn = str(settings.common.database_url)
    repository = Repository(pool)
    await repository.ensure_partitions(partition_days(datetime.now(UTC).date()))
    common = settings.common
    token = common.internal_token
    registry = channel(common.registry_address, token)
    mapper = channel(common.mapper_address, token)
    credentials = CredentialStore(registry, token)
    sender = Sender(
        common.outbound_allow_cidrs, settings.http_timeout_seconds, settings.max_response_bytes
    )
    await sender.start()
    worker = Worker(
        repository,
        sender,
        credentials,
        Gates(
            settings.destination_concurrency,
            settings.destination_rate,
            settings.breaker_failures,
            settings.breaker_cooldown_seconds,
        ),
        WorkerOptions(
            instance_id=settings.instance_id,
            lease_seconds=settings.lease_seconds,
            poll_seconds=settings.poll_seconds,
            claim_batch=settings.claim_batch,
            max_in_flight=settings.max_in_flight,
            batch_window_seconds=settings.batch_window_seconds,
            policy=RetryPolicy(
                settings.retry_base_seconds,
                settings.retry_cap_seconds,
                settings.retry_budget_seconds,
            ),
        ),
    )
    service = DispatcherService(
        repository,
        worker,
        internal_token=token,
        resolver=CachedKeyResolver(RegistryKeyResolver(registry, token)),
        mapper_channel=mapper,
        instance_id=settings.instance_id,
        retry_budget_seconds=settings.retry_budget_seconds,
        lease_seconds=settings.lease_seconds,
    )
    server = GrpcServer(
        "dispatcher",
        port=settings.grpc_port,
        service_names=(dispatcher_pb2.DESCRIPTOR.services_by_name["Dispatcher"].full_name,),
        internal_token=None,  # Enqueue takes the internal token, the rest API keys: per method
    )
    dispatcher_pb2_grpc.add_DispatcherServicer_to_server(service, server.server)
    background = Supervisor()
    background.start("delivery_recorder", worker.run_recorder)
    background.start("lease_heartbeat", worker.run_heartbeat)
    background.start(
        "maintenance",
        lambda: run_maintenance(repository, settings.retention_days, settings.dedup_window_seconds),
    )
    background.start("queue_gauge", lambda: run_queue_gauge(repository))
    background.start(
        "snapshot_watch", lambda: watch_snapshots(registry, token, repository, credentials, worker)
    )
    intake = Supervisor()
    intake.start(CLAIMER_TASK, worker.run_claimer)
    intake.start("work_listener", lambda: listen_for_work(dsn, settings.instance_id, worker))
    metrics = await start_metrics_server(settings.metrics_port) if with_metrics else None
    await server.start()
    await server.set_ready()
    return Dispatcher(
        server,
        worker,
        service,
        repository,
        intake,
        background,
        sender,
        pool,
        [registry, mapper],
        metrics,
        owns_pool,
    )


async def serve(settings: DispatcherSettings) -> None:
    """Run until SIGTERM or SIGINT."""

    async def begin() -> Any:
        dispatcher = await start(settings)
        log.info("dispatcher_ready", port=dispatcher.port, instance_id=settings.instance_id)
        return lambda: dispatcher.stop(settings.common.shutdown_grace_seconds)

    await run_service("dispatcher", settings.common, begin)
