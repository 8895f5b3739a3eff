"""Enqueue wakes other replicas' pollers through a notification sent at commit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import asyncpg

from services.common.db import migrate
from services.dispatcher import enqueue
from services.dispatcher.app import MIGRATIONS_DIR, SCHEMA
from services.dispatcher.maintenance import partition_days
from services.dispatcher.repository import Repository
from services.dispatcher.watcher import CHANNEL
from tests.helpers import wait_for
from tests.integration.dispatcher.support import delivery, envelope, new_id


async def test_enqueue_notifies_listeners_once_with_its_instance_and_stores_every_delivery(
    database_url: str, db_pool: Any
) -> None:
    await migrate(db_pool, SCHEMA, MIGRATIONS_DIR)
    repo = Repository(db_pool)
    await repo.ensure_partitions(partition_days(datetime.now(UTC).date()))
    heard: list[str] = []
    listener = await asyncpg.connect(database_url)
    await listener.add_listener(CHANNEL, lambda *args: heard.append(args[3]))
    try:
        org, event_id = new_id(), new_id()
        envelopes = [
            envelope(
                org,
                [
                    delivery(event_id, "http://127.0.0.1:9/a", destination_id="d-1"),
                    delivery(event_id, "http://127.0.0.1:9/b", destination_id="d-2"),
                ],
            )
        ]
        taken, stored = await repo.enqueue(
            [(org, event_id)], lambda t: enqueue.rows_for(envelopes, t), 3600.0, "instance-7"
        )
        assert taken == {(org, event_id)}
        assert sorted(r["id"] for r in stored) == [f"{event_id}:d-1", f"{event_id}:d-2"]
        assert {r["status"] for r in stored} == {"pending"}
        await wait_for(lambda: heard == ["instance-7"], timeout=5)
        # A resend takes no id and stores nothing, so it wakes nobody.
        again, none = await repo.enqueue(
            [(org, event_id)], lambda t: enqueue.rows_for(envelopes, t), 3600.0, "instance-8"
        )
        assert again == set() and none == []
        await asyncio.sleep(0)  # let a stray notification reach the listener, were there one
        await listener.execute("SELECT 1")  # a round trip: notifications before it have arrived
        assert heard == ["instance-7"]
    finally:
        await listener.close()
