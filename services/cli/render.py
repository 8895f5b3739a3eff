"""How history answers read in a terminal: aligned tables, an event's journey, a test send.

`--json` output is protobuf's JSON form, one object per line, so scripts can rely on field names
documented in protos/; the tables are for people and may change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC

from google.protobuf import json_format
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from services.cli.filters import STATUS_NAMES
from switchyard.v1 import common_pb2, dispatcher_pb2

MAX_CELL = 60
MAX_BODY = 2000


def as_json(message: Message) -> str:
    """One message as a single JSON line with protobuf's field names."""
    return str(json.dumps(json_format.MessageToDict(message), separators=(",", ":")))


def moment(stamp: Timestamp) -> str:
    """A timestamp as `YYYY-MM-DD HH:MM:SS` UTC, or `-` when unset."""
    if not stamp.seconds and not stamp.nanos:
        return "-"
    return str(stamp.ToDatetime(tzinfo=UTC).strftime("%Y-%m-%d %H:%M:%S"))


def _cell(value: object) -> str:
    text = " ".join(str(value).split()) or "-"
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Columns padded to their widest cell; the last column is left ragged."""
    cells = [list(header)] + [[_cell(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines)


def status_word(status: int) -> str:
    """A delivery status as the word `--status` takes."""
    return STATUS_NAMES.get(status, "unknown")


def _counts(counts: dispatcher_pb2.DeliveryCounts) -> str:
    parts = [
        (counts.delivered, "delivered"),
        (counts.in_progress, "in progress"),
        (counts.failed, "failed"),
        (counts.dead, "dead"),
        (counts.expired, "expired"),
        (counts.skipped, "skipped"),
    ]
    return ", ".join(f"{n} {word}" for n, word in parts if n) or "none"


def _value(summary: dispatcher_pb2.EventSummary) -> str:
    if not summary.HasField("value"):
        return "-"
    return f"{summary.value:g} {summary.currency}".strip()


EVENT_HEADER = ("RECEIVED (UTC)", "EVENT ID", "EVENT", "CAMPAIGN", "LEAD", "VALUE", "DELIVERIES")


def events_table(events: Sequence[dispatcher_pb2.EventSummary]) -> str:
    """The event history as a table."""
    rows = [
        (
            moment(e.received_at),
            e.event_id,
            e.event_name + (" (test)" if e.test else ""),
            e.campaign_id,
            e.lead_id,
            _value(e),
            _counts(e.deliveries),
        )
        for e in events
    ]
    return table(EVENT_HEADER, rows)


DELIVERY_HEADER = (
    "CREATED (UTC)",
    "DELIVERY ID",
    "EVENT",
    "EVENT ID",
    "DESTINATION",
    "STATUS",
    "ATTEMPTS",
    "LAST CODE",
    "MATCH",
    "REASON",
)


def deliveries_table(deliveries: Sequence[dispatcher_pb2.DeliverySummary]) -> str:
    """The delivery log as a table."""
    rows = [
        (
            moment(d.created_at),
            d.delivery_id,
            d.event_name
            if d.platform_event_name in ("", d.event_name)
            else f"{d.event_name} → {d.platform_event_name}",
            d.event_id,
            d.destination_name or d.destination_id,
            status_word(d.status),
            d.attempts,
            d.last_status_code or "-",
            d.match_quality if d.status != dispatcher_pb2.DELIVERY_STATUS_SKIPPED else "-",
            d.reason,
        )
        for d in deliveries
    ]
    return table(DELIVERY_HEADER, rows)


def body_text(body: bytes, truncated: bool = False) -> str:
    """A response or request body as text, shortened for a terminal."""
    text = body.decode("utf-8", errors="replace").strip()
    if len(text) > MAX_BODY:
        text, truncated = text[:MAX_BODY], True
    return text + (" …(truncated)" if truncated else "")


def attempt_lines(attempt: dispatcher_pb2.Attempt) -> list[str]:
    """One attempt: when, answer, verdict, and the answer's body."""
    code = attempt.status_code or "no answer"
    head = (
        f"attempt {attempt.number} at {moment(attempt.started_at)}: HTTP {code} in "
        f"{attempt.latency_ms} ms → {attempt.outcome or 'unknown'}"
    )
    if attempt.error_class or attempt.error_message:
        head += f" ({' '.join(filter(None, (attempt.error_class, attempt.error_message)))})"
    lines = [head]
    if attempt.response_body:
        lines.append("  answer: " + body_text(attempt.response_body, attempt.response_truncated))
    return lines


def delivery_lines(detail: dispatcher_pb2.DeliveryDetail) -> list[str]:
    """A delivery with its request and every attempt."""
    s = detail.summary
    name = s.platform_event_name or s.event_name
    kind = common_pb2.DestinationType.Name(s.destination_type).removeprefix("DESTINATION_TYPE_")
    lines = [
        f"{s.destination_name or s.destination_id} [{kind.lower()}]"
        f" as {name}: {status_word(s.status)}"
        + (f" — {s.reason}" if s.reason else "")
        + (
            f" (match quality {s.match_quality}/10)"
            if s.status != dispatcher_pb2.DELIVERY_STATUS_SKIPPED
            else ""
        ),
        f"  delivery {s.delivery_id}, {s.attempts} attempt(s)",
    ]
    if detail.request.url:
        lines.append(f"  request: {detail.request.method} {detail.request.url}")
    for attempt in detail.attempts:
        lines.extend("  " + line for line in attempt_lines(attempt))
    if s.status == dispatcher_pb2.DELIVERY_STATUS_RETRYING and s.HasField("next_attempt_at"):
        lines.append(f"  next attempt at {moment(s.next_attempt_at)}")
    return lines


def journey(answer: dispatcher_pb2.GetEventResponse) -> str:
    """An event's whole story: what came in, what it became, where it went."""
    s, inbound = answer.summary, answer.inbound
    lines = [
        f"event {s.event_id}: {s.event_name}" + (" (test)" if s.test else ""),
        f"  received {moment(s.received_at)} via {inbound.channel or '-'}: "
        f"{inbound.method} {inbound.path}" + (f"?{inbound.query}" if inbound.query else ""),
        f"  from {inbound.remote_ip or '-'}, request id {inbound.request_id or '-'}, "
        f"config version {s.config_version}",
    ]
    if inbound.body:
        lines.append("  body: " + body_text(inbound.body))
    lines.append("canonical event:")
    event_json = json.dumps(json_format.MessageToDict(answer.event), indent=2, sort_keys=True)
    lines.extend("  " + line for line in event_json.splitlines())
    lines.append(f"deliveries ({_counts(s.deliveries)}):")
    for detail in answer.deliveries:
        lines.extend("  " + line for line in delivery_lines(detail))
    return "\n".join(lines)


def verdict(detail: dispatcher_pb2.DeliveryDetail) -> str:
    """A test send's outcome in one sentence."""
    s = detail.summary
    word = status_word(s.status)
    if s.status == dispatcher_pb2.DELIVERY_STATUS_DELIVERED:
        return f"verdict: accepted by {s.destination_name} (delivered)"
    if s.status == dispatcher_pb2.DELIVERY_STATUS_SKIPPED:
        return f"verdict: not sent — {s.reason}"
    return f"verdict: {word}" + (f" — {s.reason}" if s.reason else "")


def send_test_report(detail: dispatcher_pb2.DeliveryDetail) -> str:
    """What a test send did and what the platform answered."""
    return "\n".join([*delivery_lines(detail), verdict(detail)])
