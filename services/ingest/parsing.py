"""Every entry point's input turned into `EventInput`s: postback parameters, JSON bodies,
integration webhooks (generic field paths and Shopify orders).

Parsing only converts shapes and types; whether the event is acceptable is `validation`'s call.
Problems are collected, never raised one at a time, so a sender sees all of them at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp

from services.common.canonical_fields import PARAMS_PREFIX, custom_field_of
from services.common.errors import Problem
from services.ingest.fields import CLICK_ID_FIELDS, canonical_name, is_param_name
from switchyard.v1 import common_pb2, config_pb2, ingest_pb2

USER_FIELDS = frozenset(ingest_pb2.UserInput.DESCRIPTOR.fields_by_name)
CLIENT_FIELDS = ("ip", "user_agent", "page_url", "referrer_url", "fbp", "fbc", "ttp")
STRING_FIELDS = ("event_id", "event_name", "campaign_id", "lead_id", "transaction_id", "click_id")
AMOUNT_FIELDS = ("value", "payout", "revenue")
ACTION_SOURCES = {
    name.removeprefix("ACTION_SOURCE_").lower(): number
    for name, number in common_pb2.ActionSource.items()
    if number
}
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})
# Unix timestamps above this are milliseconds (year 2286 in seconds).
MILLISECONDS_FROM = 10_000_000_000
SHOPIFY_TOPICS = {
    "orders/create": "Purchase",
    "orders/paid": "Purchase",
    "checkouts/create": "InitiateCheckout",
}


@dataclass
class Parsed:
    """One event read from a payload, with what could not be placed yet."""

    event: ingest_pb2.EventInput
    extras: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def lookup(payload: Any, path: str) -> Any:
    """The value at a dotted path (`customer.email`, `line_items.0.price`), or None."""
    current = payload
    for part in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
        if current is None:
            return None
    return current


def as_text(value: Any) -> str | None:
    """A scalar as text (numbers without a trailing .0); None for objects and lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, str):
        return value
    return None


def parse_amount(text: str) -> float | None:
    """A finite decimal number, or None."""
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_time(text: str) -> Timestamp | None:
    """Unix seconds or milliseconds, or an ISO 8601 date-time (UTC when no offset)."""
    stripped = text.strip()
    when: datetime
    try:
        if stripped.replace(".", "", 1).isdigit():
            number = float(stripped)
            seconds = number / 1000 if number >= MILLISECONDS_FROM else number
            when = datetime.fromtimestamp(seconds, UTC)
        else:
            when = datetime.fromisoformat(stripped.replace("Z", "+00:00"))
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    stamp = Timestamp()
    stamp.FromDatetime(when.astimezone(UTC))
    return stamp


def parse_bool(text: str) -> bool | None:
    """true/false, 1/0, yes/no, on/off; None for anything else."""
    lowered = text.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    return None


def set_field(parsed: Parsed, target: str, value: Any) -> None:
    """Put one canonical, `params.` or `custom.` value into the event, noting bad types."""
    text = as_text(value)
    if text is None:
        parsed.problems.append(Problem(target, "must be a string, number or boolean"))
        return
    event = parsed.event
    custom = custom_field_of(target)
    if custom is not None:
        event.custom_fields[custom] = text
    elif target.startswith(PARAMS_PREFIX):
        event.params[target[len(PARAMS_PREFIX) :]] = text
    elif target in STRING_FIELDS:
        setattr(event, target, text.strip())
    elif target in AMOUNT_FIELDS:
        amount = parse_amount(text)
        if amount is None:
            parsed.problems.append(Problem(target, "must be a number"))
        else:
            setattr(event, target, amount)
    elif target == "currency":
        event.currency = text.strip()
    elif target == "event_time":
        stamp = parse_time(text)
        if stamp is None:
            parsed.problems.append(
                Problem(target, "must be unix seconds, milliseconds or an ISO 8601 date-time")
            )
        else:
            event.event_time.CopyFrom(stamp)
    elif target in USER_FIELDS:
        setattr(event.user, target, text)
    elif target in CLIENT_FIELDS:
        setattr(event.client, target, text)
    elif target in CLICK_ID_FIELDS:
        setattr(event.click_ids, target, text.strip())
    elif target == "test":
        flag = parse_bool(text)
        if flag is None:
            parsed.problems.append(Problem(target, "must be true or false"))
        else:
            event.test = flag
    elif target == "action_source":
        source = ACTION_SOURCES.get(text.strip().lower())
        if source is None:
            parsed.problems.append(
                Problem(target, f"must be one of {', '.join(sorted(ACTION_SOURCES))}")
            )
        else:
            event.action_source = source


def apply_rules(parsed: Parsed, payload: Any, integration: config_pb2.Integration) -> set[str]:
    """Apply the integration's field rules; return the top-level keys they consumed."""
    used: set[str] = set()
    for rule in integration.field_rules:
        value = lookup(payload, rule.source_path)
        used.add(rule.source_path.split(".", 1)[0])
        if value is not None:
            set_field(parsed, rule.target, value)
    if integration.event_name_path:
        used.add(integration.event_name_path.split(".", 1)[0])
        name = lookup(payload, integration.event_name_path)
        if name is not None:
            set_field(parsed, "event_name", name)
    return used


def map_event_name(event: ingest_pb2.EventInput, integration: config_pb2.Integration) -> None:
    """Rename the event by the integration's event rules (source names match case-insensitively)."""
    wanted = event.event_name.strip().lower()
    for rule in integration.event_rules:
        if rule.source.strip().lower() == wanted:
            event.event_name = rule.event_name
            return


def from_parameters(params: Mapping[str, Any], integration: config_pb2.Integration) -> Parsed:
    """A postback or beacon: flat parameters named like canonical fields (loosely) or by rules."""
    parsed = Parsed(ingest_pb2.EventInput())
    used = apply_rules(parsed, params, integration)
    for name, value in params.items():
        if name in used:
            continue
        target = canonical_name(name)
        if target is not None:
            if not _already_set(parsed.event, target):
                set_field(parsed, target, value)
        elif is_param_name(name):
            text = as_text(value)
            if text is not None:
                parsed.event.params[name] = text
        else:
            text = as_text(value)
            parsed.extras[name] = text if text is not None else ""
    map_event_name(parsed.event, integration)
    if not parsed.event.campaign_id:
        parsed.event.campaign_id = integration.campaign_id
    return parsed


def _already_set(event: ingest_pb2.EventInput, target: str) -> bool:
    """True when a field rule already filled `target` (rules win over loose names)."""
    if target in STRING_FIELDS or target == "currency":
        return bool(getattr(event, target))
    if target in AMOUNT_FIELDS:
        return bool(event.HasField(target))
    return False


def from_json_event(item: Any, strict: bool) -> Parsed:
    """One element of `POST /v1/events`: EventInput in protobuf JSON form."""
    parsed = Parsed(ingest_pb2.EventInput())
    if not isinstance(item, dict):
        parsed.problems.append(Problem("", "must be a JSON object"))
        return parsed
    try:
        json_format.ParseDict(item, parsed.event, ignore_unknown_fields=not strict)
    except json_format.ParseError as err:
        parsed.problems.append(Problem("", _short(str(err))))
    except (ValueError, TypeError, OverflowError, RecursionError) as err:
        parsed.problems.append(Problem("", _short(f"invalid value: {err}")))
    return parsed


def _short(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def from_shopify(
    order: Mapping[str, Any], topic: str, integration: config_pb2.Integration
) -> Parsed:
    """A Shopify order webhook: the order's buyer, amounts, items and landing-page click ids."""
    parsed = Parsed(ingest_pb2.EventInput())
    event = parsed.event
    event.event_name = SHOPIFY_TOPICS.get(topic, topic)
    for rule in integration.event_rules:
        if rule.source.strip().lower() == topic.lower():
            event.event_name = rule.event_name
    order_id = as_text(order.get("id")) or ""
    event.event_id = f"shopify:{topic}:{order_id}" if order_id else ""
    event.transaction_id = order_id
    for target, path in (
        ("value", "total_price"),
        ("currency", "currency"),
        ("event_time", "created_at"),
        ("email", "email"),
        ("email", "customer.email"),
        ("phone", "phone"),
        ("phone", "customer.phone"),
        ("first_name", "customer.first_name"),
        ("last_name", "customer.last_name"),
        ("external_id", "customer.id"),
        ("city", "billing_address.city"),
        ("state", "billing_address.province_code"),
        ("zip", "billing_address.zip"),
        ("country", "billing_address.country_code"),
        ("street", "billing_address.address1"),
        ("ip", "browser_ip"),
        ("user_agent", "client_details.user_agent"),
        ("page_url", "landing_site"),
        ("referrer_url", "referring_site"),
    ):
        value = lookup(order, path)
        if value not in (None, "") and not _filled(event, target):
            set_field(parsed, target, value)
    for line in order.get("line_items") or ():
        if isinstance(line, Mapping):
            event.items.append(_shopify_item(line))
    _landing_ids(parsed, as_text(order.get("landing_site")) or "")
    apply_rules(parsed, order, integration)
    event.action_source = common_pb2.ACTION_SOURCE_WEBSITE
    if not event.campaign_id:
        event.campaign_id = integration.campaign_id
    return parsed


def _filled(event: ingest_pb2.EventInput, target: str) -> bool:
    if target in USER_FIELDS:
        return bool(getattr(event.user, target))
    if target in CLIENT_FIELDS:
        return bool(getattr(event.client, target))
    return _already_set(event, target)


def _shopify_item(line: Mapping[str, Any]) -> common_pb2.Item:
    price = parse_amount(as_text(line.get("price")) or "") or 0.0
    quantity = line.get("quantity")
    return common_pb2.Item(
        id=(as_text(line.get("sku")) or as_text(line.get("product_id")) or "")[:256],
        name=(as_text(line.get("title")) or "")[:256],
        quantity=quantity if isinstance(quantity, int) and 0 <= quantity < 2**31 else 1,
        price=price,
    )


def _landing_ids(parsed: Parsed, landing: str) -> None:
    """Click ids and UTM parameters the visit's landing URL carried."""
    query = urlsplit(landing).query if landing else ""
    for name, value in parse_qsl(query):
        target = canonical_name(name)
        if target in CLICK_ID_FIELDS or target == "click_id":
            set_field(parsed, target, value)
        elif name.lower().startswith("utm_"):
            parsed.event.params[name.lower()] = value
