"""A claimed delivery and what an answer means for it: pure decisions, no I/O.

The worker sends; this module turns each member's outcome into the delivery's next state and
the attempt row that explains it.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.dispatcher.repository import AttemptRow, ResultRow
from services.dispatcher.retry import RetryPolicy, after_retryable, expired_reason
from services.dispatcher.sender import Answer
from switchyard.v1 import common_pb2

FINAL_STATUSES = frozenset({"delivered", "failed", "dead", "expired"})


@dataclass(frozen=True)
class Claimed:
    """A delivery leased to this process for one attempt (`attempt_count` is that attempt)."""

    id: str
    created_at: datetime
    organization_id: str
    event_id: str
    destination_id: str
    destination_name: str
    destination_type: int
    attempt_count: int
    budget_until: datetime
    accept_until: datetime | None
    response_kind: str
    request: common_pb2.HttpRequest
    batch_key: str
    test: bool
    traceparent: str = ""

    @classmethod
    def from_row(cls, row: Any) -> Claimed:
        """From a claim statement's row."""
        request = common_pb2.HttpRequest()
        request.ParseFromString(row["request"])
        return cls(
            row["id"],
            row["created_at"],
            row["organization_id"],
            row["event_id"],
            row["destination_id"],
            row["destination_name"],
            row["destination_type"],
            row["attempt_count"],
            row["budget_until"],
            row["accept_until"],
            row["response_kind"],
            request,
            row["batch_key"],
            row["test"],
            row.get("traceparent") or "",
        )

    @property
    def waiting_status(self) -> str:
        """The status to go back to when this attempt is given back uncounted."""
        return "retrying" if self.attempt_count > 1 else "pending"


@dataclass(frozen=True)
class Outcome:
    """A delivery's new state, and the attempt row when a request was made."""

    result: ResultRow
    attempt: AttemptRow | None
    verdict: str


def give_back(claimed: Claimed, now: datetime, reason: str, next_attempt_at: datetime) -> Outcome:
    """Release without counting the attempt (open circuit, shutdown): nothing was sent."""
    result = ResultRow(
        claimed.id,
        claimed.created_at,
        claimed.attempt_count,
        claimed.waiting_status,
        reason,
        0,
        next_attempt_at,
        True,
    )
    return Outcome(result, None, "released")


def expire_unsent(claimed: Claimed, now: datetime) -> Outcome:
    """Past the acceptance window when claimed: ends `expired` without a request."""
    assert claimed.accept_until is not None
    result = ResultRow(
        claimed.id,
        claimed.created_at,
        claimed.attempt_count,
        "expired",
        expired_reason(claimed.destination_type, claimed.accept_until),
        0,
        now,
        True,
    )
    return Outcome(result, None, "expired")


def attempt_row(
    claimed: Claimed,
    started_at: datetime,
    answer: Answer,
    verdict: str,
    message: str,
    batch_size: int,
) -> AttemptRow:
    """The attempt as recorded: answer headers and (already truncated) body, never the request."""
    return AttemptRow(
        claimed.id,
        claimed.organization_id,
        claimed.attempt_count,
        started_at,
        answer.latency_ms,
        answer.status,
        json.dumps([list(h) for h in answer.headers]),
        answer.body,
        answer.truncated,
        verdict,
        answer.error_class,
        message,
        batch_size,
    )


def decide(
    claimed: Claimed,
    *,
    verdict: str,
    reason: str,
    retry_after_seconds: float | None,
    answer: Answer,
    started_at: datetime,
    now: datetime,
    batch_size: int,
    policy: RetryPolicy,
    rng: random.Random,
) -> Outcome:
    """The delivery's next state after an answer classified as `verdict`."""
    uncount = False
    next_at = now
    if verdict == "success":
        status = "delivered"
        reason = ""
    elif verdict == "permanent":
        status = "failed"
    elif verdict == "auth":
        # The destination waits for new credentials; this attempt does not burn the budget.
        status, uncount = claimed.waiting_status, True
        reason = f"waiting for new credentials: {reason}"
    else:
        decision = after_retryable(
            policy,
            attempts=claimed.attempt_count,
            now=now,
            budget_until=claimed.budget_until,
            accept_until=claimed.accept_until,
            retry_after_seconds=retry_after_seconds,
            reason=reason,
            destination_type=claimed.destination_type,
            rng=rng,
        )
        status, reason, next_at = decision.status, decision.reason, decision.next_attempt_at
    result = ResultRow(
        claimed.id,
        claimed.created_at,
        claimed.attempt_count,
        status,
        reason,
        answer.status,
        next_at,
        uncount,
    )
    message = answer.error_message or ("" if verdict == "success" else reason)
    attempt = attempt_row(claimed, started_at, answer, verdict, message, batch_size)
    return Outcome(result, attempt, verdict)
