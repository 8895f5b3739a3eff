"""Destinations, their sealed credentials and their per-event mapping overrides.

Credentials are sealed with AES-GCM bound to the destination id (a copied ciphertext does not
open under another row) and are never part of any answer: answers carry only their names and a
version bumped on every change, so the dispatcher knows when to fetch them again.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from services.common.destination_specs import spec_for
from services.common.errors import AlreadyExists, InvalidArgument, Problem
from services.registry import repository as repo
from services.registry import rules
from services.registry.state import OrgState
from services.registry.store import Outbound, Tx, require
from switchyard.v1 import config_pb2


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise InvalidArgument(problems)


def _unique_name(tx: Tx, name: str, own_id: str = "") -> None:
    if any(d.name == name and d.id != own_id for d in tx.state.snapshot.destinations):
        raise AlreadyExists(f"a destination named {name!r} already exists")


async def create_destination(
    tx: Tx,
    item: config_pb2.Destination,
    credentials: Mapping[str, str],
    path: str = "destination",
    credentials_path: str = "credentials",
) -> str:
    problems = rules.destination(item, tx.state, tx.allow, path)
    problems += rules.credentials(item.type, credentials, True, credentials_path)
    _raise(problems)
    _unique_name(tx, item.name)
    spec = spec_for(item.type)
    assert spec is not None  # checked by rules.destination
    destination_id = str(uuid.uuid4())  # known before insert: it is the credentials' AAD
    sealed = _seal(tx.outbound, destination_id, credentials) if credentials else None
    await repo.execute(
        tx.conn,
        "insert_destination",
        destination_id,
        tx.organization_id,
        item.name,
        spec.name,
        dict(item.settings),
        item.enabled,
        item.test_mode,
        list(item.campaign_ids),
    )
    if sealed is not None:
        await repo.execute(
            tx.conn,
            "set_destination_credentials",
            tx.organization_id,
            destination_id,
            sealed,
            sorted(credentials),
        )
    return destination_id


async def update_destination(
    tx: Tx, item: config_pb2.Destination, path: str = "destination"
) -> None:
    """Name, settings, flags and scope; the type is the destination's identity."""
    stored = require(tx.state.destination(item.id), "destination")
    if item.type and item.type != stored.type:
        _raise([Problem(f"{path}.type", "cannot change; create a new destination instead")])
    item.type = stored.type
    _raise(rules.destination(item, tx.state, tx.allow, path))
    _unique_name(tx, item.name, item.id)
    await repo.execute(
        tx.conn,
        "update_destination",
        tx.organization_id,
        item.id,
        item.name,
        dict(item.settings),
        item.enabled,
        item.test_mode,
        list(item.campaign_ids),
    )


async def set_credentials(
    tx: Tx, destination_id: str, credentials: Mapping[str, str], path: str = "credentials"
) -> None:
    """Replace every stored credential of a destination (an empty map removes them)."""
    stored = require(tx.state.destination(destination_id), "destination")
    _raise(rules.credentials(stored.type, credentials, False, path))
    sealed = _seal(tx.outbound, destination_id, credentials) if credentials else None
    await repo.execute(
        tx.conn,
        "set_destination_credentials",
        tx.organization_id,
        destination_id,
        sealed,
        sorted(credentials),
    )


def _seal(outbound: Outbound, destination_id: str, credentials: Mapping[str, str]) -> bytes:
    return outbound.require_cipher().encrypt(dict(credentials), destination_id)


def open_credentials(state: OrgState, outbound: Outbound, destination_id: str) -> dict[str, str]:
    """A destination's credentials in the clear, for the dispatcher at send time only."""
    require(state.destination(destination_id), "destination")
    sealed = state.sealed_credentials.get(destination_id)
    if sealed is None:
        return {}
    return outbound.require_cipher().decrypt(sealed, destination_id)


async def delete_destination(tx: Tx, destination_id: str) -> None:
    require(tx.state.destination(destination_id), "destination")
    await repo.execute(tx.conn, "delete_destination", tx.organization_id, destination_id)


async def set_mapping(tx: Tx, item: config_pb2.EventMapping, path: str = "event_mapping") -> None:
    """Store an override; AUTO removes it so the event auto-maps again."""
    require(tx.state.destination(item.destination_id), "destination")
    _raise(rules.event_mapping(item, tx.state, path))
    if item.action == config_pb2.MAPPING_ACTION_AUTO:
        await delete_mapping(tx, item.destination_id, item.event_name)
        return
    await repo.execute(
        tx.conn,
        "upsert_event_mapping",
        tx.organization_id,
        item.destination_id,
        item.event_name,
        repo.MAPPING_ACTIONS[item.action],
        item.target,
        dict(item.params),
    )


async def delete_mapping(tx: Tx, destination_id: str, event_name: str) -> None:
    require(tx.state.destination(destination_id), "destination")
    await repo.execute(
        tx.conn, "delete_event_mapping", tx.organization_id, destination_id, event_name
    )
