"""Outgoing webhooks: the canonical event with its attribution as JSON, signed at send time.

The body is the event in protobuf JSON form with snake_case names (identity hashed, as
stored), plus the destination and the delivery id. The dispatcher signs it Standard-Webhooks
style (`services.common.webhook_signature`) with the destination's `signing_secret` and the
delivery id as the message id, so receivers can verify and de-duplicate.
"""

from __future__ import annotations

from datetime import timedelta

from google.protobuf import json_format

from services.mapper.platforms.base import (
    JSON_HEADERS,
    Platform,
    Rendered,
    Target,
    dump,
    headers_of,
    slot,
)
from switchyard.v1 import common_pb2


def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
    """The signed-JSON request of one event."""
    destination = target.destination
    body = json_format.MessageToDict(event, preserving_proto_field_name=True)
    body["destination"] = {"id": destination.id, "name": destination.name}
    body["delivery_id"] = target.delivery_id
    body["platform_event_name"] = target.event_name
    request = common_pb2.HttpRequest(
        method="POST",
        url=destination.settings["url"],
        headers=headers_of(JSON_HEADERS),
        body=dump(body),
        credential_slots=[
            slot(
                common_pb2.CREDENTIAL_LOCATION_WEBHOOK_SIGNATURE,
                "webhook-signature",
                "signing_secret",
            )
        ],
    )
    return Rendered(request, frozenset())


PLATFORM = Platform(
    name="webhook",
    label="Webhook",
    type=common_pb2.DESTINATION_TYPE_WEBHOOK,
    accept_window=timedelta(days=30),
    event_names={},
    render=render,
    receives_all_events=True,
)
