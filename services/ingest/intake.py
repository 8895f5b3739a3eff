"""The steps every entry point shares: who is calling, which snapshot, checks, hand-off.

The HTTP and gRPC edges only translate their input into `EventInput`s and call this module, so
a postback, a JSON batch and a gRPC call pass exactly the same checks.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import grpc

from services.common.auth import KeyResolver, authorize
from services.common.errors import (
    DomainError,
    InvalidArgument,
    Problem,
    Unauthenticated,
    Unavailable,
)
from services.ingest import metrics
from services.ingest.attribution import Attribution
from services.ingest.batcher import Batcher
from services.ingest.catalog import Catalog, SnapshotIndex
from services.ingest.handoff import RequestContext
from services.ingest.parsing import Parsed
from services.ingest.validation import Limits, Prepared, prepare
from switchyard.v1 import (
    common_pb2,
    config_pb2,
    dispatcher_pb2,
    ingest_pb2,
    registry_pb2,
    registry_pb2_grpc,
)

SECRET_CACHE_SECONDS = 60.0


def token_sha256(token: str) -> str:
    """The hash under which the registry stores an integration's URL token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Intake:
    """Authentication, snapshot lookup, validation and the batched hand-off."""

    catalog: Catalog
    batcher: Batcher[Prepared, ingest_pb2.EventResult]
    attribution: Attribution
    resolver: KeyResolver | None
    internal_token: str
    registry: registry_pb2_grpc.RegistryInternalStub | None
    limits: Limits
    max_batch: int
    strict: bool

    def __post_init__(self) -> None:
        self._secrets: dict[tuple[str, str, int], tuple[float, str]] = {}

    async def organization_of_key(self, token: str | None) -> SnapshotIndex:
        """The snapshot of the organization an API key (ingest or admin role) belongs to."""
        caller = await authorize(token, "ingest", self.resolver, self.internal_token)
        if not caller.organization_id:
            raise Unauthenticated("events must be sent with an organization's API key")
        return self.index(caller.organization_id)

    def index(self, organization_id: str) -> SnapshotIndex:
        """The organization's current snapshot index; 503 until its snapshot has arrived."""
        index = self.catalog.index(organization_id)
        if index is None:
            raise Unavailable("the organization's configuration is not loaded yet", 1)
        return index

    def integration(
        self, token: str, kinds: Sequence[int]
    ) -> tuple[SnapshotIndex, config_pb2.Integration]:
        """The enabled integration of a URL token, of one of the given kinds; else 401."""
        found = self.catalog.integration(token_sha256(token)) if token else None
        if found is None or found[1].kind not in kinds:
            raise Unauthenticated("unknown integration token")
        if not found[1].enabled:
            raise Unauthenticated("the integration is disabled")
        return found

    async def signing_secret(self, index: SnapshotIndex, integration_id: str) -> str:
        """An integration's signing secret from the registry, kept for a minute per version."""
        key = (index.organization_id, integration_id, index.version)
        cached = self._secrets.get(key)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        if self.registry is None:
            raise Unavailable("the registry is not reachable", 1)
        request = registry_pb2.GetIntegrationSecretRequest(
            organization_id=index.organization_id, integration_id=integration_id
        )
        try:
            answer = await self.registry.GetIntegrationSecret(request, timeout=5)
        except grpc.aio.AioRpcError as err:
            raise Unavailable("the registry cannot give the signing secret right now", 1) from err
        self._secrets[key] = (now + SECRET_CACHE_SECONDS, answer.signing_secret)
        return str(answer.signing_secret)

    def prepare(
        self,
        index: SnapshotIndex,
        parsed: Sequence[Parsed],
        *,
        batch: bool,
        strict: bool = False,
        now: datetime | None = None,
    ) -> list[Prepared]:
        """Check every event; raise one InvalidArgument naming every problem of every event."""
        if batch and not parsed:
            raise InvalidArgument.one("events", "must hold at least one event")
        if len(parsed) > self.max_batch:
            raise InvalidArgument.one("events", f"must hold at most {self.max_batch} events")
        moment = now or datetime.now(UTC)
        problems: list[Problem] = []
        prepared: list[Prepared] = []
        seen: dict[str, int] = {}
        for position, item in enumerate(parsed):
            prefix = f"events[{position}]." if batch else ""
            problems.extend(
                Problem(f"{prefix}{p.field}".rstrip("."), p.rule) for p in item.problems
            )
            event_id = item.event.event_id
            if event_id and event_id in seen:
                problems.append(
                    Problem(f"{prefix}event_id", f"repeats events[{seen[event_id]}].event_id")
                )
            seen.setdefault(event_id, position)
            ready, found = prepare(
                index,
                item.event,
                now=moment,
                limits=self.limits,
                prefix=prefix,
                extras=item.extras,
                strict=strict or self.strict,
            )
            problems.extend(found)
            if ready is not None:
                prepared.append(ready)
        if problems:
            metrics.count_events("rejected", len(parsed))
            raise InvalidArgument(problems)
        return prepared

    async def submit(
        self, prepared: list[Prepared], inbound: dispatcher_pb2.InboundRequest, *, batch: bool
    ) -> list[ingest_pb2.EventResult]:
        """Hand the events over and wait until the dispatcher committed them."""
        context = RequestContext(inbound, batch)
        try:
            results = await self.batcher.submit(prepared, inbound.request_id, context)
        except InvalidArgument:
            metrics.count_events("rejected", len(prepared))
            raise
        except DomainError:
            metrics.count_events("unavailable", len(prepared))
            raise
        duplicates = sum(r.outcome == ingest_pb2.EVENT_OUTCOME_DUPLICATE for r in results)
        metrics.count_events("duplicate", duplicates)
        metrics.count_events("accepted", len(results) - duplicates)
        return results

    async def record_click(
        self,
        index: SnapshotIndex,
        request: ingest_pb2.RecordClickRequest,
        now: datetime | None = None,
    ) -> common_pb2.Click:
        """Check and store a click; return it with its new Switchyard click id."""
        problems = click_problems(index, request)
        if problems:
            raise InvalidArgument(problems)
        click = common_pb2.Click(
            click_id=uuid.uuid4().hex,
            organization_id=index.organization_id,
            campaign_id=request.campaign_id,
            ids=request.ids,
            params=request.params,
            landing_url=request.landing_url,
            client=request.client,
        )
        if request.HasField("clicked_at"):
            click.clicked_at.CopyFrom(request.clicked_at)
        else:
            click.clicked_at.FromDatetime(now or datetime.now(UTC))
        await self.attribution.record_click(click)
        return click


def click_problems(index: SnapshotIndex, request: ingest_pb2.RecordClickRequest) -> list[Problem]:
    """Every broken rule of a click: known campaign, http(s) landing URL, bounded strings."""
    problems = []
    if request.campaign_id not in index.campaigns:
        problems.append(Problem("campaign_id", "no such campaign"))
    url = request.landing_url
    try:
        parts = urlsplit(url)
        good = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        good = False
    if not good or len(url) > 2048:
        problems.append(Problem("landing_url", "must be an http(s) URL of at most 2048 characters"))
    for descriptor, value in request.ids.ListFields():
        if len(value) > 1024:
            problems.append(Problem(f"ids.{descriptor.name}", "must be at most 1024 characters"))
    if len(request.params) > 50 or any(
        len(k) > 64 or len(v) > 1024 for k, v in request.params.items()
    ):
        problems.append(Problem("params", "at most 50, names ≤ 64 and values ≤ 1024 characters"))
    if len(request.client.user_agent) > 1024:
        problems.append(Problem("client.user_agent", "must be at most 1024 characters"))
    return problems


def inbound_request(
    request_id: str, channel: str, method: str, path: str, **fields: Any
) -> dispatcher_pb2.InboundRequest:
    """An InboundRequest stamped now (callers pass already-redacted query, headers, body)."""
    inbound = dispatcher_pb2.InboundRequest(
        request_id=request_id, channel=channel, method=method, path=path, **fields
    )
    inbound.received_at.GetCurrentTime()
    return inbound


def with_click_id(url: str, click_id: str) -> str:
    """The landing URL with `sy_click_id=<id>` appended to its query."""
    parts = urlsplit(url)
    query = f"{parts.query}&" if parts.query else ""
    return urlunsplit(parts._replace(query=query + urlencode({"sy_click_id": click_id})))
