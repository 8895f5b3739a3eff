"""TikTok Events API 2.0: POST /open_api/v1.3/event/track/ with a `data` array.

e-mail, phone (E.164 with '+'), external id, names and zip are sent hashed; ttclid, ttp, IP and
user agent raw. Test mode adds the destination's `test_event_code`.
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
    present,
    slot,
)
from switchyard.v1 import common_pb2

HOST = "https://business-api.tiktok.com"
MAX_ITEMS = 1000

# Canonical → TikTok standard event; None = none fits, sent as a custom event of that name.
EVENT_NAMES: dict[str, str | None] = {
    "OutboundClick": "ClickButton",
    "ViewContent": "ViewContent",
    "AddToCart": "AddToCart",
    "InitiateCheckout": "InitiateCheckout",
    "FormSubmit": "SubmitForm",
    "Schedule": "Schedule",
    "Lead": "Lead",
    "CompleteRegistration": "CompleteRegistration",
    "Purchase": "CompletePayment",
    "Upsell": None,
}


def user(event: common_pb2.CanonicalEvent) -> JsonBody:
    """The user object."""
    who = event.identity
    return compact(
        {
            "email": who.email,
            "phone": who.phone_e164,
            "external_id": who.external_id,
            "first_name": who.first_name,
            "last_name": who.last_name,
            "zip_code": who.zip,
            "ttclid": event.click.ids.ttclid,
            "ttp": client_field(event, "ttp"),
            "ip": client_field(event, "ip"),
            "user_agent": client_field(event, "user_agent"),
        }
    )


def properties(event: common_pb2.CanonicalEvent) -> JsonBody:
    """The properties object: money, order and contents."""
    value = amount(event)
    return compact(
        {
            "value": value,
            "currency": event.currency if value is not None else "",
            "order_id": event.transaction_id,
            "content_type": "product" if event.items else "",
            "contents": [
                compact(
                    {
                        "content_id": item.id,
                        "content_name": item.name,
                        "content_category": item.category,
                        "price": item.price or None,
                        "quantity": item.quantity or None,
                    }
                )
                for item in event.items
            ],
        }
    )


def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
    """One event as a one-item TikTok request."""
    person = user(event)
    matchable = {"email", "phone", "external_id", "ttclid", "ttp", "ip"}
    if not matchable & person.keys():
        raise Skip("TikTok needs an e-mail, phone, external id, ttclid, ttp or IP address")
    settings = target.destination.settings
    item = compact(
        {
            "event": target.event_name,
            "event_time": event_seconds(event),
            "event_id": event.event_id,
            "user": person,
            "page": compact(
                {
                    "url": client_field(event, "page_url") or event.click.landing_url,
                    "referrer": client_field(event, "referrer_url"),
                }
            ),
            "properties": properties(event),
        }
    )
    body: JsonBody = {
        "event_source": "web",
        "event_source_id": settings["pixel_code"],
        "data": [item],
    }
    if target.test and settings.get("test_event_code"):
        body["test_event_code"] = settings["test_event_code"]
    url = f"{base_url(target.destination, HOST)}/open_api/v1.3/event/track/"
    token = slot(common_pb2.CREDENTIAL_LOCATION_HEADER, "Access-Token", "access_token")
    request = json_request(url, body, [token], "data", MAX_ITEMS)
    kinds = present(
        {
            "email": person.get("email"),
            "phone": person.get("phone"),
            "external_id": person.get("external_id"),
            "click_id": person.get("ttclid"),
            "browser_id": person.get("ttp"),
            "ip_ua": person.get("ip") and person.get("user_agent"),
            "name": person.get("first_name") or person.get("last_name"),
            "address": person.get("zip_code"),
        }
    )
    return Rendered(request, kinds)


PLATFORM = Platform(
    name="tiktok",
    label="TikTok",
    type=common_pb2.DESTINATION_TYPE_TIKTOK,
    # [?] TikTok publishes no maximum event age; 7 days matches the ttclid's validity.
    accept_window=timedelta(days=7),
    event_names=EVENT_NAMES,
    render=render,
)
