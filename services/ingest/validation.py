"""The checks an event passes before anything of it is stored, and its canonical form.

Every broken rule is collected (with the caller's field prefix, e.g. `events[3].currency`), so
one answer names all of them. Personal data is hashed here, right after the shape is known; the
raw `UserInput` is not kept in what this module returns.
"""

from __future__ import annotations

import ipaddress
import math
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp

from services.common.errors import Problem
from services.common.identity.hasher import normalize_user
from services.ingest.catalog import SnapshotIndex
from services.ingest.currency import normalize_currency
from services.ingest.fields import CLICK_ID_FIELDS, loose
from switchyard.v1 import common_pb2, config_pb2, ingest_pb2

MAX_ID = 256
MAX_NAME = 64
MAX_TEXT = 1024
MAX_URL = 2048
MAX_PARAMS = 50
MAX_ITEMS = 200
FUTURE_SKEW = timedelta(minutes=5)
LEAD_EVENTS = frozenset({"Lead", "lead_created", "CompleteRegistration", "FormSubmit"})
_PRINTABLE = re.compile(r"^[^\x00-\x1f\x7f]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Records one broken rule: (field, rule).
_Bad = Callable[[str, str], None]
_BOOLEANS = {"true": "true", "false": "false", "1": "true", "0": "false"}


@dataclass(frozen=True)
class Limits:
    """Bounds that come from settings."""

    max_event_age_days: int = 90


@dataclass
class Prepared:
    """An event that passed every check: canonical (identity hashed), ready to attribute."""

    event: common_pb2.CanonicalEvent
    multi_trigger: bool
    creates_lead: bool
    config_version: int
    dedup_window_seconds: int


def prepare(
    index: SnapshotIndex,
    source: ingest_pb2.EventInput,
    *,
    now: datetime,
    limits: Limits,
    prefix: str = "",
    extras: Mapping[str, str] | None = None,
    strict: bool = False,
) -> tuple[Prepared | None, list[Problem]]:
    """Check one event against the organization's snapshot and build its canonical form.

    `extras` are parameters no canonical name matched: a custom field of the event takes them,
    the rest are ignored, or refused when `strict`.
    """
    problems: list[Problem] = []

    def bad(name: str, rule: str) -> None:
        problems.append(Problem(f"{prefix}{name}", rule))

    _check_strings(source, bad)
    definition = _resolve_definition(index, source, bad)
    campaign_id = source.campaign_id
    fields = index.campaign_fields(campaign_id, definition.name) if definition else {}
    custom = _custom_fields(source.custom_fields, extras or {}, fields, strict, bad)
    if definition is not None:
        _check_required(fields, custom, bad)
    _check_amounts(source, bad)
    currency = ""
    if source.currency:
        currency = normalize_currency(source.currency) or ""
        if not currency:
            bad("currency", "must be an ISO 4217 currency code such as USD or EUR")
    event_time = _check_time(source, now, limits, bad)
    identity, identity_problems = normalize_user(
        source.user, index.default_country(campaign_id), prefix=f"{prefix}user"
    )
    problems.extend(identity_problems)
    if problems or definition is None:
        return None, problems
    event = common_pb2.CanonicalEvent(
        event_id=source.event_id or uuid.uuid4().hex,
        organization_id=index.organization_id,
        campaign_id=campaign_id,
        event_name=definition.name,
        kind=definition.kind,
        lead_id=source.lead_id,
        transaction_id=source.transaction_id,
        click_id=source.click_id,
        currency=currency,
        identity=identity,
        client=source.client,
        custom_fields=custom,
        action_source=source.action_source,
        items=source.items,
        test=source.test,
        params=source.params,
    )
    event.event_time.CopyFrom(event_time)
    event.received_at.FromDatetime(now)
    _copy_amounts(source, definition, event)
    if any(getattr(source.click_ids, name) for name in CLICK_ID_FIELDS):
        event.click.ids.CopyFrom(source.click_ids)
    creates_lead = definition.name in LEAD_EVENTS
    return (
        Prepared(
            event,
            definition.multi_trigger,
            creates_lead,
            index.version,
            index.dedup_window_seconds,
        ),
        [],
    )


def _check_strings(source: ingest_pb2.EventInput, bad: _Bad) -> None:
    for name, limit in (
        ("event_id", MAX_ID),
        ("lead_id", MAX_ID),
        ("transaction_id", MAX_ID),
        ("click_id", MAX_ID),
        ("campaign_id", MAX_ID),
        ("event_name", MAX_NAME),
    ):
        value: str = getattr(source, name)
        if len(value) > limit:
            bad(name, f"must be at most {limit} characters")
        elif not _PRINTABLE.match(value):
            bad(name, "must not contain control characters")
    for name in CLICK_ID_FIELDS:
        if len(getattr(source.click_ids, name)) > MAX_TEXT:
            bad(f"click_ids.{name}", f"must be at most {MAX_TEXT} characters")
    client = source.client
    for name, limit in (("user_agent", MAX_TEXT), ("page_url", MAX_URL), ("referrer_url", MAX_URL)):
        if len(getattr(client, name)) > limit:
            bad(f"client.{name}", f"must be at most {limit} characters")
    for name in ("fbp", "fbc", "ttp", "scid", "ga_client_id", "mobile_ad_id"):
        if len(getattr(client, name)) > MAX_ID:
            bad(f"client.{name}", f"must be at most {MAX_ID} characters")
    if client.ip:
        try:
            ipaddress.ip_address(client.ip)
        except ValueError:
            bad("client.ip", "must be an IPv4 or IPv6 address")
    for name in ingest_pb2.UserInput.DESCRIPTOR.fields_by_name:
        if len(getattr(source.user, name)) > MAX_ID:
            bad(f"user.{name}", f"must be at most {MAX_ID} characters")
    if len(source.params) > MAX_PARAMS:
        bad("params", f"must have at most {MAX_PARAMS} entries")
    for key, value in source.params.items():
        if len(key) > MAX_NAME or len(value) > MAX_TEXT:
            bad(
                f"params.{key[:MAX_NAME]}",
                f"names at most {MAX_NAME}, values {MAX_TEXT} characters",
            )
    if len(source.items) > MAX_ITEMS:
        bad("items", f"must have at most {MAX_ITEMS} entries")
    for position, item in enumerate(source.items):
        if len(item.id) > MAX_ID or len(item.name) > MAX_ID or len(item.category) > MAX_ID:
            bad(f"items[{position}]", f"id, name and category must be at most {MAX_ID} characters")
        if not math.isfinite(item.price) or item.price < 0 or item.quantity < 0:
            bad(f"items[{position}]", "price and quantity must be finite numbers >= 0")


def _resolve_definition(
    index: SnapshotIndex, source: ingest_pb2.EventInput, bad: _Bad
) -> config_pb2.EventDefinition | None:
    name = source.event_name.strip()
    if not name:
        bad("event_name", "is required")
        return None
    campaign_id = source.campaign_id
    if campaign_id:
        campaign = index.campaigns.get(campaign_id)
        if campaign is None:
            bad("campaign_id", "no such campaign")
            return None
        if campaign.paused:
            bad("campaign_id", "the campaign is paused")
            return None
    definition = index.definition(name, campaign_id)
    if definition is None:
        bad("event_name", f"{name[:MAX_NAME]!r} is not an event of this organization")
        return None
    if campaign_id:
        resolved = index.resolved.get(campaign_id)
        if resolved is None or definition.name not in resolved.event_names:
            bad("event_name", f"{definition.name!r} is not an event of campaign {campaign_id!r}")
            return None
    return definition


def _custom_fields(
    given: Mapping[str, str],
    extras: Mapping[str, str],
    fields: Mapping[str, config_pb2.CustomField],
    strict: bool,
    bad: _Bad,
) -> dict[str, str]:
    """Typed custom field values; extras match field names loosely."""
    by_loose = {loose(name): name for name in fields}
    values: dict[str, str] = {}
    for name, value in given.items():
        if name not in fields:
            bad(f"custom_fields.{name[:MAX_NAME]}", "is not a custom field of this event")
        else:
            values[name] = value
    unknown = []
    for name, value in extras.items():
        matched = by_loose.get(loose(name))
        if matched is not None:
            values.setdefault(matched, value)
        else:
            unknown.append(name)
    if strict and unknown:
        names = ", ".join(sorted(n[:MAX_NAME] for n in unknown)[:20])
        bad("parameters", f"unknown parameters: {names}")
    typed: dict[str, str] = {}
    for name, value in values.items():
        checked = _typed(fields[name].type, value)
        if checked is None:
            bad(f"custom_fields.{name}", _TYPE_RULES[fields[name].type])
        else:
            typed[name] = checked
    return typed


_TYPE_RULES = {
    config_pb2.FIELD_TYPE_UNSPECIFIED: f"must be at most {MAX_TEXT} characters",
    config_pb2.FIELD_TYPE_TEXT: f"must be at most {MAX_TEXT} characters",
    config_pb2.FIELD_TYPE_NUMBER: "must be a number",
    config_pb2.FIELD_TYPE_DATE: "must be a date as YYYY-MM-DD",
    config_pb2.FIELD_TYPE_BOOLEAN: "must be true or false",
}


def _typed(kind: int, value: str) -> str | None:
    """The value as its type's canonical text, or None when it is not of that type."""
    text = value.strip()
    if kind == config_pb2.FIELD_TYPE_NUMBER:
        try:
            number = float(text)
        except ValueError:
            return None
        return text if math.isfinite(number) else None
    if kind == config_pb2.FIELD_TYPE_DATE:
        if not _DATE.match(text):
            return None
        try:
            date.fromisoformat(text)
        except ValueError:
            return None
        return text
    if kind == config_pb2.FIELD_TYPE_BOOLEAN:
        return _BOOLEANS.get(text.lower())
    return value if len(value) <= MAX_TEXT else None


def _check_required(
    fields: Mapping[str, config_pb2.CustomField], values: Mapping[str, str], bad: _Bad
) -> None:
    for name, custom in fields.items():
        if custom.required and not values.get(name, "").strip():
            bad(f"custom_fields.{name}", "is required for this event")


def _check_amounts(source: ingest_pb2.EventInput, bad: _Bad) -> None:
    for name in ("value", "payout", "revenue"):
        if source.HasField(name):
            amount: float = getattr(source, name)
            if not math.isfinite(amount) or amount < 0:
                bad(name, "must be a finite number >= 0")


def _check_time(
    source: ingest_pb2.EventInput, now: datetime, limits: Limits, bad: _Bad
) -> Timestamp:
    stamp = Timestamp()
    if not source.HasField("event_time"):
        stamp.FromDatetime(now)
        return stamp
    try:
        when = source.event_time.ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError):
        bad("event_time", "is not a valid time")
        return stamp
    if when > now + FUTURE_SKEW:
        bad("event_time", "must not be in the future (5 minutes of clock skew allowed)")
    elif when < now - timedelta(days=limits.max_event_age_days):
        bad("event_time", f"must not be older than {limits.max_event_age_days} days")
    stamp.CopyFrom(source.event_time)
    return stamp


def _copy_amounts(
    source: ingest_pb2.EventInput,
    definition: config_pb2.EventDefinition,
    event: common_pb2.CanonicalEvent,
) -> None:
    if source.HasField("value"):
        event.value = source.value
    for name in ("payout", "revenue"):
        if source.HasField(name):
            setattr(event, name, getattr(source, name))
        elif definition.HasField(name):
            setattr(event, name, getattr(definition, name))
