"""ApplyConfig: make an organization's configuration match a document, in one transaction.

Objects are matched by name and created, updated or (with `prune`) removed through the same
functions the gRPC calls use, each in a savepoint so that every problem of the document is
collected and reported with its path. Any problem rolls everything back. The version is bumped
once for the whole document, and not at all when nothing changed or on a dry run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from services.common.catalog import BUILT_IN_EVENTS
from services.common.errors import DomainError, InvalidArgument, Problem
from services.registry import campaigns, destinations, document, export, integrations, postbacks
from services.registry import repository as repo
from services.registry.catalog import CONVERSIONS, MULTI_TRIGGER
from services.registry.document import DestinationEntry, Document
from services.registry.organizations import update_organization
from services.registry.rules import AUTO_PARAMS_RULE, DEFAULT_DEDUP_WINDOW
from services.registry.state import OrgState
from services.registry.store import Store, Tx, announce
from switchyard.v1 import common_pb2, config_pb2

T = TypeVar("T")


@dataclass
class ApplyResult:
    """What changed and the version the organization is at afterwards."""

    changes: list[str]
    version: int


class _Rollback(Exception):
    """Ends the transaction of a dry run or of a document that changed nothing."""


async def apply_document(
    store: Store, organization_id: str, text: str, *, prune: bool, dry_run: bool
) -> ApplyResult:
    """Parse, diff and write a document; InvalidArgument lists every problem with its path."""
    doc = document.parse(text)
    async with store.pool.acquire() as conn:
        applier: _Applier | None = None
        try:
            async with conn.transaction():
                if not repo.is_uuid(organization_id):
                    await Store.bump(conn, organization_id)  # raises NotFound
                version = await repo.fetchval(conn, "lock_organization", organization_id)
                state = await repo.load_state(conn, organization_id)
                applier = _Applier(Tx(conn, organization_id, state, store.outbound), doc, prune)
                await applier.run()
                if applier.problems:
                    raise InvalidArgument(applier.problems)
                if dry_run or not applier.changes:
                    raise _Rollback
                version = await Store.bump(conn, organization_id)
                await announce(conn, organization_id, version)
        except _Rollback:
            pass
    assert applier is not None
    return ApplyResult(applier.changes, int(version))


def export_document(state: OrgState) -> str:
    """The organization's configuration as a document that applies back with no changes."""
    return export.render(state)


@dataclass
class _Applier:
    tx: Tx
    doc: Document
    prune: bool
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def state(self) -> OrgState:
        return self.tx.state

    async def run(self) -> None:
        """Create and update in dependency order, then prune in the reverse order."""
        await self._organization()
        for step in (
            self._campaigns,
            self._events,
            self._event_lists,
            self._assignments,
            self._fields,
            self._integrations,
            self._destinations,
            self._mappings,
            self._postbacks,
        ):
            await step()
            await self.tx.reload()
        if self.prune:
            await self._prune()

    async def _write(self, path: str, change: str, op: Awaitable[T]) -> T | None:
        """Run one write in a savepoint; record its change line or its problems."""
        try:
            async with self.tx.conn.transaction():
                result = await op
        except InvalidArgument as err:
            self.problems.extend(err.problems)
            return None
        except DomainError as err:
            self.problems.append(Problem(path, err.message))
            return None
        self.changes.append(change)
        return result

    def _campaign_id(self, name: str | None, path: str) -> str | None:
        """The id of a campaign named in the document; None (with a problem) when unknown."""
        if not name:
            return ""
        campaign = self.state.campaign_by_name(name)
        if campaign is None:
            self.problems.append(Problem(path, f"no campaign named {name!r}"))
            return None
        return str(campaign.id)

    async def _organization(self) -> None:
        wanted = self.doc.organization
        if wanted is None:
            return
        stored = self.state.snapshot.organization
        wanted.default_country = wanted.default_country.upper()
        wanted.dedup_window_seconds = wanted.dedup_window_seconds or DEFAULT_DEDUP_WINDOW
        key = ("name", "default_country", "dedup_window_seconds")
        if any(getattr(wanted, k) != getattr(stored, k) for k in key):
            await self._write(
                "organization",
                "updated organization",
                update_organization(self.tx, wanted),
            )
            await self.tx.reload()

    async def _campaigns(self) -> None:
        for i, entry in enumerate(self.doc.campaigns):
            wanted, path = entry.campaign, f"campaigns[{i}]"
            stored = self.state.campaign_by_name(wanted.name)
            if stored is None:
                await self._write(
                    path,
                    f"created campaign {wanted.name}",
                    campaigns.create_campaign(self.tx, wanted, path),
                )
                continue
            wanted.id = stored.id
            if (wanted.default_country.upper(), wanted.paused) != (
                stored.default_country,
                stored.paused,
            ):
                await self._write(
                    path,
                    f"updated campaign {wanted.name}",
                    campaigns.update_campaign(self.tx, wanted, path),
                )

    async def _events(self) -> None:
        for i, entry in enumerate(self.doc.events):
            wanted, path = entry.event, f"events[{i}]"
            campaign_id = self._campaign_id(entry.campaign, f"{path}.campaign")
            if campaign_id is None:
                continue
            wanted.campaign_id = campaign_id
            stored = next(
                (
                    e
                    for e in self.state.snapshot.event_definitions
                    if e.name == wanted.name and e.campaign_id == campaign_id
                ),
                None,
            )
            label = f"event {wanted.name}" + (
                f" of campaign {entry.campaign}" if campaign_id else ""
            )
            if stored is None:
                await self._write(
                    path,
                    f"created {label}",
                    campaigns.create_event(self.tx, wanted, path),
                )
                continue
            wanted.id = stored.id
            if stored.kind != common_pb2.EVENT_KIND_CUSTOM:
                _built_in_defaults(wanted, entry.given)
            if _event_key(wanted) != _event_key(stored):
                await self._write(
                    path,
                    f"updated {label}",
                    campaigns.update_event(self.tx, wanted, path),
                )

    async def _event_lists(self) -> None:
        for i, wanted in enumerate(self.doc.event_lists):
            path = f"event_lists[{i}]"
            stored = next(
                (x for x in self.state.snapshot.event_lists if x.name == wanted.name), None
            )
            if stored is None:
                await self._write(
                    path,
                    f"created event list {wanted.name}",
                    campaigns.create_list(self.tx, wanted, path),
                )
                continue
            wanted.id = stored.id
            if (wanted.description, list(wanted.event_names)) == (
                stored.description,
                list(stored.event_names),
            ):
                continue
            await self._write(
                path, f"updated event list {wanted.name}", self._update_list(wanted, path)
            )

    async def _update_list(self, wanted: config_pb2.EventList, path: str) -> None:
        await campaigns.update_list(self.tx, wanted, path)
        await campaigns.set_list_events(self.tx, wanted.id, wanted.event_names, f"{path}.events")

    async def _assignments(self) -> None:
        list_ids = {x.name: x.id for x in self.state.snapshot.event_lists}
        for i, entry in enumerate(self.doc.campaigns):
            stored = self.state.campaign_by_name(entry.campaign.name)
            if stored is None:
                continue
            path = f"campaigns[{i}].event_lists"
            unknown = [n for n in entry.event_lists if n not in list_ids]
            self.problems += [Problem(path, f"no event list named {n!r}") for n in unknown]
            wanted = {list_ids[n] for n in entry.event_lists if n in list_ids}
            current = set(stored.event_list_ids)
            if wanted == current or unknown:
                continue
            await self._write(
                path,
                f"updated event lists of campaign {stored.name}",
                self._reassign(stored.id, wanted, current),
            )

    async def _reassign(self, campaign_id: str, wanted: set[str], current: set[str]) -> None:
        for list_id in sorted(wanted - current):
            await campaigns.assign_list(self.tx, list_id, campaign_id)
        for list_id in sorted(current - wanted):
            await campaigns.unassign_list(self.tx, list_id, campaign_id)

    async def _fields(self) -> None:
        for i, entry in enumerate(self.doc.custom_fields):
            wanted, path = entry.field, f"custom_fields[{i}]"
            campaign_id = self._campaign_id(entry.campaign, f"{path}.campaign")
            if not campaign_id:
                continue
            wanted.campaign_id = campaign_id
            stored = _stored_field(self.state, wanted)
            label = f"custom field {wanted.name} of {entry.campaign}/{wanted.event_name}"
            if stored is None:
                await self._write(
                    path,
                    f"created {label}",
                    campaigns.create_field(self.tx, wanted, path),
                )
                continue
            wanted.id = stored.id
            if (wanted.type, wanted.required, wanted.description) != (
                stored.type,
                stored.required,
                stored.description,
            ):
                await self._write(
                    path,
                    f"updated {label}",
                    campaigns.update_field(self.tx, wanted, path),
                )

    async def _integrations(self) -> None:
        for i, entry in enumerate(self.doc.integrations):
            wanted, path = entry.integration, f"integrations[{i}]"
            campaign_id = self._campaign_id(entry.campaign, f"{path}.campaign")
            if campaign_id is None:
                continue
            wanted.campaign_id = campaign_id
            secret = entry.signing_secret or ""
            stored = next(
                (x for x in self.state.snapshot.integrations if x.name == wanted.name), None
            )
            if stored is None:
                token = await self._write(
                    path,
                    f"created integration {wanted.name}",
                    integrations.create_integration(self.tx, wanted, secret, path),
                )
                if token is not None:
                    self.changes[-1] += f" (URL token, shown once: {token[1]})"
                continue
            wanted.id = stored.id
            if secret and stored.has_signing_secret:
                opened = integrations.open_secret(self.state, self.tx.outbound, stored.id)
                secret = "" if opened == secret else secret
            if _integration_key(wanted) != _integration_key(stored) or secret:
                await self._write(
                    path,
                    f"updated integration {wanted.name}",
                    integrations.update_integration(self.tx, wanted, secret, path),
                )

    async def _destinations(self) -> None:
        for i, entry in enumerate(self.doc.destinations):
            wanted, path = entry.destination, f"destinations[{i}]"
            ids = [
                self._campaign_id(n, f"{path}.campaigns[{j}]")
                for j, n in enumerate(entry.campaigns)
            ]
            if None in ids:
                continue
            wanted.campaign_ids[:] = [c for c in ids if c]
            stored = next(
                (d for d in self.state.snapshot.destinations if d.name == wanted.name), None
            )
            if stored is None:
                await self._write(
                    path,
                    f"created destination {wanted.name}",
                    destinations.create_destination(
                        self.tx, wanted, entry.credentials or {}, path, f"{path}.credentials"
                    ),
                )
                continue
            wanted.id = stored.id
            if _destination_key(wanted) != _destination_key(stored):
                await self._write(
                    path,
                    f"updated destination {wanted.name}",
                    destinations.update_destination(self.tx, wanted, path),
                )
            await self._credentials(entry, stored, path)

    async def _credentials(
        self, entry: document.DestinationEntry, stored: config_pb2.Destination, path: str
    ) -> None:
        """Present credentials replace stored ones only when they differ; absent ones are kept."""
        if entry.credentials is None:
            return
        if stored.id in self.state.sealed_credentials or entry.credentials:
            try:
                current = destinations.open_credentials(self.state, self.tx.outbound, stored.id)
            except DomainError as err:
                self.problems.append(Problem(f"{path}.credentials", err.message))
                return
            if current == entry.credentials:
                return
        else:
            return
        await self._write(
            f"{path}.credentials",
            f"updated credentials of destination {stored.name}",
            destinations.set_credentials(
                self.tx, stored.id, entry.credentials or {}, f"{path}.credentials"
            ),
        )

    async def _mappings(self) -> None:
        for i, entry in enumerate(self.doc.destinations):
            stored = next(
                (d for d in self.state.snapshot.destinations if d.name == entry.destination.name),
                None,
            )
            if stored is not None:
                await self._destination_mappings(f"destinations[{i}]", entry, stored)

    async def _destination_mappings(
        self, path: str, entry: DestinationEntry, stored: config_pb2.Destination
    ) -> None:
        """Set the event mappings a destination's entry lists; with prune, remove the others."""
        current = {m.event_name: m for m in self.state.mappings_of(stored.id)}
        for j, wanted in enumerate(entry.mappings):
            wanted.destination_id = stored.id
            existing = current.get(wanted.event_name)
            await self._mapping(f"{path}.mappings[{j}]", stored, wanted, existing)
        if not self.prune:
            return
        wanted_events = {wanted.event_name for wanted in entry.mappings}
        for event_name in sorted(set(current) - wanted_events):
            await self._write(
                f"{path}.mappings",
                f"removed mapping of {event_name} for destination {stored.name}",
                destinations.delete_mapping(self.tx, stored.id, event_name),
            )

    async def _mapping(
        self,
        path: str,
        stored: config_pb2.Destination,
        wanted: config_pb2.EventMapping,
        existing: config_pb2.EventMapping | None,
    ) -> None:
        """Store one wanted mapping unless it is already so (AUTO with nothing stored is so)."""
        if wanted.action == config_pb2.MAPPING_ACTION_AUTO and existing is None:
            if wanted.params:  # nothing is stored, so the params would vanish
                self.problems.append(Problem(f"{path}.params", AUTO_PARAMS_RULE))
            return
        if existing is not None and _mapping_key(existing) == _mapping_key(wanted):
            return
        await self._write(
            path,
            f"set mapping of {wanted.event_name} for destination {stored.name}",
            destinations.set_mapping(self.tx, wanted, path),
        )

    async def _postbacks(self) -> None:
        for i, entry in enumerate(self.doc.postbacks):
            wanted, path = entry.postback, f"postbacks[{i}]"
            campaign_id = self._campaign_id(entry.campaign, f"{path}.campaign")
            if campaign_id is None:
                continue
            wanted.campaign_id = campaign_id
            stored = next((p for p in self.state.snapshot.postbacks if p.name == wanted.name), None)
            if stored is None:
                await self._write(
                    path,
                    f"created postback {wanted.name}",
                    postbacks.create_postback(self.tx, wanted, path),
                )
                continue
            wanted.id = stored.id
            if wanted != stored:
                await self._write(
                    path,
                    f"updated postback {wanted.name}",
                    postbacks.update_postback(self.tx, wanted, path),
                )

    async def _prune(self) -> None:
        """Remove what the document does not name, users before what they use."""
        doc, snapshot = self.doc, self.state.snapshot
        named = {e.postback.name for e in doc.postbacks}
        for p in [p for p in snapshot.postbacks if p.name not in named]:
            await self._remove("postbacks", f"postback {p.name}", postbacks.delete_postback, p.id)
        named = {e.destination.name for e in doc.destinations}
        for d in [d for d in snapshot.destinations if d.name not in named]:
            await self._remove(
                "destinations", f"destination {d.name}", destinations.delete_destination, d.id
            )
        named = {e.integration.name for e in doc.integrations}
        for x in [x for x in snapshot.integrations if x.name not in named]:
            await self._remove(
                "integrations", f"integration {x.name}", integrations.delete_integration, x.id
            )
        await self.tx.reload()
        await self._prune_fields()
        named = {x.name for x in doc.event_lists}
        for x in [x for x in self.state.snapshot.event_lists if x.name not in named]:
            await self._remove("event_lists", f"event list {x.name}", campaigns.delete_list, x.id)
        await self.tx.reload()
        await self._prune_events()
        await self.tx.reload()
        named = {e.campaign.name for e in doc.campaigns}
        for c in [c for c in self.state.snapshot.campaigns if c.name not in named]:
            await self._remove("campaigns", f"campaign {c.name}", campaigns.delete_campaign, c.id)

    async def _prune_fields(self) -> None:
        names = {c.id: c.name for c in self.state.snapshot.campaigns}
        named = {(e.campaign, e.field.event_name, e.field.name) for e in self.doc.custom_fields}
        for f in list(self.state.snapshot.custom_fields):
            if (names[f.campaign_id], f.event_name, f.name) not in named:
                label = f"custom field {f.name} of {names[f.campaign_id]}/{f.event_name}"
                await self._remove("custom_fields", label, campaigns.delete_field, f.id)
        await self.tx.reload()

    async def _prune_events(self) -> None:
        names = {c.id: c.name for c in self.state.snapshot.campaigns}
        named = {(e.campaign or "", e.event.name) for e in self.doc.events}
        for e in list(self.state.snapshot.event_definitions):
            if e.kind != common_pb2.EVENT_KIND_CUSTOM:
                continue  # built-in events are never removed; unlisted ones keep their flags
            if (names.get(e.campaign_id, ""), e.name) not in named:
                await self._remove("events", f"event {e.name}", campaigns.delete_event, e.id)

    async def _remove(
        self, path: str, label: str, delete: Callable[[Tx, str], Awaitable[None]], object_id: str
    ) -> None:
        await self._write(path, f"removed {label}", delete(self.tx, object_id))


def _built_in_defaults(wanted: config_pb2.EventDefinition, given: set[str]) -> None:
    """Flags a built-in entry leaves out take the catalog's defaults."""
    if "conversion" not in given:
        wanted.conversion = wanted.name in CONVERSIONS
    if "multi_trigger" not in given:
        wanted.multi_trigger = wanted.name in MULTI_TRIGGER
    if wanted.name in BUILT_IN_EVENTS and "description" not in given:
        from services.registry.catalog import DESCRIPTIONS

        wanted.description = DESCRIPTIONS.get(wanted.name, "")


def _event_key(e: config_pb2.EventDefinition) -> tuple[Any, ...]:
    return (
        e.description,
        e.conversion,
        e.affiliate_conversion,
        e.multi_trigger,
        e.payout if e.HasField("payout") else None,
        e.revenue if e.HasField("revenue") else None,
    )


def _stored_field(state: OrgState, wanted: config_pb2.CustomField) -> config_pb2.CustomField | None:
    for f in state.snapshot.custom_fields:
        key = (f.campaign_id, f.event_name, f.name)
        if key == (wanted.campaign_id, wanted.event_name, wanted.name):
            found: config_pb2.CustomField = f
            return found
    return None


def _integration_key(i: config_pb2.Integration) -> tuple[Any, ...]:
    return (
        i.kind,
        i.campaign_id,
        i.event_name_path,
        [(r.source, r.event_name) for r in i.event_rules],
        [(r.target, r.source_path) for r in i.field_rules],
        i.enabled,
        i.strict,
    )


def _destination_key(d: config_pb2.Destination) -> tuple[Any, ...]:
    return (d.type, dict(d.settings), d.enabled, d.test_mode, list(d.campaign_ids))


def _mapping_key(m: config_pb2.EventMapping) -> tuple[Any, ...]:
    return (m.action, m.target, dict(m.params))
