"""Destinations: settings per type, sealed credentials that never come back, event mappings."""

from __future__ import annotations

import grpc
import pytest
import structlog

from services.registry.app import start
from switchyard.v1 import common_pb2, config_pb2
from switchyard.v1 import registry_pb2 as rp
from tests.integration.registry.conftest import KeyedStub, settings_for
from tests.integration.registry.support import (
    campaign,
    custom_event,
    expect,
    meta_destination,
    problems,
    version,
)

Code = grpc.StatusCode
D = common_pb2


def _create(org, credentials=None, **fields):
    base = {"name": "dest", "type": D.DESTINATION_TYPE_META, "settings": {"pixel_id": "1"}}
    base.update(fields)
    return org.stub.CreateDestination(
        rp.CreateDestinationRequest(
            destination=config_pb2.Destination(**base),
            credentials={"access_token": "tok"} if credentials is None else credentials,
        )
    )


async def test_settings_are_checked_against_the_types_spec(org):
    before = await version(org)
    err = await expect(Code.INVALID_ARGUMENT, _create(org, settings={"pixel": "1"}))
    assert problems(err) == {
        "destination.settings.pixel_id": "is required for meta",
        "destination.settings.pixel": (
            "unknown setting (allowed: api_version, endpoint, pixel_id, test_event_code)"
        ),
    }
    err = await expect(Code.INVALID_ARGUMENT, _create(org, settings={"pixel_id": "12a"}))
    assert problems(err) == {"destination.settings.pixel_id": "must be digits only"}
    err = await expect(Code.INVALID_ARGUMENT, _create(org, type=0))
    assert "destination.type" in problems(err)
    err = await expect(Code.INVALID_ARGUMENT, _create(org, campaign_ids=["nope"]))
    assert "destination.campaign_ids[0]" in problems(err)
    err = await expect(Code.INVALID_ARGUMENT, _create(org, credentials={}))
    assert problems(err) == {"credentials.access_token": "is required for meta"}
    err = await expect(
        Code.INVALID_ARGUMENT, _create(org, credentials={"access_token": "t", "password": "p"})
    )
    assert "credentials.password" in problems(err)
    assert await version(org) == before
    listed = await org.stub.ListDestinations(rp.ListDestinationsRequest())
    assert list(listed.destinations) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost:8080/",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://2130706433/",
        "ftp://partner.example/",
    ],
)
async def test_internal_endpoints_are_refused(org, url):
    err = await expect(
        Code.INVALID_ARGUMENT,
        _create(org, settings={"pixel_id": "1", "endpoint": url}),
    )
    assert "destination.settings.endpoint" in problems(err)


async def test_webhook_and_postback_urls_are_checked_with_their_macros(org):
    webhook = {"type": D.DESTINATION_TYPE_WEBHOOK, "settings": {"url": "http://192.168.1.5/hook"}}
    err = await expect(
        Code.INVALID_ARGUMENT, _create(org, credentials={"signing_secret": "s"}, **webhook)
    )
    assert "destination.settings.url" in problems(err)
    err = await expect(
        Code.INVALID_ARGUMENT,
        _create(
            org,
            credentials={},
            type=D.DESTINATION_TYPE_POSTBACK,
            settings={"url": "https://p.example/?a={nope}", "method": "PUT"},
        ),
    )
    assert problems(err) == {
        "destination.settings.url": "unknown macros: nope",
        "destination.settings.method": "must be GET or POST",
    }
    made = await _create(
        org,
        credentials={},
        type=D.DESTINATION_TYPE_POSTBACK,
        settings={"url": "https://p.example/{sub1}?tx={transaction_id}"},
    )
    assert made.destination.credential_keys == []


async def test_credentials_are_sealed_and_never_returned_or_logged(org, internal, db_pool, capsys):
    secret = "EAAB-very-secret-token-1234567890"
    with structlog.testing.capture_logs() as logs:
        made = (await _create(org, credentials={"access_token": secret})).destination
        answers = [
            made,
            await org.stub.GetDestination(rp.GetDestinationRequest(id=made.id)),
            await org.stub.ListDestinations(rp.ListDestinationsRequest()),
            await org.stub.GetSnapshot(rp.GetSnapshotRequest()),
            await org.stub.ExportConfig(rp.ExportConfigRequest()),
            await internal.GetOrganizationSnapshot(
                rp.GetOrganizationSnapshotRequest(organization_id=org.id)
            ),
        ]
        await expect(
            Code.INVALID_ARGUMENT,
            org.stub.SetDestinationCredentials(
                rp.SetDestinationCredentialsRequest(
                    destination_id=made.id, credentials={"access_token": secret, "bad": secret}
                )
            ),
        )
        answers.append(
            await org.stub.SetDestinationCredentials(
                rp.SetDestinationCredentialsRequest(
                    destination_id=made.id, credentials={"access_token": secret + "-2"}
                )
            )
        )
    assert made.credential_keys == ["access_token"]
    assert made.credentials_version == 1
    assert answers[-1].destination.credentials_version == 2
    assert secret not in "".join(str(a) for a in answers)
    assert secret not in str(logs) + capsys.readouterr().out
    row = await db_pool.fetchrow("SELECT * FROM registry.destinations WHERE id = $1", made.id)
    assert secret.encode() not in bytes(row["credentials"])
    assert secret not in str(dict(row))

    opened = await internal.GetDestinationCredentials(
        rp.GetDestinationCredentialsRequest(organization_id=org.id, destination_id=made.id)
    )
    assert dict(opened.credentials) == {"access_token": secret + "-2"}
    assert opened.credentials_version == 2


async def test_a_sealed_credential_does_not_open_under_another_destination(org, internal, db_pool):
    one = await meta_destination(org, "one", token="token-one")
    two = await meta_destination(org, "two", token="token-two")
    await db_pool.execute(
        "UPDATE registry.destinations SET credentials ="
        " (SELECT credentials FROM registry.destinations WHERE id = $1) WHERE id = $2",
        one.id,
        two.id,
    )
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await internal.GetDestinationCredentials(
            rp.GetDestinationCredentialsRequest(organization_id=org.id, destination_id=two.id)
        )
    assert "token-one" not in str(info.value.details())


@pytest.fixture(scope="module")
async def keyless(database_url, db_pool):
    """A second registry with no credentials key and 10.0.0.0/8 allow-listed."""
    running = await start(
        settings_for(
            database_url,
            SWITCHYARD_CREDENTIALS_KEY="",
            SWITCHYARD_OUTBOUND_ALLOW_CIDRS="10.0.0.0/8",
        ),
        db_pool,
        with_metrics=False,
    )
    async with grpc.aio.insecure_channel(f"127.0.0.1:{running.port}") as chan:
        yield chan
    await running.stop(1.0)


async def test_credentials_need_a_configured_key(org, keyless):
    other = type(org)(org.id, org.key, KeyedStub(keyless, org.key))
    err = await expect(Code.FAILED_PRECONDITION, _create(other))
    assert "SWITCHYARD_CREDENTIALS_KEY" in err.details()
    made = await _create(
        other, credentials={}, type=D.DESTINATION_TYPE_OUTBRAIN, settings={}, name="ob"
    )
    assert made.destination.name == "ob"


async def test_an_operator_allow_list_opens_exactly_its_ranges(org, keyless):
    other = type(org)(org.id, org.key, KeyedStub(keyless, org.key))
    postback = {"type": D.DESTINATION_TYPE_POSTBACK, "credentials": {}}
    made = await _create(other, settings={"url": "http://10.0.0.7/pb"}, name="inside", **postback)
    assert made.destination.settings["url"] == "http://10.0.0.7/pb"
    err = await expect(
        Code.INVALID_ARGUMENT,
        _create(other, settings={"url": "http://192.168.0.7/pb"}, name="outside", **postback),
    )
    assert "destination.settings.url" in problems(err)


async def test_updates_keep_type_and_check_names(org):
    first = await meta_destination(org, "first")
    await meta_destination(org, "second")
    await expect(Code.ALREADY_EXISTS, _create(org, name="first"))
    first.name = "second"
    await expect(
        Code.ALREADY_EXISTS,
        org.stub.UpdateDestination(rp.UpdateDestinationRequest(destination=first)),
    )
    first.name = "first"
    first.type = D.DESTINATION_TYPE_TIKTOK
    err = await expect(
        Code.INVALID_ARGUMENT,
        org.stub.UpdateDestination(rp.UpdateDestinationRequest(destination=first)),
    )
    assert "destination.type" in problems(err)
    main = await campaign(org)
    first.type = D.DESTINATION_TYPE_META
    first.test_mode = True
    first.enabled = False
    first.campaign_ids[:] = [main.id]
    updated = (
        await org.stub.UpdateDestination(rp.UpdateDestinationRequest(destination=first))
    ).destination
    assert (updated.test_mode, updated.enabled, list(updated.campaign_ids)) == (
        True,
        False,
        [main.id],
    )
    assert updated.credentials_version == 1  # settings changes leave credentials alone
    err = await expect(
        Code.FAILED_PRECONDITION, org.stub.DeleteCampaign(rp.DeleteCampaignRequest(id=main.id))
    )
    assert "destination first" in err.details()
    await org.stub.DeleteDestination(rp.DeleteDestinationRequest(id=first.id))
    await expect(Code.NOT_FOUND, org.stub.GetDestination(rp.GetDestinationRequest(id=first.id)))


def _mapping(dest_id, event, action, target="", **params):
    return rp.SetEventMappingRequest(
        event_mapping=config_pb2.EventMapping(
            destination_id=dest_id, event_name=event, action=action, target=target, params=params
        )
    )


async def test_event_mappings_override_the_auto_mapping(org):
    dest = await meta_destination(org)
    await custom_event(org, "sale")
    A = config_pb2
    await org.stub.SetEventMapping(_mapping(dest.id, "sale", A.MAPPING_ACTION_CUSTOM, "Sale"))
    await org.stub.SetEventMapping(_mapping(dest.id, "Lead", A.MAPPING_ACTION_DISABLED))
    await org.stub.SetEventMapping(
        _mapping(dest.id, "Upsell", A.MAPPING_ACTION_STANDARD, "Purchase", value_field="x")
    )
    listed = (
        await org.stub.ListEventMappings(rp.ListEventMappingsRequest(destination_id=dest.id))
    ).event_mappings
    assert [(m.event_name, m.action, m.target) for m in listed] == [
        ("Lead", A.MAPPING_ACTION_DISABLED, ""),
        ("Upsell", A.MAPPING_ACTION_STANDARD, "Purchase"),
        ("sale", A.MAPPING_ACTION_CUSTOM, "Sale"),
    ]
    await org.stub.SetEventMapping(_mapping(dest.id, "sale", A.MAPPING_ACTION_CUSTOM, "Sold"))
    await org.stub.SetEventMapping(_mapping(dest.id, "Lead", A.MAPPING_ACTION_AUTO))
    snapshot = (await org.stub.GetSnapshot(rp.GetSnapshotRequest())).snapshot
    assert {(m.event_name, m.target) for m in snapshot.event_mappings} == {
        ("sale", "Sold"),
        ("Upsell", "Purchase"),
    }

    before = await version(org)
    for request, field in [
        (_mapping(dest.id, "nothing", A.MAPPING_ACTION_DISABLED), "event_mapping.event_name"),
        (_mapping(dest.id, "sale", A.MAPPING_ACTION_STANDARD, "Sale"), "event_mapping.target"),
        (_mapping(dest.id, "sale", A.MAPPING_ACTION_CUSTOM, ""), "event_mapping.target"),
        (_mapping(dest.id, "sale", A.MAPPING_ACTION_CUSTOM, "x" * 101), "event_mapping.target"),
        (_mapping(dest.id, "sale", A.MAPPING_ACTION_CUSTOM, "a\nb"), "event_mapping.target"),
        (_mapping(dest.id, "sale", A.MAPPING_ACTION_UNSPECIFIED), "event_mapping.action"),
        (_mapping(dest.id, "Lead", A.MAPPING_ACTION_AUTO, x="1"), "event_mapping.params"),
    ]:
        err = await expect(Code.INVALID_ARGUMENT, org.stub.SetEventMapping(request))
        assert field in problems(err)
    assert await version(org) == before
    sale = next(e for e in snapshot.event_definitions if e.name == "sale")
    err = await expect(
        Code.FAILED_PRECONDITION,
        org.stub.DeleteEventDefinition(rp.DeleteEventDefinitionRequest(id=sale.id)),
    )
    assert "mapping of destination meta-main" in err.details()
    await org.stub.DeleteDestination(rp.DeleteDestinationRequest(id=dest.id))
    snapshot = (await org.stub.GetSnapshot(rp.GetSnapshotRequest())).snapshot
    assert list(snapshot.event_mappings) == []
