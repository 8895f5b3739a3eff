"""Routing: which destinations an event reaches, under which name, and why it is skipped."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from services.common.catalog import STANDARD_EVENTS
from services.common.errors import NotFound
from services.mapper.platforms.table import PLATFORMS
from services.mapper.routing import map_events
from services.mapper.snapshot_index import SnapshotIndex
from switchyard.v1 import common_pb2, config_pb2
from tests.unit.mapper import factory as f

D = common_pb2.DestinationType
M = config_pb2.MappingAction
SEND = common_pb2.DELIVERY_DECISION_SEND
SKIP = common_pb2.DELIVERY_DECISION_SKIP
PLATFORM_TYPES = [
    t for t in PLATFORMS if t not in (D.DESTINATION_TYPE_POSTBACK, D.DESTINATION_TYPE_WEBHOOK)
]


def deliveries(snapshot: config_pb2.Snapshot, *events: common_pb2.CanonicalEvent, **kw: str):
    results = map_events(SnapshotIndex(snapshot), list(events), f.NOW, **kw)
    return [list(r.deliveries) for r in results]


def only(snapshot: config_pb2.Snapshot, event: common_pb2.CanonicalEvent) -> common_pb2.Delivery:
    ((delivery,),) = deliveries(snapshot, event)
    return delivery


def body(delivery: common_pb2.Delivery) -> dict:
    return json.loads(delivery.request.body)


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (D.DESTINATION_TYPE_META, "Purchase"),
        (D.DESTINATION_TYPE_GA4, "purchase"),
        (D.DESTINATION_TYPE_TIKTOK, "CompletePayment"),
        (D.DESTINATION_TYPE_SNAPCHAT, "PURCHASE"),
        (D.DESTINATION_TYPE_PINTEREST, "checkout"),
        (D.DESTINATION_TYPE_REDDIT, "Purchase"),
        (D.DESTINATION_TYPE_MICROSOFT, "purchase"),
    ],
)
def test_purchase_auto_maps_to_each_platforms_standard_event(dtype: int, expected: str) -> None:
    delivery = only(f.snapshot([f.destination(dtype)]), f.event())
    assert delivery.decision == SEND
    assert delivery.platform_event_name == expected


def test_every_adapter_table_covers_the_standard_catalog() -> None:
    for platform in PLATFORMS.values():
        if platform.name in ("postback", "webhook"):
            continue
        assert set(platform.event_names) == set(STANDARD_EVENTS), platform.name


@pytest.mark.parametrize(
    ("dtype", "name", "wire"),
    [
        (D.DESTINATION_TYPE_META, "Upsell", ("data", 0, "event_name", "Upsell")),
        (D.DESTINATION_TYPE_GA4, "Upsell", ("events", 0, "name", "upsell")),
        (D.DESTINATION_TYPE_SNAPCHAT, "OutboundClick", ("data", 0, "event_name", "CUSTOM_EVENT_1")),
        (D.DESTINATION_TYPE_PINTEREST, "Schedule", ("data", 0, "event_name", "custom")),
        (D.DESTINATION_TYPE_MICROSOFT, "OutboundClick", ("data", 0, "eventName", "outbound_click")),
    ],
)
def test_standard_event_without_equivalent_goes_as_the_platforms_custom_event(
    dtype: int, name: str, wire: tuple
) -> None:
    delivery = only(f.snapshot([f.destination(dtype)]), f.event(event_name=name))
    field, index, key, value = wire
    assert delivery.decision == SEND
    assert body(delivery)[field][index][key] == value


def test_reddit_custom_event_uses_tracking_type_custom_with_its_name() -> None:
    delivery = only(
        f.snapshot([f.destination(D.DESTINATION_TYPE_REDDIT)]), f.event(event_name="Schedule")
    )
    assert body(delivery)["events"][0]["event_type"] == {
        "tracking_type": "Custom",
        "custom_event_name": "Schedule",
    }


def test_disabled_mapping_is_a_skip_with_its_reason() -> None:
    meta = f.destination(D.DESTINATION_TYPE_META)
    mapping = config_pb2.EventMapping(
        destination_id=meta.id, event_name="Purchase", action=M.MAPPING_ACTION_DISABLED
    )
    delivery = only(f.snapshot([meta], [mapping]), f.event())
    assert delivery.decision == SKIP
    assert delivery.skip_reason == "event Purchase is disabled for destination meta main"
    assert not delivery.request.url


def test_standard_remap_and_custom_name_win_over_auto() -> None:
    tiktok = f.destination(D.DESTINATION_TYPE_TIKTOK)
    meta = f.destination(D.DESTINATION_TYPE_META)
    mappings = [
        config_pb2.EventMapping(
            destination_id=tiktok.id,
            event_name="Purchase",
            action=M.MAPPING_ACTION_STANDARD,
            target="Lead",
        ),
        config_pb2.EventMapping(
            destination_id=meta.id,
            event_name="Purchase",
            action=M.MAPPING_ACTION_CUSTOM,
            target="BigSale",
        ),
    ]
    (found,) = deliveries(f.snapshot([tiktok, meta], mappings), f.event())
    by_id = {d.destination_id: d for d in found}
    assert body(by_id[tiktok.id])["data"][0]["event"] == "Lead"
    assert body(by_id[meta.id])["data"][0]["event_name"] == "BigSale"


def test_custom_event_goes_only_where_mapped_but_always_to_webhooks() -> None:
    meta = f.destination(D.DESTINATION_TYPE_META)
    tiktok = f.destination(D.DESTINATION_TYPE_TIKTOK)
    hook = f.destination(D.DESTINATION_TYPE_WEBHOOK)
    mapping = config_pb2.EventMapping(
        destination_id=meta.id,
        event_name="sale",
        action=M.MAPPING_ACTION_STANDARD,
        target="Purchase",
    )
    sale = f.event(event_name="sale", kind=common_pb2.EVENT_KIND_CUSTOM)
    (found,) = deliveries(f.snapshot([meta, tiktok, hook], [mapping]), sale)
    by_id = {d.destination_id: d for d in found}
    assert by_id[meta.id].decision == SEND
    assert body(by_id[meta.id])["data"][0]["event_name"] == "Purchase"
    assert by_id[tiktok.id].decision == SKIP
    assert by_id[tiktok.id].skip_reason == "custom event sale is not mapped for tiktok main"
    assert by_id[hook.id].decision == SEND
    assert body(by_id[hook.id])["event_name"] == "sale"


def test_campaign_scope_and_disabled_destinations() -> None:
    everywhere = f.destination(D.DESTINATION_TYPE_META, id="all")
    elsewhere = f.destination(D.DESTINATION_TYPE_META, id="other", campaign_ids=["camp-2"])
    here = f.destination(D.DESTINATION_TYPE_META, id="here", campaign_ids=["camp-2", "camp-1"])
    off = f.destination(D.DESTINATION_TYPE_META, id="off", enabled=False)
    (found,) = deliveries(f.snapshot([everywhere, elsewhere, here, off]), f.event())
    assert [d.destination_id for d in found] == ["all", "here"]


def test_missing_match_keys_are_skips_naming_what_is_missing() -> None:
    dests = [f.destination(t) for t in PLATFORM_TYPES]
    (found,) = deliveries(f.snapshot(dests), f.bare_event())
    assert all(d.decision == SKIP for d in found)
    google = next(d for d in found if d.destination_type == D.DESTINATION_TYPE_GOOGLE_ADS)
    assert "gclid" in google.skip_reason and "e-mail" in google.skip_reason


def test_google_ads_sends_enhanced_conversion_without_click() -> None:
    event = f.event(click=common_pb2.Click())
    delivery = only(f.snapshot([f.destination(D.DESTINATION_TYPE_GOOGLE_ADS)]), event)
    conversion = body(delivery)["conversions"][0]
    assert "gclid" not in conversion
    assert conversion["userIdentifiers"][0]["hashedEmail"] == f.EMAIL


def test_google_ads_without_conversion_action_is_skipped_and_mapping_params_supply_it() -> None:
    ads = f.destination(D.DESTINATION_TYPE_GOOGLE_ADS, settings={"customer_id": "1234567890"})
    assert "conversion_action_id" in only(f.snapshot([ads]), f.event()).skip_reason
    mapping = config_pb2.EventMapping(
        destination_id=ads.id,
        event_name="Purchase",
        action=M.MAPPING_ACTION_AUTO,
        params={"conversion_action_id": "555"},
    )
    delivery = only(f.snapshot([ads], [mapping]), f.event())
    assert (
        body(delivery)["conversions"][0]["conversionAction"]
        == "customers/1234567890/conversionActions/555"
    )


def test_google_ads_takes_one_click_id_preferring_gclid() -> None:
    click = f.click()
    click.ids.gbraid = "gb-1"
    click.ids.wbraid = "wb-1"
    conversion = body(
        only(f.snapshot([f.destination(D.DESTINATION_TYPE_GOOGLE_ADS)]), f.event(click=click))
    )["conversions"][0]
    assert conversion["gclid"] == "Cj0KCQjw-EXAMPLE"
    assert "gbraid" not in conversion and "wbraid" not in conversion
    click.ids.gclid = ""
    conversion = body(
        only(f.snapshot([f.destination(D.DESTINATION_TYPE_GOOGLE_ADS)]), f.event(click=click))
    )["conversions"][0]
    assert conversion.get("gbraid") == "gb-1" and "wbraid" not in conversion


def test_meta_fbc_prefers_the_cookie_and_builds_from_fbclid_otherwise() -> None:
    meta = f.snapshot([f.destination(D.DESTINATION_TYPE_META)])
    built = body(only(meta, f.event()))["data"][0]["user_data"]["fbc"]
    assert built == "fb.1.1790854200123.IwAR2F4-dbP0l7Mn1IawQQ"
    event = f.event()
    event.client.fbc = "fb.1.1554763741205.IwAR2F4"
    assert body(only(meta, event))["data"][0]["user_data"]["fbc"] == "fb.1.1554763741205.IwAR2F4"


@pytest.mark.parametrize(
    ("dtype", "days"),
    [
        (D.DESTINATION_TYPE_META, 7),
        (D.DESTINATION_TYPE_GA4, 3),
        (D.DESTINATION_TYPE_SNAPCHAT, 37),
        (D.DESTINATION_TYPE_LINKEDIN, 90),
        (D.DESTINATION_TYPE_WEBHOOK, 30),
    ],
)
def test_events_past_the_platform_window_are_skipped(dtype: int, days: int) -> None:
    snapshot = f.snapshot([f.destination(dtype)])
    fresh = f.event(event_time=f.ts(f.NOW - timedelta(days=days) + timedelta(minutes=1)))
    stale = f.event(event_time=f.ts(f.NOW - timedelta(days=days) - timedelta(minutes=1)))
    assert only(snapshot, fresh).decision == SEND
    delivery = only(snapshot, stale)
    assert delivery.decision == SKIP
    assert delivery.skip_reason.startswith("event is older than")
    assert f"({days:g} days)" in delivery.skip_reason


def test_google_ads_window_counts_from_the_click() -> None:
    snapshot = f.snapshot([f.destination(D.DESTINATION_TYPE_GOOGLE_ADS)])
    click = f.click()
    click.clicked_at.CopyFrom(f.ts(f.NOW - timedelta(days=91)))
    event = f.event(click=click, event_time=f.ts(f.NOW - timedelta(days=1)))
    delivery = only(snapshot, event)
    assert delivery.decision == SKIP
    assert "Google Ads" in delivery.skip_reason


@pytest.mark.parametrize(
    ("dtype", "check"),
    [
        (D.DESTINATION_TYPE_META, lambda d: body(d).get("test_event_code") == "TEST12345"),
        (D.DESTINATION_TYPE_TIKTOK, lambda d: body(d).get("test_event_code") == "TEST1234"),
        (D.DESTINATION_TYPE_GOOGLE_ADS, lambda d: body(d).get("validateOnly") is True),
        (D.DESTINATION_TYPE_GA4, lambda d: urlsplit(d.request.url).path == "/debug/mp/collect"),
        (
            D.DESTINATION_TYPE_PINTEREST,
            lambda d: parse_qs(urlsplit(d.request.url).query) == {"test": ["true"]},
        ),
        (D.DESTINATION_TYPE_REDDIT, lambda d: body(d)["test_mode"] is True),
        (D.DESTINATION_TYPE_SNAPCHAT, lambda d: d.request.url.endswith("/events/validate")),
    ],
)
def test_test_mode_uses_each_platforms_mechanism(dtype: int, check) -> None:
    live = only(f.snapshot([f.destination(dtype)]), f.event())
    by_destination = only(f.snapshot([f.destination(dtype, test_mode=True)]), f.event())
    by_event = only(f.snapshot([f.destination(dtype)]), f.event(test=True))
    assert not live.test and not check(live)
    assert by_destination.test and check(by_destination)
    assert by_event.test and check(by_event)


def test_endpoint_setting_replaces_the_platform_host() -> None:
    for dtype in PLATFORM_TYPES:
        settings = {**f.SETTINGS[dtype], "endpoint": "http://127.0.0.1:9999/capture/"}
        delivery = only(f.snapshot([f.destination(dtype, settings=settings)]), f.event())
        assert delivery.request.url.startswith("http://127.0.0.1:9999/capture/"), (
            delivery.response_kind
        )
        assert "//capture//" not in delivery.request.url


def test_delivery_ids_are_deterministic_and_distinct() -> None:
    dests = [f.destination(t) for t in PLATFORMS]
    first = deliveries(f.snapshot(dests), f.event(), f.event(event_id="order-2"))
    again = deliveries(f.snapshot(dests), f.event(), f.event(event_id="order-2"))
    ids = [d.delivery_id for row in first for d in row]
    assert ids == [d.delivery_id for row in again for d in row]
    assert len(set(ids)) == len(ids)


def test_no_credential_value_travels_in_requests() -> None:
    dests = [f.destination(t, credential_keys=["access_token"]) for t in PLATFORMS]
    (found,) = deliveries(f.snapshot(dests), f.event())
    for delivery in found:
        request = delivery.request
        names = {h.name.lower() for h in request.headers}
        assert not names & {"authorization", "access-token", "developer-token"}
        assert "access_token=" not in request.url and "api_secret=" not in request.url


def test_batch_keys_merge_same_destination_and_split_what_must_not_merge() -> None:
    meta = f.destination(D.DESTINATION_TYPE_META)
    ga4 = f.destination(D.DESTINATION_TYPE_GA4)
    other = f.event(event_id="order-2")
    other_user = f.event(event_id="order-3")
    other_user.client.ga_client_id = "999.888"
    rows = deliveries(f.snapshot([meta, ga4]), f.event(), other, other_user)
    meta_keys = {row[0].request.batch.key for row in rows}
    ga4_keys = [row[1].request.batch.key for row in rows]
    assert len(meta_keys) == 1
    assert ga4_keys[0] == ga4_keys[1] != ga4_keys[2]
    test_meta = deliveries(
        f.snapshot([f.destination(D.DESTINATION_TYPE_META, test_mode=True)]), f.event()
    )
    assert test_meta[0][0].request.batch.key not in meta_keys


def test_merging_two_bodies_by_the_batch_field_gives_a_two_event_request() -> None:
    rows = deliveries(
        f.snapshot([f.destination(D.DESTINATION_TYPE_TIKTOK)]),
        f.event(),
        f.event(event_id="order-2"),
    )
    first, second = (body(row[0]) for row in rows)
    field = rows[0][0].request.batch.field
    merged = {**first, field: first[field] + second[field]}
    assert [item["event_id"] for item in merged["data"]] == ["order-1042", "order-2"]
    assert {k: v for k, v in first.items() if k != field} == {
        k: v for k, v in second.items() if k != field
    }


def test_affiliate_postbacks_fire_only_for_affiliate_conversions() -> None:
    postbacks = [
        config_pb2.Postback(
            id="pb-org",
            name="network",
            event_name="sale",
            url_template="https://aff.example/p?tx={transaction_id}&sub={sub1}",
            enabled=True,
        ),
        config_pb2.Postback(
            id="pb-camp",
            name="camp net",
            event_name="sale",
            campaign_id="camp-1",
            url_template="https://aff.example/c?p={payout}",
            enabled=True,
        ),
        config_pb2.Postback(
            id="pb-other",
            name="other camp",
            event_name="sale",
            campaign_id="camp-2",
            url_template="https://aff.example/x",
            enabled=True,
        ),
        config_pb2.Postback(
            id="pb-off",
            name="off",
            event_name="sale",
            url_template="https://aff.example/off",
            enabled=False,
        ),
        config_pb2.Postback(
            id="pb-q",
            name="qualified",
            event_name="qualified_lead",
            url_template="https://aff.example/q",
            enabled=True,
        ),
    ]
    snapshot = f.snapshot([], postbacks=postbacks)
    sale = f.event(event_name="sale", kind=common_pb2.EVENT_KIND_CUSTOM)
    sale.ClearField("payout")
    qualified = f.event(event_name="qualified_lead", kind=common_pb2.EVENT_KIND_CUSTOM)
    sale_rows, qualified_rows = deliveries(snapshot, sale, qualified)
    assert [d.postback_id for d in sale_rows] == ["pb-org", "pb-camp"]
    assert sale_rows[0].request.url == "https://aff.example/p?tx=T-1042&sub=a%26b"
    # No payout on the event: the definition's default (20) fills the macro.
    assert sale_rows[1].request.url == "https://aff.example/c?p=20"
    assert qualified_rows == []  # qualified_lead is not an affiliate conversion


def test_postback_body_values_are_escaped_for_their_content_type() -> None:
    event = f.event(event_name="sale", kind=common_pb2.EVENT_KIND_CUSTOM, transaction_id='T"1\\2')
    json_pb = config_pb2.Postback(
        id="pb-json",
        name="json",
        event_name="sale",
        enabled=True,
        method="POST",
        url_template="https://aff.example/j",
        content_type="application/json",
        body_template='{"tx": "{transaction_id}", "aff": "{aff_id}", "plan": "{plan}"}',
        headers=[common_pb2.Header(name="X-Lead", value="{lead_id}")],
    )
    form_pb = config_pb2.Postback(
        id="pb-form",
        name="form",
        event_name="sale",
        enabled=True,
        method="POST",
        url_template="https://aff.example/f",
        content_type="application/x-www-form-urlencoded",
        body_template="tx={transaction_id}&sub1={sub1}",
    )
    (rows,) = deliveries(f.snapshot([], postbacks=[json_pb, form_pb]), event)
    as_json, as_form = rows
    assert json.loads(as_json.request.body) == {"tx": 'T"1\\2', "aff": "aff 42", "plan": "gold"}
    assert [(h.name, h.value) for h in as_json.request.headers] == [
        ("X-Lead", "lead-7"),
        ("Content-Type", "application/json"),
    ]
    assert parse_qs(as_form.request.body.decode()) == {"tx": ['T"1\\2'], "sub1": ["a&b"]}


def test_targeted_map_sends_even_what_the_mapping_would_skip() -> None:
    meta = f.destination(D.DESTINATION_TYPE_META)
    tiktok = f.destination(D.DESTINATION_TYPE_TIKTOK)
    mapping = config_pb2.EventMapping(
        destination_id=meta.id, event_name="Purchase", action=M.MAPPING_ACTION_DISABLED
    )
    snapshot = f.snapshot([meta, tiktok], [mapping])
    ((delivery,),) = deliveries(snapshot, f.event(), destination_id=meta.id)
    assert delivery.decision == SEND and delivery.destination_id == meta.id
    with pytest.raises(NotFound, match="nope"):
        deliveries(snapshot, f.event(), destination_id="nope")
    with pytest.raises(NotFound, match="pb-missing"):
        deliveries(snapshot, f.event(), postback_id="pb-missing")


def test_match_quality_drops_as_identifiers_go() -> None:
    snapshot = f.snapshot([f.destination(D.DESTINATION_TYPE_META)])
    rich = only(snapshot, f.event()).match_quality
    thin_event = f.bare_event()
    thin_event.client.ip = "203.0.113.7"
    thin_event.client.user_agent = "UA"
    thin = only(snapshot, thin_event)
    assert rich == 10
    assert thin.decision == SEND and thin.match_quality == 1


def test_delivery_id_is_the_uuid5_of_organization_event_and_receiver() -> None:
    import uuid

    from services.mapper.routing import DELIVERY_NAMESPACE, delivery_id

    for parts in (("org-1", "order-1042", "dest-meta"), ("o", "é✓", "")):
        expected = uuid.uuid5(DELIVERY_NAMESPACE, "\x1f".join(parts))
        assert delivery_id(*parts) == str(expected)
