"""Event history and delivery log: filters, cursors and the rows as protobuf answers."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from services.common.errors import InvalidArgument, Problem
from services.dispatcher.repository import FilterParams
from switchyard.v1 import common_pb2, dispatcher_pb2

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
STATUS_NAMES = {
    dispatcher_pb2.DELIVERY_STATUS_PENDING: "pending",
    dispatcher_pb2.DELIVERY_STATUS_IN_FLIGHT: "in_flight",
    dispatcher_pb2.DELIVERY_STATUS_DELIVERED: "delivered",
    dispatcher_pb2.DELIVERY_STATUS_RETRYING: "retrying",
    dispatcher_pb2.DELIVERY_STATUS_FAILED: "failed",
    dispatcher_pb2.DELIVERY_STATUS_DEAD: "dead",
    dispatcher_pb2.DELIVERY_STATUS_EXPIRED: "expired",
    dispatcher_pb2.DELIVERY_STATUS_SKIPPED: "skipped",
}
STATUS_VALUES = {name: value for value, name in STATUS_NAMES.items()}


def _time(ts: Timestamp) -> datetime | None:
    return ts.ToDatetime(tzinfo=UTC) if ts.seconds or ts.nanos else None


def filter_params(history: dispatcher_pb2.HistoryFilter) -> FilterParams:
    """A HistoryFilter as statement parameters; every bad field is reported at once."""
    problems = []
    statuses = []
    for status in history.statuses:
        if status not in STATUS_NAMES:
            problems.append(Problem("filter.statuses", f"unknown delivery status {status}"))
        else:
            statuses.append(STATUS_NAMES[status])
    since = _time(history.since) if history.HasField("since") else None
    until = _time(history.until) if history.HasField("until") else None
    if since and until and since >= until:
        problems.append(Problem("filter.until", "must be after filter.since"))
    if any(not name for name in history.event_names):
        problems.append(Problem("filter.event_names", "must not contain an empty name"))
    if problems:
        raise InvalidArgument(problems)
    return FilterParams(
        since=since,
        until=until,
        event_names=tuple(history.event_names),
        campaign_id=history.campaign_id,
        lead_id=history.lead_id,
        transaction_id=history.transaction_id,
        event_id=history.event_id,
        include_test=history.include_test,
        destination_id=history.destination_id,
        statuses=tuple(statuses),
    )


def is_empty(params: FilterParams) -> bool:
    """True when the filter narrows nothing (test sends alone do not count)."""
    return params == FilterParams(include_test=params.include_test)


def page_size(page: common_pb2.PageRequest) -> int:
    """The asked page size, defaulted and checked."""
    if page.page_size < 0 or page.page_size > MAX_PAGE_SIZE:
        raise InvalidArgument.one("page.page_size", f"must be between 0 and {MAX_PAGE_SIZE}")
    return page.page_size or DEFAULT_PAGE_SIZE


def encode_cursor(at: datetime, key: str) -> str:
    """An opaque token for the keyset position (time, id) of a page's last row."""
    raw = json.dumps([at.isoformat(), key]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[datetime, str] | None:
    """The keyset position of a page token; None for the first page."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        at, key = json.loads(raw)
        return datetime.fromisoformat(at), str(key)
    except (binascii.Error, ValueError, TypeError):
        raise InvalidArgument.one(
            "page.page_token", "is not a token from a previous answer"
        ) from None


def next_token(rows: Sequence[Any], limit: int, time_column: str, id_column: str) -> str:
    """The cursor after a full page; empty on the last page."""
    if len(rows) < limit:
        return ""
    last = rows[-1]
    return encode_cursor(last[time_column], last[id_column])


def _ts(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def event_summary(row: Any) -> dispatcher_pb2.EventSummary:
    """An events row (with its n_* delivery counts) as an EventSummary."""
    summary = dispatcher_pb2.EventSummary(
        event_id=row["event_id"],
        event_name=row["event_name"],
        campaign_id=row["campaign_id"],
        lead_id=row["lead_id"],
        transaction_id=row["transaction_id"],
        event_time=_ts(row["event_time"]),
        received_at=_ts(row["received_at"]),
        config_version=row["config_version"],
        test=row["test"],
        currency=row["currency"],
        deliveries=dispatcher_pb2.DeliveryCounts(
            delivered=row["n_delivered"],
            in_progress=row["n_in_progress"],
            failed=row["n_failed"],
            dead=row["n_dead"],
            expired=row["n_expired"],
            skipped=row["n_skipped"],
        ),
    )
    if row["value"] is not None:
        summary.value = row["value"]
    return summary


def delivery_summary(row: Any) -> dispatcher_pb2.DeliverySummary:
    """A deliveries row as a DeliverySummary."""
    waiting = row["status"] in ("pending", "retrying")
    return dispatcher_pb2.DeliverySummary(
        delivery_id=row["id"],
        event_id=row["event_id"],
        event_name=row["event_name"],
        destination_id=row["destination_id"],
        destination_name=row["destination_name"],
        destination_type=row["destination_type"],
        postback_id=row["postback_id"],
        platform_event_name=row["platform_event_name"],
        status=STATUS_VALUES[row["status"]],
        reason=row["reason"],
        attempts=row["attempt_count"],
        last_status_code=row["last_status_code"],
        next_attempt_at=_ts(row["next_attempt_at"]) if waiting else None,
        created_at=_ts(row["created_at"]),
        updated_at=_ts(row["updated_at"]),
        match_quality=row["match_quality"],
        test=row["test"],
    )


def attempt(row: Any) -> dispatcher_pb2.Attempt:
    """An attempts row as an Attempt."""
    headers = (
        json.loads(row["response_headers"])
        if isinstance(row["response_headers"], str)
        else row["response_headers"]
    )
    return dispatcher_pb2.Attempt(
        number=row["number"],
        started_at=_ts(row["started_at"]),
        latency_ms=row["latency_ms"],
        status_code=row["status_code"],
        response_headers=[common_pb2.Header(name=n, value=v) for n, v in headers],
        response_body=row["response_body"],
        response_truncated=row["response_truncated"],
        outcome=row["outcome"],
        error_class=row["error_class"],
        error_message=row["error_message"],
        batch_size=row["batch_size"],
    )


def delivery_detail(row: Any, attempts: Sequence[Any]) -> dispatcher_pb2.DeliveryDetail:
    """A delivery with its stored request (no credentials) and attempts."""
    request = common_pb2.HttpRequest()
    request.ParseFromString(row["request"])
    return dispatcher_pb2.DeliveryDetail(
        summary=delivery_summary(row),
        request=request,
        attempts=[attempt(a) for a in attempts],
        accept_until=_ts(row["accept_until"]),
    )
