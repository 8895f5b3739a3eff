"""Event definitions, custom fields, event lists and a campaign's resolved events."""

from __future__ import annotations

import grpc

from switchyard.v1 import common_pb2, config_pb2
from switchyard.v1 import registry_pb2 as rp
from tests.integration.registry.support import (
    campaign,
    custom_event,
    expect,
    problems,
    version,
)

Code = grpc.StatusCode


async def _events(org, campaign_id=""):
    answer = await org.stub.ListEventDefinitions(
        rp.ListEventDefinitionsRequest(campaign_id=campaign_id)
    )
    return {e.name: e for e in answer.event_definitions}


async def _resolve(org, campaign_id):
    answer = await org.stub.ResolveCampaign(rp.ResolveCampaignRequest(campaign_id=campaign_id))
    return answer.resolved


async def test_custom_events_carry_flags_and_amounts(org):
    made = await custom_event(
        org, "sale", conversion=True, affiliate_conversion=True, payout=12.5, description="A sale"
    )
    assert made.kind == common_pb2.EVENT_KIND_CUSTOM
    assert (made.payout, made.HasField("revenue")) == (12.5, False)
    stored = (await _events(org))["sale"]
    assert stored == made


async def test_custom_event_names_follow_the_rule(org):
    before = await version(org)
    for bad in ("Sale", "1sale", "sale-won", "", "a" * 65, "sale won", "é"):
        err = await expect(Code.INVALID_ARGUMENT, custom_event(org, bad))
        assert "event_definition.name" in problems(err)
    err = await expect(Code.INVALID_ARGUMENT, custom_event(org, "fine", payout=-1))
    assert problems(err) == {"event_definition.payout": "must be a finite number >= 0"}
    err = await expect(Code.INVALID_ARGUMENT, custom_event(org, "fine", campaign_id="nope"))
    assert "event_definition.campaign_id" in problems(err)
    assert await version(org) == before
    assert "fine" not in await _events(org)


async def test_a_name_resolves_to_one_definition_in_a_campaign(org):
    one, two = await campaign(org, "one"), await campaign(org, "two")
    await custom_event(org, "sale")
    await custom_event(org, "qualified", one.id)
    await expect(Code.ALREADY_EXISTS, custom_event(org, "sale"))
    await expect(Code.ALREADY_EXISTS, custom_event(org, "sale", one.id))
    await expect(Code.ALREADY_EXISTS, custom_event(org, "qualified"))
    await expect(Code.ALREADY_EXISTS, custom_event(org, "qualified", one.id))
    await custom_event(org, "qualified", two.id)  # another campaign may reuse it
    await expect(Code.INVALID_ARGUMENT, custom_event(org, "lead_created"))


async def test_built_in_events_change_flags_but_not_names(org):
    purchase = (await _events(org))["Purchase"]
    purchase.affiliate_conversion = True
    purchase.revenue = 99.0
    updated = (
        await org.stub.UpdateEventDefinition(
            rp.UpdateEventDefinitionRequest(event_definition=purchase)
        )
    ).event_definition
    assert (updated.affiliate_conversion, updated.revenue) == (True, 99.0)
    purchase.name = "Buy"
    err = await expect(
        Code.INVALID_ARGUMENT,
        org.stub.UpdateEventDefinition(rp.UpdateEventDefinitionRequest(event_definition=purchase)),
    )
    assert "event_definition.name" in problems(err)
    err = await expect(
        Code.FAILED_PRECONDITION,
        org.stub.DeleteEventDefinition(rp.DeleteEventDefinitionRequest(id=purchase.id)),
    )
    assert "built in" in err.details()
    assert "Purchase" in await _events(org)


async def test_deleting_an_event_in_use_names_its_users(org):
    sale = await custom_event(org, "sale")
    await org.stub.CreateEventList(
        rp.CreateEventListRequest(
            event_list=config_pb2.EventList(name="funnel", event_names=["Lead", "sale"])
        )
    )
    err = await expect(
        Code.FAILED_PRECONDITION,
        org.stub.DeleteEventDefinition(rp.DeleteEventDefinitionRequest(id=sale.id)),
    )
    assert "event list funnel" in err.details()
    sale.name = "sale_renamed"
    await expect(
        Code.FAILED_PRECONDITION,
        org.stub.UpdateEventDefinition(rp.UpdateEventDefinitionRequest(event_definition=sale)),
    )
    unused = await custom_event(org, "unused")
    await org.stub.DeleteEventDefinition(rp.DeleteEventDefinitionRequest(id=unused.id))
    assert "unused" not in await _events(org)


async def test_custom_fields_belong_to_an_effective_event_of_a_campaign(org):
    main = await campaign(org)
    await custom_event(org, "sale")

    def field(**kw):
        base = {"campaign_id": main.id, "event_name": "sale", "name": "plan"}
        base.update(kw)
        return org.stub.CreateCustomField(
            rp.CreateCustomFieldRequest(custom_field=config_pb2.CustomField(**base))
        )

    err = await expect(Code.INVALID_ARGUMENT, field())
    assert problems(err) == {"custom_field.type": "must be text, number, date or boolean"}
    err = await expect(Code.INVALID_ARGUMENT, field(type=1, event_name="nothing"))
    assert "custom_field.event_name" in problems(err)
    err = await expect(Code.INVALID_ARGUMENT, field(type=1, name="Plan"))
    assert "custom_field.name" in problems(err)
    err = await expect(Code.INVALID_ARGUMENT, field(type=1, campaign_id=""))
    assert "custom_field.campaign_id" in problems(err)
    made = (await field(type=config_pb2.FIELD_TYPE_NUMBER, required=True)).custom_field
    await expect(Code.ALREADY_EXISTS, field(type=1))
    made.type = config_pb2.FIELD_TYPE_TEXT
    made.required = False
    updated = (
        await org.stub.UpdateCustomField(rp.UpdateCustomFieldRequest(custom_field=made))
    ).custom_field
    assert (updated.type, updated.required) == (config_pb2.FIELD_TYPE_TEXT, False)
    made.name = "renamed"
    await expect(
        Code.INVALID_ARGUMENT,
        org.stub.UpdateCustomField(rp.UpdateCustomFieldRequest(custom_field=made)),
    )
    resolved = await _resolve(org, main.id)
    assert [f.name for f in resolved.fields] == ["plan"]
    await org.stub.DeleteCustomField(rp.DeleteCustomFieldRequest(id=made.id))
    assert list((await _resolve(org, main.id)).fields) == []


async def test_a_campaign_without_lists_accepts_every_organization_level_event(org):
    main, other = await campaign(org, "main"), await campaign(org, "other")
    await custom_event(org, "sale")
    await custom_event(org, "booked", main.id)
    await custom_event(org, "elsewhere", other.id)
    names = list((await _resolve(org, main.id)).event_names)
    assert "Purchase" in names and "lead_created" in names and "sale" in names
    assert "booked" in names and "elsewhere" not in names
    assert set(await _events(org, main.id)) == set(names)


async def test_lists_decide_a_campaigns_events_and_edits_reach_every_campaign(org):
    one, two, free = (
        await campaign(org, "one"),
        await campaign(org, "two"),
        await campaign(org, "free"),
    )
    await custom_event(org, "sale")
    await custom_event(org, "booked", one.id)
    funnel = (
        await org.stub.CreateEventList(
            rp.CreateEventListRequest(
                event_list=config_pb2.EventList(name="funnel", event_names=["Lead", "sale"])
            )
        )
    ).event_list
    for c in (one, two):
        assigned = await org.stub.AssignEventList(
            rp.AssignEventListRequest(event_list_id=funnel.id, campaign_id=c.id)
        )
        assert list(assigned.campaign.event_list_ids) == [funnel.id]
    assert list((await _resolve(org, one.id)).event_names) == ["Lead", "sale", "booked"]
    assert list((await _resolve(org, two.id)).event_names) == ["Lead", "sale"]

    await org.stub.AddEventsToList(
        rp.AddEventsToListRequest(event_list_id=funnel.id, event_names=["Purchase", "Lead"])
    )
    await org.stub.RemoveEventsFromList(
        rp.RemoveEventsFromListRequest(event_list_id=funnel.id, event_names=["sale"])
    )
    for c in (one, two):
        assert "Purchase" in (await _resolve(org, c.id)).event_names
        assert "sale" not in (await _resolve(org, c.id)).event_names
    assert "sale" in (await _resolve(org, free.id)).event_names

    err = await expect(
        Code.INVALID_ARGUMENT,
        org.stub.AddEventsToList(
            rp.AddEventsToListRequest(event_list_id=funnel.id, event_names=["nothing", "booked"])
        ),
    )
    assert set(problems(err)) == {"event_names[0]", "event_names[1]"}
    await expect(
        Code.NOT_FOUND,
        org.stub.RemoveEventsFromList(
            rp.RemoveEventsFromListRequest(event_list_id=funnel.id, event_names=["ViewContent"])
        ),
    )
    await org.stub.UnassignEventList(
        rp.UnassignEventListRequest(event_list_id=funnel.id, campaign_id=two.id)
    )
    assert "sale" in (await _resolve(org, two.id)).event_names  # back to every org event
    await org.stub.DeleteEventList(rp.DeleteEventListRequest(id=funnel.id))
    got = await org.stub.GetCampaign(rp.GetCampaignRequest(id=one.id))
    assert list(got.campaign.event_list_ids) == []


async def test_list_names_are_unique_and_checked(org):
    make = lambda name: org.stub.CreateEventList(  # noqa: E731
        rp.CreateEventListRequest(event_list=config_pb2.EventList(name=name))
    )
    await make("funnel")
    await expect(Code.ALREADY_EXISTS, make("funnel"))
    err = await expect(Code.INVALID_ARGUMENT, make(" "))
    assert "event_list.name" in problems(err)


async def test_campaigns_are_named_uniquely_and_deleted_with_their_own_objects(org):
    main = await campaign(org, "main", default_country="us")
    assert main.default_country == "US"
    await expect(Code.ALREADY_EXISTS, campaign(org, "main"))
    err = await expect(Code.INVALID_ARGUMENT, campaign(org, "x", default_country="USA"))
    assert "campaign.default_country" in problems(err)
    await custom_event(org, "booked", main.id)
    main.paused = True
    updated = (await org.stub.UpdateCampaign(rp.UpdateCampaignRequest(campaign=main))).campaign
    assert updated.paused
    await org.stub.DeleteCampaign(rp.DeleteCampaignRequest(id=main.id))
    assert "booked" not in await _events(org)
    assert list((await org.stub.ListCampaigns(rp.ListCampaignsRequest())).campaigns) == []
