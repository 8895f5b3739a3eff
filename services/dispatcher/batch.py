"""Merging deliveries bound for one platform request into a batch, and splitting its answer.

Deliveries whose requests share a non-empty batch key differ only in one top-level JSON array
(`BatchSpec.field`); the batch is the first body with that array replaced by the
concatenation of every member's array, and the classifier's per-item verdicts map back to the
members in the same order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class BatchError(ValueError):
    """A body cannot take part in a batch (not a JSON object, or the field is not an array)."""


@dataclass(frozen=True)
class MergedBody:
    """The merged JSON body and how many items each member contributed, in order."""

    body: bytes
    item_counts: tuple[int, ...]


def _items(body: bytes, field: str) -> tuple[dict[str, Any], list[Any]]:
    try:
        document = json.loads(body)
    except ValueError as err:
        raise BatchError(f"body is not JSON ({err})") from None
    if not isinstance(document, dict) or not isinstance(document.get(field), list):
        raise BatchError(f"body has no array field {field!r}")
    return document, document[field]


def item_count(body: bytes, field: str) -> int:
    """How many items one member's body carries in the batch field."""
    return len(_items(body, field)[1])


def merge_bodies(bodies: Sequence[bytes], field: str) -> MergedBody:
    """The first body with `field` = every body's `field` items, concatenated in order."""
    if not bodies:
        raise BatchError("nothing to merge")
    first, _ = _items(bodies[0], field)
    merged: list[Any] = []
    counts = []
    for body in bodies:
        items = _items(body, field)[1]
        merged.extend(items)
        counts.append(len(items))
    first[field] = merged
    text = json.dumps(first, separators=(",", ":"), ensure_ascii=False)
    return MergedBody(text.encode(), tuple(counts))


@dataclass(frozen=True)
class MemberOutcome:
    """One member's share of a batch verdict."""

    outcome: str
    reason: str


def split_outcomes(
    outcome: str, reason: str, items: Sequence[tuple[str, str]], item_counts: Sequence[int]
) -> list[MemberOutcome]:
    """Each member's outcome: its first non-success item, or the shared outcome when no items."""
    if not items:
        return [MemberOutcome(outcome, reason) for _ in item_counts]
    result = []
    offset = 0
    for count in item_counts:
        own = items[offset : offset + count]
        offset += count
        failed = next(((o, r) for o, r in own if o != "success"), None)
        if len(own) < count:  # the answer listed fewer items than were sent
            failed = failed or ("retryable", "the platform's answer did not cover this event")
        result.append(MemberOutcome(*failed) if failed else MemberOutcome("success", reason))
    return result


def chunks(item_counts: Sequence[int], max_items: int) -> list[range]:
    """Consecutive member ranges whose item totals stay within `max_items` (at least one each)."""
    ranges = []
    start, total = 0, 0
    for index, count in enumerate(item_counts):
        if index > start and total + count > max_items:
            ranges.append(range(start, index))
            start, total = index, 0
        total += count
    if start < len(item_counts):
        ranges.append(range(start, len(item_counts)))
    return ranges
