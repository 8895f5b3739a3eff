"""One batch from claim to commit: dedup, attribution, Map per organization, one Enqueue.

Requests are acknowledged only after Enqueue returned (law 1). Any failure before that takes
back everything the batch claimed or wrote — Redis claims, new leads, once-per-lead claims — and
fails exactly the batch's requests with 503, so each sender's retry starts clean (law 3).
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from opentelemetry.trace import Link

from services.common.correlation import new_request_id, reset_request_id, set_request_id
from services.common.errors import (
    DomainError,
    InvalidArgument,
    Problem,
    Unavailable,
    domain_error_from_rpc,
)
from services.common.logging import get_logger
from services.common.tracing import (
    context_from_traceparent,
    current_traceparent,
    span_context_of,
    tracer,
)
from services.ingest import metrics
from services.ingest.attribution import Attributed, Attribution
from services.ingest.batcher import Submission
from services.ingest.dedup import Claim, Dedup
from services.ingest.validation import Prepared
from switchyard.v1 import (
    dispatcher_pb2,
    dispatcher_pb2_grpc,
    ingest_pb2,
    mapper_pb2,
    mapper_pb2_grpc,
)

MAP_TIMEOUT_SECONDS = 10.0
ENQUEUE_TIMEOUT_SECONDS = 15.0
RETRY_AFTER_SECONDS = 1.0

log = get_logger(__name__)

EventSubmission = Submission[Prepared, ingest_pb2.EventResult]


@dataclass(frozen=True)
class RequestContext:
    """What a request's events share: the stored form of the request, and its field prefixes."""

    inbound: dispatcher_pb2.InboundRequest
    batch: bool = False
    # The trace of the request (HTTP or gRPC span) its events' delivery attempts will join.
    traceparent: str = field(default_factory=current_traceparent)

    def field_prefix(self, index: int) -> str:
        """`events[3].` for batches, nothing for single-event requests."""
        return f"events[{index}]." if self.batch else ""


@dataclass
class _Entry:
    """One event of the batch and where it came from."""

    submission: EventSubmission
    prepared: Prepared
    claim: Claim = Claim.UNCHECKED
    # Which check found it a duplicate (event_id, lead, backstop); empty when it is not one.
    duplicate_check: str = ""

    @property
    def duplicate(self) -> bool:
        return bool(self.duplicate_check)
    deliveries: list[object] = field(default_factory=list)


class HandOff:
    """Processes gathered submissions; the batcher's `process`."""

    def __init__(
        self,
        dedup: Dedup,
        attribution: Attribution,
        mapper: mapper_pb2_grpc.MapperStub,
        dispatcher: dispatcher_pb2_grpc.DispatcherStub,
    ) -> None:
        self._dedup = dedup
        self._attribution = attribution
        self._mapper = mapper
        self._dispatcher = dispatcher

    async def __call__(self, batch: list[EventSubmission]) -> None:
        request_id = batch[0].request_id if len(batch) == 1 else new_request_id()
        token = set_request_id(request_id)
        started = time.perf_counter()
        try:
            with batch_span(batch):
                await self._process(batch, request_id)
        finally:
            reset_request_id(token)
            log.debug(
                "batch_done",
                batch_id=request_id,
                requests=[s.request_id for s in batch],
                events=sum(s.size for s in batch),
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )

    async def _process(self, batch: list[EventSubmission], batch_id: str) -> None:
        entries = [_Entry(s, p) for s in batch for p in s.items]
        claims = await self._dedup.claim(
            [(e.prepared.event.organization_id, e.prepared.event.event_id) for e in entries],
            batch_id,
        )
        for entry, claim in zip(entries, claims, strict=True):
            entry.claim = claim
            entry.duplicate_check = "event_id" if claim is Claim.DONE else ""
        in_flight = {id(e.submission) for e in entries if e.claim is Claim.IN_FLIGHT}
        entries = await self._fail(
            entries,
            in_flight,
            Unavailable("the same event id is being processed by another request", 1),
            batch_id,
        )
        attributed = Attributed()
        try:
            live = [e for e in entries if not e.duplicate]
            found_leads = await self._attribution.resolve_leads([e.prepared for e in live])
            unknown: dict[int, list[Problem]] = defaultdict(list)
            for position, found in found_leads.items():
                if isinstance(found, Problem):
                    entry = live[position]
                    index = list(entry.submission.items).index(entry.prepared)
                    field_name = entry.submission.context.field_prefix(index) + found.field
                    unknown[id(entry.submission)].append(Problem(field_name, found.rule))
            for entry in entries:
                submission = entry.submission
                if id(submission) in unknown and not submission.future.done():
                    submission.future.set_exception(InvalidArgument(unknown[id(submission)]))
            by_event = {id(live[n].prepared): lead for n, lead in found_leads.items()}
            entries = await self._drop_failed(entries, batch_id)
            live = [e for e in entries if not e.duplicate]
            leads = {
                n: by_event[id(e.prepared)]
                for n, e in enumerate(live)
                if id(e.prepared) in by_event
            }
            attributed = await self._attribution.attach([e.prepared for e in live], leads)
            for position in attributed.duplicate_for_lead:
                live[position].duplicate_check = "lead"
            await self._deliver(entries)
        except BaseException as err:
            await self._release(entries, attributed, batch_id)
            failure = err if isinstance(err, DomainError) else None
            for entry in entries:
                if not entry.submission.future.done():
                    entry.submission.future.set_exception(
                        failure or Unavailable("could not hand the events over", 1)
                    )
            if not isinstance(err, Exception):
                raise
            if not isinstance(err, DomainError):
                log.error("handoff_failed", batch_id=batch_id, exc_info=err)
            return
        await self._dedup.finish(
            [
                (
                    e.prepared.event.organization_id,
                    e.prepared.event.event_id,
                    e.prepared.dedup_window_seconds,
                )
                for e in entries
            ]
        )
        self._answer(entries)

    async def _fail(
        self, entries: list[_Entry], doomed: set[int], err: DomainError, batch_id: str
    ) -> list[_Entry]:
        for entry in entries:
            if id(entry.submission) in doomed and not entry.submission.future.done():
                entry.submission.future.set_exception(err)
        return await self._drop_failed(entries, batch_id)

    async def _drop_failed(self, entries: list[_Entry], batch_id: str) -> list[_Entry]:
        """Remove the entries of requests already answered with an error; release their claims."""
        gone = [e for e in entries if e.submission.future.done()]
        await self._dedup.release(
            [
                (e.prepared.event.organization_id, e.prepared.event.event_id)
                for e in gone
                if e.claim is Claim.CLAIMED
            ],
            batch_id,
        )
        return [e for e in entries if not e.submission.future.done()]

    async def _release(self, entries: list[_Entry], attributed: Attributed, batch_id: str) -> None:
        try:
            await self._attribution.release(attributed)
        except DomainError:
            log.warning("attribution_release_failed", batch_id=batch_id)
        await self._dedup.release(
            [
                (e.prepared.event.organization_id, e.prepared.event.event_id)
                for e in entries
                if e.claim is Claim.CLAIMED
            ],
            batch_id,
        )

    async def _deliver(self, entries: list[_Entry]) -> None:
        """Map per organization (concurrently), then one Enqueue for the whole batch."""
        live = [e for e in entries if not e.duplicate]
        if not live:
            return
        by_org: dict[str, list[_Entry]] = defaultdict(list)
        for entry in live:
            by_org[entry.prepared.event.organization_id].append(entry)
        mapped = await asyncio.gather(*(self._map(org, group) for org, group in by_org.items()))
        envelopes = []
        for group, answer in zip(by_org.values(), mapped, strict=True):
            for entry, deliveries in zip(group, answer.results, strict=True):
                entry.deliveries = list(deliveries.deliveries)
                envelopes.append(
                    dispatcher_pb2.EventEnvelope(
                        event=entry.prepared.event,
                        config_version=answer.config_version,
                        inbound=entry.submission.context.inbound,
                        deliveries=deliveries.deliveries,
                        traceparent=entry.submission.context.traceparent,
                    )
                )
        try:
            answer = await self._dispatcher.Enqueue(
                dispatcher_pb2.EnqueueRequest(events=envelopes), timeout=ENQUEUE_TIMEOUT_SECONDS
            )
        except grpc.aio.AioRpcError as err:
            raise _downstream("dispatcher", err) from err
        outcomes = {r.event_id: r.outcome for r in answer.results}
        for entry in live:
            outcome = outcomes.get(entry.prepared.event.event_id)
            if outcome == dispatcher_pb2.ENQUEUE_OUTCOME_DUPLICATE:
                entry.duplicate_check = "backstop"
            elif outcome != dispatcher_pb2.ENQUEUE_OUTCOME_ACCEPTED:
                raise Unavailable("the dispatcher did not confirm every event", 1)

    async def _map(self, organization_id: str, group: Sequence[_Entry]) -> mapper_pb2.MapResponse:
        request = mapper_pb2.MapRequest(
            organization_id=organization_id,
            min_config_version=max(e.prepared.config_version for e in group),
            events=[e.prepared.event for e in group],
        )
        try:
            answer: mapper_pb2.MapResponse = await self._mapper.Map(
                request, timeout=MAP_TIMEOUT_SECONDS
            )
        except grpc.aio.AioRpcError as err:
            raise _downstream("mapper", err) from err
        if len(answer.results) != len(group):
            raise Unavailable("the mapper answered for a different number of events", 1)
        return answer

    def _answer(self, entries: list[_Entry]) -> None:
        results: dict[int, list[ingest_pb2.EventResult]] = defaultdict(list)
        submissions = {}
        for entry in entries:
            event = entry.prepared.event
            results[id(entry.submission)].append(
                ingest_pb2.EventResult(
                    event_id=event.event_id,
                    outcome=ingest_pb2.EVENT_OUTCOME_DUPLICATE
                    if entry.duplicate
                    else ingest_pb2.EVENT_OUTCOME_ACCEPTED,
                    lead_id=event.lead_id,
                    deliveries=0 if entry.duplicate else len(entry.deliveries),
                )
            )
            submissions[id(entry.submission)] = entry.submission
            if entry.duplicate:
                metrics.count_duplicate(entry.duplicate_check)
        for key, submission in submissions.items():
            if not submission.future.done():
                submission.future.set_result(results[key])


def batch_span(batch: Sequence[EventSubmission]) -> Any:
    """A span for one batch: child of its first request's trace, linked to the others, so the
    Map and Enqueue calls show up in every request's trace view."""
    traces = [s.context.traceparent for s in batch if s.context is not None]
    links = [Link(span_context_of(t)) for t in traces[1:] if t]
    parent = context_from_traceparent(traces[0] if traces else "")
    return tracer().start_as_current_span(
        "ingest batch", context=parent, links=links, attributes={"switchyard.requests": len(batch)}
    )


def _downstream(service: str, err: grpc.aio.AioRpcError) -> DomainError:
    """A failed call to the mapper or dispatcher as the error the sender sees: 503, retry."""
    mapped = domain_error_from_rpc(err.code(), err.details() or "", err.trailing_metadata())
    retry = RETRY_AFTER_SECONDS
    if isinstance(mapped, Unavailable) and mapped.retry_after_seconds:
        retry = mapped.retry_after_seconds
    log.warning("downstream_failed", service=service, code=err.code().name)
    return Unavailable(f"the {service} is unavailable; retry later", retry)
