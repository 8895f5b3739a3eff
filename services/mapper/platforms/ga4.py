"""GA4 Measurement Protocol: POST /mp/collect?measurement_id=… with an `events` array.

Needs the web client id (from the `_ga` cookie); without it the event cannot join a GA4 user
and is skipped. Test mode posts to /debug/mp/collect, which validates and records nothing.
Hashed user data uses Google's variants (Gmail dots removed, E.164 phone).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

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
    consent_text,
    json_request,
    listed,
    present,
    query_slot,
    snake_name,
)
from switchyard.v1 import common_pb2

HOST = "https://www.google-analytics.com"
EU_HOST = "https://region1.google-analytics.com"
MAX_ITEMS = 25

# Canonical → GA4 recommended event; None = none fits, sent as a custom snake_case event.
EVENT_NAMES: dict[str, str | None] = {
    "OutboundClick": "click",  # the enhanced-measurement name, with outbound=true
    "ViewContent": "view_item",
    "AddToCart": "add_to_cart",
    "InitiateCheckout": "begin_checkout",
    "FormSubmit": "form_submit",
    "Schedule": None,
    "Lead": "generate_lead",
    "CompleteRegistration": "sign_up",
    "Purchase": "purchase",
    "Upsell": None,
}


def params(event: common_pb2.CanonicalEvent, name: str) -> JsonBody:
    """Event parameters: money, transaction, items."""
    value = amount(event)
    return compact(
        {
            "transaction_id": event.transaction_id,
            "value": value,
            "currency": event.currency if value is not None else "",
            "items": [
                compact(
                    {
                        "item_id": item.id,
                        "item_name": item.name,
                        "item_category": item.category,
                        "price": item.price or None,
                        "quantity": item.quantity or None,
                    }
                )
                for item in event.items
            ],
            "outbound": True if name == "click" else None,
            # Realtime and session reports drop events without an engagement time.
            "engagement_time_msec": 1,
        }
    )


def user_data(event: common_pb2.CanonicalEvent) -> JsonBody:
    """Hashed user-provided data."""
    who = event.identity
    address = compact(
        {
            "sha256_first_name": who.first_name_google,
            "sha256_last_name": who.last_name_google,
            "sha256_street": who.street,
        }
    )
    return compact(
        {
            "sha256_email_address": listed(who.email_google),
            "sha256_phone_number": listed(who.phone_e164),
            "address": [address] if address else [],
        }
    )


def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
    """One event as a one-event Measurement Protocol request."""
    client_id = client_field(event, "ga_client_id")
    if not client_id:
        raise Skip("GA4 needs the web client id (_ga cookie) to attribute the event")
    settings = target.destination.settings
    given = event.client.consent
    body = compact(
        {
            "client_id": client_id,
            "consent": compact(
                {
                    "ad_user_data": consent_text(given.ad_user_data),
                    "ad_personalization": consent_text(given.ad_personalization),
                }
            ),
            "user_data": user_data(event),
            "events": [
                {
                    "name": target.event_name,
                    "timestamp_micros": event.event_time.seconds * 1_000_000
                    + event.event_time.nanos // 1000,
                    "params": params(event, target.event_name),
                }
            ],
        }
    )
    default_host = EU_HOST if settings.get("region", "").lower() == "eu" else HOST
    path = "/debug/mp/collect" if target.test else "/mp/collect"
    query = urlencode({"measurement_id": settings["measurement_id"]})
    url = f"{base_url(target.destination, default_host)}{path}?{query}"
    request = json_request(url, body, [query_slot("api_secret", "api_secret")], "events", MAX_ITEMS)
    kinds = present(
        {
            "browser_id": client_id,
            "email": event.identity.email_google,
            "phone": event.identity.phone_e164,
            "name": event.identity.first_name_google or event.identity.last_name_google,
            "address": event.identity.street,
        }
    )
    return Rendered(request, kinds)


PLATFORM = Platform(
    name="ga4",
    label="GA4",
    type=common_pb2.DESTINATION_TYPE_GA4,
    accept_window=timedelta(hours=72),
    event_names=EVENT_NAMES,
    render=render,
    custom_name=snake_name,
)
