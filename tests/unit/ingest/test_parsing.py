"""Parameter names, parsing and the checks' messages, without any server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.ingest.catalog import SnapshotIndex
from services.ingest.fields import canonical_name
from services.ingest.parsing import from_parameters, parse_time
from services.ingest.validation import Limits, prepare
from switchyard.v1 import common_pb2, config_pb2, ingest_pb2

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def snapshot() -> config_pb2.Snapshot:
    return config_pb2.Snapshot(
        organization=config_pb2.Organization(id="org", default_country="US"),
        version=3,
        campaigns=[config_pb2.Campaign(id="c1", name="main")],
        event_definitions=[
            config_pb2.EventDefinition(name="Lead", kind=common_pb2.EVENT_KIND_STANDARD),
            config_pb2.EventDefinition(name="sale", kind=common_pb2.EVENT_KIND_CUSTOM, payout=4),
        ],
        resolved_campaigns=[
            config_pb2.ResolvedCampaign(
                campaign_id="c1",
                event_names=["Lead", "sale"],
                fields=[
                    config_pb2.CustomField(
                        event_name="sale",
                        name="units",
                        type=config_pb2.FIELD_TYPE_NUMBER,
                        required=True,
                    )
                ],
            )
        ],
    )


INTEGRATION = config_pb2.Integration(
    id="i1",
    campaign_id="c1",
    event_rules=[config_pb2.EventRule(source="CONV", event_name="sale")],
    field_rules=[config_pb2.FieldRule(target="value", source_path="sum_eur")],
)


def test_aliases_match_loosely() -> None:
    assert canonical_name("Transaction-ID") == "transaction_id"
    assert canonical_name("txid") == "transaction_id"
    assert canonical_name("SY_CLICK_ID") == "click_id"
    assert canonical_name("amount") == "value"
    assert canonical_name("ScCid") == "sccid"
    assert canonical_name("favourite_colour") is None


def test_postback_parameters_become_an_event() -> None:
    parsed = from_parameters(
        {"event": "conv", "txid": "T1", "sum_eur": "9.5", "Units": "3", "sub1": "a", "x": "y"},
        INTEGRATION,
    )
    event = parsed.event
    assert (event.event_name, event.transaction_id, event.value) == ("sale", "T1", 9.5)
    assert event.campaign_id == "c1"
    assert dict(event.params) == {"sub1": "a"}
    assert parsed.extras == {"Units": "3", "x": "y"}


def test_times_in_seconds_milliseconds_and_iso() -> None:
    for text in ("1780315200", "1780315200000", "2026-06-01T12:00:00Z"):
        stamp = parse_time(text)
        assert stamp is not None and stamp.seconds == 1780315200
    assert parse_time("yesterday") is None


def test_every_problem_is_named_with_its_prefix() -> None:
    index = SnapshotIndex.build(snapshot())
    source = ingest_pb2.EventInput(
        event_name="sale",
        campaign_id="c1",
        value=-1,
        currency="EURO",
        user=ingest_pb2.UserInput(email="not-an-email"),
    )
    source.event_time.FromDatetime(NOW + timedelta(hours=1))
    prepared, problems = prepare(index, source, now=NOW, limits=Limits(), prefix="events[2].")
    assert prepared is None
    fields = {p.field for p in problems}
    assert {
        "events[2].value",
        "events[2].currency",
        "events[2].event_time",
        "events[2].custom_fields.units",
        "events[2].user.email",
    } <= fields


def test_an_accepted_event_is_hashed_typed_and_defaulted() -> None:
    index = SnapshotIndex.build(snapshot())
    source = ingest_pb2.EventInput(
        event_name="SALE",
        campaign_id="c1",
        currency="usd",
        user=ingest_pb2.UserInput(email=" John_Smith@gmail.com "),
    )
    prepared, problems = prepare(index, source, now=NOW, limits=Limits(), extras={"UNITS": "2"})
    assert problems == []
    assert prepared is not None
    event = prepared.event
    assert event.event_name == "sale" and event.currency == "USD"
    assert event.payout == 4  # the definition's default
    assert dict(event.custom_fields) == {"units": "2"}
    assert event.identity.email == (
        "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
    )
    assert "John" not in str(event)


def test_old_events_and_strict_unknowns_are_refused() -> None:
    index = SnapshotIndex.build(snapshot())
    source = ingest_pb2.EventInput(event_name="Lead", campaign_id="c1")
    source.event_time.FromDatetime(NOW - timedelta(days=91))
    _, problems = prepare(
        index, source, now=NOW, limits=Limits(90), extras={"mystery": "1"}, strict=True
    )
    rules = {p.field: p.rule for p in problems}
    assert "older than 90 days" in rules["event_time"]
    assert "mystery" in rules["parameters"]
