"""What happened to every delivery of the demo, per destination, and whether it is what the
scenario expects (the demo is its own check: it exits non-zero when the outcome differs)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from services.demo.platform_server import PlatformServer
from services.demo.scenario import Expected
from switchyard.v1 import dispatcher_pb2

S = dispatcher_pb2
TERMINAL = frozenset(
    {
        S.DELIVERY_STATUS_DELIVERED,
        S.DELIVERY_STATUS_FAILED,
        S.DELIVERY_STATUS_DEAD,
        S.DELIVERY_STATUS_EXPIRED,
        S.DELIVERY_STATUS_SKIPPED,
    }
)


@dataclass
class DestinationOutcome:
    """One destination's deliveries, counted by what became of them."""

    name: str
    path: str = ""
    delivered: int = 0
    retried: int = 0
    retried_with: Counter[int] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)
    other: Counter[str] = field(default_factory=Counter)
    match_quality: list[int] = field(default_factory=list)
    event_ids: set[str] = field(default_factory=set)

    @property
    def average_match(self) -> float | None:
        """Mean match quality of the deliveries that were sent."""
        return sum(self.match_quality) / len(self.match_quality) if self.match_quality else None


def settled(deliveries: Iterable[dispatcher_pb2.DeliverySummary]) -> bool:
    """True when no delivery is still waiting, in flight or retrying."""
    return all(d.status in TERMINAL for d in deliveries)


def outcomes(
    deliveries: Iterable[dispatcher_pb2.DeliverySummary],
    details: Mapping[str, dispatcher_pb2.DeliveryDetail],
) -> dict[str, DestinationOutcome]:
    """Deliveries grouped by destination; details give retried and failed ones' answers."""
    found: dict[str, DestinationOutcome] = {}
    for d in deliveries:
        name = d.destination_name or d.destination_id
        outcome = found.setdefault(name, DestinationOutcome(name))
        if d.status != S.DELIVERY_STATUS_SKIPPED:
            outcome.match_quality.append(d.match_quality)
        detail = details.get(d.delivery_id)
        if d.status == S.DELIVERY_STATUS_DELIVERED:
            outcome.delivered += 1
            outcome.event_ids.add(d.event_id)
            if d.attempts > 1:
                outcome.retried += 1
                first = detail.attempts[0].status_code if detail and detail.attempts else 0
                outcome.retried_with[first] += 1
        elif d.status == S.DELIVERY_STATUS_SKIPPED:
            outcome.skipped[d.reason] += 1
        elif d.status == S.DELIVERY_STATUS_FAILED:
            outcome.failed.append(_answer(d, detail))
        else:
            outcome.other[S.DeliveryStatus.Name(d.status)] += 1
    return found


def _answer(
    summary: dispatcher_pb2.DeliverySummary, detail: dispatcher_pb2.DeliveryDetail | None
) -> str:
    body = b""
    if detail and detail.attempts:
        body = detail.attempts[-1].response_body
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return f"HTTP {summary.last_status_code} {text or summary.reason}".strip()


def needs_detail(d: dispatcher_pb2.DeliverySummary) -> bool:
    """Retried-then-delivered and failed deliveries are explained from their attempts."""
    retried = d.status == S.DELIVERY_STATUS_DELIVERED and d.attempts > 1
    return retried or d.status == S.DELIVERY_STATUS_FAILED


def check(
    found: Mapping[str, DestinationOutcome],
    expected: Mapping[str, Expected],
    platforms: PlatformServer,
    paths: Mapping[str, str],
) -> list[str]:
    """Every way the outcome differs from the scenario's expectation, one line each."""
    problems = []
    for name, want in expected.items():
        got = found.get(name, DestinationOutcome(name))
        counts = (got.delivered, len(got.failed), sum(got.skipped.values()))
        if counts != (want.delivered, want.failed, want.skipped):
            problems.append(
                f"{name}: delivered/failed/skipped {counts}, expected "
                f"{(want.delivered, want.failed, want.skipped)}"
            )
        if want.retried_with is not None and not got.retried_with.get(want.retried_with):
            problems.append(f"{name}: no delivery was retried after a {want.retried_with}")
        if got.other:
            problems.append(f"{name}: unfinished deliveries {dict(got.other)}")
        accepted = platforms.accepted_ids(paths[name]) if name in paths else None
        if accepted is not None and set(accepted) != got.event_ids:
            problems.append(
                f"{name}: the platform accepted {len(accepted)} events, "
                f"Switchyard delivered {len(got.event_ids)}"
            )
    for item in platforms.received:
        if item.problems:
            problems.append(f"{item.platform} saw a malformed request: {'; '.join(item.problems)}")
    return problems


def lines(found: Mapping[str, DestinationOutcome], order: Iterable[str]) -> list[str]:
    """The per-destination report."""
    out = []
    for name in order:
        got = found.get(name, DestinationOutcome(name))
        parts = [f"{got.delivered} delivered"]
        if got.retried:
            why = ", ".join(
                f"{n} after HTTP {code}" for code, n in sorted(got.retried_with.items())
            )
            parts[0] += f" ({got.retried} retried then delivered: {why})"
        if got.failed:
            parts.append(f"{len(got.failed)} failed")
        if got.skipped:
            parts.append(f"{sum(got.skipped.values())} skipped")
        match = got.average_match
        quality = f"match quality {match:.1f}/10" if match is not None else "match quality -"
        out.append(f"  {name:<22} {', '.join(parts)}; {quality}")
        for reason, n in got.skipped.items():
            out.append(f"      skipped {n}: {reason}")
        if got.failed:  # answers differ only by trace ids: one stands for all
            out.append(f"      failed {len(got.failed)}, platform answered: {got.failed[0]}")
    return out
