"""Retention drops whole daily partitions; the dedup backstop forgets old ids; queue depth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from services.dispatcher.maintenance import maintain
from services.dispatcher.repository import Repository
from tests.integration.dispatcher.support import delivery, envelope, new_id


async def test_retention_drops_old_partitions_and_keeps_today(
    start_dispatcher: Any, db_pool: Any
) -> None:
    running = await start_dispatcher()
    await running.stop(1.0)
    repo: Repository = running.repository
    today = datetime.now(UTC).date()
    old = today - timedelta(days=40)
    assert await repo.ensure_partitions([old]) == 3
    stamp = datetime(old.year, old.month, old.day, 12, tzinfo=UTC)
    await db_pool.execute(
        "INSERT INTO dispatcher.attempts VALUES ('old', 'org', 1, $1, 1, 200, '[]', '', false,"
        " 'success', '', '', 1, 'x')",
        stamp,
    )
    await db_pool.execute(
        "INSERT INTO dispatcher.event_ids VALUES ('org-ret', $1, now() - interval '3 days')",
        new_id(),
    )
    _, dropped, purged = await maintain(repo, retention_days=30, dedup_window_seconds=86400)
    suffix = old.strftime("%Y%m%d")
    assert sorted(dropped) == sorted(f"{t}_p{suffix}" for t in ("attempts", "deliveries", "events"))
    assert purged >= 1
    assert (
        await db_pool.fetchval("SELECT count(*) FROM dispatcher.attempts WHERE delivery_id = 'old'")
        == 0
    )
    for table in ("events", "deliveries", "attempts"):
        assert await db_pool.fetchval(
            "SELECT to_regclass($1)", f"dispatcher.{table}_p{today:%Y%m%d}"
        )


async def test_queue_depth_counts_due_deliveries(start_dispatcher: Any, db_pool: Any) -> None:
    running = await start_dispatcher()
    await running.stop(1.0)  # nothing claims: the deliveries stay due
    ds = [delivery(new_id(), "http://127.0.0.1:9/none") for _ in range(3)]
    await running.service.commit([envelope("org-depth", [d]) for d in ds])
    depth, oldest = await running.repository.queue_depth()
    assert depth >= 3 and oldest >= 0
