"""The Mapper gRPC edge: check the batch, pick the snapshot, map, count. Nothing else."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter

from services.common.errors import InvalidArgument, Problem
from services.common.logging import get_logger
from services.mapper.routing import map_events
from services.mapper.snapshots import SnapshotStore
from switchyard.v1 import common_pb2, mapper_pb2, mapper_pb2_grpc

MAX_EVENTS = 5000
DELIVERIES = Counter(
    "switchyard_mapper_deliveries_total",
    "Deliveries mapped, by platform and decision (send or skip).",
    ["platform", "decision"],
)
log = get_logger(__name__)


def problems_of(request: mapper_pb2.MapRequest) -> list[Problem]:
    """Every broken rule of a Map request, so the caller can fix them all at once."""
    found = []
    if not request.organization_id:
        found.append(Problem("organization_id", "is required"))
    if len(request.events) > MAX_EVENTS:
        found.append(Problem("events", f"at most {MAX_EVENTS} events per call"))
    if request.destination_id and request.postback_id:
        found.append(Problem("postback_id", "give a destination_id or a postback_id, not both"))
    for i, event in enumerate(request.events):
        if not event.event_id:
            found.append(Problem(f"events[{i}].event_id", "is required"))
        if not event.event_name:
            found.append(Problem(f"events[{i}].event_name", "is required"))
        if not event.HasField("event_time"):
            found.append(Problem(f"events[{i}].event_time", "is required"))
        if event.organization_id and event.organization_id != request.organization_id:
            found.append(
                Problem(f"events[{i}].organization_id", "must be the request's organization")
            )
    return found


def utc_now() -> datetime:
    """The current time."""
    return datetime.now(UTC)


class MapperApi(mapper_pb2_grpc.MapperServicer):  # type: ignore[misc]
    """Map: one organization's batch of events to their deliveries."""

    def __init__(self, store: SnapshotStore, clock: Callable[[], datetime] = utc_now) -> None:
        self._store = store
        self._clock = clock

    async def Map(self, request: mapper_pb2.MapRequest, context: Any) -> mapper_pb2.MapResponse:
        found = problems_of(request)
        if found:
            raise InvalidArgument(found)
        index = await self._store.get(request.organization_id, request.min_config_version)
        results = map_events(
            index, request.events, self._clock(), request.destination_id, request.postback_id
        )
        tally: Tally[tuple[str, int]] = Tally(
            (d.response_kind, d.decision) for r in results for d in r.deliveries
        )
        for (platform, decision), count in tally.items():
            DELIVERIES.labels(platform, common_pb2.DeliveryDecision.Name(decision)).inc(count)
        log.debug(
            "events_mapped",
            organization_id=request.organization_id,
            config_version=index.version,
            events=len(request.events),
            deliveries=sum(tally.values()),
        )
        return mapper_pb2.MapResponse(config_version=index.version, results=results)
