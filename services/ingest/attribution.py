"""Joins events to their click and lead, so a sale carries the ad click of the original visit.

Per batch: one lead lookup by id, one by key, one click lookup by platform id, one Redis read
plus one SQL read for clicks by Switchyard id, and one transaction that writes new leads, their
keys and the once-per-lead claims (law 4). What the transaction inserted is returned so a
failed hand-off can take back exactly that.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from services.common.errors import Problem
from services.common.logging import get_logger
from services.ingest.fields import CLICK_ID_FIELDS
from services.ingest.repository import LeadClaim, LeadRow, Repository
from services.ingest.validation import Prepared
from switchyard.v1 import common_pb2

LEAD_NAMESPACE = uuid.UUID("7b0f1c36-4a36-4d39-9a43-8f8f5a0e8b1d")
KEY_KINDS = ("transaction_id", "external_id", "email")

log = get_logger(__name__)


def click_cache_key(organization_id: str, click_id: str) -> str:
    """The Redis key caching one click."""
    return f"click:{organization_id}:{click_id}"


def new_lead_id(organization_id: str, event_id: str) -> str:
    """A lead id derived from the event that created it, so a retried event makes the same lead."""
    return uuid.uuid5(LEAD_NAMESPACE, f"{organization_id}\x00{event_id}").hex


def lead_keys(event: common_pb2.CanonicalEvent) -> list[tuple[str, str]]:
    """(kind, value) pairs by which later events find this event's lead, strongest first."""
    pairs = [
        ("transaction_id", event.transaction_id),
        ("external_id", event.identity.external_id),
        ("email", event.identity.email),
    ]
    return [(kind, value) for kind, value in pairs if value]


@dataclass
class Attributed:
    """What attribution decided for a batch."""

    problems: dict[int, list[Problem]] = field(default_factory=dict)
    duplicate_for_lead: set[int] = field(default_factory=set)
    created_leads: list[tuple[str, str]] = field(default_factory=list)
    created_keys: list[tuple[str, str, str]] = field(default_factory=list)
    claims: list[LeadClaim] = field(default_factory=list)


class Attribution:
    """Finds clicks and leads for batches of events and records new leads."""

    def __init__(
        self, repository: Repository, redis: aioredis.Redis, cache_seconds: int = 86_400
    ) -> None:
        self._repository = repository
        self._redis = redis
        self._cache_seconds = cache_seconds

    async def record_click(self, click: common_pb2.Click) -> None:
        """Store a click (Postgres is the truth) and warm its cache entry."""
        await self._repository.insert_click(click)
        try:
            await self._redis.set(
                click_cache_key(click.organization_id, click.click_id),
                click.SerializeToString(),
                ex=self._cache_seconds,
            )
        except (RedisError, OSError):
            log.warning("click_cache_write_failed")

    async def lead(self, organization_id: str, lead_id: str) -> LeadRow | None:
        """One stored lead, or None."""
        found = await self._repository.leads_by_id([(organization_id, lead_id)])
        return found.get((organization_id, lead_id))

    async def resolve_leads(self, events: Sequence[Prepared]) -> dict[int, LeadRow | Problem]:
        """The stored lead each event names by lead_id or reaches by key (one query per kind)."""
        by_id = await self._repository.leads_by_id(
            sorted({(p.event.organization_id, p.event.lead_id) for p in events if p.event.lead_id})
        )
        wanted = {
            (p.event.organization_id, kind, value)
            for p in events
            if not p.event.lead_id
            for kind, value in lead_keys(p.event)
        }
        by_key = await self._repository.leads_by_key(sorted(wanted))
        found: dict[int, LeadRow | Problem] = {}
        for position, prepared in enumerate(events):
            event = prepared.event
            if event.lead_id:
                lead = by_id.get((event.organization_id, event.lead_id))
                found[position] = lead or Problem("lead_id", "no such lead")
                continue
            for kind, value in lead_keys(event):
                lead = by_key.get((event.organization_id, kind, value))
                if lead is not None:
                    found[position] = lead
                    break
        return found

    async def attach(
        self, events: Sequence[Prepared], leads: dict[int, LeadRow | Problem]
    ) -> Attributed:
        """Give each event its lead (existing, made earlier in the batch, or new) and click.

        Events whose lead could not be resolved must have been removed by the caller.
        """
        result = Attributed()
        made: dict[tuple[str, str, str], LeadRow] = {}
        new_leads: list[tuple[LeadRow, str]] = []
        new_keys: list[tuple[str, str, str, str]] = []
        clicks = await self._platform_clicks(events)
        for position, prepared in enumerate(events):
            event = prepared.event
            click = clicks.get(position)
            if click is not None and not event.click_id:
                event.click_id = click.click_id
            found = leads.get(position)
            lead = found if isinstance(found, LeadRow) else None
            if lead is None:
                lead = next(
                    (
                        made[(event.organization_id, kind, value)]
                        for kind, value in lead_keys(event)
                        if (event.organization_id, kind, value) in made
                    ),
                    None,
                )
            if lead is None:
                lead = LeadRow(
                    event.organization_id,
                    new_lead_id(event.organization_id, event.event_id),
                    event.campaign_id,
                    event.click_id,
                    event.identity,
                )
                new_leads.append((lead, event.event_id))
            _inherit(event, lead)
            for kind, value in lead_keys(event):
                key = (event.organization_id, kind, value)
                if key not in made:
                    made[key] = lead
                    new_keys.append((*key, lead.lead_id))
            if not prepared.multi_trigger:
                result.claims.append(
                    LeadClaim(event.organization_id, lead.lead_id, event.event_name, event.event_id)
                )
        await self._attach_clicks(events)
        created, keys, verdicts = await self._repository.commit_attribution(
            new_leads, new_keys, result.claims
        )
        result.created_leads, result.created_keys = created, keys
        claim_positions = [p for p, prepared in enumerate(events) if not prepared.multi_trigger]
        claims, result.claims = result.claims, []
        for position, claim, (inserted, may_fire) in zip(
            claim_positions, claims, verdicts, strict=True
        ):
            if inserted:  # only what this batch inserted is taken back on failure
                result.claims.append(claim)
            if not may_fire:
                result.duplicate_for_lead.add(position)
        return result

    async def _platform_clicks(self, events: Sequence[Prepared]) -> dict[int, common_pb2.Click]:
        """The recorded click each event without our click id reaches by a platform click id."""
        wanted: dict[int, list[tuple[str, str, str]]] = {}
        for position, prepared in enumerate(events):
            event = prepared.event
            if event.click_id:
                continue
            keys = [
                (event.organization_id, name, getattr(event.click.ids, name))
                for name in CLICK_ID_FIELDS
                if getattr(event.click.ids, name)
            ]
            if keys:
                wanted[position] = keys
        if not wanted:
            return {}
        found = await self._repository.clicks_by_platform_id(
            sorted({k for keys in wanted.values() for k in keys})
        )
        return {
            position: next(found[k] for k in keys if k in found)
            for position, keys in wanted.items()
            if any(k in found for k in keys)
        }

    async def _attach_clicks(self, events: Sequence[Prepared]) -> None:
        """Fill each event's click from the cache, else Postgres (and warm the cache)."""
        keys = sorted(
            {(p.event.organization_id, p.event.click_id) for p in events if p.event.click_id}
        )
        if not keys:
            return
        clicks = await self._cached_clicks(keys)
        missing = [k for k in keys if k not in clicks]
        if missing:
            stored = await self._repository.clicks_by_id(missing)
            for found in stored:
                clicks[(found.organization_id, found.click_id)] = found
            await self._cache(stored)
        for prepared in events:
            event = prepared.event
            stored_click = clicks.get((event.organization_id, event.click_id))
            if stored_click is None:
                continue
            own_ids = common_pb2.ClickIds()
            own_ids.CopyFrom(event.click.ids)
            event.click.CopyFrom(stored_click)
            for name in CLICK_ID_FIELDS:  # ids the event carried itself win over the click's
                if getattr(own_ids, name):
                    setattr(event.click.ids, name, getattr(own_ids, name))

    async def _cached_clicks(
        self, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], common_pb2.Click]:
        try:
            values = await self._redis.mget([click_cache_key(*k) for k in keys])
        except (RedisError, OSError):
            log.warning("click_cache_read_failed")
            return {}
        found = {}
        for key, value in zip(keys, values, strict=True):
            if value:
                click = common_pb2.Click()
                click.ParseFromString(value)
                found[key] = click
        return found

    async def _cache(self, clicks: Sequence[common_pb2.Click]) -> None:
        if not clicks:
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for click in clicks:
                    pipe.set(
                        click_cache_key(click.organization_id, click.click_id),
                        click.SerializeToString(),
                        ex=self._cache_seconds,
                    )
                await pipe.execute()
        except (RedisError, OSError):
            log.warning("click_cache_write_failed")

    async def release(self, attributed: Attributed) -> None:
        """Take back a batch's leads, keys and claims after its hand-off failed."""
        await self._repository.release(
            attributed.created_leads, attributed.created_keys, attributed.claims
        )


def _inherit(event: common_pb2.CanonicalEvent, lead: LeadRow) -> None:
    """The event joins its lead and takes the lead's click and identity fields it lacks."""
    event.lead_id = lead.lead_id
    if not event.click_id and lead.click_id:
        event.click_id = lead.click_id
    for descriptor, value in lead.identity.ListFields():
        if not getattr(event.identity, descriptor.name):
            setattr(event.identity, descriptor.name, value)
