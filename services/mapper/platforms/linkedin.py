"""LinkedIn Conversions API: POST /rest/conversionEvents (BATCH_CREATE, `elements` array).

The conversion rule is LinkedIn's "event": its id comes from the event mapping's
`conversion_rule_id` parameter, else the destination's setting. Users are matched by the
hashed e-mail and the `li_fat_id` click id (raw). LinkedIn has no test mode.
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
    json_request,
    money_text,
    present,
    setting,
)
from switchyard.v1 import common_pb2

HOST = "https://api.linkedin.com"
API_VERSION = "202603"
MAX_ITEMS = 5000

# Canonical → conversion rule type the rule should have (informational: the rule id is sent).
EVENT_NAMES: dict[str, str | None] = {
    "OutboundClick": "OUTBOUND_CLICK",
    "ViewContent": "VIEW_CONTENT",
    "AddToCart": "ADD_TO_CART",
    "InitiateCheckout": "START_CHECKOUT",
    "FormSubmit": "LEAD",
    "Schedule": "SCHEDULE",
    "Lead": "LEAD",
    "CompleteRegistration": "SIGN_UP",
    "Purchase": "PURCHASE",
    "Upsell": None,  # a PURCHASE rule of its own
}


def user_ids(event: common_pb2.CanonicalEvent) -> list[JsonBody]:
    """userIds: hashed e-mail and the first-party click id."""
    found: list[JsonBody] = []
    if event.identity.email:
        found.append({"idType": "SHA256_EMAIL", "idValue": event.identity.email})
    if event.click.ids.li_fat_id:
        found.append(
            {
                "idType": "LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID",
                "idValue": event.click.ids.li_fat_id,
            }
        )
    return found


def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
    """One event as a one-element batch create."""
    rule_id = setting(target, "conversion_rule_id")
    if not rule_id:
        raise Skip(
            f"LinkedIn needs a conversion_rule_id for {target.event_name}: "
            "set it on the destination or in the event mapping"
        )
    ids = user_ids(event)
    if not ids:
        raise Skip("LinkedIn needs a hashed e-mail or li_fat_id click id")
    value = amount(event)
    element = compact(
        {
            "conversion": f"urn:lla:llaPartnerConversion:{rule_id}",
            "conversionHappenedAt": event.event_time.seconds * 1000
            + event.event_time.nanos // 1_000_000,
            "conversionValue": (
                {"currencyCode": event.currency, "amount": money_text(value)}
                if value is not None and event.currency
                else None
            ),
            "eventId": event.event_id,
            "user": {"userIds": ids},
        }
    )
    settings = target.destination.settings
    headers = [
        ("LinkedIn-Version", settings.get("api_version") or API_VERSION),
        ("X-Restli-Protocol-Version", "2.0.0"),
        ("X-RestLi-Method", "BATCH_CREATE"),
    ]
    url = f"{base_url(target.destination, HOST)}/rest/conversionEvents"
    request = json_request(url, {"elements": [element]}, [bearer()], "elements", MAX_ITEMS, headers)
    kinds = present({"email": event.identity.email, "click_id": event.click.ids.li_fat_id})
    return Rendered(request, kinds)


PLATFORM = Platform(
    name="linkedin",
    label="LinkedIn",
    type=common_pb2.DESTINATION_TYPE_LINKEDIN,
    accept_window=timedelta(days=90),
    event_names=EVENT_NAMES,
    render=render,
)
