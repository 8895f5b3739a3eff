"""Integrations: sources of server-side events with rules mapping them to canonical ones.

Each has a URL token shown once and stored as SHA-256 (ingest hashes an incoming token to find
its integration) and, for verified kinds, a signing secret sealed like credentials.
"""

from __future__ import annotations

import hashlib
import secrets

from services.common.errors import AlreadyExists, InvalidArgument, Problem
from services.registry import repository as repo
from services.registry import rules
from services.registry.state import OrgState
from services.registry.store import Outbound, Tx, require
from switchyard.v1 import config_pb2

TOKEN_BYTES = 32


def new_token() -> tuple[str, str]:
    """A fresh URL token and its SHA-256 hex."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hashlib.sha256(token.encode()).hexdigest()


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise InvalidArgument(problems)


def _unique_name(tx: Tx, name: str, own_id: str = "") -> None:
    if any(i.name == name and i.id != own_id for i in tx.state.snapshot.integrations):
        raise AlreadyExists(f"an integration named {name!r} already exists")


def _rules_json(item: config_pb2.Integration) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    events = [{"source": r.source, "event_name": r.event_name} for r in item.event_rules]
    fields = [{"target": r.target, "source_path": r.source_path} for r in item.field_rules]
    return events, fields


async def create_integration(
    tx: Tx, item: config_pb2.Integration, signing_secret: str, path: str = "integration"
) -> tuple[str, str]:
    """Store an integration; return its id and URL token (the token is not kept)."""
    _raise(rules.integration(item, tx.state, path, has_secret=bool(signing_secret)))
    _unique_name(tx, item.name)
    token, digest = new_token()
    events, fields = _rules_json(item)
    integration_id: str = await repo.fetchval(
        tx.conn,
        "insert_integration",
        tx.organization_id,
        item.name,
        repo.INTEGRATION_KINDS[item.kind],
        item.campaign_id or None,
        item.event_name_path,
        events,
        fields,
        item.enabled,
        item.strict,
        digest,
    )
    if signing_secret:
        await _store_secret(tx, integration_id, signing_secret)
    return integration_id, token


async def update_integration(
    tx: Tx, item: config_pb2.Integration, signing_secret: str, path: str = "integration"
) -> None:
    """Name, campaign, rules and flags; the kind is fixed and the token is kept."""
    stored = require(tx.state.integration(item.id), "integration")
    if item.kind and item.kind != stored.kind:
        _raise([Problem(f"{path}.kind", "cannot change; create a new integration instead")])
    item.kind = stored.kind
    has_secret = bool(signing_secret) or stored.has_signing_secret
    _raise(rules.integration(item, tx.state, path, has_secret=has_secret))
    _unique_name(tx, item.name, item.id)
    events, fields = _rules_json(item)
    await repo.execute(
        tx.conn,
        "update_integration",
        tx.organization_id,
        item.id,
        item.name,
        item.campaign_id or None,
        item.event_name_path,
        events,
        fields,
        item.enabled,
        item.strict,
    )
    if signing_secret:
        await _store_secret(tx, item.id, signing_secret)


async def _store_secret(tx: Tx, integration_id: str, secret: str) -> None:
    sealed = tx.outbound.require_cipher().encrypt({"signing_secret": secret}, integration_id)
    await repo.execute(
        tx.conn, "set_integration_secret", tx.organization_id, integration_id, sealed
    )


def open_secret(state: OrgState, outbound: Outbound, integration_id: str) -> str:
    """An integration's signing secret in the clear, for ingest's signature check."""
    require(state.integration(integration_id), "integration")
    sealed = state.sealed_secrets.get(integration_id)
    if sealed is None:
        return ""
    return outbound.require_cipher().decrypt(sealed, integration_id)["signing_secret"]


async def rotate_token(tx: Tx, integration_id: str) -> str:
    """A new URL token; the old one stops working with this commit."""
    require(tx.state.integration(integration_id), "integration")
    token, digest = new_token()
    await repo.execute(tx.conn, "set_integration_token", tx.organization_id, integration_id, digest)
    return token


async def delete_integration(tx: Tx, integration_id: str) -> None:
    require(tx.state.integration(integration_id), "integration")
    await repo.execute(tx.conn, "delete_integration", tx.organization_id, integration_id)
