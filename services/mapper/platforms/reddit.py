"""Reddit Conversions API v2.0: POST /api/v2.0/conversions/events/{ad_account_id}, `events` array.

E-mail in Reddit's form (dots and plus-suffix removed), phone E.164 with '+', IP sent as its
SHA-256 (Reddit accepts hashed IPs [?]); rdt_cid and the `_rdt_uuid` cookie raw. Events without
an equivalent go as tracking_type Custom with `custom_event_name`. Test mode sets `test_mode`.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from services.mapper.platforms.base import (
    JsonBody,
    Platform,
    Rendered,
    Skip,
    Target,
    amount,
    base_url,
    bearer,
    browser_id,
    client_field,
    compact,
    event_datetime,
    json_request,
    present,
)
from switchyard.v1 import common_pb2

HOST = "https://ads-api.reddit.com"
MAX_ITEMS = 1000
# Reddit answers 429 to default HTTP client agents, so requests name themselves.
USER_AGENT = "Switchyard/1.0 (conversion router)"

# Canonical → Reddit v2 tracking_type; None = none fits, sent as Custom with the canonical name.
EVENT_NAMES: dict[str, str | None] = {
    "OutboundClick": None,
    "ViewContent": "ViewContent",
    "AddToCart": "AddToCart",
    "InitiateCheckout": None,
    "FormSubmit": "Lead",
    "Schedule": None,
    "Lead": "Lead",
    "CompleteRegistration": "SignUp",
    "Purchase": "Purchase",
    "Upsell": None,
}


def user(event: common_pb2.CanonicalEvent) -> JsonBody:
    """The user object."""
    who = event.identity
    ip = client_field(event, "ip").strip()
    return compact(
        {
            "email": who.email_reddit,
            "phone_number": who.phone_e164,
            "external_id": who.external_id,
            "ip_address": hashlib.sha256(ip.encode()).hexdigest() if ip else "",
            "user_agent": client_field(event, "user_agent"),
            "uuid": browser_id(event, "rdt_uuid"),
        }
    )


def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
    """One event as a one-item Reddit request."""
    person = user(event)
    click_id = event.click.ids.rdt_cid
    if not click_id and not {"email", "phone_number", "external_id", "uuid", "ip_address"} & (
        person.keys()
    ):
        raise Skip("Reddit needs a click id, e-mail, phone, external id, uuid or IP address")
    event_type: JsonBody = (
        {"tracking_type": "Custom", "custom_event_name": target.event_name}
        if target.custom
        else {"tracking_type": target.event_name}
    )
    value = amount(event)
    item = compact(
        {
            "event_at": event_datetime(event).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "event_type": event_type,
            "click_id": click_id,
            "event_metadata": compact(
                {
                    "conversion_id": event.event_id,
                    "currency": event.currency if value is not None else "",
                    "value_decimal": value,
                    "item_count": sum(item.quantity for item in event.items) or None,
                    "products": [
                        compact({"id": item.id, "name": item.name, "category": item.category})
                        for item in event.items
                    ],
                }
            ),
            "user": person,
        }
    )
    body: JsonBody = {"test_mode": target.test, "events": [item]}
    settings = target.destination.settings
    url = (
        f"{base_url(target.destination, HOST)}/api/v2.0/conversions/events/"
        f"{settings['ad_account_id']}"
    )
    request = json_request(url, body, [bearer()], "events", MAX_ITEMS, [("User-Agent", USER_AGENT)])
    kinds = present(
        {
            "email": person.get("email"),
            "phone": person.get("phone_number"),
            "click_id": click_id,
            "browser_id": person.get("uuid"),
            "external_id": person.get("external_id"),
            "ip_ua": person.get("ip_address") and person.get("user_agent"),
        }
    )
    return Rendered(request, kinds)


PLATFORM = Platform(
    name="reddit",
    label="Reddit",
    type=common_pb2.DESTINATION_TYPE_REDDIT,
    accept_window=timedelta(days=7),
    event_names=EVENT_NAMES,
    render=render,
)
