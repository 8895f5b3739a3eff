"""Per-snapshot lookup tables, built once per organization and version, never per event.

The snapshots themselves come from the mapper's `SnapshotStore` (fed by WatchSnapshots); this
module only indexes them the way ingest asks questions: integration by URL token hash, campaign
by id, a campaign's events and custom fields by name, event definition by name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from switchyard.v1 import config_pb2

ORG_LEVEL = ""
DEFAULT_DEDUP_WINDOW_SECONDS = 172_800


class SnapshotSource(Protocol):
    """What ingest needs of the snapshot store: one organization's snapshot, and all of them."""

    def get(self, organization_id: str) -> config_pb2.Snapshot | None: ...

    def all(self) -> Iterable[config_pb2.Snapshot]: ...

    def versions(self) -> dict[str, int]: ...


class StoreSource:
    """The mapper's `SnapshotStore` seen as a SnapshotSource."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def get(self, organization_id: str) -> config_pb2.Snapshot | None:
        held = self.store.held(organization_id)
        return held.snapshot if held is not None else None

    def all(self) -> Iterable[config_pb2.Snapshot]:
        for organization_id in list(self.store.known_versions()):
            snapshot = self.get(organization_id)
            if snapshot is not None:
                yield snapshot

    def versions(self) -> dict[str, int]:
        return dict(self.store.known_versions())

    @property
    def synced(self) -> asyncio.Event:
        """Set once the registry's stream has delivered every organization it held."""
        synced: asyncio.Event = self.store.synced
        return synced


@dataclass(frozen=True)
class ResolvedEvents:
    """A campaign's accepted events and, per event, its custom fields by name."""

    event_names: frozenset[str]
    fields: dict[str, dict[str, config_pb2.CustomField]]


@dataclass
class SnapshotIndex:
    """One organization's snapshot at one version, indexed for ingest's questions."""

    snapshot: config_pb2.Snapshot
    campaigns: dict[str, config_pb2.Campaign] = field(default_factory=dict)
    resolved: dict[str, ResolvedEvents] = field(default_factory=dict)
    definitions: dict[tuple[str, str], config_pb2.EventDefinition] = field(default_factory=dict)
    definitions_lower: dict[tuple[str, str], config_pb2.EventDefinition] = field(
        default_factory=dict
    )
    integrations: dict[str, config_pb2.Integration] = field(default_factory=dict)

    @classmethod
    def build(cls, snapshot: config_pb2.Snapshot) -> SnapshotIndex:
        """Index every lookup ingest makes."""
        index = cls(snapshot)
        index.campaigns = {c.id: c for c in snapshot.campaigns}
        for resolved in snapshot.resolved_campaigns:
            fields: dict[str, dict[str, config_pb2.CustomField]] = {}
            for custom in resolved.fields:
                fields.setdefault(custom.event_name, {})[custom.name] = custom
            index.resolved[resolved.campaign_id] = ResolvedEvents(
                frozenset(resolved.event_names), fields
            )
        for definition in snapshot.event_definitions:
            key = (definition.campaign_id, definition.name)
            index.definitions[key] = definition
            index.definitions_lower.setdefault((key[0], key[1].lower()), definition)
        index.integrations = {i.token_sha256: i for i in snapshot.integrations if i.token_sha256}
        return index

    @property
    def organization_id(self) -> str:
        return self.snapshot.organization.id

    @property
    def version(self) -> int:
        return self.snapshot.version

    @property
    def dedup_window_seconds(self) -> int:
        """How long an event id is remembered, with the documented default."""
        return self.snapshot.organization.dedup_window_seconds or DEFAULT_DEDUP_WINDOW_SECONDS

    def default_country(self, campaign_id: str) -> str | None:
        """The campaign's country for national phones, else the organization's."""
        campaign = self.campaigns.get(campaign_id)
        country = (campaign.default_country if campaign else "") or (
            self.snapshot.organization.default_country
        )
        return country or None

    def definition(self, name: str, campaign_id: str) -> config_pb2.EventDefinition | None:
        """The definition a name resolves to: campaign-level first, exact case before loose."""
        for scope in (campaign_id, ORG_LEVEL) if campaign_id else (ORG_LEVEL,):
            found = self.definitions.get((scope, name))
            if found is not None:
                return found
        lowered = name.lower()
        for scope in (campaign_id, ORG_LEVEL) if campaign_id else (ORG_LEVEL,):
            found = self.definitions_lower.get((scope, lowered))
            if found is not None:
                return found
        return None

    def campaign_fields(
        self, campaign_id: str, event_name: str
    ) -> dict[str, config_pb2.CustomField]:
        """Custom fields of one event in one campaign."""
        resolved = self.resolved.get(campaign_id)
        return resolved.fields.get(event_name, {}) if resolved else {}


class Catalog:
    """Indexes of every organization's current snapshot, plus a global URL token index."""

    def __init__(self, source: SnapshotSource) -> None:
        self._source = source
        self._indexes: dict[str, SnapshotIndex] = {}
        self._tokens: dict[str, tuple[str, int]] = {}
        self._campaigns: dict[str, str] = {}
        self._built_versions: dict[str, int] | None = None

    def index(self, organization_id: str) -> SnapshotIndex | None:
        """The index of an organization's current snapshot (rebuilt when its version moves)."""
        snapshot = self._source.get(organization_id)
        if snapshot is None:
            return None
        cached = self._indexes.get(organization_id)
        if cached is None or cached.version != snapshot.version:
            cached = SnapshotIndex.build(snapshot)
            self._indexes[organization_id] = cached
        return cached

    def integration(self, token_sha256: str) -> tuple[SnapshotIndex, config_pb2.Integration] | None:
        """The organization and integration a URL token's hash belongs to."""
        found = self._lookup_token(token_sha256)
        if found is None and self._may_rebuild():
            self._rebuild_tokens()
            found = self._lookup_token(token_sha256)
        return found

    def _lookup_token(
        self, token_sha256: str
    ) -> tuple[SnapshotIndex, config_pb2.Integration] | None:
        entry = self._tokens.get(token_sha256)
        if entry is None:
            return None
        index = self.index(entry[0])
        if index is None:
            return None
        integration = index.integrations.get(token_sha256)
        return (index, integration) if integration is not None else None

    def _may_rebuild(self) -> bool:
        # Unknown tokens cost a version comparison; the index is rebuilt only when some
        # organization's configuration moved since it was built.
        return self._source.versions() != self._built_versions

    def campaign(self, campaign_id: str) -> tuple[SnapshotIndex, config_pb2.Campaign] | None:
        """The organization and campaign a campaign id belongs to (click links carry no key)."""
        found = self._lookup_campaign(campaign_id)
        if found is None and self._may_rebuild():
            self._rebuild_tokens()
            found = self._lookup_campaign(campaign_id)
        return found

    def _lookup_campaign(
        self, campaign_id: str
    ) -> tuple[SnapshotIndex, config_pb2.Campaign] | None:
        organization_id = self._campaigns.get(campaign_id)
        index = self.index(organization_id) if organization_id is not None else None
        campaign = index.campaigns.get(campaign_id) if index is not None else None
        return (index, campaign) if index is not None and campaign is not None else None

    def _rebuild_tokens(self) -> None:
        tokens: dict[str, tuple[str, int]] = {}
        campaigns: dict[str, str] = {}
        for snapshot in self._source.all():
            for integration in snapshot.integrations:
                if integration.token_sha256:
                    tokens[integration.token_sha256] = (snapshot.organization.id, snapshot.version)
            for campaign in snapshot.campaigns:
                campaigns[campaign.id] = snapshot.organization.id
        self._tokens = tokens
        self._campaigns = campaigns
        self._built_versions = self._source.versions()
