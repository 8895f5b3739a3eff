"""What each platform's documented request looks like, checked the way the platform would.

Each checker reads one request and returns the event ids it carries and every problem found, so
the local platform server can answer 400 like the real platform does and a test can say why.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

HASH = re.compile(r"^[0-9a-f]{64}$")
GOOGLE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
META_ACTION_SOURCES = frozenset(
    {"email", "website", "app", "phone_call", "chat", "physical_store", "system_generated",
     "business_messaging", "other"}
)  # fmt: skip
META_HASHED = ("em", "ph", "fn", "ln", "db", "ge", "ct", "st", "zp", "country", "external_id")
TIKTOK_HASHED = ("email", "phone", "external_id")
EPOCH_2020 = 1_577_836_800


@dataclass
class Inspection:
    """Event ids a request carries and what is wrong with it."""

    event_ids: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Request:
    """The parts of an HTTP request a checker looks at."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes

    def json(self, found: Inspection) -> dict[str, Any]:
        try:
            document = json.loads(self.body)
        except ValueError:
            found.problems.append("body is not JSON")
            return {}
        if not isinstance(document, dict):
            found.problems.append("body is not a JSON object")
            return {}
        return document


def _seconds_ok(value: Any) -> bool:
    return isinstance(value, int) and EPOCH_2020 < value < time.time() + 600


def _hashes_ok(
    user: Mapping[str, Any], keys: tuple[str, ...], where: str, found: Inspection
) -> None:
    for key in keys:
        values = user.get(key)
        for value in values if isinstance(values, list) else [values] if values else []:
            if not isinstance(value, str) or not HASH.match(value):
                found.problems.append(f"{where}.{key} is not a lowercase SHA-256 hex digest")


def _array(document: Mapping[str, Any], name: str, found: Inspection) -> list[dict[str, Any]]:
    items = document.get(name)
    if not isinstance(items, list) or not items:
        found.problems.append(f"{name} must be a non-empty array")
        return []
    return [item for item in items if isinstance(item, dict)]


def check_meta(request: Request) -> Inspection:
    """Meta Conversions API: POST /{version}/{pixel}/events, access_token in the query."""
    found = Inspection()
    if not re.search(r"/v\d+\.\d+/\d+/events$", request.path):
        found.problems.append("path must be /{version}/{pixel_id}/events")
    if not request.query.get("access_token"):
        found.problems.append("access_token query parameter is missing")
    for index, event in enumerate(_array(request.json(found), "data", found)):
        where = f"data[{index}]"
        for key in ("event_name", "action_source", "event_id"):
            if not isinstance(event.get(key), str) or not event.get(key):
                found.problems.append(f"{where}.{key} is required")
        if not _seconds_ok(event.get("event_time")):
            found.problems.append(f"{where}.event_time must be Unix seconds")
        if event.get("action_source") not in META_ACTION_SOURCES:
            found.problems.append(f"{where}.action_source is not a Meta action source")
        user = event.get("user_data")
        if not isinstance(user, dict) or not user:
            found.problems.append(f"{where}.user_data is required")
        else:
            _hashes_ok(user, META_HASHED, f"{where}.user_data", found)
        found.event_ids.append(str(event.get("event_id", "")))
    return found


def check_google_ads(request: Request) -> Inspection:
    """Google Ads: POST /v{N}/customers/{id}:uploadClickConversions, OAuth + developer token."""
    found = Inspection()
    match = re.search(r"/v\d+/customers/(\d+):uploadClickConversions$", request.path)
    if match is None:
        found.problems.append("path must be /v{N}/customers/{customer_id}:uploadClickConversions")
    if not request.headers.get("authorization", "").startswith("Bearer "):
        found.problems.append("Authorization: Bearer header is missing")
    if not request.headers.get("developer-token"):
        found.problems.append("developer-token header is missing")
    document = request.json(found)
    if document.get("partialFailure") is not True:
        found.problems.append("partialFailure must be true")
    for index, conversion in enumerate(_array(document, "conversions", found)):
        where = f"conversions[{index}]"
        action = str(conversion.get("conversionAction", ""))
        if match and not action.startswith(f"customers/{match.group(1)}/conversionActions/"):
            found.problems.append(f"{where}.conversionAction must name one of this customer's")
        if not GOOGLE_TIME.match(str(conversion.get("conversionDateTime", ""))):
            found.problems.append(f"{where}.conversionDateTime must be 'yyyy-mm-dd hh:mm:ss+hh:mm'")
        keys = [k for k in ("gclid", "gbraid", "wbraid") if conversion.get(k)]
        if len(keys) > 1:
            found.problems.append(f"{where}: only one of gclid, gbraid, wbraid may be set")
        if not keys and not conversion.get("userIdentifiers"):
            found.problems.append(f"{where} has neither a click id nor user identifiers")
        for ident in conversion.get("userIdentifiers") or []:
            keys_hashed = ("hashedEmail", "hashedPhoneNumber")
            _hashes_ok(ident, keys_hashed, f"{where}.userIdentifiers", found)
        found.event_ids.append(str(conversion.get("orderId", "")))
    return found


def check_tiktok(request: Request) -> Inspection:
    """TikTok Events API 2.0: POST /open_api/v1.3/event/track/ with the Access-Token header."""
    found = Inspection()
    if not request.path.endswith("/open_api/v1.3/event/track/"):
        found.problems.append("path must be /open_api/v1.3/event/track/")
    if not request.headers.get("access-token"):
        found.problems.append("Access-Token header is missing")
    document = request.json(found)
    if document.get("event_source") not in ("web", "app", "offline", "crm"):
        found.problems.append("event_source must be web, app, offline or crm")
    if not document.get("event_source_id"):
        found.problems.append("event_source_id is required")
    for index, event in enumerate(_array(document, "data", found)):
        where = f"data[{index}]"
        if not event.get("event") or not event.get("event_id"):
            found.problems.append(f"{where}.event and {where}.event_id are required")
        if not _seconds_ok(event.get("event_time")):
            found.problems.append(f"{where}.event_time must be Unix seconds")
        _hashes_ok(event.get("user") or {}, TIKTOK_HASHED, f"{where}.user", found)
        found.event_ids.append(str(event.get("event_id", "")))
    return found


def check_postback(request: Request) -> Inspection:
    """A partner's postback URL: any GET or POST; the event id travels as `event_id` or `eid`."""
    found = Inspection()
    if request.method not in ("GET", "POST"):
        found.problems.append("postbacks are GET or POST")
    event_id = request.query.get("event_id") or request.query.get("eid")
    if event_id:
        found.event_ids.append(event_id)
    return found


def check_webhook(request: Request) -> Inspection:
    """An outgoing webhook: a JSON event with Standard Webhooks signature headers."""
    found = Inspection()
    for header in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        if not request.headers.get(header):
            found.problems.append(f"{header} header is missing")
    document = request.json(found)
    if document.get("event_id"):
        found.event_ids.append(str(document["event_id"]))
    return found


Checker = Callable[[Request], Inspection]

CHECKERS: dict[str, Checker] = {
    "meta": check_meta,
    "google_ads": check_google_ads,
    "tiktok": check_tiktok,
    "postback": check_postback,
    "webhook": check_webhook,
}
