"""History over gRPC with real API keys from the in-process registry: filters, pages, tenants,
redelivery, and credentials that are refused, renewed and never stored."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from aiohttp import web

from switchyard.v1 import common_pb2, config_pb2, dispatcher_pb2, registry_pb2, registry_pb2_grpc
from tests.helpers import wait_for
from tests.integration.dispatcher.conftest import Client, enqueue, make_org
from tests.integration.dispatcher.support import Endpoint, delivery, envelope, new_id
from tests.integration.dispatcher.test_delivery import attempts, row, settled

FAILED = dispatcher_pb2.DELIVERY_STATUS_FAILED


async def test_history_filters_pages_and_tenant_walls(
    channel: grpc.aio.Channel,
    internal: Client,
    endpoint: Endpoint,
    registry_internal: Any,
    db_pool: Any,
) -> None:
    org_a, key_a = await make_org(registry_internal, "History A")
    org_b, key_b = await make_org(registry_internal, "History B")
    endpoint.handlers["/refuse"] = lambda _got: web.Response(status=400, text="bad")
    names = ["Purchase", "Lead", "Purchase"]
    events = [
        envelope(
            org_a,
            [delivery(new_id(), endpoint.url("/ok" if n == "Lead" else "/refuse"))],
            event_name=n,
            campaign_id=f"camp-{i}",
            transaction_id=f"tx-{i}",
        )
        for i, n in enumerate(names)
    ]
    test_event = envelope(org_a, [delivery(new_id(), endpoint.url("/ok"))], test=True)
    other = envelope(org_b, [delivery(new_id(), endpoint.url("/ok"))])
    for one in (*events, test_event, other):  # one commit each: distinct received_at
        await enqueue(internal, one)
    for e in events:
        await settled(db_pool, e.deliveries[0].delivery_id, "delivered", "failed")
    a, b = Client(channel, key_a), Client(channel, key_b)

    first = await a.ListEvents(
        dispatcher_pb2.ListEventsRequest(page=common_pb2.PageRequest(page_size=2))
    )
    assert len(first.events) == 2 and first.next_page_token
    second = await a.ListEvents(
        dispatcher_pb2.ListEventsRequest(
            page=common_pb2.PageRequest(page_size=2, page_token=first.next_page_token)
        )
    )
    listed = [e.event_id for e in (*first.events, *second.events)]
    assert listed == [e.event.event_id for e in reversed(events)] and not second.next_page_token

    with_test = await a.ListEvents(
        dispatcher_pb2.ListEventsRequest(filter=dispatcher_pb2.HistoryFilter(include_test=True))
    )
    assert len(with_test.events) == 4

    purchases = await a.ListEvents(
        dispatcher_pb2.ListEventsRequest(
            filter=dispatcher_pb2.HistoryFilter(event_names=["Purchase"], statuses=[FAILED])
        )
    )
    assert {e.transaction_id for e in purchases.events} == {"tx-0", "tx-2"}
    assert all(e.deliveries.failed == 1 and e.config_version == 7 for e in purchases.events)
    by_campaign = await a.ListDeliveries(
        dispatcher_pb2.ListDeliveriesRequest(
            filter=dispatcher_pb2.HistoryFilter(campaign_id="camp-1")
        )
    )
    assert [d.event_id for d in by_campaign.deliveries] == [events[1].event.event_id]
    assert by_campaign.deliveries[0].status == dispatcher_pb2.DELIVERY_STATUS_DELIVERED

    journey = await a.GetEvent(dispatcher_pb2.GetEventRequest(event_id=events[0].event.event_id))
    assert journey.inbound.query == events[0].inbound.query
    assert journey.event.transaction_id == "tx-0" and journey.summary.config_version == 7
    [detail] = journey.deliveries
    assert detail.request.url == endpoint.url("/refuse")
    assert [(t.status_code, t.response_body) for t in detail.attempts] == [(400, b"bad")]

    for call in (
        a.GetEvent(dispatcher_pb2.GetEventRequest(event_id=other.event.event_id)),
        b.GetDelivery(
            dispatcher_pb2.GetDeliveryRequest(delivery_id=events[0].deliveries[0].delivery_id)
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    only_b = await b.ListEvents(dispatcher_pb2.ListEventsRequest())
    assert [e.event_id for e in only_b.events] == [other.event.event_id]

    for bad in (
        a.ListEvents(
            dispatcher_pb2.ListEventsRequest(page=common_pb2.PageRequest(page_token="zz!"))
        ),
        a.Redeliver(dispatcher_pb2.RedeliverRequest()),
        internal.ListEvents(dispatcher_pb2.ListEventsRequest()),
        Client(channel, "sy_unknown_key").ListEvents(dispatcher_pb2.ListEventsRequest()),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await bad
        assert caught.value.code() in (
            grpc.StatusCode.INVALID_ARGUMENT,
            grpc.StatusCode.PERMISSION_DENIED,
            grpc.StatusCode.UNAUTHENTICATED,
        )


async def test_redeliver_by_filter_and_by_ids(
    channel: grpc.aio.Channel,
    internal: Client,
    endpoint: Endpoint,
    registry_internal: Any,
    db_pool: Any,
) -> None:
    org, key = await make_org(registry_internal, "Redeliver Co")
    endpoint.handlers["/fix-me"] = lambda _got: web.Response(status=404)
    ds = [delivery(new_id(), endpoint.url("/fix-me"), destination_id="dest-r") for _ in range(2)]
    await enqueue(internal, *[envelope(org, [d]) for d in ds])
    for d in ds:
        await settled(db_pool, d.delivery_id, "failed")
    admin = Client(channel, key)
    by_filter = dispatcher_pb2.HistoryFilter(destination_id="dest-r", statuses=[FAILED])
    dry = await admin.Redeliver(dispatcher_pb2.RedeliverRequest(filter=by_filter, dry_run=True))
    assert dry.count == 2 and (await row(db_pool, ds[0].delivery_id))["status"] == "failed"
    del endpoint.handlers["/fix-me"]
    one = await admin.Redeliver(dispatcher_pb2.RedeliverRequest(delivery_ids=[ds[0].delivery_id]))
    assert one.count == 1
    assert (await settled(db_pool, ds[0].delivery_id, "delivered"))["attempt_count"] == 2
    rest = await admin.Redeliver(dispatcher_pb2.RedeliverRequest(filter=by_filter))
    assert rest.count == 1
    await settled(db_pool, ds[1].delivery_id, "delivered")
    assert len(await attempts(db_pool, ds[0].delivery_id)) == 2


async def test_refused_credentials_park_the_destination_until_renewed(
    internal: Client,
    endpoint: Endpoint,
    registry_internal: Any,
    db_pool: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    org, key = await make_org(registry_internal, "Credentials Co")
    _, registry_channel = registry_internal
    admin = registry_pb2_grpc.RegistryStub(registry_channel)
    meta = (("authorization", f"Bearer {key}"),)
    created = await admin.CreateDestination(
        registry_pb2.CreateDestinationRequest(
            destination=config_pb2.Destination(
                name="meta",
                type=common_pb2.DESTINATION_TYPE_META,
                settings={"pixel_id": "123"},
                enabled=True,
            ),
            credentials={"access_token": "old-secret-token"},
        ),
        metadata=meta,
    )
    destination_id = created.destination.id
    endpoint.handlers["/capi"] = lambda got: web.Response(
        status=401 if got.query.get("access_token") == "old-secret-token" else 200
    )
    slot = common_pb2.CredentialSlot(
        location=common_pb2.CREDENTIAL_LOCATION_QUERY,
        name="access_token",
        credential_key="access_token",
    )
    ds = [
        delivery(
            new_id(),
            endpoint.url("/capi"),
            destination_id=destination_id,
            destination_type=common_pb2.DESTINATION_TYPE_META,
            slots=[slot],
        )
        for _ in range(3)
    ]
    await enqueue(internal, envelope(org, [ds[0]]))
    await wait_for(
        lambda: db_pool.fetchval(
            "SELECT count(*) FROM dispatcher.destination_state WHERE destination_id = $1",
            destination_id,
        )
    )
    parked = await settled(db_pool, ds[0].delivery_id, "pending")
    assert parked["attempt_count"] == 0 and "waiting for new credentials" in parked["reason"]
    await enqueue(internal, *[envelope(org, [d]) for d in ds[1:]])  # the backlog waits too
    await admin.SetDestinationCredentials(
        registry_pb2.SetDestinationCredentialsRequest(
            destination_id=destination_id, credentials={"access_token": "new-secret-token"}
        ),
        metadata=meta,
    )
    done = [await settled(db_pool, d.delivery_id, "delivered") for d in ds]
    assert [r["attempt_count"] for r in done] == [1, 1, 1]  # the refused attempt was not counted
    assert [a["outcome"] for a in await attempts(db_pool, ds[0].delivery_id)] == ["auth", "success"]
    assert len(endpoint.at("/capi")) == 4
    assert endpoint.at("/capi")[-1].query["access_token"] == "new-secret-token"
    # Law 6: no credential in the delivery record, the attempts, or the logs.
    leaked = await db_pool.fetchval(
        "SELECT count(*) FROM dispatcher.deliveries d LEFT JOIN dispatcher.attempts a"
        " ON a.delivery_id = d.id WHERE d.destination_id = $1 AND ("
        " position('secret-token' in encode(d.request, 'escape')) > 0"
        " OR position('secret-token' in coalesce(a.error_message, '')) > 0"
        " OR position('secret-token' in coalesce(a.response_headers::text, '')) > 0)",
        destination_id,
    )
    assert leaked == 0
    assert "secret-token" not in capsys.readouterr().out
