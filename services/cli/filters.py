"""The history filters of `logs` and `replay`, read from command-line words into a HistoryFilter.

Every bad word is reported at once, naming the option, so one run tells the operator all that
is wrong with the command line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from switchyard.v1 import dispatcher_pb2

RELATIVE = re.compile(r"^(\d+)\s*([smhdw])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
STATUS_WORDS: dict[str, int] = {
    "pending": dispatcher_pb2.DELIVERY_STATUS_PENDING,
    "in_flight": dispatcher_pb2.DELIVERY_STATUS_IN_FLIGHT,
    "delivered": dispatcher_pb2.DELIVERY_STATUS_DELIVERED,
    "retrying": dispatcher_pb2.DELIVERY_STATUS_RETRYING,
    "failed": dispatcher_pb2.DELIVERY_STATUS_FAILED,
    "dead": dispatcher_pb2.DELIVERY_STATUS_DEAD,
    "expired": dispatcher_pb2.DELIVERY_STATUS_EXPIRED,
    "skipped": dispatcher_pb2.DELIVERY_STATUS_SKIPPED,
}
STATUS_NAMES = {value: word for word, value in STATUS_WORDS.items()}


class FilterError(Exception):
    """The command line's filters have problems; the message lists each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_moment(text: str, now: datetime) -> datetime:
    """`90s`, `30m`, `1h`, `2d`, `1w` ago, or an ISO 8601 date or time (UTC when no zone)."""
    match = RELATIVE.match(text.strip().lower())
    if match:
        return now - timedelta(seconds=int(match.group(1)) * UNIT_SECONDS[match.group(2)])
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            "must be like 30m, 1h, 2d or an ISO time such as 2024-05-01T12:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_statuses(text: str) -> list[int]:
    """`dead,failed` as delivery statuses; unknown words raise ValueError naming the allowed."""
    words = [word.strip().lower().replace("-", "_") for word in text.split(",") if word.strip()]
    unknown = [word for word in words if word not in STATUS_WORDS]
    if unknown or not words:
        allowed = ", ".join(STATUS_WORDS)
        raise ValueError(f"unknown status {', '.join(unknown) or '(none)'}; use {allowed}")
    return [STATUS_WORDS[word] for word in words]


def _timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment.astimezone(UTC))
    return stamp


@dataclass(frozen=True)
class FilterWords:
    """The filter options as typed (argparse fills them; tests build them directly)."""

    since: str | None = None
    until: str | None = None
    status: str | None = None
    event: str | None = None
    campaign: str | None = None
    destination: str | None = None
    lead: str | None = None
    transaction: str | None = None
    event_id: str | None = None
    include_test: bool = False

    @classmethod
    def of(cls, args: Any) -> FilterWords:
        """The filter words of parsed arguments."""
        texts = {name: getattr(args, name, None) for name in cls.__dataclass_fields__}
        texts.pop("include_test")
        return cls(**texts, include_test=bool(getattr(args, "include_test", False)))


def history_filter(words: FilterWords, now: datetime | None = None) -> dispatcher_pb2.HistoryFilter:
    """The HistoryFilter the words ask for; FilterError lists every bad one."""
    now = now or datetime.now(UTC)
    problems: list[str] = []
    found = dispatcher_pb2.HistoryFilter(include_test=bool(words.include_test))
    for option, text in (("since", words.since), ("until", words.until)):
        if text:
            try:
                getattr(found, option).CopyFrom(_timestamp(parse_moment(text, now)))
            except ValueError as err:
                problems.append(f"--{option} {text!r} {err}")
    if (
        found.HasField("since")
        and found.HasField("until")
        and found.since.ToDatetime() >= found.until.ToDatetime()
    ):
        problems.append("--until must be after --since")
    if words.status:
        try:
            found.statuses.extend(parse_statuses(words.status))
        except ValueError as err:
            problems.append(f"--status: {err}")
    if words.event:
        found.event_names.extend(name.strip() for name in words.event.split(",") if name.strip())
    found.campaign_id = words.campaign or ""
    found.destination_id = words.destination or ""
    found.lead_id = words.lead or ""
    found.transaction_id = words.transaction or ""
    found.event_id = words.event_id or ""
    if problems:
        raise FilterError(problems)
    return found


def narrows(history: dispatcher_pb2.HistoryFilter) -> bool:
    """True when the filter selects something narrower than everything."""
    bare = dispatcher_pb2.HistoryFilter(include_test=history.include_test)
    return history != bare
