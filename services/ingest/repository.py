"""Ingest's storage: named statements from queries.sql over parallel arrays, rows to messages.

Driver errors are caught here by class and become `Unavailable`, so nothing above this module
knows asyncpg's exceptions; the caller answers 503 and the sender retries.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import asyncpg

from services.common.errors import Unavailable
from switchyard.v1 import common_pb2

_NAME_LINE = re.compile(r"^-- name: ([a-z_]+)\s*$", re.MULTILINE)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SCHEMA = "ingest"
RETRY_AFTER_SECONDS = 1.0


def load_queries(path: Path) -> dict[str, str]:
    """Statements of a queries.sql file by name."""
    text = path.read_text(encoding="utf-8")
    parts = _NAME_LINE.split(text)[1:]
    return {name: sql.strip() for name, sql in zip(parts[::2], parts[1::2], strict=True)}


QUERIES = load_queries(Path(__file__).with_name("queries.sql"))
_DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)


@dataclass(frozen=True)
class LeadRow:
    """A stored lead."""

    organization_id: str
    lead_id: str
    campaign_id: str
    click_id: str
    identity: common_pb2.HashedIdentity


@dataclass(frozen=True)
class LeadClaim:
    """One (lead, event name) claimed for an event id."""

    organization_id: str
    lead_id: str
    event_name: str
    event_id: str


class Repository:
    """Every query ingest makes, batched."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    @asynccontextmanager
    async def _conn(self) -> AsyncIterator[Any]:
        try:
            async with self._pool.acquire() as conn:
                yield conn
        except _DRIVER_ERRORS as err:
            raise Unavailable("the database is unavailable", RETRY_AFTER_SECONDS) from err

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Any]:
        """A connection inside a transaction, for writes that must land together."""
        async with self._conn() as conn, conn.transaction():
            yield conn

    async def ping(self) -> bool:
        """True when Postgres answers."""
        try:
            async with self._conn() as conn:
                return bool(await conn.fetchval(QUERIES["ping"]))
        except Unavailable:
            return False

    async def insert_click(self, click: common_pb2.Click) -> None:
        """Store one click and its platform ids."""
        ids = {f.name: v for f, v in click.ids.ListFields()}
        async with self._conn() as conn:
            await conn.execute(
                QUERIES["insert_click"],
                click.organization_id,
                click.click_id,
                click.campaign_id,
                ids,
                dict(click.params),
                click.landing_url,
                click.client.ip,
                click.client.user_agent,
                click.clicked_at.ToDatetime(tzinfo=UTC),
                list(ids),
                list(ids.values()),
            )

    async def clicks_by_id(self, keys: Sequence[tuple[str, str]]) -> list[common_pb2.Click]:
        """Clicks by (organization, Switchyard click id)."""
        if not keys:
            return []
        async with self._conn() as conn:
            rows = await conn.fetch(
                QUERIES["clicks_by_id"], [k[0] for k in keys], [k[1] for k in keys]
            )
        return [click_from_row(row) for row in rows]

    async def clicks_by_platform_id(
        self, keys: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], common_pb2.Click]:
        """Clicks by (organization, platform, platform click id)."""
        if not keys:
            return {}
        async with self._conn() as conn:
            rows = await conn.fetch(
                QUERIES["clicks_by_platform_id"],
                [k[0] for k in keys],
                [k[1] for k in keys],
                [k[2] for k in keys],
            )
        return {(r["organization_id"], r["platform"], r["value"]): click_from_row(r) for r in rows}

    async def leads_by_id(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], LeadRow]:
        """Leads by (organization, lead id)."""
        if not keys:
            return {}
        async with self._conn() as conn:
            rows = await conn.fetch(
                QUERIES["leads_by_id"], [k[0] for k in keys], [k[1] for k in keys]
            )
        return {(r["organization_id"], r["lead_id"]): lead_from_row(r) for r in rows}

    async def leads_by_key(
        self, keys: Sequence[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], LeadRow]:
        """Leads by (organization, key kind, key value)."""
        if not keys:
            return {}
        async with self._conn() as conn:
            rows = await conn.fetch(
                QUERIES["leads_by_key"],
                [k[0] for k in keys],
                [k[1] for k in keys],
                [k[2] for k in keys],
            )
        return {(r["organization_id"], r["kind"], r["value"]): lead_from_row(r) for r in rows}

    async def commit_attribution(
        self,
        leads: Sequence[tuple[LeadRow, str]],
        keys: Sequence[tuple[str, str, str, str]],
        claims: Sequence[LeadClaim],
    ) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]], list[tuple[bool, bool]]]:
        """Insert new leads, their keys and once-per-lead claims in one transaction.

        Returns what this call inserted (so a failed hand-off can take exactly that back) and,
        per claim, whether this call inserted it and whether the event may fire (False: another
        event already fired for the lead).
        """
        try:
            async with self.transaction() as conn:
                new_leads = await conn.fetch(
                    QUERIES["insert_leads"],
                    [lead.organization_id for lead, _ in leads],
                    [lead.lead_id for lead, _ in leads],
                    [lead.campaign_id for lead, _ in leads],
                    [lead.click_id for lead, _ in leads],
                    [lead.identity.SerializeToString() for lead, _ in leads],
                    [event_id for _, event_id in leads],
                )
                new_keys = await conn.fetch(
                    QUERIES["insert_lead_keys"], *[list(column) for column in _columns(keys, 4)]
                )
                rows = await conn.fetch(
                    QUERIES["claim_lead_events"],
                    [c.organization_id for c in claims],
                    [c.lead_id for c in claims],
                    [c.event_name for c in claims],
                    [c.event_id for c in claims],
                )
        except _DRIVER_ERRORS as err:
            raise Unavailable("the database is unavailable", RETRY_AFTER_SECONDS) from err
        verdicts = [
            (bool(r["inserted"]), bool(r["inserted"]) or r["holder"] == r["event_id"]) for r in rows
        ]
        return (
            [(r["organization_id"], r["lead_id"]) for r in new_leads],
            [(r["organization_id"], r["kind"], r["value"]) for r in new_keys],
            verdicts,
        )

    async def release(
        self,
        leads: Sequence[tuple[str, str]],
        keys: Sequence[tuple[str, str, str]],
        claims: Sequence[LeadClaim],
    ) -> None:
        """Take back what a batch inserted when its hand-off failed, so a retry starts clean."""
        async with self.transaction() as conn:
            await conn.execute(
                QUERIES["release_lead_events"],
                [c.organization_id for c in claims],
                [c.lead_id for c in claims],
                [c.event_name for c in claims],
                [c.event_id for c in claims],
            )
            await conn.execute(
                QUERIES["release_lead_keys"], *[list(column) for column in _columns(keys, 3)]
            )
            await conn.execute(
                QUERIES["release_leads"], *[list(column) for column in _columns(leads, 2)]
            )


def _columns(rows: Sequence[tuple[str, ...]], width: int) -> list[list[str]]:
    """Parallel arrays of a list of tuples (empty arrays for no rows)."""
    return [[row[i] for row in rows] for i in range(width)]


def click_from_row(row: Any) -> common_pb2.Click:
    """A click message from a clicks row."""
    click = common_pb2.Click(
        click_id=row["click_id"],
        organization_id=row["organization_id"],
        campaign_id=row["campaign_id"],
        ids=common_pb2.ClickIds(**row["ids"]),
        params=row["params"],
        landing_url=row["landing_url"],
        client=common_pb2.ClientContext(ip=row["ip"], user_agent=row["user_agent"]),
    )
    click.clicked_at.FromDatetime(row["clicked_at"])
    return click


def lead_from_row(row: Any) -> LeadRow:
    """A lead from a leads row."""
    identity = common_pb2.HashedIdentity()
    identity.ParseFromString(bytes(row["identity"]))
    return LeadRow(
        row["organization_id"], row["lead_id"], row["campaign_id"], row["click_id"], identity
    )
