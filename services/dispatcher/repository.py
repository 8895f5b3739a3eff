"""All of the dispatcher's SQL, run by name from queries.sql; driver errors become domain errors.

Every hot-path write works on a batch: one statement per kind of row (`unnest` of arrays),
never one round trip per event or delivery.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import asyncpg

from services.common.errors import Unavailable

QUERIES_FILE = Path(__file__).with_name("queries.sql")
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SCHEMA = "dispatcher"
_NAME = re.compile(r"^-- name: ([a-z_]+)\s*$", re.MULTILINE)

P = ParamSpec("P")
R = TypeVar("R")
Record = Any


def load_queries(path: Path = QUERIES_FILE) -> dict[str, str]:
    """Statements of queries.sql by the name on their `-- name:` line."""
    text = path.read_text(encoding="utf-8")
    parts = _NAME.split(text)
    return {name: sql.strip() for name, sql in zip(parts[1::2], parts[2::2], strict=True)}


def _db_errors(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Connection and server failures become Unavailable, which callers retry."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError) as err:
            raise Unavailable(f"the database is unavailable ({type(err).__name__})", 1) from err

    return wrapper


@dataclass(frozen=True)
class EventRow:
    """One event to store, flattened for the bulk insert."""

    organization_id: str
    event_id: str
    event_name: str
    campaign_id: str
    lead_id: str
    transaction_id: str
    event_time: datetime | None
    value: float | None
    currency: str
    config_version: int
    test: bool
    canonical: bytes
    inbound: bytes


@dataclass(frozen=True)
class DeliveryRow:
    """One delivery to store, flattened for the bulk insert."""

    id: str
    organization_id: str
    event_id: str
    event_name: str
    campaign_id: str
    lead_id: str
    transaction_id: str
    destination_id: str
    destination_name: str
    destination_type: int
    postback_id: str
    platform_event_name: str
    skip: bool
    reason: str
    accept_until: datetime | None
    match_quality: int
    response_kind: str
    test: bool
    request: bytes
    batch_key: str
    traceparent: str = ""


@dataclass(frozen=True)
class AttemptRow:
    """One attempt to record."""

    delivery_id: str
    organization_id: str
    number: int
    started_at: datetime
    latency_ms: int
    status_code: int
    response_headers: str  # JSON text of [[name, value], ...]
    response_body: bytes
    response_truncated: bool
    outcome: str
    error_class: str
    error_message: str
    batch_size: int


@dataclass(frozen=True)
class ResultRow:
    """A delivery's new state after an attempt (or after giving an attempt back)."""

    id: str
    created_at: datetime
    attempt_count: int
    status: str
    reason: str
    status_code: int
    next_attempt_at: datetime
    uncount: bool


@dataclass(frozen=True)
class FilterParams:
    """A HistoryFilter as the positional parameters $2..$11 of the history statements."""

    since: datetime | None = None
    until: datetime | None = None
    event_names: tuple[str, ...] = ()
    campaign_id: str = ""
    lead_id: str = ""
    transaction_id: str = ""
    event_id: str = ""
    include_test: bool = False
    destination_id: str = ""
    statuses: tuple[str, ...] = ()

    def args(self) -> tuple[Any, ...]:
        """The ten values in statement order."""
        return (
            self.since,
            self.until,
            list(self.event_names),
            self.campaign_id,
            self.lead_id,
            self.transaction_id,
            self.event_id,
            self.include_test,
            self.destination_id,
            list(self.statuses),
        )


def _columns(rows: Sequence[Any], *names: str) -> list[list[Any]]:
    return [[getattr(row, name) for row in rows] for name in names]


_EVENT_COLUMNS = (
    "organization_id event_id event_name campaign_id lead_id transaction_id event_time value "
    "currency config_version test canonical inbound"
).split()
_DELIVERY_COLUMNS = (
    "id organization_id event_id event_name campaign_id lead_id transaction_id destination_id "
    "destination_name destination_type postback_id platform_event_name skip reason accept_until "
    "match_quality response_kind test request batch_key"
).split()
_ATTEMPT_COLUMNS = (
    "delivery_id organization_id number started_at latency_ms status_code response_headers "
    "response_body response_truncated outcome error_class error_message batch_size"
).split()


@dataclass(frozen=True)
class Lease:
    """Who may store new deliveries already leased, for how long, and which destinations not."""

    owner: str
    seconds: float
    paused: Sequence[str] = ()


class Repository:
    """The dispatcher's tables behind named statements."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.sql = load_queries()

    # -- enqueue ---------------------------------------------------------------------------

    @_db_errors
    async def enqueue(
        self,
        id_pairs: Sequence[tuple[str, str]],
        events: Callable[[set[tuple[str, str]]], tuple[list[EventRow], list[DeliveryRow]]],
        budget_seconds: float,
        notify_payload: str,
        lease: Lease | None = None,
    ) -> tuple[set[tuple[str, str]], list[Record]]:
        """In one transaction: take the event ids, store the new events and their deliveries.

        `events(taken)` builds the rows for the ids this call took. Returns the taken ids and
        the stored deliveries (id, created_at, status and the claim columns). With a lease,
        deliveries that can be sent now are stored leased to its owner (status in_flight).
        Answers only after the commit.
        """
        async with self.pool.acquire() as conn, conn.transaction():
            taken_rows = await conn.fetch(
                self.sql["take_event_ids"], [p[0] for p in id_pairs], [p[1] for p in id_pairs]
            )
            taken = {(r["organization_id"], r["event_id"]) for r in taken_rows}
            event_rows, delivery_rows = events(taken)
            if event_rows:
                await conn.execute(
                    self.sql["insert_events"], *_columns(event_rows, *_EVENT_COLUMNS)
                )
            stored: list[Record] = []
            if delivery_rows:
                stored = await conn.fetch(
                    self.sql["insert_deliveries"],
                    *_columns(delivery_rows, *_DELIVERY_COLUMNS),
                    budget_seconds,
                    notify_payload,
                    lease.owner if lease else None,
                    lease.seconds if lease else 0.0,
                    list(lease.paused) if lease else [],
                    [row.traceparent for row in delivery_rows],
                )
        return taken, stored

    # -- the queue -------------------------------------------------------------------------

    @_db_errors
    async def claim_due(
        self, owner: str, limit: int, paused: Sequence[str], lease_seconds: float
    ) -> list[Record]:
        """Lease up to `limit` due deliveries (and expired leases) to `owner`."""
        return list(
            await self.pool.fetch(self.sql["claim_due"], owner, limit, list(paused), lease_seconds)
        )

    @_db_errors
    async def claim_ids(
        self,
        owner: str,
        keys: Sequence[tuple[str, datetime]],
        paused: Sequence[str],
        lease_seconds: float,
    ) -> list[Record]:
        """Lease the named deliveries that are still due."""
        return list(
            await self.pool.fetch(
                self.sql["claim_ids"],
                owner,
                [k[0] for k in keys],
                [k[1] for k in keys],
                list(paused),
                lease_seconds,
            )
        )

    @_db_errors
    async def record(
        self, owner: str, results: Sequence[ResultRow], attempts: Sequence[AttemptRow]
    ) -> set[str]:
        """Write attempts and fenced results in one transaction; return the ids written."""
        async with self.pool.acquire() as conn, conn.transaction():
            if attempts:
                await conn.execute(
                    self.sql["insert_attempts"], *_columns(attempts, *_ATTEMPT_COLUMNS), owner
                )
            if not results:
                return set()
            rows = await conn.fetch(
                self.sql["record_results"],
                *_columns(
                    results,
                    "id",
                    "created_at",
                    "attempt_count",
                    "status",
                    "reason",
                    "status_code",
                    "next_attempt_at",
                ),
                [int(r.uncount) for r in results],
                owner,
            )
        return {r["id"] for r in rows}

    @_db_errors
    async def extend_leases(self, owner: str, ids: Sequence[str], lease_seconds: float) -> None:
        """Heartbeat for deliveries still being worked on."""
        await self.pool.execute(self.sql["extend_leases"], list(ids), owner, lease_seconds)

    @_db_errors
    async def mark_needs_credentials(
        self, organization_id: str, destination_id: str, version: int, reason: str
    ) -> None:
        """Park a destination until its credentials are newer than `version`."""
        await self.pool.execute(
            self.sql["mark_needs_credentials"], destination_id, organization_id, version, reason
        )

    @_db_errors
    async def clear_needs_credentials(self, versions: Sequence[tuple[str, int]]) -> list[str]:
        """Un-park destinations whose credentials moved past the failed version."""
        rows = await self.pool.fetch(
            self.sql["clear_needs_credentials"],
            [v[0] for v in versions],
            [v[1] for v in versions],
        )
        return [r["destination_id"] for r in rows]

    @_db_errors
    async def destinations_needing_credentials(self) -> list[Record]:
        """Every parked destination."""
        return list(await self.pool.fetch(self.sql["destinations_needing_credentials"]))

    @_db_errors
    async def queue_depth(self) -> tuple[int, float]:
        """Due deliveries and the age in seconds of the oldest."""
        row = await self.pool.fetchrow(self.sql["queue_depth"])
        return int(row["depth"]), float(row["oldest_seconds"])

    # -- maintenance -----------------------------------------------------------------------

    @_db_errors
    async def ensure_partitions(self, days: Sequence[date]) -> int:
        """Create the daily partitions of these days when missing; return how many were made."""
        made = 0
        for day in days:
            made += int(await self.pool.fetchval(self.sql["ensure_partitions"], day))
        return made

    @_db_errors
    async def drop_partitions_before(self, cutoff: date) -> list[str]:
        """Drop every daily partition of a day before `cutoff`."""
        rows = await self.pool.fetch(self.sql["drop_partitions_before"], cutoff)
        return [r["name"] for r in rows]

    @_db_errors
    async def purge_event_ids(self, older_than_seconds: float, batch: int = 5000) -> int:
        """Forget event ids older than the dedup window, a batch at a time."""
        total = 0
        while True:
            status = await self.pool.execute(self.sql["purge_event_ids"], older_than_seconds, batch)
            count = int(status.split()[-1])
            total += count
            if count < batch:
                return total

    # -- history ---------------------------------------------------------------------------

    @_db_errors
    async def list_events(
        self,
        organization_id: str,
        filters: FilterParams,
        cursor: tuple[datetime, str] | None,
        limit: int,
    ) -> list[Record]:
        """A page of events, newest first."""
        return await self._page("list_events", organization_id, filters, cursor, limit)

    @_db_errors
    async def get_event(self, organization_id: str, event_id: str) -> Record | None:
        """One event with its delivery counts."""
        return await self.pool.fetchrow(self.sql["get_event"], organization_id, event_id)

    @_db_errors
    async def deliveries_of_event(self, organization_id: str, event_id: str) -> list[Record]:
        """An event's deliveries, oldest first."""
        return list(
            await self.pool.fetch(self.sql["deliveries_of_event"], organization_id, event_id)
        )

    @_db_errors
    async def list_deliveries(
        self,
        organization_id: str,
        filters: FilterParams,
        cursor: tuple[datetime, str] | None,
        limit: int,
    ) -> list[Record]:
        """A page of deliveries, newest first."""
        return await self._page("list_deliveries", organization_id, filters, cursor, limit)

    async def _page(
        self,
        query: str,
        organization_id: str,
        filters: FilterParams,
        cursor: tuple[datetime, str] | None,
        limit: int,
    ) -> list[Record]:
        """One keyset page of a history query: rows after the cursor's (time, id)."""
        after_time, after_id = cursor if cursor else (None, "")
        rows = await self.pool.fetch(
            self.sql[query], organization_id, *filters.args(), after_time, after_id, limit
        )
        return list(rows)

    @_db_errors
    async def get_delivery(self, organization_id: str, delivery_id: str) -> Record | None:
        """One delivery."""
        return await self.pool.fetchrow(self.sql["get_delivery"], organization_id, delivery_id)

    @_db_errors
    async def attempts_of(
        self, organization_id: str, delivery_ids: Sequence[str]
    ) -> dict[str, list[Record]]:
        """Attempts of these deliveries by delivery id, oldest first."""
        rows = await self.pool.fetch(self.sql["attempts_of"], organization_id, list(delivery_ids))
        found: dict[str, list[Record]] = {}
        for row in rows:
            found.setdefault(row["delivery_id"], []).append(row)
        return found

    @_db_errors
    async def redeliver(
        self,
        organization_id: str,
        filters: FilterParams,
        ids: Sequence[str],
        budget_seconds: float,
        dry_run: bool,
        notify_payload: str,
    ) -> list[Record]:
        """Queue terminal deliveries again in one statement; a dry run rolls it back."""
        async with self.pool.acquire() as conn:
            transaction = conn.transaction()
            await transaction.start()
            try:
                rows = await conn.fetch(
                    self.sql["redeliver"],
                    organization_id,
                    *filters.args(),
                    budget_seconds,
                    list(ids),
                )
                if rows and not dry_run:
                    await conn.execute(self.sql["notify"], notify_payload)
            except BaseException:
                await transaction.rollback()
                raise
            if dry_run:
                await transaction.rollback()
            else:
                await transaction.commit()
        return list(rows)
