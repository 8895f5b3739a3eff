"""Enqueue, send, retry, fail, expire and refuse — against real Postgres and a local endpoint."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
from aiohttp import web

from services.dispatcher.app import Dispatcher
from switchyard.v1 import common_pb2, dispatcher_pb2
from tests.helpers import wait_for
from tests.integration.dispatcher.conftest import Client, enqueue
from tests.integration.dispatcher.support import Endpoint, delivery, envelope, new_id, sequence

ACCEPTED = dispatcher_pb2.ENQUEUE_OUTCOME_ACCEPTED
DUPLICATE = dispatcher_pb2.ENQUEUE_OUTCOME_DUPLICATE
ORG = "org-delivery-tests"


async def row(db_pool: Any, delivery_id: str) -> Any:
    return await db_pool.fetchrow("SELECT * FROM dispatcher.deliveries WHERE id = $1", delivery_id)


async def settled(db_pool: Any, delivery_id: str, *statuses: str, within: float = 10.0) -> Any:
    """Wait until the delivery is in one of `statuses`; return its row."""

    async def check() -> Any:
        found = await row(db_pool, delivery_id)
        return found if found is not None and found["status"] in statuses else None

    return await wait_for(check, timeout=within, interval=0.02)


async def attempts(db_pool: Any, delivery_id: str) -> list[Any]:
    return list(
        await db_pool.fetch(
            "SELECT * FROM dispatcher.attempts WHERE delivery_id = $1 ORDER BY started_at",
            delivery_id,
        )
    )


async def test_enqueued_delivery_reaches_the_endpoint_and_is_recorded(
    internal: Client, endpoint: Endpoint, db_pool: Any
) -> None:
    event_id = new_id()
    d = delivery(event_id, endpoint.url("/ok"))
    assert await enqueue(internal, envelope(ORG, [d])) == [ACCEPTED]
    # Law 1: the answer came after the commit, so the rows exist now.
    assert (
        await db_pool.fetchval(
            "SELECT count(*) FROM dispatcher.events WHERE event_id = $1", event_id
        )
        == 1
    )
    done = await settled(db_pool, d.delivery_id, "delivered")
    assert done["attempt_count"] == 1 and done["last_status_code"] == 200
    assert [r.json()["event_id"] for r in endpoint.at("/ok")] == [event_id]
    [attempt] = await attempts(db_pool, d.delivery_id)
    assert attempt["status_code"] == 200 and attempt["outcome"] == "success"
    assert attempt["response_body"] == b'{"ok":true}'
    assert ["Content-Type", "text/plain; charset=utf-8"] in attempt["response_headers"]


async def test_duplicate_event_ids_are_reported_and_stored_once(
    internal: Client, endpoint: Endpoint, db_pool: Any
) -> None:
    event_id = new_id()
    first = envelope(ORG, [delivery(event_id, endpoint.url("/dup"))])
    again = envelope(ORG, [delivery(event_id, endpoint.url("/dup"))])
    assert await enqueue(internal, first, again) == [ACCEPTED, DUPLICATE]
    assert await enqueue(internal, again) == [DUPLICATE]
    # the same id in another organization is another event
    other = envelope("org-other", [delivery(event_id, endpoint.url("/dup"), destination_id="d2")])
    assert await enqueue(internal, other) == [ACCEPTED]
    count = await db_pool.fetchval(
        "SELECT count(*) FROM dispatcher.events WHERE event_id = $1 AND organization_id = $2",
        event_id,
        ORG,
    )
    assert count == 1


async def test_bad_batch_is_refused_whole_with_every_problem(
    internal: Client, endpoint: Endpoint, db_pool: Any
) -> None:
    good = envelope(ORG, [delivery(new_id(), endpoint.url("/x"))])
    bad_delivery = delivery(new_id(), "")
    bad_delivery.destination_id = ""
    bad = envelope(ORG, [bad_delivery])
    bad.event.event_name = ""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await enqueue(internal, good, bad)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = caught.value.details() or ""
    for field in ("events[1].event.event_name", "destination_id", "request.url"):
        assert field in details
    stored = await db_pool.fetchval(
        "SELECT count(*) FROM dispatcher.events WHERE event_id = $1", good.event.event_id
    )
    assert stored == 0


async def test_enqueue_needs_the_internal_token(
    channel: grpc.aio.Channel, endpoint: Endpoint
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await enqueue(
            Client(channel, "not-the-token"),
            envelope(ORG, [delivery(new_id(), endpoint.url("/x"))]),
        )
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_server_error_is_retried_until_delivered(
    internal: Client, endpoint: Endpoint, db_pool: Any
) -> None:
    endpoint.handlers["/flaky"] = sequence(500, 502, 200)
    d = delivery(new_id(), endpoint.url("/flaky"))
    await enqueue(internal, envelope(ORG, [d]))
    done = await settled(db_pool, d.delivery_id, "delivered")
    assert done["attempt_count"] == 3
    assert [a["outcome"] for a in await attempts(db_pool, d.delivery_id)] == [
        "retryable",
        "retryable",
        "success",
    ]


async def test_client_error_fails_permanently_with_the_response_kept(
    internal: Client, endpoint: Endpoint, db_pool: Any
) -> None:
    endpoint.handlers["/bad"] = lambda _got: web.Response(status=400, text="missing pixel id")
    d = delivery(new_id(), endpoint.url("/bad"))
    await enqueue(internal, envelope(ORG, [d]))
    done = await settled(db_pool, d.delivery_id, "failed")
    assert done["attempt_count"] == 1 and done["last_status_code"] == 400
    assert "HTTP 400" in done["reason"]
    [attempt] = await attempts(db_pool, d.delivery_id)
    assert attempt["response_body"] == b"missing pixel id"
    assert len(endpoint.at("/bad")) == 1


async def test_long_response_body_is_truncated(
    start_dispatcher: Any, endpoint: Endpoint, db_pool: Any
) -> None:
    running = await start_dispatcher(SWITCHYARD_DISPATCHER_MAX_RESPONSE_BYTES="10")
    endpoint.handlers["/long"] = lambda _got: web.Response(status=422, text="x" * 100)
    d = delivery(new_id(), endpoint.url("/long"))
    await running.service.commit([envelope(ORG, [d])])
    await settled(db_pool, d.delivery_id, "failed")
    [attempt] = await attempts(db_pool, d.delivery_id)
    assert attempt["response_body"] == b"x" * 10 and attempt["response_truncated"]


async def test_retry_after_is_honored(internal: Client, endpoint: Endpoint, db_pool: Any) -> None:
    endpoint.handlers["/slow-down"] = sequence(429, 200, headers={"Retry-After": "1"})
    d = delivery(new_id(), endpoint.url("/slow-down"))
    await enqueue(internal, envelope(ORG, [d]))
    await settled(db_pool, d.delivery_id, "delivered")
    first, second = endpoint.at("/slow-down")
    assert second.at - first.at >= 0.95  # the backoff alone would be at most 0.05 s


async def test_past_acceptance_window_expires_without_sending(
    internal: Client, endpoint: Endpoint, db_pool: Any
) -> None:
    d = delivery(
        new_id(),
        endpoint.url("/late"),
        destination_type=common_pb2.DESTINATION_TYPE_META,
        accept_until=datetime.now(UTC) - timedelta(seconds=1),
    )
    await enqueue(internal, envelope(ORG, [d]))
    done = await settled(db_pool, d.delivery_id, "expired")
    assert "Meta no longer accepts this event" in done["reason"]
    assert endpoint.at("/late") == [] and await attempts(db_pool, d.delivery_id) == []
    assert done["attempt_count"] == 0


async def test_retry_that_would_outlive_the_window_ends_expired(
    internal: Client, endpoint: Endpoint, db_pool: Any
) -> None:
    endpoint.handlers["/down"] = sequence(503, headers={"Retry-After": "30"})
    d = delivery(
        new_id(),
        endpoint.url("/down"),
        destination_type=common_pb2.DESTINATION_TYPE_GOOGLE_ADS,
        accept_until=datetime.now(UTC) + timedelta(seconds=20),
    )
    await enqueue(internal, envelope(ORG, [d]))
    done = await settled(db_pool, d.delivery_id, "expired")
    assert done["reason"].startswith("Google Ads accepts this event only until")
    assert len(endpoint.at("/down")) == 1


async def test_retry_budget_ends_dead(
    start_dispatcher: Any, endpoint: Endpoint, db_pool: Any
) -> None:
    running = await start_dispatcher(SWITCHYARD_DISPATCHER_RETRY_BUDGET_SECONDS="0.3")
    endpoint.handlers["/never"] = sequence(500)
    d = delivery(new_id(), endpoint.url("/never"), destination_id="dest-never")
    await running.service.commit([envelope(ORG, [d])])
    done = await settled(db_pool, d.delivery_id, "dead")
    assert done["reason"].startswith("retry budget ended")
    assert done["attempt_count"] == len(endpoint.at("/never")) >= 1


async def test_link_local_target_is_refused_at_send_time(
    internal: Client, endpoint: Endpoint, db_pool: Any
) -> None:
    d = delivery(new_id(), "http://169.254.169.254/latest/meta-data/")
    await enqueue(internal, envelope(ORG, [d]))
    done = await settled(db_pool, d.delivery_id, "failed")
    [attempt] = await attempts(db_pool, d.delivery_id)
    assert attempt["error_class"] == "refused_target" and attempt["status_code"] == 0
    assert "169.254.0.0/16" in done["reason"]


async def test_name_resolving_to_a_private_address_is_refused_after_dns(
    start_dispatcher: Any, endpoint: Endpoint, db_pool: Any
) -> None:
    host = socket.gethostname()
    resolved = {info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)}
    assert resolved and all(a.startswith("127.") or a == "::1" for a in resolved), resolved
    running = await start_dispatcher(SWITCHYARD_OUTBOUND_ALLOW_CIDRS="")
    d = delivery(new_id(), f"http://{host}:{endpoint.port}/private")
    await running.service.commit([envelope(ORG, [d])])
    await settled(db_pool, d.delivery_id, "failed")
    [attempt] = await attempts(db_pool, d.delivery_id)
    assert attempt["error_class"] == "refused_target"
    assert endpoint.at("/private") == []


async def test_batchable_deliveries_go_in_one_request_with_outcomes_each(
    start_dispatcher: Any, endpoint: Endpoint, db_pool: Any
) -> None:
    running = await start_dispatcher(SWITCHYARD_DISPATCHER_BATCH_WINDOW_MS="200")
    spec = common_pb2.BatchSpec(key="pixel-1", field="data", max_items=3)
    ids = [new_id() for _ in range(4)]
    envelopes = [
        envelope(
            ORG,
            [
                delivery(
                    i,
                    endpoint.url("/batch"),
                    destination_id="meta-1",
                    batch=spec,
                    body={"data": [{"event_id": i}], "test_code": "T1"},
                )
            ],
        )
        for i in ids
    ]
    await running.service.commit(envelopes)
    rows = [await settled(db_pool, f"{i}:meta-1", "delivered") for i in ids]
    sizes = sorted(len(r.json()["data"]) for r in endpoint.at("/batch"))
    assert sizes == [1, 3]  # four events, at most three per request
    sent = sorted(e["event_id"] for r in endpoint.at("/batch") for e in r.json()["data"])
    assert sent == sorted(ids)
    assert all(r.json()["test_code"] == "T1" for r in endpoint.at("/batch"))
    batch_sizes = sorted([(await attempts(db_pool, r["id"]))[0]["batch_size"] for r in rows])
    assert batch_sizes == [1, 3, 3, 3]


async def test_open_circuit_pauses_a_failing_destination_then_probes(
    start_dispatcher: Any, endpoint: Endpoint, db_pool: Any
) -> None:
    running = await start_dispatcher(
        SWITCHYARD_DISPATCHER_BREAKER_FAILURES="3",
        SWITCHYARD_DISPATCHER_BREAKER_COOLDOWN_SECONDS="1",
        SWITCHYARD_DISPATCHER_DESTINATION_CONCURRENCY="1",
    )
    endpoint.handlers["/breaker"] = sequence(503, 503, 503, 200)
    ds = [
        delivery(new_id(), endpoint.url("/breaker"), destination_id="dest-breaker")
        for _ in range(5)
    ]
    await running.service.commit([envelope(ORG, [d]) for d in ds])
    done = [await settled(db_pool, d.delivery_id, "delivered") for d in ds]
    got = endpoint.at("/breaker")
    # three failures open the circuit; nothing is sent during the cool-down; one probe, then all
    assert len(got) == 3 + 5
    assert got[3].at - got[2].at >= 0.9
    assert sum(r["attempt_count"] for r in done) == 8


async def test_expired_lease_of_a_dead_dispatcher_is_taken_over(
    start_dispatcher: Any, endpoint: Endpoint, db_pool: Any
) -> None:
    first = await start_dispatcher()
    await first.stop(1.0)  # stopped: its claimer will not compete
    d = delivery(new_id(), endpoint.url("/orphan"))
    await first.service.commit([envelope(ORG, [d])])
    claimed = await first.repository.claim_ids(
        "dead-dispatcher",
        [(d.delivery_id, (await row(db_pool, d.delivery_id))["created_at"])],
        [],
        0.5,
    )
    assert len(claimed) == 1
    await start_dispatcher()
    done = await settled(db_pool, d.delivery_id, "delivered")
    assert done["attempt_count"] == 2  # the dead dispatcher's attempt counts: it may have sent
    assert len(endpoint.at("/orphan")) == 1


async def test_shutdown_gives_back_unfinished_leases_uncounted(
    start_dispatcher: Any, endpoint: Endpoint, db_pool: Any
) -> None:
    import asyncio

    release = asyncio.Event()

    async def stall(_got: Any) -> web.Response:
        await release.wait()
        return web.Response(status=200)

    endpoint.handlers["/stall"] = stall
    running: Dispatcher = await start_dispatcher()
    d = delivery(new_id(), endpoint.url("/stall"))
    await running.service.commit([envelope(ORG, [d])])
    await wait_for(lambda: endpoint.at("/stall"), timeout=5)
    await running.stop(0.2)
    release.set()
    back = await row(db_pool, d.delivery_id)
    assert back["status"] == "pending" and back["attempt_count"] == 0
    assert back["lease_owner"] is None


async def test_attempt_rows_never_hold_the_request(
    internal: Client, endpoint: Endpoint, db_pool: Any
) -> None:
    d = delivery(new_id(), endpoint.url("/echo"))
    endpoint.handlers["/echo"] = lambda got: web.Response(
        status=200, text=json.dumps(dict(got.query))
    )
    await enqueue(internal, envelope(ORG, [d]))
    await settled(db_pool, d.delivery_id, "delivered")
    columns = {
        r["column_name"]
        for r in await db_pool.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'dispatcher'"
            " AND table_name = 'attempts'"
        )
    }
    assert not columns & {"request", "url", "request_headers"}
