"""When a delivery is tried again, and when it stops: full-jitter backoff inside a deadline.

The deadline is the smaller of the retry budget and the platform's acceptance window; a retry
that would land past it ends the delivery `dead` (budget) or `expired` (the platform would
refuse the event anyway), with the reason saying which limit it hit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from switchyard.v1 import common_pb2


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff steps and the budget counted from a delivery's creation (or its redelivery)."""

    base_seconds: float = 5.0
    cap_seconds: float = 7200.0
    budget_seconds: float = 86400.0


@dataclass(frozen=True)
class RetryDecision:
    """What a retryable answer leads to: `retrying` at `next_attempt_at`, or `dead`/`expired`."""

    status: str
    next_attempt_at: datetime
    reason: str


def backoff_seconds(policy: RetryPolicy, attempts: int, rng: random.Random) -> float:
    """Full jitter: random(0, min(cap, base * 2**(attempts - 1))) after `attempts` tries."""
    exponent = min(max(attempts - 1, 0), 62)  # keeps 2**n finite; the cap wins long before
    return rng.uniform(0.0, min(policy.cap_seconds, policy.base_seconds * 2.0**exponent))


def platform_name(destination_type: int) -> str:
    """A readable platform name for reasons, e.g. 'Google Ads' or 'Meta'."""
    try:
        name = str(common_pb2.DestinationType.Name(destination_type))
    except ValueError:
        return "the platform"
    return name.removeprefix("DESTINATION_TYPE_").replace("_", " ").title().replace("Ga4", "GA4")


def after_retryable(
    policy: RetryPolicy,
    *,
    attempts: int,
    now: datetime,
    budget_until: datetime,
    accept_until: datetime | None,
    retry_after_seconds: float | None,
    reason: str,
    destination_type: int,
    rng: random.Random,
) -> RetryDecision:
    """Schedule the next try after a retryable answer, or end the delivery at its deadline."""
    delay = backoff_seconds(policy, attempts, rng)
    if retry_after_seconds is not None:
        delay = max(delay, retry_after_seconds)
    next_at = now + timedelta(seconds=delay)
    if accept_until is not None and accept_until <= budget_until and next_at > accept_until:
        return RetryDecision(
            "expired",
            next_at,
            f"{platform_name(destination_type)} accepts this event only until "
            f"{accept_until.isoformat()}; no retry fits before then (last answer: {reason})",
        )
    if next_at > budget_until:
        return RetryDecision(
            "dead",
            next_at,
            f"retry budget ended at {budget_until.isoformat()} after {attempts} attempts "
            f"(last answer: {reason})",
        )
    return RetryDecision("retrying", next_at, reason)


def expired_reason(destination_type: int, accept_until: datetime) -> str:
    """Why a delivery found past its acceptance window is not sent at all."""
    return (
        f"{platform_name(destination_type)} no longer accepts this event "
        f"(acceptance window ended {accept_until.isoformat()}); not sent"
    )
