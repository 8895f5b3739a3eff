"""Operators see what became of events and which duplicate check fired, on /metrics."""

from __future__ import annotations

from prometheus_client import REGISTRY

from tests.integration.ingest.conftest import Org, Stack


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_outcomes_and_dedup_hits_are_counted(stack: Stack, org: Org) -> None:
    before = {
        outcome: _sample("switchyard_ingest_events_total", outcome=outcome)
        for outcome in ("accepted", "duplicate", "rejected")
    }
    hits = _sample("switchyard_ingest_dedup_hits_total", check="event_id")
    url = f"{stack.base_url}/v1/postback/{org.postback_token}"
    params = {"event": "conv", "txid": "T-metrics", "plan": "gold", "event_id": "metrics-1"}
    for _ in range(2):
        async with stack.http.get(url, params=params) as answer:
            assert answer.status == 200
    async with stack.http.get(url, params={**params, "currency": "XXQ"}) as refused:
        assert refused.status == 400
    assert _sample("switchyard_ingest_events_total", outcome="accepted") == before["accepted"] + 1
    assert _sample("switchyard_ingest_events_total", outcome="duplicate") == before["duplicate"] + 1
    assert _sample("switchyard_ingest_events_total", outcome="rejected") == before["rejected"] + 1
    assert _sample("switchyard_ingest_dedup_hits_total", check="event_id") == hits + 1
