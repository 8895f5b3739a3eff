"""A snapshot indexed once per version, so mapping an event never scans the configuration."""

from __future__ import annotations

from collections import defaultdict

from services.common.catalog import BUILT_IN_EVENTS
from switchyard.v1 import common_pb2, config_pb2


class SnapshotIndex:
    """Lookups the mapper needs, built from one organization's snapshot."""

    def __init__(self, snapshot: config_pb2.Snapshot) -> None:
        self.snapshot = snapshot
        self.organization_id = snapshot.organization.id
        self.version = snapshot.version
        self.destinations = {d.id: d for d in snapshot.destinations}
        self._enabled = [d for d in snapshot.destinations if d.enabled]
        self.mappings = {(m.destination_id, m.event_name): m for m in snapshot.event_mappings}
        self.definitions = {(d.campaign_id, d.name): d for d in snapshot.event_definitions}
        self.postbacks = {p.id: p for p in snapshot.postbacks}
        by_event: defaultdict[str, list[config_pb2.Postback]] = defaultdict(list)
        for postback in snapshot.postbacks:
            if postback.enabled:
                by_event[postback.event_name].append(postback)
        self._postbacks_by_event = dict(by_event)
        self._by_campaign: dict[str, tuple[config_pb2.Destination, ...]] = {}

    def destinations_for(self, campaign_id: str) -> tuple[config_pb2.Destination, ...]:
        """Enabled destinations receiving a campaign's events (computed once per campaign)."""
        found = self._by_campaign.get(campaign_id)
        if found is None:
            found = tuple(
                d for d in self._enabled if not d.campaign_ids or campaign_id in d.campaign_ids
            )
            self._by_campaign[campaign_id] = found
        return found

    def definition(self, campaign_id: str, name: str) -> config_pb2.EventDefinition | None:
        """The event's definition: campaign-level first, then organization-level."""
        return self.definitions.get((campaign_id, name)) or self.definitions.get(("", name))

    def affiliate_postbacks(self, event_name: str, campaign_id: str) -> list[config_pb2.Postback]:
        """Enabled postbacks of an event: organization-level and the event's campaign's."""
        return [
            p
            for p in self._postbacks_by_event.get(event_name, ())
            if not p.campaign_id or p.campaign_id == campaign_id
        ]

    def is_custom(
        self, event: common_pb2.CanonicalEvent, definition: config_pb2.EventDefinition | None
    ) -> bool:
        """Whether an event is custom: by its kind, else its definition, else its name."""
        kind = event.kind or (definition.kind if definition else 0)
        if kind:
            return kind == common_pb2.EVENT_KIND_CUSTOM
        return event.event_name not in BUILT_IN_EVENTS
