"""Campaigns, event definitions, custom fields and event lists: create, change, delete.

Each function runs inside an open mutation (`Tx`), checks its input against the organization's
state and writes; `path` is where problems are reported (a call's field or a document entry).
Deleting something still in use is refused, naming the users, rather than cascading silently.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.common.catalog import BUILT_IN_EVENTS
from services.common.errors import AlreadyExists, FailedPrecondition, InvalidArgument, Problem
from services.registry import repository as repo
from services.registry import rules
from services.registry.store import Tx, require
from switchyard.v1 import common_pb2, config_pb2


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise InvalidArgument(problems)


def _clean_campaign(item: config_pb2.Campaign) -> config_pb2.Campaign:
    clean = config_pb2.Campaign()
    clean.CopyFrom(item)
    clean.default_country = clean.default_country.upper()
    return clean


def _unique_campaign_name(tx: Tx, name: str, own_id: str = "") -> None:
    other = tx.state.campaign_by_name(name)
    if other is not None and other.id != own_id:
        raise AlreadyExists(f"a campaign named {name!r} already exists")


async def create_campaign(tx: Tx, item: config_pb2.Campaign, path: str = "campaign") -> str:
    item = _clean_campaign(item)
    _raise(rules.campaign(item, path))
    _unique_campaign_name(tx, item.name)
    campaign_id: str = await repo.fetchval(
        tx.conn, "insert_campaign", tx.organization_id, item.name, item.default_country, item.paused
    )
    return campaign_id


async def update_campaign(tx: Tx, item: config_pb2.Campaign, path: str = "campaign") -> None:
    item = _clean_campaign(item)
    require(tx.state.campaign(item.id), "campaign")
    _raise(rules.campaign(item, path))
    _unique_campaign_name(tx, item.name, item.id)
    await repo.execute(
        tx.conn,
        "update_campaign",
        tx.organization_id,
        item.id,
        item.name,
        item.default_country,
        item.paused,
    )


async def delete_campaign(tx: Tx, campaign_id: str) -> None:
    """Delete with its fields, campaign-level events and postbacks; refused while a destination
    or integration points at it (dropping it from a destination's scope would widen the scope)."""
    campaign = require(tx.state.campaign(campaign_id), "campaign")
    snapshot = tx.state.snapshot
    users = [
        f"destination {d.name}" for d in snapshot.destinations if campaign_id in d.campaign_ids
    ]
    users += [
        f"integration {i.name}" for i in snapshot.integrations if i.campaign_id == campaign_id
    ]
    own_events = {e.name for e in snapshot.event_definitions if e.campaign_id == campaign_id}
    users += [
        f"mapping of {m.event_name}"
        for m in snapshot.event_mappings
        if m.event_name in own_events and tx.state.event_named(m.event_name) is None
    ]
    if users:
        raise FailedPrecondition(f"campaign {campaign.name} is used by {', '.join(users)}")
    await repo.execute(tx.conn, "delete_campaign", tx.organization_id, campaign_id)


def _clash(tx: Tx, name: str, campaign_id: str, own_id: str = "") -> str | None:
    """Why a custom event name would not resolve to one definition, or None."""
    for other in tx.state.snapshot.event_definitions:
        if other.id == own_id or other.name != name:
            continue
        if not campaign_id or not other.campaign_id or other.campaign_id == campaign_id:
            return f"an event named {name!r} already exists"
    return None


async def create_event(
    tx: Tx, item: config_pb2.EventDefinition, path: str = "event_definition"
) -> str:
    """A custom event at organization level or, with campaign_id, at campaign level."""
    _raise(rules.event_definition(item, tx.state, path, built_in=False))
    clash = _clash(tx, item.name, item.campaign_id)
    if clash:
        raise AlreadyExists(clash)
    event_id: str = await repo.fetchval(
        tx.conn,
        "insert_event",
        tx.organization_id,
        item.campaign_id or None,
        item.name,
        item.description,
        item.conversion,
        item.affiliate_conversion,
        item.multi_trigger,
        item.payout if item.HasField("payout") else None,
        item.revenue if item.HasField("revenue") else None,
    )
    return event_id


async def update_event(
    tx: Tx, item: config_pb2.EventDefinition, path: str = "event_definition"
) -> None:
    """Flags, amounts and description; a custom event's name only while nothing uses it."""
    stored = require(tx.state.event(item.id), "event definition")
    built_in = stored.kind != common_pb2.EVENT_KIND_CUSTOM
    if item.campaign_id != stored.campaign_id:
        _raise([Problem(f"{path}.campaign_id", "cannot change; create a new event instead")])
    if item.name != stored.name:
        if built_in:
            _raise([Problem(f"{path}.name", f"{stored.name} is built in and cannot be renamed")])
        uses = tx.state.event_uses(stored.name)
        if uses:
            raise FailedPrecondition(f"event {stored.name} is used by {', '.join(uses)}")
    _raise(rules.event_definition(item, tx.state, path, built_in=built_in))
    clash = _clash(tx, item.name, item.campaign_id, item.id) if not built_in else None
    if clash:
        raise AlreadyExists(clash)
    await repo.execute(
        tx.conn,
        "update_event",
        tx.organization_id,
        item.id,
        item.name,
        item.description,
        item.conversion,
        item.affiliate_conversion,
        item.multi_trigger,
        item.payout if item.HasField("payout") else None,
        item.revenue if item.HasField("revenue") else None,
    )


async def delete_event(tx: Tx, event_id: str) -> None:
    stored = require(tx.state.event(event_id), "event definition")
    if stored.name in BUILT_IN_EVENTS and stored.kind != common_pb2.EVENT_KIND_CUSTOM:
        raise FailedPrecondition(f"{stored.name} is built in and cannot be deleted")
    uses = tx.state.event_uses(stored.name)
    if uses:
        raise FailedPrecondition(f"event {stored.name} is used by {', '.join(uses)}")
    await repo.execute(tx.conn, "delete_event", tx.organization_id, event_id)


async def create_field(tx: Tx, item: config_pb2.CustomField, path: str = "custom_field") -> str:
    _raise(rules.custom_field(item, tx.state, path))
    if item.name in tx.state.field_names(item.event_name, item.campaign_id):
        raise AlreadyExists(f"{item.event_name} already has a field named {item.name!r}")
    field_id: str = await repo.fetchval(
        tx.conn,
        "insert_custom_field",
        tx.organization_id,
        item.campaign_id,
        item.event_name,
        item.name,
        repo.FIELD_TYPES[item.type],
        item.required,
        item.description,
    )
    return field_id


async def update_field(tx: Tx, item: config_pb2.CustomField, path: str = "custom_field") -> None:
    """Type, required flag and description (campaign, event and name are its identity)."""
    stored = require(tx.state.custom_field(item.id), "custom field")
    problems = []
    for name in ("campaign_id", "event_name", "name"):
        if getattr(item, name) and getattr(item, name) != getattr(stored, name):
            problems.append(Problem(f"{path}.{name}", "cannot change"))
    if item.type == config_pb2.FIELD_TYPE_UNSPECIFIED:
        problems.append(Problem(f"{path}.type", "must be text, number, date or boolean"))
    problems += rules.description(item.description, f"{path}.description")
    _raise(problems)
    await repo.execute(
        tx.conn,
        "update_custom_field",
        tx.organization_id,
        item.id,
        repo.FIELD_TYPES[item.type],
        item.required,
        item.description,
    )


async def delete_field(tx: Tx, field_id: str) -> None:
    stored = require(tx.state.custom_field(field_id), "custom field")
    users = [
        f"postback {p.name}"
        for p in tx.state.snapshot.postbacks
        if p.event_name == stored.event_name
        and p.campaign_id in ("", stored.campaign_id)
        and stored.name in _macros_of(p)
    ]
    if users:
        raise FailedPrecondition(f"custom field {stored.name} is used by {', '.join(users)}")
    await repo.execute(tx.conn, "delete_custom_field", tx.organization_id, field_id)


def _macros_of(postback: config_pb2.Postback) -> set[str]:
    from services.common.macros import find_macros

    texts = [postback.url_template, postback.body_template, *(h.value for h in postback.headers)]
    return {name for text in texts for name in find_macros(text)}


def _unique_list_name(tx: Tx, name: str, own_id: str = "") -> None:
    if any(x.name == name and x.id != own_id for x in tx.state.snapshot.event_lists):
        raise AlreadyExists(f"an event list named {name!r} already exists")


async def create_list(tx: Tx, item: config_pb2.EventList, path: str = "event_list") -> str:
    _raise(rules.event_list(item, tx.state, path))
    _unique_list_name(tx, item.name)
    list_id: str = await repo.fetchval(
        tx.conn, "insert_event_list", tx.organization_id, item.name, item.description
    )
    await repo.execute(tx.conn, "insert_list_events", list_id, list(item.event_names))
    return list_id


async def update_list(tx: Tx, item: config_pb2.EventList, path: str = "event_list") -> None:
    """Name and description (events change through set_list_events)."""
    require(tx.state.event_list(item.id), "event list")
    problems = rules.display_name(item.name, f"{path}.name")
    _raise(problems + rules.description(item.description, f"{path}.description"))
    _unique_list_name(tx, item.name, item.id)
    await repo.execute(
        tx.conn, "update_event_list", tx.organization_id, item.id, item.name, item.description
    )


async def set_list_events(
    tx: Tx, list_id: str, names: Sequence[str], path: str = "event_names"
) -> None:
    """Make a list hold exactly these events; every campaign using the list follows."""
    require(tx.state.event_list(list_id), "event list")
    _raise(rules.list_events(names, tx.state, path))
    await repo.execute(tx.conn, "clear_list_events", list_id)
    await repo.execute(tx.conn, "insert_list_events", list_id, list(names))


async def delete_list(tx: Tx, list_id: str) -> None:
    require(tx.state.event_list(list_id), "event list")
    await repo.execute(tx.conn, "delete_event_list", tx.organization_id, list_id)


async def assign_list(tx: Tx, list_id: str, campaign_id: str) -> None:
    require(tx.state.event_list(list_id), "event list")
    require(tx.state.campaign(campaign_id), "campaign")
    await repo.execute(tx.conn, "assign_list", campaign_id, list_id)


async def unassign_list(tx: Tx, list_id: str, campaign_id: str) -> None:
    require(tx.state.event_list(list_id), "event list")
    require(tx.state.campaign(campaign_id), "campaign")
    await repo.execute(tx.conn, "unassign_list", campaign_id, list_id)
