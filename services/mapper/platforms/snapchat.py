"""Snapchat Conversions API v3: POST /v3/{pixel_id}/events with a `data` array.

Identity in Meta's form (hash lists, phone digits without '+'); ScCid and `_scid` raw. Snapchat
has no free custom names: events without an equivalent go as CUSTOM_EVENT_1 (a CUSTOM mapping
may pick CUSTOM_EVENT_2..5). Test mode posts to /events/validate, which records nothing.
"""

from __future__ import annotations

from datetime import timedelta

from services.mapper.platforms.base import (
    JsonBody,
    Platform,
    Rendered,
    Skip,
    Target,
    amount,
    base_url,
    client_field,
    compact,
    event_seconds,
    json_request,
    listed,
    present,
    query_slot,
)
from switchyard.v1 import common_pb2

HOST = "https://tr.snapchat.com"
MAX_ITEMS = 2000

# Canonical → Snapchat standard event; None = none fits, sent as CUSTOM_EVENT_1.
EVENT_NAMES: dict[str, str | None] = {
    "OutboundClick": None,
    "ViewContent": "VIEW_CONTENT",
    "AddToCart": "ADD_CART",
    "InitiateCheckout": "START_CHECKOUT",
    "FormSubmit": None,
    "Schedule": "RESERVE",
    "Lead": "SIGN_UP",  # closest: Snapchat has no lead event
    "CompleteRegistration": "SIGN_UP",
    "Purchase": "PURCHASE",
    "Upsell": None,
}

A = common_pb2.ActionSource
# [?] The v3 doc example shows MOBILE_APP; WEB and OFFLINE follow the same enum style.
ACTION_SOURCES = {A.ACTION_SOURCE_APP: "MOBILE_APP", A.ACTION_SOURCE_OFFLINE: "OFFLINE"}


def custom_slot(_: str) -> str:
    """Snapchat's first custom-event slot."""
    return "CUSTOM_EVENT_1"


def user_data(event: common_pb2.CanonicalEvent) -> JsonBody:
    """The user_data object."""
    who = event.identity
    return compact(
        {
            "em": listed(who.email),
            "ph": listed(who.phone),
            "fn": listed(who.first_name),
            "ln": listed(who.last_name),
            "ge": listed(who.gender),
            "db": listed(who.date_of_birth),
            "ct": listed(who.city),
            "st": listed(who.state),
            "zp": listed(who.zip),
            "country": listed(who.country),
            "external_id": listed(who.external_id),
            "client_ip_address": client_field(event, "ip"),
            "client_user_agent": client_field(event, "user_agent"),
            "sc_click_id": event.click.ids.sccid,
            "sc_cookie1": client_field(event, "scid"),
        }
    )


def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
    """One event as a one-item Snapchat request."""
    user = user_data(event)
    has_ip_ua = "client_ip_address" in user and "client_user_agent" in user
    if not ({"em", "ph", "sc_click_id"} & user.keys() or has_ip_ua):
        raise Skip("Snapchat needs an e-mail, phone, ScCid, or IP address with user agent")
    value = amount(event)
    item = compact(
        {
            "event_name": target.event_name,
            "event_time": event_seconds(event),
            "event_id": event.event_id,
            "action_source": ACTION_SOURCES.get(event.action_source, "WEB"),
            "event_source_url": client_field(event, "page_url") or event.click.landing_url,
            "user_data": user,
            "custom_data": compact(
                {
                    "value": value,
                    "currency": event.currency if value is not None else "",
                    "order_id": event.transaction_id,
                    "content_ids": [item.id for item in event.items if item.id],
                    "num_items": sum(item.quantity for item in event.items) or None,
                }
            ),
        }
    )
    settings = target.destination.settings
    path = "events/validate" if target.test else "events"
    url = f"{base_url(target.destination, HOST)}/v3/{settings['pixel_id']}/{path}"
    token = query_slot("access_token", "access_token")
    request = json_request(url, {"data": [item]}, [token], "data", MAX_ITEMS)
    kinds = present(
        {
            "email": user.get("em"),
            "phone": user.get("ph"),
            "click_id": user.get("sc_click_id"),
            "browser_id": user.get("sc_cookie1"),
            "ip_ua": has_ip_ua,
            "external_id": user.get("external_id"),
            "name": user.get("fn") or user.get("ln"),
            "address": any(user.get(k) for k in ("ct", "st", "zp", "country")),
        }
    )
    return Rendered(request, kinds)


PLATFORM = Platform(
    name="snapchat",
    label="Snapchat",
    type=common_pb2.DESTINATION_TYPE_SNAPCHAT,
    accept_window=timedelta(days=37),
    event_names=EVENT_NAMES,
    render=render,
    custom_name=custom_slot,
)
