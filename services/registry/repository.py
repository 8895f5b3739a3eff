"""The registry's storage: named statements from queries.sql, and rows turned into messages.

Driver errors are caught here by class and become domain errors, so nothing above this module
knows asyncpg's exceptions.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
from google.protobuf.timestamp_pb2 import Timestamp

from services.common.destination_specs import SPECS_BY_NAME
from services.common.errors import AlreadyExists, InvalidArgument, NotFound
from services.registry.state import OrgState
from switchyard.v1 import common_pb2, config_pb2

_NAME_LINE = re.compile(r"^-- name: ([a-z_]+)\s*$", re.MULTILINE)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SCHEMA = "registry"

# Stored words for the enums; the database keeps words so an operator can read the tables.
ROLES = {config_pb2.API_KEY_ROLE_ADMIN: "admin", config_pb2.API_KEY_ROLE_INGEST: "ingest"}
EVENT_KINDS = {
    "standard": common_pb2.EVENT_KIND_STANDARD,
    "system": common_pb2.EVENT_KIND_SYSTEM,
    "custom": common_pb2.EVENT_KIND_CUSTOM,
}
FIELD_TYPES = {
    config_pb2.FIELD_TYPE_TEXT: "text",
    config_pb2.FIELD_TYPE_NUMBER: "number",
    config_pb2.FIELD_TYPE_DATE: "date",
    config_pb2.FIELD_TYPE_BOOLEAN: "boolean",
}
INTEGRATION_KINDS = {
    config_pb2.INTEGRATION_KIND_POSTBACK: "postback",
    config_pb2.INTEGRATION_KIND_GENERIC_WEBHOOK: "generic_webhook",
    config_pb2.INTEGRATION_KIND_SHOPIFY: "shopify",
}
MAPPING_ACTIONS = {
    config_pb2.MAPPING_ACTION_DISABLED: "disabled",
    config_pb2.MAPPING_ACTION_STANDARD: "standard",
    config_pb2.MAPPING_ACTION_CUSTOM: "custom",
}


def _reverse(table: dict[Any, str]) -> dict[str, Any]:
    return {word: value for value, word in table.items()}


ROLE_VALUES = _reverse(ROLES)
FIELD_TYPE_VALUES = _reverse(FIELD_TYPES)
INTEGRATION_KIND_VALUES = _reverse(INTEGRATION_KINDS)
MAPPING_ACTION_VALUES = _reverse(MAPPING_ACTIONS)


def load_queries(path: Path) -> dict[str, str]:
    """Statements of a queries.sql file by name."""
    text = path.read_text(encoding="utf-8")
    parts = _NAME_LINE.split(text)[1:]
    return {name: sql.strip() for name, sql in zip(parts[::2], parts[1::2], strict=True)}


QUERIES = load_queries(Path(__file__).with_name("queries.sql"))


async def fetch(conn: Any, name: str, *args: Any) -> list[Any]:
    """Rows of a named statement."""
    return list(await _run(conn.fetch, name, args))


async def fetchrow(conn: Any, name: str, *args: Any) -> Any:
    """First row of a named statement, or None."""
    return await _run(conn.fetchrow, name, args)


async def fetchval(conn: Any, name: str, *args: Any) -> Any:
    """First value of a named statement, or None."""
    return await _run(conn.fetchval, name, args)


async def execute(conn: Any, name: str, *args: Any) -> str:
    """Run a named statement; returns its status line (e.g. `DELETE 1`)."""
    status: str = await _run(conn.execute, name, args)
    return status


async def _run(method: Any, name: str, args: tuple[Any, ...]) -> Any:
    try:
        return await method(QUERIES[name], *args)
    except asyncpg.UniqueViolationError as err:
        raise AlreadyExists(f"already exists ({err.constraint_name})") from None
    except asyncpg.DataError as err:
        # e.g. an id that is not a uuid: the thing asked for cannot exist
        if "uuid" in str(err):
            raise NotFound("no such object") from None
        raise InvalidArgument.one("request", str(err)) from None


def is_uuid(text: str) -> bool:
    """Ids are uuids; anything else names nothing."""
    return bool(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text.lower())
    )


def timestamp(value: datetime | None) -> Timestamp | None:
    """A protobuf timestamp, or None for a missing time."""
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


@asynccontextmanager
async def read_transaction(pool: Any) -> AsyncIterator[Any]:
    """A connection in a read-only repeatable-read transaction: one consistent view."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        yield conn


def organization_pb(row: Any) -> config_pb2.Organization:
    return config_pb2.Organization(
        id=row["id"],
        name=row["name"],
        default_country=row["default_country"],
        dedup_window_seconds=row["dedup_window_seconds"],
        created_at=timestamp(row["created_at"]),
    )


def api_key_pb(row: Any) -> config_pb2.ApiKey:
    return config_pb2.ApiKey(
        id=row["id"],
        name=row["name"],
        role=ROLE_VALUES[row["role"]],
        prefix=row["prefix"],
        created_at=timestamp(row["created_at"]),
        revoked_at=timestamp(row["revoked_at"]),
    )


def campaign_pb(row: Any) -> config_pb2.Campaign:
    return config_pb2.Campaign(
        id=row["id"],
        name=row["name"],
        default_country=row["default_country"],
        paused=row["paused"],
        event_list_ids=row["event_list_ids"],
        created_at=timestamp(row["created_at"]),
    )


def event_pb(row: Any) -> config_pb2.EventDefinition:
    return config_pb2.EventDefinition(
        id=row["id"],
        name=row["name"],
        kind=EVENT_KINDS[row["kind"]],
        campaign_id=row["campaign_id"],
        description=row["description"],
        conversion=row["conversion"],
        affiliate_conversion=row["affiliate_conversion"],
        multi_trigger=row["multi_trigger"],
        payout=row["payout"],
        revenue=row["revenue"],
    )


def custom_field_pb(row: Any) -> config_pb2.CustomField:
    return config_pb2.CustomField(
        id=row["id"],
        campaign_id=row["campaign_id"],
        event_name=row["event_name"],
        name=row["name"],
        type=FIELD_TYPE_VALUES[row["type"]],
        required=row["required"],
        description=row["description"],
    )


def event_list_pb(row: Any) -> config_pb2.EventList:
    return config_pb2.EventList(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        event_names=row["event_names"],
    )


def integration_pb(row: Any) -> config_pb2.Integration:
    return config_pb2.Integration(
        id=row["id"],
        name=row["name"],
        kind=INTEGRATION_KIND_VALUES[row["kind"]],
        campaign_id=row["campaign_id"],
        event_name_path=row["event_name_path"],
        event_rules=[config_pb2.EventRule(**rule) for rule in row["event_rules"]],
        field_rules=[config_pb2.FieldRule(**rule) for rule in row["field_rules"]],
        enabled=row["enabled"],
        strict=row["strict"],
        token_sha256=row["token_sha256"],
        has_signing_secret=row["signing_secret"] is not None,
        created_at=timestamp(row["created_at"]),
    )


def destination_pb(row: Any) -> config_pb2.Destination:
    return config_pb2.Destination(
        id=row["id"],
        name=row["name"],
        type=SPECS_BY_NAME[row["type"]].type,  # type: ignore[arg-type]
        settings=row["settings"],
        enabled=row["enabled"],
        test_mode=row["test_mode"],
        campaign_ids=row["campaign_ids"],
        credential_keys=row["credential_keys"],
        credentials_version=row["credentials_version"],
        created_at=timestamp(row["created_at"]),
    )


def event_mapping_pb(row: Any) -> config_pb2.EventMapping:
    return config_pb2.EventMapping(
        destination_id=row["destination_id"],
        event_name=row["event_name"],
        action=MAPPING_ACTION_VALUES[row["action"]],
        target=row["target"],
        params=row["params"],
    )


def postback_pb(row: Any) -> config_pb2.Postback:
    return config_pb2.Postback(
        id=row["id"],
        name=row["name"],
        event_name=row["event_name"],
        campaign_id=row["campaign_id"],
        url_template=row["url_template"],
        method=row["method"],
        body_template=row["body_template"],
        content_type=row["content_type"],
        headers=[common_pb2.Header(**header) for header in row["headers"]],
        enabled=row["enabled"],
    )


async def load_state(conn: Any, organization_id: str) -> OrgState:
    """The whole stored configuration of one organization; NotFound when it does not exist."""
    org = await fetchrow(conn, "get_organization", organization_id)
    if org is None:
        raise NotFound("no such organization")
    integrations = await fetch(conn, "load_integrations", organization_id)
    destinations = await fetch(conn, "load_destinations", organization_id)
    snapshot = config_pb2.Snapshot(
        organization=organization_pb(org),
        version=org["config_version"],
        campaigns=[campaign_pb(r) for r in await fetch(conn, "load_campaigns", organization_id)],
        event_definitions=[event_pb(r) for r in await fetch(conn, "load_events", organization_id)],
        custom_fields=[
            custom_field_pb(r) for r in await fetch(conn, "load_custom_fields", organization_id)
        ],
        event_lists=[
            event_list_pb(r) for r in await fetch(conn, "load_event_lists", organization_id)
        ],
        integrations=[integration_pb(r) for r in integrations],
        destinations=[destination_pb(r) for r in destinations],
        event_mappings=[
            event_mapping_pb(r) for r in await fetch(conn, "load_event_mappings", organization_id)
        ],
        postbacks=[postback_pb(r) for r in await fetch(conn, "load_postbacks", organization_id)],
    )
    return OrgState(
        snapshot,
        sealed_credentials={r["id"]: r["credentials"] for r in destinations if r["credentials"]},
        sealed_secrets={r["id"]: r["signing_secret"] for r in integrations if r["signing_secret"]},
    )
