"""Ingest's Prometheus metrics: what became of each event, and which duplicate check caught it."""

from __future__ import annotations

from prometheus_client import Counter

EVENTS = Counter(
    "switchyard_ingest_events_total",
    "Events ingest answered for, by outcome: accepted, duplicate, rejected (bad input) or "
    "unavailable (a downstream service failed; the sender retries).",
    ["outcome"],
)
DEDUP_HITS = Counter(
    "switchyard_ingest_dedup_hits_total",
    "Duplicates acknowledged and not delivered, by the check that caught them: event_id (Redis), "
    "lead (a non-multi-trigger event already fired for the lead) or backstop (the dispatcher "
    "already held the event id, e.g. after Redis lost its state).",
    ["check"],
)


def count_events(outcome: str, count: int = 1) -> None:
    """`count` events answered with `outcome`."""
    if count:
        EVENTS.labels(outcome).inc(count)


def count_duplicate(check: str) -> None:
    """One duplicate caught by `check`."""
    DEDUP_HITS.labels(check).inc()
