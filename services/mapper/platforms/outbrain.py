"""Outbrain S2S: GET /unifiedPixel?ob_click_id=…&name=… , one conversion per call.

`name` must equal the event name of a conversion created in the Outbrain UI; the defaults below
are suggestions, a CUSTOM event mapping sets the real one. No auth (the click id is the
credential), no user data, no test mode, no batching.
"""

from __future__ import annotations

from datetime import timedelta

from services.mapper.platforms.base import (
    Platform,
    Rendered,
    Skip,
    Target,
    amount,
    base_url,
    decimal_text,
    snake_name,
)
from services.mapper.platforms.s2s import get_request
from switchyard.v1 import common_pb2

HOST = "https://tr.outbrain.com"

# Canonical → default conversion name (whatever the UI conversion is called; see above).
EVENT_NAMES: dict[str, str | None] = {name: None for name in (
    "OutboundClick", "ViewContent", "AddToCart", "InitiateCheckout", "FormSubmit",
    "Schedule", "Lead", "CompleteRegistration", "Purchase", "Upsell",
)}  # fmt: skip


def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
    """One conversion as an Outbrain pixel call."""
    click_id = event.click.ids.ob_click_id
    if not click_id:
        raise Skip("Outbrain needs the ob_click_id of the click")
    value = amount(event)
    query = {
        "ob_click_id": click_id,
        "name": target.event_name,
        "orderValue": decimal_text(value) if value is not None else "",
        "currency": event.currency if value is not None else "",
        "orderId": event.event_id,
    }
    url = f"{base_url(target.destination, HOST)}/unifiedPixel"
    return Rendered(get_request(url, query), frozenset({"click_id"}))


PLATFORM = Platform(
    name="outbrain",
    label="Outbrain",
    type=common_pb2.DESTINATION_TYPE_OUTBRAIN,
    accept_window=timedelta(days=30),
    event_names=EVENT_NAMES,
    render=render,
    custom_name=snake_name,
)
