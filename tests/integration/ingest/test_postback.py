"""Postbacks end to end: real registry, mapper and dispatcher; Postgres and Redis."""

from __future__ import annotations

from typing import Any

from tests.integration.ingest.conftest import Org, Stack


async def test_postback_is_committed_and_a_resend_is_a_duplicate(stack: Stack, org: Org) -> None:
    url = f"{stack.base_url}/v1/postback/{org.postback_token}"
    params = {"event": "conv", "txid": "T-1", "amount": "12.5", "currency": "usd", "plan": "gold"}
    async with stack.http.get(url, params=params) as answer:
        body: Any = await answer.json()
        assert answer.status == 200, body
    assert body["status"] == "ok"
    [first] = body["results"]
    assert first["outcome"] == "accepted"
    assert first["lead_id"]
    async with stack.http.get(url, params={**params, "event_id": first["event_id"]}) as again:
        assert again.status == 200
        assert (await again.json())["results"][0]["outcome"] == "duplicate"
