"""The one response classifier: what a platform's answer means for a delivery.

The dispatcher never knows a platform. It passes `Delivery.response_kind` (the adapter name),
the HTTP status, headers and body, and how many batch items the request carried, and gets a
`Verdict`: success, retryable, permanent or auth (credentials need fixing), for the request and,
where the platform reports them, for each item. Pure and table-tested.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Literal

Outcome = Literal["success", "retryable", "permanent", "auth"]

SIX_HOURS = 6 * 3600.0


@dataclass(frozen=True)
class ItemVerdict:
    """What the platform said about one batch item."""

    outcome: Outcome
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    """What the platform said about a request."""

    outcome: Outcome
    reason: str
    retry_after_seconds: float | None = None
    items: tuple[ItemVerdict, ...] = ()


Classifier = Callable[[int, Mapping[str, str], bytes, int], Verdict]


# ---- generic rules ------------------------------------------------------------------------


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta seconds or an HTTP date), if any."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def outcome_for_status(status: int) -> Outcome:
    """The generic reading of an HTTP status."""
    if 200 <= status < 300:
        return "success"
    if status in (401, 403):
        return "auth"
    # 501 Not Implemented and 505 HTTP Version Not Supported will not change on retry.
    if status in (408, 425, 429) or (status >= 500 and status not in (501, 505)):
        return "retryable"
    return "permanent"


def generic(status: int, headers: Mapping[str, str], body: bytes, item_count: int) -> Verdict:
    """Postbacks, webhooks and any kind without its own rules."""
    outcome = outcome_for_status(status)
    wait = retry_after(headers) if outcome == "retryable" else None
    return Verdict(outcome, f"HTTP {status}", wait)


def parse_json(body: bytes) -> Any:
    """The body as JSON, or None when it is not JSON."""
    try:
        return json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        return None


# ---- Meta ---------------------------------------------------------------------------------

META_RETRYABLE_CODES = frozenset({1, 2, 4, 17, 32, 613, 80004})
META_AUTH_CODES = frozenset({190, 102})


def meta(status: int, headers: Mapping[str, str], body: bytes, item_count: int) -> Verdict:
    """Graph API: error codes decide; one invalid event rejects the whole batch."""
    if 200 <= status < 300:
        return Verdict("success", f"HTTP {status}")
    payload = parse_json(body)
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return generic(status, headers, body, item_count)
    code = error.get("code")
    reason = f"Graph error {code}: {error.get('message', '')}".strip()
    if code in META_AUTH_CODES:
        return Verdict("auth", reason)
    if code in META_RETRYABLE_CODES or error.get("is_transient") is True:
        return Verdict("retryable", reason, retry_after(headers))
    if status >= 500:
        return Verdict("retryable", reason, retry_after(headers))
    if 200 <= (code or 0) < 300 or code == 10:
        return Verdict("auth", reason)  # permission errors: the token lacks access
    return Verdict("permanent", reason)


# ---- Google Ads ---------------------------------------------------------------------------

GOOGLE_DUPLICATES = frozenset(
    {
        "ORDER_ID_ALREADY_IN_USE",
        "DUPLICATE_ORDER_ID",
        "CLICK_CONVERSION_ALREADY_EXISTS",
        "DUPLICATE_CLICK_CONVERSION_IN_REQUEST",
    }
)
GOOGLE_TOO_RECENT = frozenset(
    {"TOO_RECENT_EVENT", "TOO_RECENT_CONVERSION_ACTION", "TOO_RECENT_CALL"}
)


def _google_row_errors(payload: dict[str, Any]) -> dict[int, list[str]]:
    """Error codes per conversion index from a partialFailureError."""
    found: dict[int, list[str]] = {}
    failure = payload.get("partialFailureError") or {}
    for detail in failure.get("details") or []:
        for error in detail.get("errors") or []:
            codes = [str(v) for v in (error.get("errorCode") or {}).values()]
            path = (error.get("location") or {}).get("fieldPathElements") or []
            index = next(
                (p.get("index") for p in path if p.get("fieldName") == "conversions"), None
            )
            if isinstance(index, int):
                found.setdefault(index, []).extend(codes)
    return found


def _google_item(codes: list[str]) -> ItemVerdict:
    """One conversion's verdict from its error codes."""
    if not codes:
        return ItemVerdict("success")
    reason = ", ".join(codes)
    if all(code in GOOGLE_DUPLICATES for code in codes):
        return ItemVerdict("success", f"already recorded: {reason}")
    if any(code in GOOGLE_TOO_RECENT for code in codes):
        return ItemVerdict("retryable", reason)
    return ItemVerdict("permanent", reason)


def google_ads(status: int, headers: Mapping[str, str], body: bytes, item_count: int) -> Verdict:
    """uploadClickConversions with partial failure: per-row errors inside a 200."""
    if not 200 <= status < 300:
        verdict = generic(status, headers, body, item_count)
        payload = parse_json(body)
        error = payload.get("error") if isinstance(payload, dict) else None
        if isinstance(error, dict) and error.get("status") == "RESOURCE_EXHAUSTED":
            return Verdict(
                "retryable", f"HTTP {status} RESOURCE_EXHAUSTED", verdict.retry_after_seconds
            )
        return verdict
    payload = parse_json(body)
    if not isinstance(payload, dict) or not payload.get("partialFailureError"):
        return Verdict("success", f"HTTP {status}")
    rows = _google_row_errors(payload)
    items = tuple(_google_item(rows.get(i, [])) for i in range(item_count))
    return _summarize(items, status, SIX_HOURS)


def _summarize(items: tuple[ItemVerdict, ...], status: int, retry_wait: float | None) -> Verdict:
    """A request verdict from its items: the worst item wins, so nothing is lost."""
    order: dict[Outcome, int] = {"success": 0, "permanent": 1, "retryable": 2, "auth": 3}
    worst = max(items, key=lambda item: order[item.outcome], default=ItemVerdict("success"))
    failed = sum(1 for item in items if item.outcome != "success")
    reason = f"HTTP {status}, {failed} of {len(items)} items failed"
    if failed:
        reason += f": {worst.reason}"
    wait = retry_wait if worst.outcome == "retryable" else None
    return Verdict(worst.outcome, reason, wait, items)


# ---- TikTok -------------------------------------------------------------------------------

TIKTOK_RETRYABLE = frozenset({40100, 50000, 50002, 51021})
TIKTOK_AUTH = frozenset({40001, 40104, 40105})


def tiktok(status: int, headers: Mapping[str, str], body: bytes, item_count: int) -> Verdict:
    """TikTok answers 200 for most errors; `code` decides (0 ok, 20001 partial success)."""
    payload = parse_json(body)
    code = payload.get("code") if isinstance(payload, dict) else None
    if not isinstance(code, int):
        return generic(status, headers, body, item_count)
    reason = f"TikTok code {code}: {payload.get('message', '')}".strip()
    if code in (0, 20001):
        return Verdict("success", reason)
    if code in TIKTOK_RETRYABLE or status == 429 or status >= 500:
        return Verdict("retryable", reason, retry_after(headers))
    if code in TIKTOK_AUTH or status in (401, 403):
        return Verdict("auth", reason)
    return Verdict("permanent", reason)


# ---- Microsoft, Pinterest: per-item answers ----------------------------------------------


def microsoft(status: int, headers: Mapping[str, str], body: bytes, item_count: int) -> Verdict:
    """UET CAPI: 400 lists failing indexes; warnings alone are a success."""
    if status != 400:
        return generic(status, headers, body, item_count)
    payload = parse_json(body)
    error = payload.get("error") if isinstance(payload, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    if not isinstance(details, list):
        return generic(status, headers, body, item_count)
    failing: dict[int, str] = {}
    for detail in details:
        if isinstance(detail, dict) and not detail.get("isWarning"):
            failing[int(detail.get("index", -1))] = str(detail.get("errorMessage", "invalid"))
    # A rejected batch records nothing: valid items must go again, without the bad ones.
    resend = ItemVerdict("retryable", "not recorded: another item of the batch was invalid")
    items = tuple(
        ItemVerdict("permanent", failing[i]) if i in failing else resend for i in range(item_count)
    )
    if not failing:
        return Verdict("success", f"HTTP {status}, warnings only")
    return _summarize(items, status, None)


def pinterest(status: int, headers: Mapping[str, str], body: bytes, item_count: int) -> Verdict:
    """Pinterest: 200 or 422 with an `events` list of processed/failed in request order."""
    if status not in (200, 422):
        return generic(status, headers, body, item_count)
    payload = parse_json(body)
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list) or len(events) != item_count:
        return generic(status, headers, body, item_count)
    items = tuple(
        ItemVerdict("success")
        if isinstance(e, dict) and e.get("status") == "processed"
        else ItemVerdict(
            "permanent", str(e.get("error_message", "failed")) if isinstance(e, dict) else "failed"
        )
        for e in events
    )
    return _summarize(items, status, None)


def ga4(status: int, headers: Mapping[str, str], body: bytes, item_count: int) -> Verdict:
    """GA4: /mp/collect answers 2xx to anything; /debug/mp/collect lists validation messages."""
    payload = parse_json(body) if 200 <= status < 300 else None
    messages = payload.get("validationMessages") if isinstance(payload, dict) else None
    if isinstance(messages, list) and messages:
        first = messages[0] if isinstance(messages[0], dict) else {}
        reason = f"GA4 validation: {first.get('fieldPath', '')} {first.get('description', '')}"
        return Verdict("permanent", reason.strip())
    return generic(status, headers, body, item_count)


# ---- the rest -----------------------------------------------------------------------------


def linkedin(status: int, headers: Mapping[str, str], body: bytes, item_count: int) -> Verdict:
    """LinkedIn: generic, plus 423 Locked retried."""
    if status == 423:
        return Verdict("retryable", "HTTP 423", retry_after(headers))
    return generic(status, headers, body, item_count)


def taboola(status: int, headers: Mapping[str, str], body: bytes, item_count: int) -> Verdict:
    """Taboola records a conversion only when it answers 204."""
    if 200 <= status < 300 and status != 204:
        return Verdict(
            "permanent", f"HTTP {status}: Taboola confirms recorded conversions with 204"
        )
    return generic(status, headers, body, item_count)


CLASSIFIERS: dict[str, Classifier] = {
    "meta": meta,
    "google_ads": google_ads,
    "ga4": ga4,
    "tiktok": tiktok,
    "microsoft": microsoft,
    "pinterest": pinterest,
    "linkedin": linkedin,
    "taboola": taboola,
    # Snapchat, Reddit, Outbrain, postback and webhook answers follow the generic rules.
}


def classify(
    response_kind: str, status: int, headers: Mapping[str, str], body: bytes, item_count: int
) -> Verdict:
    """The verdict on one platform answer."""
    return CLASSIFIERS.get(response_kind, generic)(status, headers, body, item_count)


TRANSPORT_PERMANENT = frozenset({"refused_target", "invalid_url"})


def classify_transport_error(error_class: str, message: str) -> Verdict:
    """The verdict when no answer came: retry, unless policy or the URL refused the target."""
    if error_class in TRANSPORT_PERMANENT:
        return Verdict("permanent", f"{error_class}: {message}")
    return Verdict("retryable", f"{error_class}: {message}")
