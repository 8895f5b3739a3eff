"""Affiliate postbacks (macros, targets, methods) and integrations (tokens, rules, secrets)."""

from __future__ import annotations

import hashlib

import grpc
import pytest

from switchyard.v1 import common_pb2, config_pb2
from switchyard.v1 import registry_pb2 as rp
from tests.integration.registry.support import campaign, custom_event, expect, problems, version

Code = grpc.StatusCode
URL = "https://partner.example/pb?tx={transaction_id}&p={payout}"


def _postback(org, **fields):
    base = {"name": "aff", "event_name": "sale", "url_template": URL, "method": "GET"}
    base.update(fields)
    return org.stub.CreatePostback(rp.CreatePostbackRequest(postback=config_pb2.Postback(**base)))


async def test_postbacks_fire_known_macros_and_the_events_custom_fields(org):
    main = await campaign(org)
    await custom_event(org, "sale", affiliate_conversion=True)
    await org.stub.CreateCustomField(
        rp.CreateCustomFieldRequest(
            custom_field=config_pb2.CustomField(
                campaign_id=main.id, event_name="sale", name="plan", type=1
            )
        )
    )
    made = (
        await _postback(
            org,
            campaign_id=main.id,
            url_template=URL + "&plan={plan}",
            method="post",
            body_template='{"tx": "{transaction_id}"}',
            content_type="application/json",
            headers=[common_pb2.Header(name="X-Partner", value="{campaign_id}")],
        )
    ).postback
    assert made.method == "POST" and made.campaign_id == main.id
    listed = await org.stub.ListPostbacks(rp.ListPostbacksRequest(campaign_id=main.id))
    assert [p.id for p in listed.postbacks] == [made.id]
    made.enabled = False
    updated = (await org.stub.UpdatePostback(rp.UpdatePostbackRequest(postback=made))).postback
    assert not updated.enabled
    fields = (await org.stub.ListCustomFields(rp.ListCustomFieldsRequest())).custom_fields
    err = await expect(
        Code.FAILED_PRECONDITION,
        org.stub.DeleteCustomField(rp.DeleteCustomFieldRequest(id=fields[0].id)),
    )
    assert "postback aff" in err.details()


@pytest.mark.parametrize(
    ("fields", "field", "rule"),
    [
        ({"url_template": URL + "&x={secret}"}, "postback.url_template", "unknown macros: secret"),
        ({"url_template": "https://p.example/{}"}, "postback.url_template", "unknown macros: "),
        ({"url_template": "http://127.0.0.1/pb"}, "postback.url_template", None),
        (
            {"url_template": "http://127.0.0.{click_id}/pb"},
            "postback.url_template",
            "macros may not appear in the scheme or host",
        ),
        ({"url_template": "http://p.localhost/pb?{click_id}"}, "postback.url_template", None),
        ({"url_template": "http://169.254.169.254/?{click_id}"}, "postback.url_template", None),
        ({"url_template": "javascript:alert(1)"}, "postback.url_template", None),
        ({"method": "PUT"}, "postback.method", "must be GET or POST"),
        ({"body_template": "x"}, "postback.body_template", "only a POST postback has a body"),
        ({"event_name": "nothing"}, "postback.event_name", "no event 'nothing'"),
        (
            {"headers": [common_pb2.Header(name="Bad Header", value="v")]},
            "postback.headers[0].name",
            "must be an HTTP header token",
        ),
        (
            {"headers": [common_pb2.Header(name="X-A", value="a\r\nInjected: 1")]},
            "postback.headers[0].value",
            "must not hold control characters",
        ),
        ({"name": ""}, "postback.name", "must not be empty"),
    ],
)
async def test_bad_postbacks_are_refused_naming_the_field(org, fields, field, rule):
    await custom_event(org, "sale")
    before = await version(org)
    err = await expect(Code.INVALID_ARGUMENT, _postback(org, **fields))
    assert field in problems(err)
    if rule is not None:
        assert problems(err)[field] == rule
    assert await version(org) == before
    assert list((await org.stub.ListPostbacks(rp.ListPostbacksRequest())).postbacks) == []


async def test_postback_names_are_unique(org):
    await custom_event(org, "sale")
    await _postback(org)
    await expect(Code.ALREADY_EXISTS, _postback(org))


def _integration(org, secret="", **fields):
    base = {"name": "network", "kind": config_pb2.INTEGRATION_KIND_POSTBACK}
    base.update(fields)
    return org.stub.CreateIntegration(
        rp.CreateIntegrationRequest(
            integration=config_pb2.Integration(**base), signing_secret=secret
        )
    )


async def test_integration_tokens_are_shown_once_and_stored_as_sha256(org, db_pool):
    await custom_event(org, "sale")
    made = await _integration(
        org,
        event_name_path="event",
        event_rules=[config_pb2.EventRule(source="conv", event_name="sale")],
        field_rules=[
            config_pb2.FieldRule(target="transaction_id", source_path="txid"),
            config_pb2.FieldRule(target="params.aff_id", source_path="aff"),
        ],
    )
    assert len(made.token) >= 43
    assert made.integration.token_sha256 == hashlib.sha256(made.token.encode()).hexdigest()
    rows = await db_pool.fetch(
        "SELECT * FROM registry.integrations WHERE organization_id = $1", org.id
    )
    assert made.token not in str([dict(r) for r in rows])
    listed = await org.stub.ListIntegrations(rp.ListIntegrationsRequest())
    assert made.token not in str(listed)
    rotated = await org.stub.RotateIntegrationToken(
        rp.RotateIntegrationTokenRequest(id=made.integration.id)
    )
    assert rotated.token != made.token
    assert rotated.integration.token_sha256 == hashlib.sha256(rotated.token.encode()).hexdigest()
    snapshot = (await org.stub.GetSnapshot(rp.GetSnapshotRequest())).snapshot
    assert snapshot.integrations[0].token_sha256 == rotated.integration.token_sha256
    changed = rotated.integration
    changed.enabled = False
    updated = (
        await org.stub.UpdateIntegration(rp.UpdateIntegrationRequest(integration=changed))
    ).integration
    assert not updated.enabled and updated.token_sha256 == changed.token_sha256


async def test_integration_rules_name_real_events_and_canonical_fields(org):
    err = await expect(
        Code.INVALID_ARGUMENT,
        _integration(
            org,
            event_rules=[
                config_pb2.EventRule(source="conv", event_name="nothing"),
                config_pb2.EventRule(source="", event_name="Lead"),
            ],
            field_rules=[
                config_pb2.FieldRule(target="emial", source_path="e"),
                config_pb2.FieldRule(target="custom.plan", source_path="p"),
                config_pb2.FieldRule(target="email", source_path=""),
            ],
        ),
    )
    assert set(problems(err)) == {
        "integration.event_rules[0].event_name",
        "integration.event_rules[1].source",
        "integration.field_rules[0].target",
        "integration.field_rules[1].target",
        "integration.field_rules[2].source_path",
    }
    err = await expect(Code.INVALID_ARGUMENT, _integration(org, kind=0))
    assert "integration.kind" in problems(err)


async def test_shopify_needs_a_sealed_signing_secret(org, internal, db_pool):
    shopify = config_pb2.INTEGRATION_KIND_SHOPIFY
    err = await expect(Code.INVALID_ARGUMENT, _integration(org, kind=shopify))
    assert problems(err) == {"signing_secret": "shopify integrations need a signing secret"}
    made = await _integration(org, secret="shpss_topsecret", kind=shopify, name="shop")
    assert made.integration.has_signing_secret
    assert "shpss_topsecret" not in str(made)
    row = await db_pool.fetchrow(
        "SELECT signing_secret FROM registry.integrations WHERE id = $1", made.integration.id
    )
    assert b"shpss_topsecret" not in bytes(row["signing_secret"])
    opened = await internal.GetIntegrationSecret(
        rp.GetIntegrationSecretRequest(organization_id=org.id, integration_id=made.integration.id)
    )
    assert opened.signing_secret == "shpss_topsecret"
