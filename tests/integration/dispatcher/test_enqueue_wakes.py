"""Enqueue's one transaction: wakes other replicas' pollers, and stores sendable deliveries
already leased to the process that will send them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import asyncpg

from services.common.db import migrate
from services.dispatcher import enqueue
from services.dispatcher.app import MIGRATIONS_DIR, SCHEMA
from services.dispatcher.delivery import Claimed
from services.dispatcher.maintenance import partition_days
from services.dispatcher.repository import Lease, Repository
from services.dispatcher.watcher import CHANNEL
from tests.helpers import wait_for
from tests.integration.dispatcher.support import delivery, envelope, new_id


async def _retire(db_pool: Any, organization_id: str) -> None:
    """No dispatcher of a later test may pick up what these tests stored."""
    await db_pool.execute(
        "UPDATE dispatcher.deliveries SET status = 'failed', lease_owner = NULL"
        " WHERE organization_id = $1 AND status IN ('pending', 'in_flight')",
        organization_id,
    )


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
        await _retire(db_pool, org)


async def test_a_lease_stores_sendable_deliveries_claimed_and_leaves_the_rest_pending(
    db_pool: Any,
) -> None:
    await migrate(db_pool, SCHEMA, MIGRATIONS_DIR)
    repo = Repository(db_pool)
    await repo.ensure_partitions(partition_days(datetime.now(UTC).date()))
    org, event_id = new_id(), new_id()
    parked = f"parked-{new_id()}"
    await repo.mark_needs_credentials(org, parked, 1, "refused")
    url = "http://127.0.0.1:9/x"
    envelopes = [
        envelope(
            org,
            [
                delivery(event_id, url, destination_id="send-now"),
                delivery(event_id, url, destination_id="open-circuit"),
                delivery(event_id, url, destination_id=parked),
                delivery(event_id, url, destination_id="not-mapped", skip_reason="disabled"),
            ],
        )
    ]
    lease = Lease("instance-9", 30.0, ["open-circuit"])
    try:
        _, stored = await repo.enqueue(
            [(org, event_id)], lambda t: enqueue.rows_for(envelopes, t), 3600.0, "i", lease
        )
        # Read back only rows no other dispatcher may touch: the one leased here for 30 s
        # and the parked one (a dispatcher of another suite may claim the pending row).
        rows = await db_pool.fetch(
            "SELECT destination_id, lease_owner, attempt_count,"
            " lease_until > now() + interval '20 seconds' AS long_enough"
            " FROM dispatcher.deliveries WHERE event_id = $1 AND destination_id = ANY($2)",
            event_id,
            ["send-now", parked],
        )
    finally:
        await _retire(db_pool, org)
    assert {r["destination_id"]: r["status"] for r in stored} == {
        "send-now": "in_flight",
        "open-circuit": "pending",
        parked: "pending",
        "not-mapped": "skipped",
    }
    leased = {r["destination_id"]: (r["lease_owner"], r["attempt_count"]) for r in rows}
    assert leased == {"send-now": ("instance-9", 1), parked: (None, 0)}
    assert [r["long_enough"] for r in rows if r["destination_id"] == "send-now"] == [True]
    counted = {r["destination_id"]: r["attempt_count"] for r in stored}
    assert counted == {"send-now": 1, "open-circuit": 0, parked: 0, "not-mapped": 0}
    # What the worker is handed is a full claim: the same columns claim_ids returns.
    claimed = Claimed.from_row(next(r for r in stored if r["status"] == "in_flight"))
    assert (claimed.attempt_count, claimed.destination_id) == (1, "send-now")
