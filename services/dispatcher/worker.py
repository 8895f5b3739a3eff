"""The delivery worker: claims, sends and records. It owns concurrency and shutdown only.

Deliveries this process just committed arrive through `offer` and are claimed at once (still
through the lease, so no other replica sends them too); everything else — retries, other
replicas' work, leases of a dispatcher that died — is found by the poller, woken by
notifications and a short interval. Results are written in batches by one recorder loop.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from opentelemetry.trace import Link, SpanKind

from services.common.errors import DomainError, Unavailable
from services.common.lifecycle import shielded
from services.common.logging import get_logger
from services.common.tracing import context_from_traceparent, span_context_of, tracer
from services.dispatcher import metrics
from services.dispatcher.batch import BatchError, chunks, item_count, merge_bodies, split_outcomes
from services.dispatcher.credentials import (
    Credentials,
    CredentialStore,
    DestinationGone,
    MissingCredential,
    OutboundRequest,
    inject,
)
from services.dispatcher.delivery import Claimed, Outcome, decide, expire_unsent, give_back
from services.dispatcher.gate import Gates
from services.dispatcher.oauth import TokenExchange, TokenRefused, TokenUnavailable, exchanges
from services.dispatcher.repository import Lease, Repository
from services.dispatcher.retry import RetryPolicy
from services.dispatcher.sender import Answer, Sender
from services.mapper.classifier import Verdict, classify, classify_transport_error

log = get_logger(__name__)
Key = tuple[str, datetime]
# Failures found before any request was made, judged here rather than by the classifier.
LOCAL_VERDICTS = {
    "credentials_unavailable": "retryable",
    "destination_gone": "permanent",
    "missing_credential": "auth",
    "token_refused": "auth",
    "token_unavailable": "retryable",
}


@dataclass(frozen=True)
class WorkerOptions:
    """Knobs of one worker (from DispatcherSettings)."""

    instance_id: str
    lease_seconds: float = 60.0
    poll_seconds: float = 1.0
    claim_batch: int = 100
    max_in_flight: int = 512
    batch_window_seconds: float = 0.02
    policy: RetryPolicy = field(default_factory=RetryPolicy)


def _now() -> datetime:
    return datetime.now(UTC)


class Worker:
    """Claims due deliveries, sends them through their destination's gate, records outcomes."""

    def __init__(
        self,
        repository: Repository,
        sender: Sender,
        credentials: CredentialStore | None,
        gates: Gates,
        options: WorkerOptions,
        rng: random.Random | None = None,
    ) -> None:
        self._repo = repository
        self._sender = sender
        self._credentials = credentials
        self._gates = gates
        self._options = options
        self._rng = rng or random.Random()
        self.tokens = TokenExchange(sender)
        self._offered: deque[Key] = deque()
        self._wake = asyncio.Event()
        self._poll_due = True
        self._held: dict[str, Claimed] = {}
        self._sends: set[asyncio.Task[None]] = set()
        self._batches: dict[str, list[Claimed]] = {}
        self._outcomes: list[Outcome] = []
        self._outcomes_ready = asyncio.Event()
        self._record_lock = asyncio.Lock()
        self._stopping = False
        self.on_credentials_refused: Callable[[str], None] = lambda _destination: None

    # -- feeding ---------------------------------------------------------------------------

    def offer(self, keys: Sequence[Key]) -> None:
        """Deliveries this process just committed: claim them without waiting for a poll."""
        self._offered.extend(keys)
        self._wake.set()

    def lease(self, deliveries: int) -> Lease | None:
        """A lease to store this many new deliveries already claimed by this process, or None
        when they would not fit in its in-flight room (then they are stored pending)."""
        if self._stopping or deliveries > self._options.max_in_flight - len(self._held):
            return None
        return Lease(self._options.instance_id, self._options.lease_seconds, self._gates.paused())

    def take(self, rows: Sequence[Any]) -> None:
        """Deliveries committed already leased to this process (see `lease`): send them."""
        self._dispatch(rows)

    def wake(self) -> None:
        """Something may be due (a notification, new credentials, a redelivery): poll now."""
        self._poll_due = True
        self._wake.set()

    @property
    def held(self) -> int:
        """Deliveries leased to this process and not yet recorded."""
        return len(self._held)

    # -- claiming --------------------------------------------------------------------------

    async def run_claimer(self) -> None:
        """Claim whenever offered, woken or the poll interval passes; stops when stopping."""
        while not self._stopping:
            try:
                async with asyncio.timeout(self._options.poll_seconds):
                    await self._wake.wait()
            except TimeoutError:
                self._poll_due = True
            self._wake.clear()
            await self._claim_round()

    def _room(self) -> int:
        return min(self._options.claim_batch, self._options.max_in_flight - len(self._held))

    async def _claim_round(self) -> None:
        while self._offered and self._room() > 0 and not self._stopping:
            keys = [self._offered.popleft() for _ in range(min(self._room(), len(self._offered)))]
            rows = await self._repo.claim_ids(
                self._options.instance_id, keys, self._gates.paused(), self._options.lease_seconds
            )
            self._dispatch(rows)
        while self._poll_due and self._room() > 0 and not self._stopping:
            limit = self._room()
            rows = await self._repo.claim_due(
                self._options.instance_id, limit, self._gates.paused(), self._options.lease_seconds
            )
            self._poll_due = len(rows) == limit  # a full page means more may be waiting
            self._dispatch(rows)

    def _dispatch(self, rows: Sequence[Any]) -> None:
        for row in rows:
            claimed = Claimed.from_row(row)
            self._held[claimed.id] = claimed
            if self._stopping:
                self._submit([give_back(claimed, _now(), "released at shutdown", _now())])
            elif claimed.batch_key and claimed.request.batch.max_items > 1:
                self._add_to_batch(claimed)
            else:
                self._start_send([claimed])

    def _add_to_batch(self, claimed: Claimed) -> None:
        key = f"{claimed.destination_id}\x00{claimed.batch_key}"
        members = self._batches.setdefault(key, [])
        members.append(claimed)
        if len(members) == 1:
            self._track(self._flush_batch_later(key))
        elif len(members) >= claimed.request.batch.max_items:
            self._start_send(self._batches.pop(key))

    async def _flush_batch_later(self, key: str) -> None:
        await asyncio.sleep(self._options.batch_window_seconds)  # the batching time bound
        members = self._batches.pop(key, None)
        if members:
            await self._send_group(members)

    def _start_send(self, group: list[Claimed]) -> None:
        self._track(self._send_group(group))

    def _track(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.create_task(work)
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)

    # -- sending ---------------------------------------------------------------------------

    async def deliver_now(self, rows: Sequence[Any]) -> None:
        """Send claimed rows and record the outcome before returning (test sends)."""
        group = [Claimed.from_row(row) for row in rows]
        for claimed in group:
            self._held[claimed.id] = claimed
        await self._send_group(group, respect_breaker=False)
        await self.flush()

    async def _send_group(self, group: list[Claimed], respect_breaker: bool = True) -> None:
        try:
            await self._send_group_inner(group, respect_breaker)
        except Exception as err:  # a bug or a dependency failure must not strand leases
            log.warning("delivery_send_crashed", error=repr(err), exc_info=True)
            now = _now()
            self._submit([give_back(c, now, f"internal error: {err!r}", now) for c in group])

    async def _send_group_inner(self, group: list[Claimed], respect_breaker: bool) -> None:
        now = _now()
        # Split in one pass: `c not in live` compared dataclasses field by field, per pair.
        live: list[Claimed] = []
        late: list[Claimed] = []
        for claimed in group:
            fresh = claimed.accept_until is None or claimed.accept_until > now
            (live if fresh else late).append(claimed)
        self._submit([expire_unsent(c, now) for c in late])
        if not live:
            return
        gate = self._gates.get(live[0].destination_id)
        async with gate.slots:
            # Asked only once a slot is ours: the circuit may have opened while we waited.
            if respect_breaker and not gate.breaker.allow():
                later = _now() + timedelta(seconds=gate.breaker.retry_in())
                reason = "destination paused: circuit open"
                self._submit([give_back(c, now, reason, later) for c in live])
                return
            await gate.bucket.take()
            for part in self._split(live):
                outcomes, verdict = await self._attempt(part)
                gate.breaker.record(verdict)
                self._submit(outcomes)

    def _split(self, group: list[Claimed]) -> list[list[Claimed]]:
        """Batches within the platform's item limit; bodies that cannot merge go alone."""
        if len(group) == 1:
            return [group]
        field = group[0].request.batch.field
        try:
            counts = [item_count(c.request.body, field) for c in group]
        except BatchError:
            return [[c] for c in group]
        return [[group[i] for i in r] for r in chunks(counts, group[0].request.batch.max_items)]

    async def _attempt(self, group: list[Claimed]) -> tuple[list[Outcome], str]:
        """One request for the group, as a span in the trace of its first member's request."""
        with attempt_span(group) as span:
            outcomes, verdict = await self._attempt_untraced(group)
            span.set_attribute("switchyard.verdict", verdict)
            return outcomes, verdict

    async def _attempt_untraced(self, group: list[Claimed]) -> tuple[list[Outcome], str]:
        """One request for the group; each member's outcome, and the request's verdict."""
        first = group[0]
        started_at = _now()
        counts = [1]
        body = first.request.body
        if len(group) > 1:
            merged = merge_bodies([c.request.body for c in group], first.request.batch.field)
            body, counts = merged.body, list(merged.item_counts)
        message_id = first.id if len(group) == 1 else f"batch_{uuid.uuid4().hex}"
        prepared, version = await self._prepare(first, body, message_id, started_at)
        if isinstance(prepared, Answer):
            answer = prepared
        else:
            answer = await self._sender.send(prepared)
        if answer.error_class in LOCAL_VERDICTS:
            verdict = Verdict(LOCAL_VERDICTS[answer.error_class], answer.error_message)  # type: ignore[arg-type]
        elif answer.error_class:
            verdict = classify_transport_error(answer.error_class, answer.error_message)
        else:
            verdict = classify(
                first.response_kind, answer.status, dict(answer.headers), answer.body, sum(counts)
            )
        metrics.observe_attempt(first.destination_type, answer.latency_ms / 1000)
        shares = split_outcomes(
            verdict.outcome, verdict.reason, [(i.outcome, i.reason) for i in verdict.items], counts
        )
        now = _now()
        outcomes = [
            decide(
                claimed,
                verdict=share.outcome,
                reason=share.reason,
                retry_after_seconds=verdict.retry_after_seconds,
                answer=answer,
                started_at=started_at,
                now=now,
                batch_size=len(group),
                policy=self._options.policy,
                rng=self._rng,
            )
            for claimed, share in zip(group, shares, strict=True)
        ]
        if verdict.outcome == "auth" or any(s.outcome == "auth" for s in shares):
            await self._park_destination(first, version, verdict.reason)
        log.info(
            "delivery_attempt",
            destination_id=first.destination_id,
            delivery_id=first.id,
            batch_size=len(group),
            status_code=answer.status,
            verdict=verdict.outcome,
            latency_ms=answer.latency_ms,
        )
        return outcomes, verdict.outcome

    async def _prepare(
        self, claimed: Claimed, body: bytes, message_id: str, now: datetime
    ) -> tuple[OutboundRequest | Answer, int]:
        """The outbound request with credentials, or an Answer saying why there is none; and
        the credentials version used, so a refusal parks the destination at that version."""
        request = claimed.request
        headers = [(h.name, h.value) for h in request.headers]
        credentials: dict[str, str] = {}
        version = 0
        if request.credential_slots:
            if self._credentials is None:
                return _no_answer("credentials_unavailable", "no registry to fetch credentials"), 0
            try:
                found = await self._credentials.get(claimed.organization_id, claimed.destination_id)
            except DestinationGone as err:
                return _no_answer("destination_gone", str(err)), 0
            except Unavailable as err:
                return _no_answer("credentials_unavailable", err.message), 0
            credentials, version = dict(found.values), found.version
            refused = await self._exchange_token(claimed, found, credentials)
            if refused is not None:
                return refused, version
        try:
            outbound = inject(
                request.method,
                request.url,
                headers,
                body,
                request.credential_slots,
                credentials,
                message_id,
                now,
            )
        except MissingCredential as err:
            return _no_answer("missing_credential", str(err)), version
        return outbound, version

    async def _exchange_token(
        self, claimed: Claimed, found: Credentials, credentials: dict[str, str]
    ) -> Answer | None:
        """Put a fresh access token in `credentials` when the destination stores a refresh
        token and a slot wants an access token; an Answer when there is none to be had."""
        slots = claimed.request.credential_slots
        if not exchanges(credentials) or all(s.credential_key != "access_token" for s in slots):
            return None
        try:
            credentials["access_token"] = await self.tokens.access_token(
                claimed.destination_id, found.version, credentials, found.token_uri
            )
        except TokenRefused as err:
            return _no_answer("token_refused", str(err))
        except TokenUnavailable as err:
            return _no_answer("token_unavailable", str(err))
        return None

    async def _park_destination(self, claimed: Claimed, version: int, reason: str) -> None:
        """An auth answer: the destination waits for credentials newer than the refused ones."""
        known = (
            self._credentials.known_versions.get(claimed.destination_id, 0)
            if self._credentials
            else 0
        )
        if known > version:
            return  # newer credentials already exist: the next attempt uses them
        await self._repo.mark_needs_credentials(
            claimed.organization_id, claimed.destination_id, version, reason
        )
        self.on_credentials_refused(claimed.destination_id)
        log.warning(
            "destination_needs_credentials",
            destination_id=claimed.destination_id,
            credentials_version=version,
            reason=reason,
        )

    # -- recording -------------------------------------------------------------------------

    def _submit(self, outcomes: Sequence[Outcome]) -> None:
        if outcomes:
            self._outcomes.extend(outcomes)
            self._outcomes_ready.set()

    async def run_recorder(self) -> None:
        """Write outcomes in batches as they come."""
        while True:
            await self._outcomes_ready.wait()
            try:
                await self.flush()
            except DomainError as err:
                log.warning("delivery_record_failed", error=err.message)
                await asyncio.sleep(0.5)  # back off while the database is away

    async def flush(self) -> None:
        """Write every outcome submitted so far (one transaction)."""
        async with self._record_lock:
            self._outcomes_ready.clear()
            outcomes, self._outcomes = self._outcomes, []
            if not outcomes:
                return
            try:
                written = await self._repo.record(
                    self._options.instance_id,
                    [o.result for o in outcomes],
                    [o.attempt for o in outcomes if o.attempt is not None],
                )
            except BaseException:
                self._outcomes[:0] = outcomes  # keep them for the next try
                self._outcomes_ready.set()
                raise
        for outcome in outcomes:
            claimed = self._held.pop(outcome.result.id, None)
            if outcome.result.id not in written:
                log.warning("delivery_lease_lost", delivery_id=outcome.result.id)
                continue
            if claimed is not None:
                metrics.count_delivery(claimed.destination_type, outcome.result.status)
                _log_outcome(claimed, outcome)
        self._wake.set()  # room to claim more

    # -- heartbeat and shutdown ------------------------------------------------------------

    async def run_heartbeat(self) -> None:
        """Extend the leases of deliveries still held, well before they run out."""
        while True:
            await asyncio.sleep(self._options.lease_seconds / 3)  # the heartbeat period
            if self._held:
                await self._repo.extend_leases(
                    self._options.instance_id, list(self._held), self._options.lease_seconds
                )

    def stop_claiming(self) -> None:
        """Claim nothing more; what is claimed still gets sent or given back by `drain`."""
        self._stopping = True
        self._wake.set()

    async def drain(self, grace_seconds: float) -> None:
        """Stop claiming, let sends finish within the grace period, give back the rest."""
        self.stop_claiming()
        deadline = time.monotonic() + grace_seconds
        for key in list(self._batches):
            members = self._batches.pop(key)
            self._submit([give_back(c, _now(), "released at shutdown", _now()) for c in members])
        if self._sends:
            _, pending = await asyncio.wait(
                set(self._sends), timeout=max(0.0, deadline - time.monotonic())
            )
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=1.0)
        recorded = {o.result.id for o in self._outcomes}
        now = _now()
        self._submit(
            [
                give_back(c, now, "released at shutdown", now)
                for i, c in self._held.items()
                if i not in recorded
            ]
        )
        await shielded(self.flush())
        log.info("worker_drained", released=len(self._held))


def attempt_span(group: Sequence[Claimed]) -> Any:
    """A CLIENT span continuing the first member's event trace, linked to the other members'."""
    first = group[0]
    links = [Link(span_context_of(c.traceparent)) for c in group[1:] if c.traceparent]
    return tracer().start_as_current_span(
        f"deliver {first.destination_name}",
        context=context_from_traceparent(first.traceparent),
        kind=SpanKind.CLIENT,
        links=links,
        attributes={
            "switchyard.delivery_id": first.id,
            "switchyard.event_id": first.event_id,
            "switchyard.destination_id": first.destination_id,
            "switchyard.attempt": first.attempt_count,
            "switchyard.batch_size": len(group),
        },
    )


def _no_answer(error_class: str, message: str) -> Answer:
    return Answer(0, (), b"", False, 0, error_class, message)


def _log_outcome(claimed: Claimed, outcome: Outcome) -> None:
    result = outcome.result
    fields = {
        "delivery_id": claimed.id,
        "event_id": claimed.event_id,
        "destination_id": claimed.destination_id,
        "attempt": claimed.attempt_count,
        "reason": result.reason,
    }
    if result.status in ("failed", "dead", "expired"):
        log.error(f"delivery_{result.status}", **fields)
    elif result.status == "retrying" and not result.uncount:
        log.info(
            "delivery_retry_scheduled", next_attempt_at=result.next_attempt_at.isoformat(), **fields
        )
