"""Taboola S2S: GET /actions-handler/log/3/s2s-action?click-id=…&name=… , one per call.

`name` must equal the Event Name of a Taboola conversion rule (case-sensitive); the defaults
are suggestions, a CUSTOM event mapping sets the real one. The parameter is spelled
`click-id`. No auth, no user data, no test mode; success is HTTP 204.
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

HOST = "https://trc.taboola.com"

# Canonical → default event name; all None: Taboola's names are whatever the rule says.
EVENT_NAMES: dict[str, str | None] = {name: None for name in (
    "OutboundClick", "ViewContent", "AddToCart", "InitiateCheckout", "FormSubmit",
    "Schedule", "Lead", "CompleteRegistration", "Purchase", "Upsell",
)}  # fmt: skip


def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
    """One conversion as a Taboola postback."""
    click_id = event.click.ids.tblci
    if not click_id:
        raise Skip("Taboola needs the click id (tblci) of the click")
    value = amount(event)
    query = {
        "click-id": click_id,
        "name": target.event_name,
        "revenue": decimal_text(value) if value is not None else "",
        "currency": event.currency if value is not None else "",
        "orderid": event.event_id,
    }
    url = f"{base_url(target.destination, HOST)}/actions-handler/log/3/s2s-action"
    return Rendered(get_request(url, query), frozenset({"click_id"}))


PLATFORM = Platform(
    name="taboola",
    label="Taboola",
    type=common_pb2.DESTINATION_TYPE_TABOOLA,
    accept_window=timedelta(days=30),
    event_names=EVENT_NAMES,
    render=render,
    custom_name=snake_name,
)
