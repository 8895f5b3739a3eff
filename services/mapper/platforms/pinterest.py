"""Pinterest Conversions API v5: POST /v5/ad_accounts/{id}/events with a `data` array.

Hash lists in Meta's form; `value` and item prices as decimal strings (the spec's types); epik
click id raw. Pinterest has no custom names: events without an equivalent go as `custom`.
Test mode adds `?test=true` (validated, not recorded).
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
    listed,
    money_text,
    present,
)
from switchyard.v1 import common_pb2

HOST = "https://api.pinterest.com"
MAX_ITEMS = 1000

# Canonical → Pinterest event_name (spec enum); None = none fits, sent as `custom`.
EVENT_NAMES: dict[str, str | None] = {
    "OutboundClick": None,
    "ViewContent": "view_content",
    "AddToCart": "add_to_cart",
    "InitiateCheckout": "initiate_checkout",
    "FormSubmit": "lead",
    "Schedule": None,  # `schedule` is only in newer third-party lists, not the spec enum
    "Lead": "lead",
    "CompleteRegistration": "signup",
    "Purchase": "checkout",
    "Upsell": None,
}

A = common_pb2.ActionSource
ONLINE = {A.ACTION_SOURCE_UNSPECIFIED, A.ACTION_SOURCE_WEBSITE}


def custom(_: str) -> str:
    """Pinterest's single custom event name."""
    return "custom"


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
            "click_id": event.click.ids.epik,
        }
    )


def action_source(event: common_pb2.CanonicalEvent) -> str:
    """web for site and app events (app_android/app_ios cannot be told apart), else offline."""
    return "web" if event.action_source in ONLINE | {A.ACTION_SOURCE_APP} else "offline"


def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
    """One event as a one-item Pinterest request."""
    user = user_data(event)
    has_ip_ua = "client_ip_address" in user and "client_user_agent" in user
    # The spec's minimum: an e-mail, hashed MAIDs, or IP and user agent together.
    if "em" not in user and not has_ip_ua:
        raise Skip("Pinterest needs an e-mail, or IP address with user agent")
    value = amount(event)
    item = compact(
        {
            "event_name": target.event_name,
            "action_source": action_source(event),
            "event_time": event_seconds(event),
            "event_id": event.event_id,
            "event_source_url": client_field(event, "page_url") or event.click.landing_url,
            "user_data": user,
            "custom_data": compact(
                {
                    "currency": event.currency if value is not None else "",
                    "value": money_text(value) if value is not None else "",
                    "order_id": event.transaction_id,
                    "content_ids": [item.id for item in event.items if item.id],
                    "contents": [
                        compact(
                            {
                                "id": item.id,
                                "item_name": item.name,
                                "item_category": item.category,
                                "item_price": money_text(item.price) if item.price else "",
                                "quantity": item.quantity or None,
                            }
                        )
                        for item in event.items
                    ],
                    "num_items": sum(item.quantity for item in event.items) or None,
                }
            ),
        }
    )
    settings = target.destination.settings
    url = f"{base_url(target.destination, HOST)}/v5/ad_accounts/{settings['ad_account_id']}/events"
    if target.test:
        url += "?test=true"
    request = json_request(url, {"data": [item]}, [bearer()], "data", MAX_ITEMS)
    kinds = present(
        {
            "email": user.get("em"),
            "phone": user.get("ph"),
            "click_id": user.get("click_id"),
            "ip_ua": has_ip_ua,
            "external_id": user.get("external_id"),
            "name": user.get("fn") or user.get("ln"),
            "address": any(user.get(k) for k in ("ct", "st", "zp", "country")),
        }
    )
    return Rendered(request, kinds)


PLATFORM = Platform(
    name="pinterest",
    label="Pinterest",
    type=common_pb2.DESTINATION_TYPE_PINTEREST,
    accept_window=timedelta(days=7),  # [?] no hard maximum age in the spec
    event_names=EVENT_NAMES,
    render=render,
    custom_name=custom,
)
