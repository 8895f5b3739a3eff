"""Pure rules of the dispatcher: retry schedule, batch merge, credential injection, filters."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import given
from hypothesis import strategies as st

from services.common.errors import InvalidArgument
from services.common.settings import SettingsError
from services.common.webhook_signature import verify
from services.dispatcher.batch import BatchError, chunks, merge_bodies, split_outcomes
from services.dispatcher.config import DispatcherSettings
from services.dispatcher.credentials import MissingCredential, inject
from services.dispatcher.gate import CircuitBreaker, TokenBucket
from services.dispatcher.history import decode_cursor, encode_cursor, filter_params, is_empty
from services.dispatcher.repository import load_queries
from services.dispatcher.retry import RetryPolicy, after_retryable, backoff_seconds
from switchyard.v1 import common_pb2, dispatcher_pb2

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
POLICY = RetryPolicy(base_seconds=5, cap_seconds=7200, budget_seconds=86400)


@given(st.integers(min_value=1, max_value=200), st.integers(min_value=0, max_value=2**32))
def test_backoff_is_full_jitter_under_the_cap(attempts: int, seed: int) -> None:
    delay = backoff_seconds(POLICY, attempts, random.Random(seed))
    assert 0 <= delay <= min(7200, 5 * 2 ** (attempts - 1))


def test_backoff_grows_exponentially_on_average() -> None:
    rng = random.Random(1)
    means = [sum(backoff_seconds(POLICY, n, rng) for _ in range(2000)) / 2000 for n in (1, 2, 3)]
    assert means[0] == pytest.approx(2.5, rel=0.1) and means[2] == pytest.approx(10, rel=0.1)


def retry(**overrides: object) -> object:
    args: dict[str, object] = dict(
        attempts=1,
        now=NOW,
        budget_until=NOW + timedelta(days=1),
        accept_until=None,
        retry_after_seconds=None,
        reason="HTTP 503",
        destination_type=1,
        rng=random.Random(0),
    )
    args.update(overrides)
    return after_retryable(POLICY, **args)  # type: ignore[arg-type]


def test_retry_after_sets_the_least_delay() -> None:
    decision = retry(retry_after_seconds=600)
    assert decision.status == "retrying"  # type: ignore[attr-defined]
    assert decision.next_attempt_at >= NOW + timedelta(seconds=600)  # type: ignore[attr-defined]


def test_budget_end_is_dead_and_acceptance_window_is_expired() -> None:
    dead = retry(budget_until=NOW + timedelta(seconds=1), retry_after_seconds=5)
    assert dead.status == "dead" and "retry budget ended" in dead.reason  # type: ignore[attr-defined]
    expired = retry(accept_until=NOW + timedelta(seconds=1), retry_after_seconds=5)
    assert expired.status == "expired"  # type: ignore[attr-defined]
    assert expired.reason.startswith("Meta accepts this event only until")  # type: ignore[attr-defined]
    # a window later than the budget does not decide: the budget does
    later = retry(
        budget_until=NOW + timedelta(seconds=1),
        accept_until=NOW + timedelta(days=7),
        retry_after_seconds=5,
    )
    assert later.status == "dead"  # type: ignore[attr-defined]


def test_merge_concatenates_the_batch_field_of_each_body() -> None:
    bodies = [
        json.dumps({"data": [{"e": i}] * (i + 1), "test_event_code": "T"}).encode()
        for i in range(3)
    ]
    merged = merge_bodies(bodies, "data")
    assert merged.item_counts == (1, 2, 3)
    document = json.loads(merged.body)
    assert [x["e"] for x in document["data"]] == [0, 1, 1, 2, 2, 2]
    assert document["test_event_code"] == "T"
    with pytest.raises(BatchError):
        merge_bodies([b'{"other": []}'], "data")
    with pytest.raises(BatchError):
        merge_bodies([b"not json"], "data")


def test_split_gives_each_member_its_items_outcome() -> None:
    items = [("success", ""), ("permanent", "bad gclid"), ("success", ""), ("retryable", "later")]
    shares = split_outcomes("success", "HTTP 200", items, [1, 2, 1])
    assert [(s.outcome, s.reason) for s in shares] == [
        ("success", "HTTP 200"),
        ("permanent", "bad gclid"),
        ("retryable", "later"),
    ]
    assert [s.outcome for s in split_outcomes("retryable", "HTTP 503", [], [1, 1])] == [
        "retryable"
    ] * 2
    short = split_outcomes("success", "", [("success", "")], [1, 1])
    assert short[1].outcome == "retryable"  # an item the answer did not mention is not assumed sent


def test_chunks_respect_the_item_limit() -> None:
    assert [list(r) for r in chunks([1, 1, 1, 1, 1], 2)] == [[0, 1], [2, 3], [4]]
    assert [list(r) for r in chunks([3, 1], 2)] == [[0], [1]]  # an oversized member goes alone


def slot(location: int, name: str, key: str, fmt: str = "") -> common_pb2.CredentialSlot:
    return common_pb2.CredentialSlot(location=location, name=name, credential_key=key, format=fmt)  # type: ignore[arg-type]


def test_credentials_go_where_each_slot_says() -> None:
    slots = [
        slot(common_pb2.CREDENTIAL_LOCATION_QUERY, "access_token", "access_token"),
        slot(common_pb2.CREDENTIAL_LOCATION_HEADER, "Authorization", "access_token", "Bearer {}"),
        slot(common_pb2.CREDENTIAL_LOCATION_WEBHOOK_SIGNATURE, "", "signing_secret"),
    ]
    creds = {"access_token": "tok&en", "signing_secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
    out = inject(
        "POST",
        "https://graph.example/v1/events?a=1",
        [("Content-Type", "application/json")],
        b'{"x":1}',
        slots,
        creds,
        "msg_1",
        NOW,
    )
    assert parse_qs(urlsplit(out.url).query) == {"a": ["1"], "access_token": ["tok&en"]}
    headers = dict(out.headers)
    assert headers["Authorization"] == "Bearer tok&en"
    assert headers["webhook-id"] == "msg_1" and headers["webhook-timestamp"] == str(
        int(NOW.timestamp())
    )
    assert verify(creds["signing_secret"], headers, b'{"x":1}', now=NOW.timestamp())
    assert "tok" not in repr(out)
    with pytest.raises(MissingCredential, match="access_token"):
        inject("POST", "https://x.example/", [], b"", slots[:1], {}, "m", NOW)


def test_filter_becomes_parameters_and_rejects_bad_fields() -> None:
    since = Timestamp(seconds=int(NOW.timestamp()))
    params = filter_params(
        dispatcher_pb2.HistoryFilter(
            since=since,
            event_names=["Purchase"],
            destination_id="d1",
            statuses=[dispatcher_pb2.DELIVERY_STATUS_DEAD, dispatcher_pb2.DELIVERY_STATUS_FAILED],
        )
    )
    assert params.since == NOW and params.statuses == ("dead", "failed")
    assert params.args()[2] == ["Purchase"] and params.args()[8] == "d1"
    assert is_empty(filter_params(dispatcher_pb2.HistoryFilter(include_test=True)))
    with pytest.raises(InvalidArgument) as caught:
        filter_params(
            dispatcher_pb2.HistoryFilter(since=since, until=since, statuses=[99], event_names=[""])
        )
    assert {p.field for p in caught.value.problems} == {
        "filter.until",
        "filter.statuses",
        "filter.event_names",
    }


def test_cursor_round_trips_and_rejects_garbage() -> None:
    token = encode_cursor(NOW, "evt_1")
    assert decode_cursor(token) == (NOW, "evt_1") and decode_cursor("") is None
    with pytest.raises(InvalidArgument):
        decode_cursor("not-a-token!")


def test_breaker_opens_waits_probes_once_and_closes() -> None:
    clock = [0.0]
    breaker = CircuitBreaker(2, 10.0, lambda: clock[0])
    breaker.record("retryable")
    assert breaker.allow()
    breaker.record("retryable")
    assert breaker.state == "open" and breaker.paused() and not breaker.allow()
    clock[0] = 10.0
    assert breaker.allow() and not breaker.allow()  # one probe only
    breaker.record("retryable")
    assert breaker.state == "open"
    clock[0] = 20.0
    assert breaker.allow()
    breaker.record("success")
    assert breaker.state == "closed" and breaker.allow()


def test_token_bucket_spaces_requests_beyond_the_burst() -> None:
    clock = [0.0]
    bucket = TokenBucket(2.0, lambda: clock[0])
    assert [bucket.delay() for _ in range(2)] == [0.0, 0.0]
    assert bucket.delay() == pytest.approx(0.5)


def test_settings_report_every_bad_variable() -> None:
    with pytest.raises(SettingsError) as caught:
        DispatcherSettings.from_env(
            {
                "SWITCHYARD_DISPATCHER_POLL_SECONDS": "soon",
                "SWITCHYARD_DISPATCHER_LEASE_SECONDS": "5",
                "SWITCHYARD_DISPATCHER_HTTP_TIMEOUT_SECONDS": "10",
            }
        )
    names = {name for name, _ in caught.value.problems}
    assert names == {"SWITCHYARD_DISPATCHER_POLL_SECONDS", "SWITCHYARD_DISPATCHER_LEASE_SECONDS"}
    defaults = DispatcherSettings.from_env({})
    assert (defaults.grpc_port, defaults.metrics_port, defaults.retention_days) == (50053, 9103, 30)


def test_every_query_is_named_once() -> None:
    queries = load_queries()
    assert {"claim_due", "claim_ids", "record_results", "redeliver", "list_events"} <= set(queries)
    assert all(sql and "-- name:" not in sql for sql in queries.values())
