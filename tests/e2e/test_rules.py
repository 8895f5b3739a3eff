"""Duplicates and multi-trigger, end to end: what is acknowledged, what is delivered."""

from __future__ import annotations

import aiohttp
import pytest

from services.demo.platform_server import PlatformServer
from tests.e2e.support import document, new_id, received_for
from tests.stack import ProcessStack, ack_event, settle

pytestmark = pytest.mark.e2e


async def test_duplicates_are_acknowledged_and_delivered_once(
    stack: ProcessStack, platforms: PlatformServer, http: aiohttp.ClientSession
) -> None:
    org = await stack.create_org(document(platforms))
    token = org.tokens["network"]
    await stack.wait_for_token(http, token)
    url = f"{stack.http_url}/v1/postback/{token}"
    status, lead = await ack_event(
        http, url, {"event": "Lead", "event_id": new_id(), "email": "dup@example.com"}
    )
    assert status == 200, lead
    lead_id = lead["results"][0]["lead_id"]

    async def send(event: str, event_id: str) -> str:
        status, body = await ack_event(
            http, url, {"event": event, "event_id": event_id, "lead_id": lead_id}
        )
        assert status == 200, body
        [result] = body["results"]
        assert result["event_id"] == event_id and result["lead_id"] == lead_id
        return str(result["outcome"])

    qualified, resent = new_id("q"), new_id("q")
    assert await send("qualified", qualified) == "accepted"
    # The same event id again: acknowledged, as a duplicate.
    assert await send("qualified", qualified) == "duplicate"
    # A second `qualified` for the lead under a new id: not multi-trigger, so not again.
    assert await send("qualified", resent) == "duplicate"
    # A multi-trigger event fires every time.
    first_call, second_call = new_id("call"), new_id("call")
    assert await send("call_booked", first_call) == "accepted"
    assert await send("call_booked", second_call) == "accepted"

    await settle(org)  # nothing left to send: what arrived is all that will
    partner = platforms.accepted_ids("postback")
    assert partner[qualified] == 1
    assert partner[resent] == 0
    assert partner[first_call] == 1 and partner[second_call] == 1
    names = {r.query["name"] for r in received_for(platforms, "postback", first_call)}
    assert names == {"booked"}
    assert [d.status for d in await org.deliveries(event_id=resent)] == []
