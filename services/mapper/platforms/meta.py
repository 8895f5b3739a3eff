"""Meta Conversions API: POST /{version}/{pixel_id}/events with a `data` array.

Hashes go in lists (em, ph, ...); IP, user agent, fbc and fbp stay raw. `fbc` is the `_fbc`
cookie when the tag sent one, else built as `fb.1.<click time ms>.<fbclid>` with the fbclid
byte-exact. Test mode adds the destination's `test_event_code`.
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

API_VERSION = "v26.0"
HOST = "https://graph.facebook.com"
MAX_ITEMS = 1000

# Canonical → Meta standard event; None = no equivalent, sent as a custom event of that name.
EVENT_NAMES: dict[str, str | None] = {
    "OutboundClick": None,
    "ViewContent": "ViewContent",
    "AddToCart": "AddToCart",
    "InitiateCheckout": "InitiateCheckout",
    "FormSubmit": None,  # Meta has no form event; map it to Lead per destination if wanted.
    "Schedule": "Schedule",
    "Lead": "Lead",
    "CompleteRegistration": "CompleteRegistration",
    "Purchase": "Purchase",
    "Upsell": None,
}

A = common_pb2.ActionSource
ACTION_SOURCES = {
    A.ACTION_SOURCE_UNSPECIFIED: "website",
    A.ACTION_SOURCE_WEBSITE: "website",
    A.ACTION_SOURCE_APP: "app",
    A.ACTION_SOURCE_OFFLINE: "physical_store",
    A.ACTION_SOURCE_PHONE_CALL: "phone_call",
    A.ACTION_SOURCE_EMAIL: "email",
    A.ACTION_SOURCE_CHAT: "chat",
    A.ACTION_SOURCE_SYSTEM: "system_generated",
}


def fbc(event: common_pb2.CanonicalEvent) -> str:
    """The fbc value: the cookie as sent, else built from the click's fbclid and click time."""
    cookie = client_field(event, "fbc")
    if cookie:
        return cookie
    fbclid = event.click.ids.fbclid
    if not fbclid:
        return ""
    clicked = event.click.clicked_at if event.click.HasField("clicked_at") else event.event_time
    millis = clicked.seconds * 1000 + clicked.nanos // 1_000_000
    return f"fb.1.{millis}.{fbclid}"


def user_data(event: common_pb2.CanonicalEvent) -> JsonBody:
    """The user_data object."""
    who = event.identity
    return compact(
        {
            "em": listed(who.email),
            "ph": listed(who.phone),
            "fn": listed(who.first_name),
            "ln": listed(who.last_name),
            "db": listed(who.date_of_birth),
            "ge": listed(who.gender),
            "ct": listed(who.city),
            "st": listed(who.state),
            "zp": listed(who.zip),
            "country": listed(who.country),
            "external_id": listed(who.external_id),
            "client_ip_address": client_field(event, "ip"),
            "client_user_agent": client_field(event, "user_agent"),
            "fbc": fbc(event),
            "fbp": client_field(event, "fbp"),
        }
    )


def custom_data(event: common_pb2.CanonicalEvent) -> JsonBody:
    """The custom_data object: value, currency, order and line items, then custom fields."""
    value = amount(event)
    items = event.items
    data = compact(
        {
            "value": value,
            # Lowercase as Meta's own SDK sends it; Meta accepts either case.
            "currency": event.currency.lower() if value is not None else "",
            "order_id": event.transaction_id,
            "content_ids": [item.id for item in items if item.id],
            "contents": [
                compact(
                    {
                        "id": item.id,
                        "quantity": item.quantity or None,
                        "item_price": item.price or None,
                        "title": item.name,
                        "category": item.category,
                    }
                )
                for item in items
            ],
            "content_type": "product" if items else "",
            "num_items": sum(item.quantity for item in items) or None,
        }
    )
    extra = {key: value for key, value in event.custom_fields.items() if key not in data}
    return {**data, **extra}


def identifiers(body_user: JsonBody) -> frozenset[str]:
    """Identifier kinds the user_data carries."""
    return present(
        {
            "email": body_user.get("em"),
            "phone": body_user.get("ph"),
            "click_id": body_user.get("fbc"),
            "browser_id": body_user.get("fbp"),
            "ip_ua": body_user.get("client_ip_address") and body_user.get("client_user_agent"),
            "external_id": body_user.get("external_id"),
            "name": body_user.get("fn") or body_user.get("ln"),
            "address": any(body_user.get(k) for k in ("ct", "st", "zp", "country")),
            "date_of_birth": body_user.get("db"),
        }
    )


STRONG_KEYS = frozenset({"em", "ph", "external_id", "fbc", "fbp", "client_ip_address"})


def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
    """One event as a one-item Meta request."""
    user = user_data(event)
    if not STRONG_KEYS & user.keys():
        raise Skip("Meta needs an e-mail, phone, external id, fbc, fbp or IP address to match")
    settings = target.destination.settings
    server_event = compact(
        {
            "event_name": target.event_name,
            "event_time": event_seconds(event),
            "event_id": event.event_id,
            "action_source": ACTION_SOURCES.get(event.action_source, "website"),
            "event_source_url": client_field(event, "page_url") or event.click.landing_url,
            "user_data": user,
            "custom_data": custom_data(event),
        }
    )
    body: JsonBody = {"data": [server_event]}
    if target.test and settings.get("test_event_code"):
        body["test_event_code"] = settings["test_event_code"]
    version = settings.get("api_version") or API_VERSION
    url = f"{base_url(target.destination, HOST)}/{version}/{settings['pixel_id']}/events"
    request = json_request(
        url, body, [query_slot("access_token", "access_token")], "data", MAX_ITEMS
    )
    return Rendered(request, identifiers(user))


PLATFORM = Platform(
    name="meta",
    label="Meta",
    type=common_pb2.DESTINATION_TYPE_META,
    accept_window=timedelta(days=7),
    event_names=EVENT_NAMES,
    render=render,
)
