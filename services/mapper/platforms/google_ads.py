"""Google Ads click conversions (REST `customers/{id}:uploadClickConversions`).

The conversion action is Google's "event": its id comes from the event mapping's
`conversion_action_id` parameter, else the destination's setting. One of gclid, gbraid or
wbraid (never two) plus up to two enhanced-conversion identifiers (Google's e-mail variant with
Gmail dots removed, E.164 phone). Test mode is `validateOnly`; `partialFailure` is always on, so
one bad row does not sink the batch and the classifier reads per-row errors.
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
    compact,
    consent_text,
    event_datetime,
    json_request,
    present,
    setting,
    slot,
)
from switchyard.v1 import common_pb2

API_VERSION = "v26"
HOST = "https://googleads.googleapis.com"
MAX_ITEMS = 2000

# Canonical → conversion action category the action should have (informational: the action id
# is what is sent). None = no category of its own; use a separate action.
EVENT_NAMES: dict[str, str | None] = {
    "OutboundClick": "OUTBOUND_CLICK",
    "ViewContent": "PAGE_VIEW",
    "AddToCart": "ADD_TO_CART",
    "InitiateCheckout": "BEGIN_CHECKOUT",
    "FormSubmit": "SUBMIT_LEAD_FORM",
    "Schedule": "BOOK_APPOINTMENT",
    "Lead": "SUBMIT_LEAD_FORM",
    "CompleteRegistration": "SIGNUP",
    "Purchase": "PURCHASE",
    "Upsell": None,  # a PURCHASE action with its own order id, or a separate action
}


def click_key(event: common_pb2.CanonicalEvent) -> JsonBody:
    """The one click id Google accepts per conversion: gclid, else gbraid, else wbraid."""
    ids = event.click.ids
    for name in ("gclid", "gbraid", "wbraid"):
        value: str = getattr(ids, name)
        if value:
            return {name: value}
    return {}


def user_identifiers(event: common_pb2.CanonicalEvent) -> list[JsonBody]:
    """Enhanced-conversion identifiers: hashed e-mail and phone, Google's normalization."""
    who = event.identity
    found: list[JsonBody] = []
    if who.email_google:
        found.append({"hashedEmail": who.email_google, "userIdentifierSource": "FIRST_PARTY"})
    if who.phone_e164:
        found.append({"hashedPhoneNumber": who.phone_e164, "userIdentifierSource": "FIRST_PARTY"})
    return found


def consent(event: common_pb2.CanonicalEvent) -> JsonBody:
    """Consent signals, when collected."""
    given = event.client.consent
    return compact(
        {
            "adUserData": consent_text(given.ad_user_data),
            "adPersonalization": consent_text(given.ad_personalization),
        }
    )


def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
    """One event as a one-conversion upload."""
    settings = target.destination.settings
    customer_id = settings["customer_id"]
    action_id = setting(target, "conversion_action_id")
    if not action_id:
        raise Skip(
            f"Google Ads needs a conversion_action_id for {target.event_name}: "
            "set it on the destination or in the event mapping"
        )
    click = click_key(event)
    identities = user_identifiers(event)
    if not click and not identities:
        raise Skip("Google Ads needs a gclid, gbraid or wbraid, or a hashed e-mail or phone")
    value = amount(event)
    conversion = compact(
        {
            **click,
            "conversionAction": f"customers/{customer_id}/conversionActions/{action_id}",
            "conversionDateTime": event_datetime(event).strftime("%Y-%m-%d %H:%M:%S+00:00"),
            "conversionValue": value,
            "currencyCode": event.currency if value is not None else "",
            # The event id is the dedup key everywhere (law 2); Google dedups on order_id.
            "orderId": event.event_id,
            "userIdentifiers": identities,
            "consent": consent(event),
        }
    )
    body: JsonBody = {"conversions": [conversion], "partialFailure": True}
    if target.test:
        body["validateOnly"] = True
    version = settings.get("api_version") or API_VERSION
    host = base_url(target.destination, HOST)
    url = f"{host}/{version}/customers/{customer_id}:uploadClickConversions"
    headers = []
    if settings.get("login_customer_id"):
        headers.append(("login-customer-id", settings["login_customer_id"]))
    slots = [
        bearer(),
        slot(common_pb2.CREDENTIAL_LOCATION_HEADER, "developer-token", "developer_token"),
    ]
    request = json_request(url, body, slots, "conversions", MAX_ITEMS, headers)
    kinds = present(
        {
            "click_id": click,
            "email": event.identity.email_google,
            "phone": event.identity.phone_e164,
        }
    )
    return Rendered(request, kinds)


PLATFORM = Platform(
    name="google_ads",
    label="Google Ads",
    type=common_pb2.DESTINATION_TYPE_GOOGLE_ADS,
    accept_window=timedelta(days=90),
    event_names=EVENT_NAMES,
    render=render,
    window_from_click=True,
)
