"""The gateway's rules against the real stack: auth, validation, dedup, attribution, privacy."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import redis.asyncio as aioredis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REDIS_CLAIM_KEY
from tests.integration.ingest.conftest import Org, Stack

RAW_EMAIL = "Zebulon.Quark-7731@Example.org"
RAW_PHONE = "+1 (415) 555-0199"


async def count_rows(db_pool: Any, org: Org) -> int:
    async with db_pool.acquire() as conn:
        leads = await conn.fetchval(
            "SELECT count(*) FROM ingest.leads WHERE organization_id = $1", org.id
        )
        events = await conn.fetchval(
            "SELECT count(*) FROM dispatcher.event_ids WHERE organization_id::text = $1", org.id
        )
    return int(leads) + int(events)


async def post_events(stack: Stack, org: Org, events: list[dict[str, Any]]) -> tuple[int, Any]:
    async with stack.http.post(
        f"{stack.base_url}/v1/events", json={"events": events}, headers=org.auth()
    ) as answer:
        return answer.status, await answer.json()


def sale(org: Org, **extra: Any) -> dict[str, Any]:
    return {
        "event_name": "sale",
        "campaign_id": org.campaign_id,
        "value": 10,
        "currency": "EUR",
        "custom_fields": {"plan": "gold"},
        **extra,
    }


async def test_events_need_an_api_key(stack: Stack, org: Org, db_pool: Any) -> None:
    for headers in ({}, {"Authorization": "Bearer sy_wrong"}):
        async with stack.http.post(
            f"{stack.base_url}/v1/events", json={"events": [sale(org)]}, headers=headers
        ) as answer:
            assert answer.status == 401
    async with stack.http.get(f"{stack.base_url}/v1/postback/not-a-token?event=conv") as answer:
        assert answer.status == 401
    assert await count_rows(db_pool, org) == 0


async def test_a_batch_with_one_bad_event_names_every_problem_and_stores_nothing(
    stack: Stack, org: Org, db_pool: Any
) -> None:
    events = [
        sale(org, event_id="ok-1"),
        sale(org, currency="XYZ", value=-3, custom_fields={}),
        {"event_name": "nope", "campaign_id": org.campaign_id},
        sale(org, event_time="2999-01-01T00:00:00Z"),
    ]
    status, body = await post_events(stack, org, events)
    assert status == 400
    fields = {p["field"] for p in body["problems"]}
    assert {
        "events[1].currency",
        "events[1].value",
        "events[1].custom_fields.plan",
        "events[2].event_name",
        "events[3].event_time",
    } <= fields
    assert await count_rows(db_pool, org) == 0


async def test_multi_trigger_off_fires_once_per_lead(stack: Stack, org: Org) -> None:
    status, body = await post_events(stack, org, [sale(org, transaction_id="TX-9")])
    assert status == 200, body
    lead = body["results"][0]["lead_id"]
    status, body = await post_events(stack, org, [sale(org, lead_id=lead, event_id="second")])
    assert status == 200, body
    assert body["results"][0]["outcome"] == "duplicate"
    assert body["results"][0]["lead_id"] == lead


async def test_a_redis_loss_does_not_let_a_duplicate_through(
    stack: Stack, org: Org, redis: aioredis.Redis
) -> None:
    status, body = await post_events(stack, org, [sale(org, event_id="survives-flush")])
    assert status == 200 and body["results"][0]["outcome"] == "accepted"
    claim = await redis.get(REDIS_CLAIM_KEY)
    await redis.flushdb()
    await redis.set(REDIS_CLAIM_KEY, claim or b"ingest-tests", ex=3600)
    status, body = await post_events(stack, org, [sale(org, event_id="survives-flush")])
    assert status == 200
    assert body["results"][0]["outcome"] == "duplicate"


async def test_a_click_is_attributed_to_a_later_lead_and_sale(stack: Stack, org: Org) -> None:
    async with stack.http.get(
        f"{stack.base_url}/v1/click",
        params={
            "campaign": org.campaign_id,
            "url": "https://shop.example/land?x=1",
            "gclid": "G-abc",
            "utm_source": "google",
        },
        allow_redirects=False,
    ) as answer:
        assert answer.status == 302
        location = answer.headers["Location"]
    click_id = parse_qs(urlsplit(location).query)["sy_click_id"][0]
    assert location.startswith("https://shop.example/land?x=1&sy_click_id=")
    status, body = await post_events(
        stack,
        org,
        [
            {
                "event_name": "Lead",
                "campaign_id": org.campaign_id,
                "click_id": click_id,
                "user": {"email": "lead@example.com"},
            }
        ],
    )
    assert status == 200, body
    lead = body["results"][0]["lead_id"]
    # a sale that only knows the e-mail reaches the lead, and through it the click
    status, body = await post_events(stack, org, [sale(org, user={"email": " LEAD@example.com "})])
    assert status == 200, body
    assert body["results"][0]["lead_id"] == lead
    async with stack.ingest.pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT click_id FROM ingest.leads WHERE organization_id = $1 AND lead_id = $2",
            org.id,
            lead,
        )
    assert row["click_id"] == click_id


async def test_an_event_carrying_only_a_platform_click_id_finds_the_recorded_click(
    stack: Stack, org: Org
) -> None:
    gclid = f"G-{os.urandom(4).hex()}"
    async with stack.http.get(
        f"{stack.base_url}/v1/click",
        params={"campaign": org.campaign_id, "url": "https://shop.example/", "gclid": gclid},
        allow_redirects=False,
    ) as answer:
        assert answer.status == 302
        location = answer.headers["Location"]
    click_id = parse_qs(urlsplit(location).query)["sy_click_id"][0]
    event = {
        "event_name": "Lead",
        "campaign_id": org.campaign_id,
        "click_ids": {"gclid": gclid},
        "user": {"email": f"{gclid}@example.com"},
    }
    status, body = await post_events(stack, org, [event])
    assert status == 200, body
    async with stack.ingest.pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT click_id FROM ingest.leads WHERE organization_id = $1 AND lead_id = $2",
            org.id,
            body["results"][0]["lead_id"],
        )
    assert row["click_id"] == click_id


async def test_bodies_over_the_limit_are_413(stack: Stack, org: Org) -> None:
    big = {"events": [sale(org, params={"blob": "x" * 70_000})]}
    async with stack.http.post(
        f"{stack.base_url}/v1/events", data=json.dumps(big), headers=org.auth()
    ) as answer:
        assert answer.status == 413


async def test_non_utf8_and_malformed_json_are_400(stack: Stack, org: Org) -> None:
    for data in (b'{"events": [\xff]}', b"{not json", b"[]"):
        async with stack.http.post(
            f"{stack.base_url}/v1/events", data=data, headers=org.auth()
        ) as answer:
            assert answer.status == 400
            assert "error" in await answer.json()


async def test_strict_integration_names_unknown_parameters(stack: Stack, make_org: Any) -> None:
    org = await make_org(strict=True)
    url = f"{stack.base_url}/v1/postback/{org.postback_token}"
    async with stack.http.get(url, params={"event": "conv", "plan": "x", "wat": "1"}) as answer:
        body = await answer.json()
        assert answer.status == 400
    assert any("wat" in p["rule"] for p in body["problems"])


async def test_raw_personal_data_is_stored_nowhere(
    stack: Stack, org: Org, db_pool: Any, redis: aioredis.Redis, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"{stack.base_url}/v1/postback/{org.postback_token}"
    params = {"event": "conv", "plan": "p", "email": RAW_EMAIL, "phone": RAW_PHONE}
    async with stack.http.post(url, data=params) as answer:
        assert answer.status == 200, await answer.text()
    needles = [RAW_EMAIL, RAW_EMAIL.lower(), "4155550199", "Zebulon"]
    async with db_pool.acquire() as conn:
        columns = await conn.fetch(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns"
            " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            " AND data_type IN ('text', 'bytea', 'jsonb', 'json', 'character varying')"
        )
        for column in columns:
            rows = await conn.fetch(
                f'SELECT "{column["column_name"]}"::text AS v'
                f' FROM "{column["table_schema"]}"."{column["table_name"]}"'
            )
            text = "\n".join(str(r["v"]) for r in rows)
            assert not any(n in text for n in needles), column
    async for key in redis.scan_iter():
        value = await redis.dump(key) or b""
        assert not any(n.encode() in key + value for n in needles)
    captured = capsys.readouterr()
    assert not any(n in captured.out + captured.err for n in needles)


async def test_shopify_webhook_needs_its_signature(stack: Stack, org: Org) -> None:
    from switchyard.v1 import config_pb2, registry_pb2

    created = await org.stub.CreateIntegration(
        registry_pb2.CreateIntegrationRequest(
            integration=config_pb2.Integration(
                name="shop",
                kind=config_pb2.INTEGRATION_KIND_SHOPIFY,
                campaign_id=org.campaign_id,
                enabled=True,
            ),
            signing_secret="shpss_secret",
        )
    )
    from tests.integration.ingest.conftest import current_version, wait_for_version

    await wait_for_version(stack, org.id, await current_version(org))
    order = {
        "id": 4501,
        "total_price": "99.00",
        "currency": "USD",
        "email": "buyer@example.com",
        "landing_site": "/p?gclid=G-9",
        "line_items": [{"sku": "S1", "price": "99.00", "quantity": 1, "title": "Box"}],
    }
    raw = json.dumps(order).encode()
    url = f"{stack.base_url}/v1/webhooks/{created.token}"
    headers = {"Content-Type": "application/json", "X-Shopify-Topic": "orders/create"}
    async with stack.http.post(
        url, data=raw, headers={**headers, "X-Shopify-Hmac-Sha256": "bad"}
    ) as bad:
        assert bad.status == 401
    import base64

    signature = base64.b64encode(hmac.new(b"shpss_secret", raw, hashlib.sha256).digest()).decode()
    async with stack.http.post(
        url, data=raw, headers={**headers, "X-Shopify-Hmac-Sha256": signature}
    ) as good:
        body = await good.json()
        assert good.status == 200, body
    assert body["results"][0]["event_id"] == "shopify:orders/create:4501"


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    query=st.lists(st.tuples(st.text(max_size=12), st.text(max_size=30)), max_size=6),
    body=st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=8,
    ),
)
async def test_arbitrary_input_never_gets_a_5xx(
    stack: Stack, org: Org, db_pool: Any, query: list[tuple[str, str]], body: Any
) -> None:
    before = await count_rows(db_pool, org)
    url = f"{stack.base_url}/v1/postback/{org.postback_token}"
    async with stack.http.post(url, params=query, json=body) as answer:
        assert answer.status < 500, await answer.text()
        rejected = answer.status >= 400
    async with stack.http.post(
        f"{stack.base_url}/v1/events", json={"events": [body]}, headers=org.auth()
    ) as answer:
        assert answer.status < 500, await answer.text()
        rejected = rejected and answer.status >= 400
    if rejected:
        assert await count_rows(db_pool, org) == before
