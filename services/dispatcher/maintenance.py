"""Housekeeping loops: daily partitions ahead and behind, the dedup backstop, the queue gauge."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from services.common.logging import get_logger
from services.dispatcher import metrics
from services.dispatcher.repository import Repository

DAYS_AHEAD = 3
log = get_logger(__name__)


def partition_days(today: date, ahead: int = DAYS_AHEAD) -> list[date]:
    """Today and the next `ahead` days."""
    return [today + timedelta(days=n) for n in range(ahead + 1)]


def retention_cutoff(today: date, retention_days: int) -> date:
    """Partitions of days before this one are dropped."""
    return today - timedelta(days=retention_days)


async def maintain(
    repository: Repository,
    retention_days: int,
    dedup_window_seconds: float,
    today: date | None = None,
) -> tuple[int, list[str], int]:
    """One round: partitions made, partitions dropped, event ids forgotten."""
    day = today or datetime.now(UTC).date()
    made = await repository.ensure_partitions(partition_days(day))
    dropped = await repository.drop_partitions_before(retention_cutoff(day, retention_days))
    purged = await repository.purge_event_ids(dedup_window_seconds)
    if made or dropped or purged:
        log.info(
            "maintenance_done",
            partitions_made=made,
            partitions_dropped=dropped,
            event_ids_purged=purged,
        )
    return made, dropped, purged


async def run_maintenance(
    repository: Repository,
    retention_days: int,
    dedup_window_seconds: float,
    interval_seconds: float = 3600.0,
) -> None:
    """Maintain every `interval_seconds` (replicas may all do it: each step is idempotent)."""
    while True:
        await maintain(repository, retention_days, dedup_window_seconds)
        await asyncio.sleep(interval_seconds)  # the maintenance period


async def run_queue_gauge(repository: Repository, interval_seconds: float = 5.0) -> None:
    """Refresh the queue depth metrics the autoscaler reads."""
    while True:
        depth, oldest = await repository.queue_depth()
        metrics.set_queue(depth, oldest)
        await asyncio.sleep(interval_seconds)  # the gauge period
