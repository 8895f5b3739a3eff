"""Declarative config: apply makes an organization match a document, atomically, idempotently."""

from __future__ import annotations

import textwrap

import grpc
import pytest
import yaml

from services.registry import cli
from switchyard.v1 import registry_pb2 as rp
from tests.integration.registry.support import expect, problems, version

Code = grpc.StatusCode

DOCUMENT = textwrap.dedent(
    """
    organization: {name: Acme, default_country: US, dedup_window_seconds: 86400}
    campaigns:
      - {name: main, default_country: US, paused: false, event_lists: [funnel]}
      - {name: side}
    events:
      - {name: sale, description: A sale, conversion: true, affiliate_conversion: true,
         payout: 10}
      - {name: booked, campaign: side, multi_trigger: true}
      - {name: Purchase, conversion: true, revenue: 50}
    custom_fields:
      - {campaign: main, event: sale, name: plan, type: text, required: true}
    event_lists:
      - {name: funnel, events: [Lead, sale]}
    integrations:
      - name: network
        kind: postback
        campaign: main
        event_name_path: event
        event_rules: [{source: conv, event: sale}]
        field_rules: [{target: transaction_id, source: txid}, {target: custom.plan, source: p}]
    destinations:
      - name: meta-main
        type: meta
        settings: {pixel_id: "123"}
        credentials: {access_token: "${META_TOKEN}"}
        campaigns: [main]
        mappings:
          - {event: sale, action: custom, target: Sale}
          - {event: Lead, action: disabled}
    postbacks:
      - name: aff
        event: sale
        campaign: main
        url: "https://partner.example/pb?tx={transaction_id}&plan={plan}"
        method: GET
    """
)


def _apply(org, document, prune=True, dry_run=False):
    return org.stub.ApplyConfig(
        rp.ApplyConfigRequest(document=document, prune=prune, dry_run=dry_run)
    )


def _filled(token="EAAB-token-1"):
    return cli.substitute(DOCUMENT, {"META_TOKEN": token})


async def test_apply_creates_everything_once_and_a_second_apply_changes_nothing(org, internal):
    start = await version(org)
    first = await _apply(org, _filled())
    assert first.version == start + 1
    created = [line.split(" (")[0] for line in first.changes]
    assert created == [
        "updated organization",
        "created campaign main",
        "created campaign side",
        "created event sale",
        "created event booked of campaign side",
        "updated event Purchase",
        "created event list funnel",
        "updated event lists of campaign main",
        "created custom field plan of main/sale",
        "created integration network",
        "created destination meta-main",
        "set mapping of sale for destination meta-main",
        "set mapping of Lead for destination meta-main",
        "created postback aff",
    ]
    assert "URL token, shown once" in first.changes[9]
    snapshot = (await org.stub.GetSnapshot(rp.GetSnapshotRequest())).snapshot
    main = next(c for c in snapshot.campaigns if c.name == "main")
    resolved = next(r for r in snapshot.resolved_campaigns if r.campaign_id == main.id)
    assert list(resolved.event_names) == ["Lead", "sale"]
    assert [f.name for f in resolved.fields] == ["plan"]
    dest = snapshot.destinations[0]
    assert list(dest.campaign_ids) == [main.id] and list(dest.credential_keys) == ["access_token"]
    creds = await internal.GetDestinationCredentials(
        rp.GetDestinationCredentialsRequest(organization_id=org.id, destination_id=dest.id)
    )
    assert dict(creds.credentials) == {"access_token": "EAAB-token-1"}

    second = await _apply(org, _filled())
    assert list(second.changes) == []
    assert second.version == first.version == await version(org)

    third = await _apply(org, _filled("EAAB-token-2"))
    assert list(third.changes) == ["updated credentials of destination meta-main"]
    assert third.version == first.version + 1


async def test_export_applies_back_with_no_changes(org):
    await _apply(org, _filled())
    exported = (await org.stub.ExportConfig(rp.ExportConfigRequest())).document
    assert "EAAB-token-1" not in exported
    again = await _apply(org, exported)
    assert list(again.changes) == []
    parsed = yaml.safe_load(exported)
    assert parsed["destinations"][0]["mappings"] == [
        {"event": "Lead", "action": "disabled", "target": "", "params": {}},
        {"event": "sale", "action": "custom", "target": "Sale", "params": {}},
    ]
    assert "credentials" not in parsed["destinations"][0]
    # omitting credentials keeps the stored ones
    dest_before = (await org.stub.ListDestinations(rp.ListDestinationsRequest())).destinations[0]
    assert dest_before.credentials_version == 1


async def test_a_document_with_one_bad_entry_changes_nothing(org):
    await _apply(org, _filled())
    before = (await org.stub.GetSnapshot(rp.GetSnapshotRequest())).snapshot
    broken = (
        _filled()
        .replace('pixel_id: "123"', 'pixel_id: "12x"')
        .replace("campaign: side", "campaign: nowhere")
    )
    broken = broken.replace("{transaction_id}&plan={plan}", "{transaction_id}&x={nope}")
    err = await expect(Code.INVALID_ARGUMENT, _apply(org, broken))
    assert problems(err) == {
        "destinations[0].settings.pixel_id": "must be digits only",
        "postbacks[0].url_template": "unknown macros: nope",
        "events[1].campaign": "no campaign named 'nowhere'",
    }
    after = (await org.stub.GetSnapshot(rp.GetSnapshotRequest())).snapshot
    assert after == before


async def test_params_on_an_auto_mapping_are_refused_rather_than_dropped(org):
    with_params = _filled().replace(
        "{event: Lead, action: disabled}",
        '{event: Lead, action: auto, params: {conversion_action_id: "7"}}',
    )
    err = await expect(Code.INVALID_ARGUMENT, _apply(org, with_params))
    assert problems(err) == {
        "destinations[0].mappings[1].params": (
            "must be empty for auto; use standard with a target to keep params"
        )
    }


async def test_prune_removes_what_the_document_omits(org):
    await _apply(org, _filled())
    small = textwrap.dedent(
        """
        campaigns: [{name: main}]
        events: [{name: Purchase, conversion: true}]
        """
    )
    kept = await _apply(org, small, prune=False)
    assert set(kept.changes) == {
        "updated campaign main",  # default_country left out: back to the organization's
        "updated event Purchase",  # revenue left out: none
        "updated event lists of campaign main",
    }
    dry = await _apply(org, small, dry_run=True)
    assert "removed campaign side" in dry.changes
    assert dry.version == await version(org)
    assert len((await org.stub.ListCampaigns(rp.ListCampaignsRequest())).campaigns) == 2
    pruned = await _apply(org, small)
    assert set(pruned.changes) == {
        "removed postback aff",
        "removed destination meta-main",
        "removed integration network",
        "removed custom field plan of main/sale",
        "removed event list funnel",
        "removed event sale",
        "removed event booked",
        "removed campaign side",
    }
    snapshot = (await org.stub.GetSnapshot(rp.GetSnapshotRequest())).snapshot
    assert [c.name for c in snapshot.campaigns] == ["main"]
    assert {e.name for e in snapshot.event_definitions if e.kind == 3} == set()
    assert list((await _apply(org, small)).changes) == []


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ("campaigns: {name: x}", "campaigns"),
        ("campaigns: [{name: x, colour: red}]", "campaigns[0].colour"),
        ("campaigns: [{paused: maybe}]", "campaigns[0].name"),
        ("destinations: [{name: d, type: myspace}]", "destinations[0].type"),
        ("custom_fields: [{campaign: c, event: e, name: n, type: blob}]", "custom_fields[0].type"),
        ("campaigns: [{name: a}, {name: a}]", "campaigns[1]"),
        ("nonsense: 1", "document.nonsense"),
        ("[1, 2]", "document"),
        ("a: [unclosed", "document"),
    ],
)
async def test_document_shape_problems_name_their_path(org, document, field):
    err = await expect(Code.INVALID_ARGUMENT, _apply(org, document))
    assert field in problems(err)


async def test_cli_fills_variables_and_exports(org, registry, tmp_path):
    address = f"127.0.0.1:{registry.port}"
    path = tmp_path / "org.yaml"
    path.write_text(DOCUMENT)
    with pytest.raises(cli.CliError, match="META_TOKEN"):
        await cli.apply_file(address, org.key, path, {})
    environ = {"META_TOKEN": "EAAB-from-env"}
    changes = await cli.apply_file(address, org.key, path, environ)
    assert "created destination meta-main" in changes
    assert await cli.apply_file(address, org.key, path, environ) == []
    exported = await cli.export(address, org.key)
    assert "EAAB-from-env" not in exported and "meta-main" in exported
    bad = tmp_path / "bad.yaml"
    bad.write_text("campaigns: [{name: ''}]")
    with pytest.raises(cli.CliError, match=r"campaigns\[0\]\.name"):
        await cli.apply_file(address, org.key, bad, environ)
    with pytest.raises(cli.CliError, match="UNAUTHENTICATED"):
        await cli.export(address, "sy_admin_wrong")
