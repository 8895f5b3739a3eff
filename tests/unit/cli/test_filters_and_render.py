"""Command-line filters become the right HistoryFilter; tables and journeys read well."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from services.cli import render
from services.cli.commands import CommandError
from services.cli.filters import (
    FilterError,
    FilterWords,
    history_filter,
    narrows,
    parse_moment,
    parse_statuses,
)
from services.cli.history import parse_fields, trigger_request
from switchyard.v1 import dispatcher_pb2 as dp

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "ago"),
    [("90s", 90), ("30m", 1800), ("1h", 3600), ("2d", 172800), ("1w", 604800), (" 3H ", 10800)],
)
def test_relative_moments_count_back_from_now(text: str, ago: int) -> None:
    assert parse_moment(text, NOW) == NOW - timedelta(seconds=ago)


def test_iso_moments_default_to_utc_and_keep_their_zone() -> None:
    assert parse_moment("2024-04-30T08:15", NOW) == datetime(2024, 4, 30, 8, 15, tzinfo=UTC)
    zoned = parse_moment("2024-04-30T08:15:00+02:00", NOW)
    assert zoned.astimezone(UTC) == datetime(2024, 4, 30, 6, 15, tzinfo=UTC)
    with pytest.raises(ValueError, match="must be like 30m"):
        parse_moment("yesterday", NOW)


def test_status_words_map_to_delivery_statuses() -> None:
    assert parse_statuses("dead, Failed,in-flight") == [
        dp.DELIVERY_STATUS_DEAD,
        dp.DELIVERY_STATUS_FAILED,
        dp.DELIVERY_STATUS_IN_FLIGHT,
    ]
    with pytest.raises(ValueError, match="unknown status bogus, nope; use pending, in_flight"):
        parse_statuses("dead,bogus,nope")
    with pytest.raises(ValueError, match=r"unknown status \(none\)"):
        parse_statuses(" , ")


def test_words_become_one_history_filter() -> None:
    found = history_filter(
        FilterWords(since="1h", until="2024-05-01T11:30", status="dead,failed",
                    event="sale, Lead", campaign="c1", destination="d1", lead="l1",
                    transaction="t1", event_id="e1"),
        NOW,
    )  # fmt: skip
    assert found.since.ToDatetime(tzinfo=UTC) == NOW - timedelta(hours=1)
    assert found.until.ToDatetime(tzinfo=UTC) == datetime(2024, 5, 1, 11, 30, tzinfo=UTC)
    assert list(found.statuses) == [dp.DELIVERY_STATUS_DEAD, dp.DELIVERY_STATUS_FAILED]
    assert list(found.event_names) == ["sale", "Lead"]
    assert (found.campaign_id, found.destination_id, found.lead_id) == ("c1", "d1", "l1")
    assert (found.transaction_id, found.event_id) == ("t1", "e1")
    assert narrows(found)
    assert not narrows(history_filter(FilterWords(include_test=True), NOW))


def test_every_bad_word_is_reported_at_once() -> None:
    with pytest.raises(FilterError) as caught:
        history_filter(FilterWords(since="soon", until="later", status="lost"), NOW)
    assert [p.split(" ")[0] for p in caught.value.problems] == ["--since", "--until", "--status:"]
    with pytest.raises(FilterError, match="--until must be after --since"):
        history_filter(FilterWords(since="1h", until="2h"), NOW)


def test_filter_words_are_read_from_parsed_arguments() -> None:
    args = argparse.Namespace(since="1h", status="dead", event_id="e", include_test=None)
    assert FilterWords.of(args) == FilterWords(since="1h", status="dead", event_id="e")


def test_fields_and_trigger_request() -> None:
    assert parse_fields(["plan=pro", "note=a=b", "empty="]) == {
        "plan": "pro", "note": "a=b", "empty": "",
    }  # fmt: skip
    for bad in ("plan", "=pro"):
        with pytest.raises(CommandError, match="must be name=value"):
            parse_fields([bad])
    args = argparse.Namespace(lead="L1", event="sale", value=0.0, currency="usd", field=["plan=x"],
                              campaign="C", transaction="T", event_id="")  # fmt: skip
    request = trigger_request(args)
    assert request.lead_id == "L1" and request.event.event_name == "sale"
    assert request.event.HasField("value") and request.event.value == 0.0
    assert request.event.currency == "USD" and dict(request.event.custom_fields) == {"plan": "x"}
    args.value = None
    assert not trigger_request(args).event.HasField("value")


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def test_delivery_table_is_aligned_and_says_why() -> None:
    rows = [
        dp.DeliverySummary(delivery_id="d-1", event_id="e-1", event_name="sale",
                           platform_event_name="Purchase", destination_name="Meta",
                           status=dp.DELIVERY_STATUS_DELIVERED, attempts=2,
                           last_status_code=200, match_quality=8,
                           created_at=_stamp(NOW)),
        dp.DeliverySummary(delivery_id="d-22", event_id="e-1", event_name="sale",
                           destination_name="TikTok", status=dp.DELIVERY_STATUS_SKIPPED,
                           reason="custom event sale is not mapped for TikTok"),
    ]  # fmt: skip
    lines = render.deliveries_table(rows).splitlines()
    assert lines[0].split()[:3] == ["CREATED", "(UTC)", "DELIVERY"]
    status_column = lines[0].index("STATUS")
    assert lines[1][status_column:].startswith("delivered")
    assert lines[2][status_column:].startswith("skipped")
    assert "sale → Purchase" in lines[1] and "2024-05-01 12:00:00" in lines[1]
    assert lines[2].startswith("-") and lines[2].endswith(
        "custom event sale is not mapped for TikTok"
    )


def test_long_cells_are_cut_and_whitespace_collapsed() -> None:
    text = render.table(["A"], [["x" * 100], ["two\nlines"]])
    cut, joined = text.splitlines()[1:]
    assert len(cut) == render.MAX_CELL and cut.endswith("…")
    assert joined == "two lines"


def test_a_test_send_report_ends_with_the_verdict() -> None:
    detail = dp.DeliveryDetail(
        summary=dp.DeliverySummary(destination_name="Meta", destination_type=1,
                                   platform_event_name="Purchase", attempts=1,
                                   status=dp.DELIVERY_STATUS_FAILED, reason="permanent: 400",
                                   last_status_code=400),
        attempts=[dp.Attempt(number=1, status_code=400, latency_ms=12, outcome="permanent",
                             response_body=b'{"error": {"message": "bad pixel"}}')],
    )  # fmt: skip
    report = render.send_test_report(detail).splitlines()
    assert report[0] == "Meta [meta] as Purchase: failed — permanent: 400 (match quality 0/10)"
    assert any("HTTP 400 in 12 ms → permanent" in line for line in report)
    assert any('answer: {"error": {"message": "bad pixel"}}' in line for line in report)
    assert report[-1] == "verdict: failed — permanent: 400"
