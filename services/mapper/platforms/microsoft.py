"""Microsoft Advertising UET Conversions API: POST /v1/{tag_id}/events with a `data` array.

Custom events carry the goal's event action in `eventName`; e-mail and phone hashed (phone as
digits with country code, no '+' [?]), msclkid raw. Microsoft documents no test mode: test
events are sent normally and marked on the delivery.
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
    bearer,
    client_field,
    compact,
    event_seconds,
    json_request,
    present,
    snake_name,
)
from switchyard.v1 import common_pb2

HOST = "https://capi.uet.microsoft.com"
MAX_ITEMS = 1000

# Canonical → UET event action [?] (no official list was retrieved); None = sent as a custom
# snake_case action of the canonical name.
EVENT_NAMES: dict[str, str | None] = {
    "OutboundClick": None,
    "ViewContent": "view_item",
    "AddToCart": "add_to_cart",
    "InitiateCheckout": "begin_checkout",
    "FormSubmit": "submit_lead_form",
    "Schedule": "book_appointment",
    "Lead": "submit_lead_form",
    "CompleteRegistration": "sign_up",
    "Purchase": "purchase",
    "Upsell": None,
}


def msclkid(event: common_pb2.CanonicalEvent) -> str:
    """The click GUID; the `_uetmsclkid` cookie form `<guid>-<0|1>` is cut to the GUID [?]."""
    value = event.click.ids.msclkid
    guid, dash, flag = value.rpartition("-")
    return guid if dash and flag in ("0", "1") and len(guid.replace("-", "")) == 32 else value


def user_data(event: common_pb2.CanonicalEvent) -> JsonBody:
    """The userData object."""
    who = event.identity
    return compact(
        {
            "em": who.email,
            "ph": who.phone,
            "msclkid": msclkid(event),
            "externalId": who.external_id,
            "clientIpAddress": client_field(event, "ip"),
            "clientUserAgent": client_field(event, "user_agent"),
        }
    )


def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
    """One event as a one-item UET CAPI request."""
    user = user_data(event)
    if not user:
        raise Skip("Microsoft needs an e-mail, phone, msclkid, external id, IP or user agent")
    value = amount(event)
    consent = event.client.consent.ad_user_data
    item = compact(
        {
            "eventType": "custom",
            "eventId": event.event_id,
            "eventName": target.event_name,
            "eventTime": event_seconds(event),
            "eventSourceUrl": client_field(event, "page_url") or event.click.landing_url,
            "adStorageConsent": {
                common_pb2.CONSENT_STATE_GRANTED: "G",
                common_pb2.CONSENT_STATE_DENIED: "D",
            }.get(consent, ""),
            "userData": user,
            "customData": compact(
                {
                    "value": value,
                    "currency": event.currency if value is not None else "",
                    "transactionId": event.transaction_id,
                    "itemIds": [item.id for item in event.items if item.id],
                }
            ),
        }
    )
    settings = target.destination.settings
    url = f"{base_url(target.destination, HOST)}/v1/{settings['tag_id']}/events"
    request = json_request(url, {"data": [item]}, [bearer()], "data", MAX_ITEMS)
    kinds = present(
        {
            "email": user.get("em"),
            "phone": user.get("ph"),
            "click_id": user.get("msclkid"),
            "external_id": user.get("externalId"),
            "ip_ua": user.get("clientIpAddress") and user.get("clientUserAgent"),
        }
    )
    return Rendered(request, kinds)


PLATFORM = Platform(
    name="microsoft",
    label="Microsoft",
    type=common_pb2.DESTINATION_TYPE_MICROSOFT,
    accept_window=timedelta(days=7),
    event_names=EVENT_NAMES,
    render=render,
    custom_name=snake_name,
)
