"""A destination that fails for a while is retried until it recovers; one that refuses for good
ends failed with the platform's answer kept in the log."""

from __future__ import annotations

import aiohttp
import pytest

from services.demo.platform_server import PlatformServer
from switchyard.v1 import dispatcher_pb2
from tests.e2e.support import document, new_id
from tests.helpers import wait_for
from tests.stack import Org, ProcessStack, ack_event, settle

pytestmark = pytest.mark.e2e


async def _purchase(
    stack: ProcessStack, http: aiohttp.ClientSession, org: Org, event_id: str
) -> None:
    url = f"{stack.http_url}/v1/postback/{org.tokens['network']}"
    status, body = await ack_event(http, url, {
        "event": "conv", "event_id": event_id, "email": "retry@example.com", "value": "20",
        "currency": "USD", "plan": "basic",
    })  # fmt: skip
    assert status == 200, body
    assert body["results"][0]["outcome"] == "accepted"


async def _meta_delivery(org: Org, event_id: str) -> dispatcher_pb2.DeliveryDetail:
    journey = await org.event(event_id)
    [detail] = [d for d in journey.deliveries if d.summary.destination_name == "meta"]
    return detail


async def test_a_failing_destination_is_retried_until_it_recovers(
    stack: ProcessStack, platforms: PlatformServer, http: aiohttp.ClientSession
) -> None:
    org = await stack.create_org(document(platforms))
    await stack.wait_for_token(http, org.tokens["network"])
    event_id = new_id("retry")
    platforms.fail_next("meta", 500, 429, 503)
    await _purchase(stack, http, org, event_id)

    await wait_for(lambda: platforms.accepted_ids("meta")[event_id] == 1, timeout=20)
    await settle(org)
    detail = await _meta_delivery(org, event_id)
    assert detail.summary.status == dispatcher_pb2.DELIVERY_STATUS_DELIVERED
    assert [a.status_code for a in detail.attempts] == [500, 429, 503, 200]
    assert [a.outcome for a in detail.attempts] == ["retryable"] * 3 + ["success"]
    assert [a.number for a in detail.attempts] == [1, 2, 3, 4]
    assert detail.summary.attempts == 4 and detail.summary.last_status_code == 200
    assert b"scripted failure 429" in detail.attempts[1].response_body
    # Every request the platform saw for the event carried the same event id (its dedup key).
    seen = [
        r.status for r in platforms.received if event_id in r.event_ids and r.platform == "meta"
    ]
    assert seen == [500, 429, 503, 200]
    # The other destinations were not held back by Meta's trouble: one attempt each.
    others = [
        d for d in (await org.event(event_id)).deliveries if d.summary.destination_name != "meta"
    ]
    assert {d.summary.destination_name for d in others} == {"google", "tiktok", "partner", "aff"}
    assert all(len(d.attempts) == 1 and d.attempts[0].status_code == 200 for d in others)


async def test_a_permanent_refusal_ends_failed_with_the_answer_kept(
    stack: ProcessStack, platforms: PlatformServer, http: aiohttp.ClientSession
) -> None:
    org = await stack.create_org(document(platforms))
    await stack.wait_for_token(http, org.tokens["network"])
    event_id = new_id("refused")
    platforms.fail_next("meta", 400)
    await _purchase(stack, http, org, event_id)

    await settle(org)
    detail = await _meta_delivery(org, event_id)
    assert detail.summary.status == dispatcher_pb2.DELIVERY_STATUS_FAILED
    [attempt] = detail.attempts
    assert (attempt.status_code, attempt.outcome) == (400, "permanent")
    assert b"scripted failure 400" in attempt.response_body
    assert b"OAuthException" in attempt.response_body
    assert detail.summary.reason
    failed = await org.deliveries(statuses=[dispatcher_pb2.DELIVERY_STATUS_FAILED])
    assert [d.delivery_id for d in failed] == [detail.summary.delivery_id]
    # Nothing else about the event failed.
    assert platforms.accepted_ids("tiktok")[event_id] == 1
    assert platforms.accepted_ids("meta")[event_id] == 0
