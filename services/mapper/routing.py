"""Routing: which destinations and postbacks an event goes to, under which name, and the
rendered request of each — or the reason it is skipped. Pure: snapshot index, events and the
clock in, deliveries out.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime

from google.protobuf import timestamp_pb2

from services.common.errors import NotFound
from services.mapper import match_quality
from services.mapper.platforms import postback as postback_adapter
from services.mapper.platforms.base import Platform, Rendered, Skip, Target
from services.mapper.platforms.table import platform_for
from services.mapper.snapshot_index import SnapshotIndex
from switchyard.v1 import common_pb2, config_pb2, mapper_pb2

# Fixed namespace: delivery ids must be the same on every replica and every retry.
DELIVERY_NAMESPACE = uuid.UUID("5f1d3c1e-8a55-4c6b-9a63-0d4a3c2b7e11")
M = config_pb2.MappingAction
SEND = common_pb2.DELIVERY_DECISION_SEND
SKIP = common_pb2.DELIVERY_DECISION_SKIP


def delivery_id(organization_id: str, event_id: str, receiver_id: str) -> str:
    """Deterministic id of one event going to one destination or postback (a UUID v5).

    Built by hand rather than with uuid.uuid5, which costs a UUID object per delivery; the
    unit tests check both give the same string.
    """
    name = f"{organization_id}\x1f{event_id}\x1f{receiver_id}".encode()
    digest = bytearray(hashlib.sha1(DELIVERY_NAMESPACE.bytes + name).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def auto_name(platform: Platform, canonical: str) -> tuple[str, bool]:
    """The platform name of a standard or system event, and whether it goes as custom."""
    name = platform.event_names.get(canonical)
    return (name, False) if name else (platform.custom_name(canonical), True)


def decide_name(
    index: SnapshotIndex,
    platform: Platform,
    event: common_pb2.CanonicalEvent,
    destination: config_pb2.Destination,
    definition: config_pb2.EventDefinition | None,
    forced: bool,
) -> tuple[str, bool, dict[str, str]] | str:
    """(platform event name, custom, mapping params), or the reason the event is not sent."""
    mapping = index.mappings.get((destination.id, event.event_name))
    params = dict(mapping.params) if mapping else {}
    action = mapping.action if mapping else M.MAPPING_ACTION_UNSPECIFIED
    if action == M.MAPPING_ACTION_DISABLED and not forced:
        return f"event {event.event_name} is disabled for destination {destination.name}"
    if mapping is not None and action == M.MAPPING_ACTION_STANDARD:
        return (*auto_name(platform, mapping.target), params)
    if mapping is not None and action == M.MAPPING_ACTION_CUSTOM:
        return mapping.target, True, params
    custom = index.is_custom(event, definition)
    if custom and not (platform.receives_all_events or forced):
        return f"custom event {event.event_name} is not mapped for {destination.name}"
    return (*auto_name(platform, event.event_name), params)


def accept_until(event: common_pb2.CanonicalEvent, platform: Platform) -> timestamp_pb2.Timestamp:
    """When the platform stops accepting the event."""
    start = event.event_time
    if platform.window_from_click and event.click.HasField("clicked_at"):
        start = event.click.clicked_at
    seconds = start.seconds + int(platform.accept_window.total_seconds())
    return timestamp_pb2.Timestamp(seconds=seconds, nanos=start.nanos)


def too_old_reason(platform: Platform) -> str:
    """Skip reason for an event past the platform's window."""
    days = platform.accept_window.total_seconds() / 86400
    return f"event is older than {platform.label} accepts ({days:g} days)"


def _deliver(
    delivery: common_pb2.Delivery,
    platform: Platform,
    event: common_pb2.CanonicalEvent,
    render: Callable[[], Rendered],
    now_seconds: int,
) -> common_pb2.Delivery:
    """Fill a delivery's decision: too old, refused by the adapter, or its request."""
    delivery.accept_until.CopyFrom(accept_until(event, platform))
    if delivery.accept_until.seconds < now_seconds:
        return _skip(delivery, too_old_reason(platform))
    try:
        rendered = render()
    except Skip as skip:
        return _skip(delivery, skip.reason)
    delivery.decision = SEND
    delivery.request.CopyFrom(rendered.request)
    delivery.match_quality = match_quality.score(platform.name, rendered.identifiers)
    return delivery


def _skip(delivery: common_pb2.Delivery, reason: str) -> common_pb2.Delivery:
    delivery.decision = SKIP
    delivery.skip_reason = reason
    return delivery


def map_destination(
    index: SnapshotIndex,
    event: common_pb2.CanonicalEvent,
    destination: config_pb2.Destination,
    definition: config_pb2.EventDefinition | None,
    now_seconds: int,
    forced: bool = False,
) -> common_pb2.Delivery:
    """The delivery of one event to one destination."""
    test = destination.test_mode or event.test
    delivery = common_pb2.Delivery(
        delivery_id=delivery_id(index.organization_id, event.event_id, destination.id),
        event_id=event.event_id,
        destination_id=destination.id,
        destination_type=destination.type,
        destination_name=destination.name,
        test=test,
    )
    platform = platform_for(destination.type)
    if platform is None:
        return _skip(delivery, f"destination type {destination.type} has no adapter")
    delivery.response_kind = platform.name
    decided = decide_name(index, platform, event, destination, definition, forced)
    if isinstance(decided, str):
        return _skip(delivery, decided)
    name, custom, params = decided
    delivery.platform_event_name = name
    target = Target(
        destination, name, custom, params, test, delivery.delivery_id, definition, now_seconds
    )
    return _deliver(delivery, platform, event, lambda: platform.render(event, target), now_seconds)


def map_postback(
    index: SnapshotIndex,
    event: common_pb2.CanonicalEvent,
    postback: config_pb2.Postback,
    definition: config_pb2.EventDefinition | None,
    now_seconds: int,
) -> common_pb2.Delivery:
    """The delivery of one event to one affiliate postback."""
    platform = postback_adapter.PLATFORM
    delivery = common_pb2.Delivery(
        delivery_id=delivery_id(index.organization_id, event.event_id, postback.id),
        event_id=event.event_id,
        destination_id=postback.id,
        destination_type=common_pb2.DESTINATION_TYPE_POSTBACK,
        postback_id=postback.id,
        destination_name=postback.name,
        platform_event_name=event.event_name,
        response_kind=platform.name,
        test=event.test,
    )
    holder = config_pb2.Destination(id=postback.id, name=postback.name)
    target = Target(
        holder,
        event.event_name,
        False,
        {},
        event.test,
        delivery.delivery_id,
        definition,
        now_seconds,
    )
    return _deliver(
        delivery,
        platform,
        event,
        lambda: postback_adapter.render_affiliate(event, target, postback),
        now_seconds,
    )


def map_event(
    index: SnapshotIndex,
    event: common_pb2.CanonicalEvent,
    now_seconds: int,
    destination_id: str = "",
    postback_id: str = "",
) -> mapper_pb2.EventDeliveries:
    """Every delivery of one event, sent and skipped alike."""
    definition = index.definition(event.campaign_id, event.event_name)
    result = mapper_pb2.EventDeliveries(event_id=event.event_id)
    if destination_id:
        destination = index.destinations[destination_id]
        result.deliveries.append(
            map_destination(index, event, destination, definition, now_seconds, forced=True)
        )
        return result
    if postback_id:
        postback = index.postbacks[postback_id]
        result.deliveries.append(map_postback(index, event, postback, definition, now_seconds))
        return result
    for destination in index.destinations_for(event.campaign_id):
        result.deliveries.append(
            map_destination(index, event, destination, definition, now_seconds)
        )
    if definition is not None and definition.affiliate_conversion:
        for postback in index.affiliate_postbacks(event.event_name, event.campaign_id):
            result.deliveries.append(map_postback(index, event, postback, definition, now_seconds))
    return result


def map_events(
    index: SnapshotIndex,
    events: Iterable[common_pb2.CanonicalEvent],
    now: datetime,
    destination_id: str = "",
    postback_id: str = "",
) -> list[mapper_pb2.EventDeliveries]:
    """Every delivery of a batch of events, in order; unknown test targets are NotFound."""
    if destination_id and destination_id not in index.destinations:
        raise NotFound(f"destination {destination_id} does not exist in this organization")
    if postback_id and postback_id not in index.postbacks:
        raise NotFound(f"postback {postback_id} does not exist in this organization")
    now_seconds = int(now.timestamp())
    return [map_event(index, e, now_seconds, destination_id, postback_id) for e in events]
