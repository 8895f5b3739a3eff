"""Who may call what: API keys, roles, the internal token, and walls between tenants (law 7)."""

from __future__ import annotations

import re

import grpc
import pytest

from services.common.catalog import STANDARD_EVENTS, SYSTEM_EVENTS
from services.common.crypto import hash_api_key
from services.registry.organizations import bootstrap_organization
from switchyard.v1 import common_pb2, config_pb2, registry_pb2_grpc
from switchyard.v1 import registry_pb2 as rp
from tests.integration.registry.conftest import KeyedStub
from tests.integration.registry.support import (
    campaign,
    custom_event,
    expect,
    meta_destination,
    problems,
)

Code = grpc.StatusCode


async def test_calls_without_a_valid_admin_key_are_refused(org, channel, make_org):
    plain = registry_pb2_grpc.RegistryStub(channel)
    await expect(Code.UNAUTHENTICATED, plain.ListCampaigns(rp.ListCampaignsRequest()))
    await expect(
        Code.UNAUTHENTICATED,
        KeyedStub(channel, "sy_admin_not-a-key").ListCampaigns(rp.ListCampaignsRequest()),
    )
    ingest = await org.stub.CreateApiKey(
        rp.CreateApiKeyRequest(name="tag", role=config_pb2.API_KEY_ROLE_INGEST)
    )
    assert ingest.key.startswith("sy_ingest_")
    await expect(
        Code.PERMISSION_DENIED,
        KeyedStub(channel, ingest.key).ListCampaigns(rp.ListCampaignsRequest()),
    )


async def test_internal_methods_need_the_internal_token(org, channel):
    with_key = registry_pb2_grpc.RegistryInternalStub(channel)
    await expect(
        Code.PERMISSION_DENIED,
        with_key.GetOrganizationSnapshot(
            rp.GetOrganizationSnapshotRequest(organization_id=org.id), metadata=org.metadata()
        ),
    )
    await expect(
        Code.UNAUTHENTICATED,
        with_key.AuthenticateKey(rp.AuthenticateKeyRequest(key=org.key)),
    )


async def test_the_internal_token_has_no_organization_to_configure(channel):
    from tests.integration.registry.conftest import INTERNAL_TOKEN

    stub = KeyedStub(channel, INTERNAL_TOKEN)
    await expect(Code.PERMISSION_DENIED, stub.ListCampaigns(rp.ListCampaignsRequest()))


async def test_api_keys_are_shown_once_stored_hashed_and_revoked_at_once(org, internal, db_pool):
    made = await org.stub.CreateApiKey(
        rp.CreateApiKeyRequest(name="ci", role=config_pb2.API_KEY_ROLE_ADMIN)
    )
    listed = await org.stub.ListApiKeys(rp.ListApiKeysRequest())
    assert made.key not in str(listed)
    assert [k.name for k in listed.api_keys] == ["admin", "ci"]
    assert made.api_key.prefix == made.key[: len(made.api_key.prefix)]
    stored = await db_pool.fetchrow(
        "SELECT key_sha256 FROM registry.api_keys WHERE id = $1", made.api_key.id
    )
    assert stored["key_sha256"] == hash_api_key(made.key)
    rows = await db_pool.fetch("SELECT * FROM registry.api_keys WHERE organization_id = $1", org.id)
    assert made.key not in str([dict(r) for r in rows])

    who = await internal.AuthenticateKey(rp.AuthenticateKeyRequest(key=made.key))
    assert (who.organization_id, who.role, who.key_id) == (
        org.id,
        config_pb2.API_KEY_ROLE_ADMIN,
        made.api_key.id,
    )
    revoked = await org.stub.RevokeApiKey(rp.RevokeApiKeyRequest(id=made.api_key.id))
    assert revoked.api_key.HasField("revoked_at")
    await expect(
        Code.UNAUTHENTICATED, internal.AuthenticateKey(rp.AuthenticateKeyRequest(key=made.key))
    )


async def test_api_key_input_is_checked(org):
    err = await expect(
        Code.INVALID_ARGUMENT, org.stub.CreateApiKey(rp.CreateApiKeyRequest(name="x"))
    )
    assert problems(err) == {"role": "must be admin or ingest"}
    await expect(Code.NOT_FOUND, org.stub.RevokeApiKey(rp.RevokeApiKeyRequest(id="nope")))


async def test_bootstrap_creates_an_organization_with_every_built_in_event(db_pool, channel):
    org, key = await bootstrap_organization(db_pool, "Bootstrapped", "de")
    stub = KeyedStub(channel, key)
    got = await stub.GetOrganization(rp.GetOrganizationRequest())
    assert (got.organization.id, got.organization.default_country) == (org.id, "DE")
    assert got.organization.dedup_window_seconds == 172_800
    events = (await stub.ListEventDefinitions(rp.ListEventDefinitionsRequest())).event_definitions
    by_name = {e.name: e for e in events}
    assert set(by_name) == set(STANDARD_EVENTS) | set(SYSTEM_EVENTS)
    assert {n for n, e in by_name.items() if e.kind == common_pb2.EVENT_KIND_SYSTEM} == set(
        SYSTEM_EVENTS
    )
    assert {n for n, e in by_name.items() if e.conversion} == {
        "Purchase",
        "Lead",
        "CompleteRegistration",
        "Upsell",
    }
    assert {n for n, e in by_name.items() if e.multi_trigger} == {"Upsell"}


async def test_organization_updates_are_checked(org):
    err = await expect(
        Code.INVALID_ARGUMENT,
        org.stub.UpdateOrganization(
            rp.UpdateOrganizationRequest(
                organization=config_pb2.Organization(
                    name="", default_country="USA", dedup_window_seconds=5
                )
            )
        ),
    )
    assert set(problems(err)) == {
        "organization.name",
        "organization.default_country",
        "organization.dedup_window_seconds",
    }
    done = await org.stub.UpdateOrganization(
        rp.UpdateOrganizationRequest(
            organization=config_pb2.Organization(name="Acme EU", default_country="fr")
        )
    )
    assert (done.organization.name, done.organization.default_country) == ("Acme EU", "FR")
    assert done.organization.id == org.id


async def test_one_organization_cannot_see_or_touch_anothers_objects(make_org):
    a, b = await make_org("A"), await make_org("B")
    a_campaign = await campaign(a)
    a_event = await custom_event(a, "sale")
    a_list = (
        await a.stub.CreateEventList(
            rp.CreateEventListRequest(event_list=config_pb2.EventList(name="funnel"))
        )
    ).event_list
    a_field = (
        await a.stub.CreateCustomField(
            rp.CreateCustomFieldRequest(
                custom_field=config_pb2.CustomField(
                    campaign_id=a_campaign.id,
                    event_name="sale",
                    name="plan",
                    type=config_pb2.FIELD_TYPE_TEXT,
                )
            )
        )
    ).custom_field
    a_dest = await meta_destination(a)
    a_integration = (
        await a.stub.CreateIntegration(
            rp.CreateIntegrationRequest(
                integration=config_pb2.Integration(
                    name="net", kind=config_pb2.INTEGRATION_KIND_POSTBACK
                )
            )
        )
    ).integration
    a_postback = (
        await a.stub.CreatePostback(
            rp.CreatePostbackRequest(
                postback=config_pb2.Postback(
                    name="aff",
                    event_name="sale",
                    url_template="https://partner.example/pb?tx={transaction_id}",
                    method="GET",
                )
            )
        )
    ).postback
    a_key = (await a.stub.ListApiKeys(rp.ListApiKeysRequest())).api_keys[0]

    s = b.stub
    calls = [
        s.GetCampaign(rp.GetCampaignRequest(id=a_campaign.id)),
        s.UpdateCampaign(rp.UpdateCampaignRequest(campaign=a_campaign)),
        s.DeleteCampaign(rp.DeleteCampaignRequest(id=a_campaign.id)),
        s.ResolveCampaign(rp.ResolveCampaignRequest(campaign_id=a_campaign.id)),
        s.ListEventDefinitions(rp.ListEventDefinitionsRequest(campaign_id=a_campaign.id)),
        s.UpdateEventDefinition(rp.UpdateEventDefinitionRequest(event_definition=a_event)),
        s.DeleteEventDefinition(rp.DeleteEventDefinitionRequest(id=a_event.id)),
        s.ListCustomFields(rp.ListCustomFieldsRequest(campaign_id=a_campaign.id)),
        s.UpdateCustomField(rp.UpdateCustomFieldRequest(custom_field=a_field)),
        s.DeleteCustomField(rp.DeleteCustomFieldRequest(id=a_field.id)),
        s.UpdateEventList(rp.UpdateEventListRequest(event_list=a_list)),
        s.DeleteEventList(rp.DeleteEventListRequest(id=a_list.id)),
        s.AddEventsToList(rp.AddEventsToListRequest(event_list_id=a_list.id, event_names=["Lead"])),
        s.RemoveEventsFromList(
            rp.RemoveEventsFromListRequest(event_list_id=a_list.id, event_names=["Lead"])
        ),
        s.AssignEventList(
            rp.AssignEventListRequest(event_list_id=a_list.id, campaign_id=a_campaign.id)
        ),
        s.UpdateIntegration(rp.UpdateIntegrationRequest(integration=a_integration)),
        s.DeleteIntegration(rp.DeleteIntegrationRequest(id=a_integration.id)),
        s.RotateIntegrationToken(rp.RotateIntegrationTokenRequest(id=a_integration.id)),
        s.GetDestination(rp.GetDestinationRequest(id=a_dest.id)),
        s.UpdateDestination(rp.UpdateDestinationRequest(destination=a_dest)),
        s.SetDestinationCredentials(
            rp.SetDestinationCredentialsRequest(
                destination_id=a_dest.id, credentials={"access_token": "stolen"}
            )
        ),
        s.DeleteDestination(rp.DeleteDestinationRequest(id=a_dest.id)),
        s.SetEventMapping(
            rp.SetEventMappingRequest(
                event_mapping=config_pb2.EventMapping(
                    destination_id=a_dest.id,
                    event_name="Lead",
                    action=config_pb2.MAPPING_ACTION_DISABLED,
                )
            )
        ),
        s.DeleteEventMapping(
            rp.DeleteEventMappingRequest(destination_id=a_dest.id, event_name="Lead")
        ),
        s.ListEventMappings(rp.ListEventMappingsRequest(destination_id=a_dest.id)),
        s.UpdatePostback(rp.UpdatePostbackRequest(postback=a_postback)),
        s.DeletePostback(rp.DeletePostbackRequest(id=a_postback.id)),
        s.ListPostbacks(rp.ListPostbacksRequest(campaign_id=a_campaign.id)),
        s.RevokeApiKey(rp.RevokeApiKeyRequest(id=a_key.id)),
    ]
    for call in calls:
        await expect(Code.NOT_FOUND, call)

    before = (await b.stub.GetSnapshot(rp.GetSnapshotRequest())).snapshot
    listed = [
        await s.ListCampaigns(rp.ListCampaignsRequest()),
        await s.ListEventLists(rp.ListEventListsRequest()),
        await s.ListCustomFields(rp.ListCustomFieldsRequest()),
        await s.ListIntegrations(rp.ListIntegrationsRequest()),
        await s.ListDestinations(rp.ListDestinationsRequest()),
        await s.ListPostbacks(rp.ListPostbacksRequest()),
        await s.ListApiKeys(rp.ListApiKeysRequest()),
        await s.ListEventDefinitions(rp.ListEventDefinitionsRequest()),
        before,
        await s.ExportConfig(rp.ExportConfigRequest()),
    ]
    text = "".join(str(x) for x in listed)
    for foreign in (a_campaign.id, a_event.id, a_list.id, a_dest.id, a_integration.id, a_key.id):
        assert foreign not in text
    assert "sale" not in text and "meta-main" not in text and "funnel" not in text

    # A's objects are untouched by B's attempts.
    after_a = (await a.stub.GetSnapshot(rp.GetSnapshotRequest())).snapshot
    assert [c.id for c in after_a.campaigns] == [a_campaign.id]
    assert after_a.destinations[0].credentials_version == 1


@pytest.mark.parametrize("bad_id", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
async def test_unknown_ids_are_not_found(org, bad_id):
    await expect(Code.NOT_FOUND, org.stub.GetCampaign(rp.GetCampaignRequest(id=bad_id)))
    await expect(Code.NOT_FOUND, org.stub.GetDestination(rp.GetDestinationRequest(id=bad_id)))


async def test_health_says_serving_once_the_listener_is_up(channel, registry):
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    assert registry.hub.listening.is_set()
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", "switchyard.v1.Registry", "switchyard.v1.RegistryInternal"):
        answer = await health.Check(health_pb2.HealthCheckRequest(service=service))
        assert answer.status == health_pb2.HealthCheckResponse.SERVING


def test_the_init_command_prints_an_organization_and_a_working_key(
    database_url, monkeypatch, capsys
):
    from services.registry.__main__ import main

    monkeypatch.setenv("SWITCHYARD_DATABASE_URL", database_url)
    assert main(["init", "--org", "From CLI", "--country", "gb"]) == 0
    out = capsys.readouterr().out
    assert "organization id: " in out
    assert re.search(r"admin API key \(shown only now, store it safely\): sy_admin_\S{43}", out)
    assert main(["migrate"]) == 0
    assert "nothing, already up to date" in capsys.readouterr().out
