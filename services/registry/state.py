"""An organization's configuration held in memory, and the campaign resolution rules.

Configurations are small (hundreds of objects), so every mutation and every snapshot reads the
whole organization once inside its transaction; validation then looks things up here instead of
issuing one query per reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from switchyard.v1 import config_pb2

ORG_LEVEL = ""


@dataclass
class OrgState:
    """The stored configuration of one organization (the snapshot) plus its sealed secrets."""

    snapshot: config_pb2.Snapshot
    sealed_credentials: dict[str, bytes] = field(default_factory=dict)
    sealed_secrets: dict[str, bytes] = field(default_factory=dict)

    @property
    def organization_id(self) -> str:
        return self.snapshot.organization.id

    def campaign(self, campaign_id: str) -> config_pb2.Campaign | None:
        """The campaign with this id, if it is this organization's."""
        return next((c for c in self.snapshot.campaigns if c.id == campaign_id), None)

    def campaign_by_name(self, name: str) -> config_pb2.Campaign | None:
        return next((c for c in self.snapshot.campaigns if c.name == name), None)

    def event(self, event_id: str) -> config_pb2.EventDefinition | None:
        return next((e for e in self.snapshot.event_definitions if e.id == event_id), None)

    def event_named(
        self, name: str, campaign_id: str = ORG_LEVEL
    ) -> config_pb2.EventDefinition | None:
        """The definition a name resolves to at a level (campaign-level names first)."""
        for definition in self.snapshot.event_definitions:
            if definition.name == name and definition.campaign_id == campaign_id:
                found: config_pb2.EventDefinition = definition
                return found
        if campaign_id:
            return self.event_named(name, ORG_LEVEL)
        return None

    def event_exists_anywhere(self, name: str) -> bool:
        return any(e.name == name for e in self.snapshot.event_definitions)

    def org_event_names(self) -> list[str]:
        return [e.name for e in self.snapshot.event_definitions if not e.campaign_id]

    def event_list(self, list_id: str) -> config_pb2.EventList | None:
        return next((x for x in self.snapshot.event_lists if x.id == list_id), None)

    def custom_field(self, field_id: str) -> config_pb2.CustomField | None:
        return next((f for f in self.snapshot.custom_fields if f.id == field_id), None)

    def field_names(self, event_name: str, campaign_id: str = ORG_LEVEL) -> set[str]:
        """Custom fields of an event in one campaign, or in any campaign when none is given."""
        return {
            f.name
            for f in self.snapshot.custom_fields
            if f.event_name == event_name and (not campaign_id or f.campaign_id == campaign_id)
        }

    def integration(self, integration_id: str) -> config_pb2.Integration | None:
        return next((i for i in self.snapshot.integrations if i.id == integration_id), None)

    def destination(self, destination_id: str) -> config_pb2.Destination | None:
        return next((d for d in self.snapshot.destinations if d.id == destination_id), None)

    def postback(self, postback_id: str) -> config_pb2.Postback | None:
        return next((p for p in self.snapshot.postbacks if p.id == postback_id), None)

    def mappings_of(self, destination_id: str) -> list[config_pb2.EventMapping]:
        return [m for m in self.snapshot.event_mappings if m.destination_id == destination_id]

    def effective_event_names(self, campaign_id: str) -> list[str]:
        """Events a campaign accepts: its lists' events (or every org-level event when it has
        no list) plus its own campaign-level events."""
        campaign = self.campaign(campaign_id)
        if campaign is None:
            return []
        if campaign.event_list_ids:
            names: list[str] = []
            for list_id in campaign.event_list_ids:
                event_list = self.event_list(list_id)
                names.extend(event_list.event_names if event_list else ())
        else:
            names = self.org_event_names()
        own = [e.name for e in self.snapshot.event_definitions if e.campaign_id == campaign_id]
        return list(dict.fromkeys([*names, *own]))

    def resolve(self, campaign_id: str) -> config_pb2.ResolvedCampaign:
        """A campaign's effective events and the custom fields of those events."""
        names = self.effective_event_names(campaign_id)
        wanted = set(names)
        fields = [
            f
            for f in self.snapshot.custom_fields
            if f.campaign_id == campaign_id and f.event_name in wanted
        ]
        return config_pb2.ResolvedCampaign(
            campaign_id=campaign_id, event_names=names, fields=fields
        )

    def event_uses(self, name: str) -> list[str]:
        """What refers to an event name: lists, fields, mappings, postbacks, integration rules."""
        uses = [f"event list {x.name}" for x in self.snapshot.event_lists if name in x.event_names]
        uses += [
            f"custom field {f.name}" for f in self.snapshot.custom_fields if f.event_name == name
        ]
        for mapping in self.snapshot.event_mappings:
            if mapping.event_name == name or (
                mapping.action == config_pb2.MAPPING_ACTION_STANDARD and mapping.target == name
            ):
                destination = self.destination(mapping.destination_id)
                uses.append(f"mapping of destination {destination.name if destination else '?'}")
        uses += [f"postback {p.name}" for p in self.snapshot.postbacks if p.event_name == name]
        uses += [
            f"integration {i.name}"
            for i in self.snapshot.integrations
            if any(r.event_name == name for r in i.event_rules)
        ]
        return uses


def finish_snapshot(snapshot: config_pb2.Snapshot) -> config_pb2.Snapshot:
    """Fill the derived part of a snapshot: every campaign's resolved events and fields."""
    state = OrgState(snapshot)
    del snapshot.resolved_campaigns[:]
    snapshot.resolved_campaigns.extend(state.resolve(c.id) for c in snapshot.campaigns)
    return snapshot
