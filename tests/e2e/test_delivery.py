"""A click, a lead and a sale in over HTTP; each platform receives exactly the right payload."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import grpc
import pytest

from services.demo.platform_server import PlatformServer
from switchyard.v1 import dispatcher_pb2
from tests.e2e.support import (
    GOOGLE_CUSTOMER,
    GOOGLE_LEAD_ACTION,
    GOOGLE_PURCHASE_ACTION,
    META_PIXEL,
    TIKTOK_PIXEL,
    bodies,
    document,
    new_id,
    received_for,
    sha256,
)
from tests.helpers import wait_for
from tests.stack import ProcessStack, ack_event, settle

pytestmark = pytest.mark.e2e

EMAIL = "  Jane.Doe+promo@Gmail.com "
PHONE = "(415) 555-0123"
PLAN = "gold & silver/ü?"


async def _click(stack: ProcessStack, http: aiohttp.ClientSession, campaign_id: str) -> str:
    """Record a click through /v1/click; the Switchyard click id from the redirect."""
    params = {
        "campaign": campaign_id,
        "url": "https://shop.example/landing?promo=1",
        "fbclid": "IwAR2-fb_Click.id",
        "gclid": "Cj0KCQ-gclid_1",
        "ttclid": "E.C.P.tt-click",
        "sub1": "spring sale",
        "utm_source": "facebook",
    }
    async with http.get(
        f"{stack.http_url}/v1/click", params=params, allow_redirects=False
    ) as answer:
        assert answer.status == 302, await answer.text()
        location = urlsplit(answer.headers["Location"])
    assert location.netloc == "shop.example"
    query = parse_qs(location.query)
    assert query["promo"] == ["1"]
    [click_id] = query["sy_click_id"]
    return click_id


async def test_a_postback_reaches_every_platform_with_its_exact_payload(
    stack: ProcessStack, platforms: PlatformServer, http: aiohttp.ClientSession
) -> None:
    org = await stack.create_org(document(platforms))
    token = org.tokens["network"]
    await stack.wait_for_token(http, token)
    url = f"{stack.http_url}/v1/postback/{token}"
    click_id = await _click(stack, http, org.campaigns["main"])

    lead_id_event = new_id("lead")
    status, lead = await ack_event(http, url, {
        "event": "Lead", "event_id": lead_id_event, "email": EMAIL, "phone": PHONE,
        "first_name": " Jane ", "click_id": click_id,
    })  # fmt: skip
    assert status == 200, lead
    [lead_result] = lead["results"]
    assert lead_result["outcome"] == "accepted"
    lead_id = lead_result["lead_id"]

    # A sale without its required custom field is refused whole and stores nothing.
    refused_id = new_id("bad")
    status, refused = await ack_event(http, url, {
        "event": "conv", "event_id": refused_id, "lead_id": lead_id, "value": "10",
        "currency": "USD",
    })  # fmt: skip
    assert status == 400, refused
    assert any("plan" in p["field"] for p in refused["problems"]), refused

    sale_id = new_id("sale")
    status, sale = await ack_event(http, url, {
        "event": "conv", "event_id": sale_id, "lead_id": lead_id, "transaction_id": "T-1001",
        "value": "99.90", "currency": "EUR", "plan": PLAN,
    })  # fmt: skip
    assert status == 200, sale
    assert sale["results"][0]["outcome"] == "accepted"
    assert sale["results"][0]["lead_id"] == lead_id

    def all_arrived() -> bool:
        return (
            all(
                platforms.accepted_ids(p)[eid] >= 1
                for p in ("meta", "google_ads", "tiktok")
                for eid in (lead_id_event, sale_id)
            )
            and platforms.accepted_ids("postback")[sale_id] >= 1
        )

    await wait_for(all_arrived, timeout=20, interval=0.05)
    await settle(org)

    for platform in ("meta", "google_ads", "tiktok"):
        for eid in (lead_id_event, sale_id):
            for request in received_for(platforms, platform, eid):
                assert request.problems == [], (platform, request.problems)
            assert platforms.accepted_ids(platform)[eid] == 1, (platform, eid)
    # The partner destination takes both under their canonical names; the affiliate postback
    # only the affiliate conversion.
    partner = {
        eid: [
            r.query["name"]
            for r in received_for(platforms, "postback", eid)
            if r.path == "/postback/partner"
        ]
        for eid in (lead_id_event, sale_id)
    }
    assert partner == {lead_id_event: ["Lead"], sale_id: ["Purchase"]}
    assert platforms.accepted_ids("postback")[sale_id] == 2
    assert platforms.accepted_ids("postback")[lead_id_event] == 1
    assert not [r for r in platforms.received if refused_id in r.event_ids]
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await org.event(refused_id)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND

    _check_meta(platforms, lead_id_event, sale_id)
    _check_google(platforms, lead_id_event, sale_id)
    _check_tiktok(platforms, lead_id_event, sale_id)
    _check_affiliate(platforms, sale_id, lead_id)

    journey = await org.event(sale_id)
    statuses = {d.summary.destination_name: d.summary.status for d in journey.deliveries}
    delivered = dispatcher_pb2.DELIVERY_STATUS_DELIVERED
    assert statuses == dict.fromkeys(("meta", "google", "tiktok", "partner", "aff"), delivered)
    assert journey.summary.config_version == org.version
    # No raw personal data travelled with the stored inbound request.
    assert "Jane.Doe" not in journey.inbound.query and "555-0123" not in journey.inbound.query


def _meta_user(event: dict[str, Any]) -> dict[str, Any]:
    user: dict[str, Any] = event["user_data"]
    assert user["em"] == [sha256("jane.doe+promo@gmail.com")]
    assert user["ph"] == [sha256("14155550123")]  # digits with country code, no '+'
    assert user["fn"] == [sha256("jane")]
    # fbc built from the click: fb.1.<click time ms>.<fbclid byte-exact>
    prefix, version, millis, fbclid = user["fbc"].split(".", 3)
    assert (prefix, version, fbclid) == ("fb", "1", "IwAR2-fb_Click.id") and millis.isdigit()
    return user


def _check_meta(platforms: PlatformServer, lead_id: str, sale_id: str) -> None:
    [lead] = bodies(platforms, "meta", lead_id)
    [sale] = bodies(platforms, "meta", sale_id)
    assert lead["event_name"] == "Lead" and sale["event_name"] == "Purchase"
    for event in (lead, sale):
        _meta_user(event)
    assert sale["custom_data"]["value"] == 99.9
    assert sale["custom_data"]["currency"] == "eur"
    assert sale["custom_data"]["order_id"] == "T-1001"
    assert sale["custom_data"]["plan"] == PLAN
    [request] = received_for(platforms, "meta", sale_id)
    assert request.path.endswith(f"/{META_PIXEL}/events")
    assert request.query["access_token"] == "meta-secret-token"


def _check_google(platforms: PlatformServer, lead_id: str, sale_id: str) -> None:
    [lead] = bodies(platforms, "google_ads", lead_id)
    [sale] = bodies(platforms, "google_ads", sale_id)
    action = f"customers/{GOOGLE_CUSTOMER}/conversionActions/"
    assert lead["conversionAction"] == action + GOOGLE_LEAD_ACTION
    assert sale["conversionAction"] == action + GOOGLE_PURCHASE_ACTION
    for conversion in (lead, sale):
        assert conversion["gclid"] == "Cj0KCQ-gclid_1"
        identifiers = {k: v for i in conversion["userIdentifiers"] for k, v in i.items()
                       if k.startswith("hashed")}  # fmt: skip
        # Google drops the dots of a Gmail local part (and keeps the plus part); E.164 phone.
        assert identifiers == {
            "hashedEmail": sha256("janedoe+promo@gmail.com"),
            "hashedPhoneNumber": sha256("+14155550123"),
        }
    assert sale["orderId"] == sale_id
    assert (sale["conversionValue"], sale["currencyCode"]) == (99.9, "EUR")
    [request] = received_for(platforms, "google_ads", sale_id)
    assert request.headers["authorization"] == "Bearer google-secret-token"
    assert request.headers["developer-token"] == "dev-token"


def _check_tiktok(platforms: PlatformServer, lead_id: str, sale_id: str) -> None:
    [lead] = bodies(platforms, "tiktok", lead_id)
    [sale] = bodies(platforms, "tiktok", sale_id)
    assert (lead["event"], sale["event"]) == ("Lead", "CompletePayment")
    for event in (lead, sale):
        assert event["user"]["email"] == sha256("jane.doe+promo@gmail.com")
        assert event["user"]["phone"] == sha256("+14155550123")
        assert event["user"]["ttclid"] == "E.C.P.tt-click"
    assert sale["properties"]["value"] == 99.9
    assert sale["properties"]["currency"] == "EUR"
    [request] = received_for(platforms, "tiktok", sale_id)
    assert request.headers["access-token"] == "tiktok-secret-token"
    assert request.body.count(TIKTOK_PIXEL.encode()) == 1


def _check_affiliate(platforms: PlatformServer, sale_id: str, lead_id: str) -> None:
    [request] = [r for r in received_for(platforms, "postback", sale_id)
                 if r.path == "/postback/aff"]  # fmt: skip
    # Values that would break a URL arrive whole: the macros were percent-encoded.
    assert request.query == {
        "eid": sale_id, "tx": "T-1001", "payout": "12.5", "value": "99.9", "plan": PLAN,
        "sub1": "spring sale", "gclid": "Cj0KCQ-gclid_1",
    }  # fmt: skip
    assert request.method == "GET"
