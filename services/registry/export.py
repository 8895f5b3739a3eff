"""The organization's configuration written as a declarative document (see document.py).

Names stand in for ids, and nothing secret is written: no credentials, signing secrets or URL
tokens. Applying the output back changes nothing.
"""

from __future__ import annotations

from typing import Any

import yaml

from services.common.destination_specs import spec_for
from services.registry import repository as repo
from services.registry.document import ACTION_WORDS
from services.registry.state import OrgState
from switchyard.v1 import common_pb2, config_pb2


def render(state: OrgState) -> str:
    """The organization's configuration as a document (no credentials, secrets or tokens)."""
    snapshot = state.snapshot
    campaign_names = {c.id: c.name for c in snapshot.campaigns}
    list_names = {x.id: x.name for x in snapshot.event_lists}
    org = snapshot.organization
    document: dict[str, Any] = {
        "organization": {
            "name": org.name,
            "default_country": org.default_country,
            "dedup_window_seconds": org.dedup_window_seconds,
        },
        "campaigns": [
            {
                "name": c.name,
                "default_country": c.default_country,
                "paused": c.paused,
                "event_lists": [list_names[i] for i in c.event_list_ids],
            }
            for c in snapshot.campaigns
        ],
        "events": [_render_event(e, campaign_names) for e in snapshot.event_definitions],
        "custom_fields": [
            {
                "campaign": campaign_names[f.campaign_id],
                "event": f.event_name,
                "name": f.name,
                "type": repo.FIELD_TYPES[f.type],
                "required": f.required,
                "description": f.description,
            }
            for f in snapshot.custom_fields
        ],
        "event_lists": [
            {"name": x.name, "description": x.description, "events": list(x.event_names)}
            for x in snapshot.event_lists
        ],
        "integrations": [_render_integration(i, campaign_names) for i in snapshot.integrations],
        "destinations": [
            _render_destination(d, state, campaign_names) for d in snapshot.destinations
        ],
        "postbacks": [_render_postback(p, campaign_names) for p in snapshot.postbacks],
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def _render_event(e: config_pb2.EventDefinition, campaign_names: dict[str, str]) -> dict[str, Any]:
    rendered: dict[str, Any] = {"name": e.name}
    if e.campaign_id:
        rendered["campaign"] = campaign_names[e.campaign_id]
    if e.kind == common_pb2.EVENT_KIND_CUSTOM or e.description:
        rendered["description"] = e.description
    rendered.update(
        conversion=e.conversion,
        affiliate_conversion=e.affiliate_conversion,
        multi_trigger=e.multi_trigger,
        payout=e.payout if e.HasField("payout") else None,
        revenue=e.revenue if e.HasField("revenue") else None,
    )
    return rendered


def _render_integration(
    i: config_pb2.Integration, campaign_names: dict[str, str]
) -> dict[str, Any]:
    return {
        "name": i.name,
        "kind": repo.INTEGRATION_KINDS[i.kind],
        "campaign": campaign_names.get(i.campaign_id),
        "event_name_path": i.event_name_path,
        "enabled": i.enabled,
        "strict": i.strict,
        "event_rules": [{"source": r.source, "event": r.event_name} for r in i.event_rules],
        "field_rules": [{"target": r.target, "source": r.source_path} for r in i.field_rules],
    }


def _render_destination(
    d: config_pb2.Destination, state: OrgState, campaign_names: dict[str, str]
) -> dict[str, Any]:
    spec = spec_for(d.type)
    return {
        "name": d.name,
        "type": spec.name if spec else "",
        "settings": dict(sorted(d.settings.items())),
        "enabled": d.enabled,
        "test_mode": d.test_mode,
        "campaigns": [campaign_names[c] for c in d.campaign_ids],
        "mappings": [
            {
                "event": m.event_name,
                "action": ACTION_WORDS[m.action],
                "target": m.target,
                "params": dict(sorted(m.params.items())),
            }
            for m in state.mappings_of(d.id)
        ],
    }


def _render_postback(p: config_pb2.Postback, campaign_names: dict[str, str]) -> dict[str, Any]:
    return {
        "name": p.name,
        "event": p.event_name,
        "campaign": campaign_names.get(p.campaign_id),
        "url": p.url_template,
        "method": p.method,
        "body": p.body_template,
        "content_type": p.content_type,
        "headers": {h.name: h.value for h in p.headers},
        "enabled": p.enabled,
    }
