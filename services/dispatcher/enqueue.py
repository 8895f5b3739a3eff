"""Enqueue's rules: check a batch whole, then turn the accepted events into rows.

A bad envelope anywhere rejects the whole batch with every problem named, so nothing is
half-stored; an event id already taken is a duplicate, reported and not stored again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from services.common.errors import InvalidArgument, Problem
from services.dispatcher.repository import DeliveryRow, EventRow
from switchyard.v1 import common_pb2, dispatcher_pb2

MAX_EVENTS = 5000


def validate(request: dispatcher_pb2.EnqueueRequest) -> None:
    """Every broken rule of the batch at once."""
    problems: list[Problem] = []
    if len(request.events) > MAX_EVENTS:
        problems.append(Problem("events", f"at most {MAX_EVENTS} events per call"))
    for i, envelope in enumerate(request.events):
        at = f"events[{i}]"
        event = envelope.event
        if not event.event_id:
            problems.append(Problem(f"{at}.event.event_id", "is required"))
        if not event.organization_id:
            problems.append(Problem(f"{at}.event.organization_id", "is required"))
        if not event.event_name:
            problems.append(Problem(f"{at}.event.event_name", "is required"))
        seen: set[str] = set()
        for j, delivery in enumerate(envelope.deliveries):
            problems.extend(_delivery_problems(f"{at}.deliveries[{j}]", delivery, event.event_id))
            if delivery.delivery_id in seen:
                problems.append(Problem(f"{at}.deliveries[{j}].delivery_id", "is repeated"))
            seen.add(delivery.delivery_id)
    if problems:
        raise InvalidArgument(problems)


def _delivery_problems(at: str, delivery: common_pb2.Delivery, event_id: str) -> list[Problem]:
    problems = []
    if not delivery.delivery_id:
        problems.append(Problem(f"{at}.delivery_id", "is required"))
    if not delivery.destination_id:
        problems.append(Problem(f"{at}.destination_id", "is required"))
    if delivery.event_id and delivery.event_id != event_id:
        problems.append(Problem(f"{at}.event_id", "must match the envelope's event"))
    if delivery.decision == common_pb2.DELIVERY_DECISION_SEND:
        if not delivery.request.url:
            problems.append(Problem(f"{at}.request.url", "is required to send"))
        batch = delivery.request.batch
        if batch.key and (not batch.field or batch.max_items < 1):
            problems.append(Problem(f"{at}.request.batch", "a batch key needs field and max_items"))
    elif delivery.decision != common_pb2.DELIVERY_DECISION_SKIP:
        problems.append(Problem(f"{at}.decision", "must be SEND or SKIP"))
    return problems


def _time(ts: object) -> datetime | None:
    seconds = getattr(ts, "seconds", 0)
    nanos = getattr(ts, "nanos", 0)
    if not seconds and not nanos:
        return None
    return datetime.fromtimestamp(seconds + nanos / 1e9, tz=UTC)


def rows_for(
    envelopes: Sequence[dispatcher_pb2.EventEnvelope], taken: set[tuple[str, str]]
) -> tuple[list[EventRow], list[DeliveryRow]]:
    """Rows for the first occurrence of each taken (organization, event id)."""
    events: list[EventRow] = []
    deliveries: list[DeliveryRow] = []
    remaining = set(taken)
    for envelope in envelopes:
        event = envelope.event
        key = (event.organization_id, event.event_id)
        if key not in remaining:
            continue
        remaining.discard(key)
        events.append(_event_row(envelope))
        trace = envelope.traceparent
        deliveries.extend(_delivery_row(event, d, trace) for d in envelope.deliveries)
    return events, deliveries


def _event_row(envelope: dispatcher_pb2.EventEnvelope) -> EventRow:
    event = envelope.event
    return EventRow(
        organization_id=event.organization_id,
        event_id=event.event_id,
        event_name=event.event_name,
        campaign_id=event.campaign_id,
        lead_id=event.lead_id,
        transaction_id=event.transaction_id,
        event_time=_time(event.event_time),
        value=event.value if event.HasField("value") else None,
        currency=event.currency,
        config_version=envelope.config_version,
        test=event.test,
        canonical=event.SerializeToString(),
        inbound=envelope.inbound.SerializeToString(),
    )


def _delivery_row(
    event: common_pb2.CanonicalEvent, delivery: common_pb2.Delivery, traceparent: str
) -> DeliveryRow:
    skip = delivery.decision == common_pb2.DELIVERY_DECISION_SKIP
    return DeliveryRow(
        id=delivery.delivery_id,
        organization_id=event.organization_id,
        event_id=event.event_id,
        event_name=event.event_name,
        campaign_id=event.campaign_id,
        lead_id=event.lead_id,
        transaction_id=event.transaction_id,
        destination_id=delivery.destination_id,
        destination_name=delivery.destination_name,
        destination_type=delivery.destination_type,
        postback_id=delivery.postback_id,
        platform_event_name=delivery.platform_event_name,
        skip=skip,
        reason=delivery.skip_reason if skip else "",
        accept_until=_time(delivery.accept_until),
        match_quality=delivery.match_quality,
        response_kind=delivery.response_kind,
        test=delivery.test or event.test,
        request=delivery.request.SerializeToString(),
        batch_key=delivery.request.batch.key,
        traceparent=traceparent,
    )
