"""The response classifier, as a table: platform answer in, verdict out."""

from __future__ import annotations

import json
from email.utils import formatdate

import pytest

from services.mapper.classifier import (
    ItemVerdict,
    classify,
    classify_transport_error,
    retry_after,
)


def js(payload: object) -> bytes:
    return json.dumps(payload).encode()


def graph_error(code: int, transient: bool = False) -> bytes:
    return js(
        {
            "error": {
                "message": "m",
                "type": "OAuthException",
                "code": code,
                "is_transient": transient,
            }
        }
    )


@pytest.mark.parametrize(
    ("kind", "status", "body", "outcome"),
    [
        # generic rules (postback, webhook, unknown kinds)
        ("postback", 200, b"", "success"),
        ("postback", 204, b"", "success"),
        ("webhook", 301, b"", "permanent"),
        ("webhook", 400, b"", "permanent"),
        ("webhook", 401, b"", "auth"),
        ("webhook", 403, b"", "auth"),
        ("webhook", 404, b"", "permanent"),
        ("webhook", 408, b"", "retryable"),
        ("webhook", 425, b"", "retryable"),
        ("webhook", 429, b"", "retryable"),
        ("webhook", 500, b"", "retryable"),
        ("webhook", 501, b"", "permanent"),
        ("webhook", 503, b"", "retryable"),
        ("webhook", 505, b"", "permanent"),
        ("nobody-knows", 502, b"", "retryable"),
        ("ga4", 200, b"", "success"),
        ("ga4", 200, js({"validationMessages": []}), "success"),
        (
            "ga4",
            200,
            js({"validationMessages": [{"fieldPath": "events", "description": "bad name"}]}),
            "permanent",
        ),
        ("snapchat", 400, b"{}", "permanent"),
        ("reddit", 429, b"", "retryable"),
        # Meta Graph errors
        ("meta", 200, js({"events_received": 1}), "success"),
        ("meta", 400, graph_error(190), "auth"),
        ("meta", 400, graph_error(100), "permanent"),
        ("meta", 400, graph_error(2, transient=True), "retryable"),
        ("meta", 400, graph_error(17), "retryable"),
        ("meta", 400, graph_error(80004), "retryable"),
        ("meta", 400, graph_error(999, transient=True), "retryable"),
        ("meta", 403, graph_error(200), "auth"),
        ("meta", 500, b"not json", "retryable"),
        # TikTok answers 200 with a code
        ("tiktok", 200, js({"code": 0, "message": "OK"}), "success"),
        ("tiktok", 200, js({"code": 20001, "message": "partial"}), "success"),
        ("tiktok", 200, js({"code": 40100, "message": "rate"}), "retryable"),
        ("tiktok", 200, js({"code": 40001, "message": "no permission"}), "auth"),
        ("tiktok", 200, js({"code": 40002, "message": "bad param"}), "permanent"),
        ("tiktok", 503, b"", "retryable"),
        # Taboola: only 204 records a conversion
        ("taboola", 204, b"", "success"),
        ("taboola", 200, b"", "permanent"),
        ("taboola", 400, b"", "permanent"),
        # LinkedIn retries 423
        ("linkedin", 423, b"", "retryable"),
        ("linkedin", 201, b"", "success"),
        # Google Ads quota
        ("google_ads", 429, js({"error": {"status": "RESOURCE_EXHAUSTED"}}), "retryable"),
        ("google_ads", 401, b"", "auth"),
        ("google_ads", 400, js({"error": {"status": "INVALID_ARGUMENT"}}), "permanent"),
    ],
)
def test_table(kind: str, status: int, body: bytes, outcome: str) -> None:
    assert classify(kind, status, {}, body, 1).outcome == outcome


def test_meta_reason_names_the_graph_code() -> None:
    assert classify("meta", 400, {}, graph_error(190), 1).reason.startswith("Graph error 190")


def google_failure(*rows: tuple[int, str]) -> bytes:
    errors = [
        {
            "errorCode": {"conversionUploadError": code},
            "message": code,
            "location": {"fieldPathElements": [{"fieldName": "conversions", "index": index}]},
        }
        for index, code in rows
    ]
    return js(
        {
            "partialFailureError": {"code": 3, "message": "x", "details": [{"errors": errors}]},
            "results": [{}, {}, {}, {}],
        }
    )


def test_google_partial_failure_gives_per_row_verdicts() -> None:
    body = google_failure(
        (1, "ORDER_ID_ALREADY_IN_USE"), (2, "UNPARSEABLE_GCLID"), (3, "TOO_RECENT_EVENT")
    )
    verdict = classify("google_ads", 200, {}, body, 4)
    assert [item.outcome for item in verdict.items] == [
        "success",
        "success",
        "permanent",
        "retryable",
    ]
    assert verdict.items[2] == ItemVerdict("permanent", "UNPARSEABLE_GCLID")
    assert verdict.outcome == "retryable"
    assert verdict.retry_after_seconds == 6 * 3600


def test_google_without_partial_failure_is_plain_success() -> None:
    verdict = classify("google_ads", 200, {}, js({"results": [{"gclid": "x"}]}), 1)
    assert verdict.outcome == "success" and verdict.items == ()


def test_pinterest_reads_per_event_status() -> None:
    body = js(
        {
            "num_events_received": 2,
            "num_events_processed": 1,
            "events": [{"status": "processed"}, {"status": "failed", "error_message": "bad em"}],
        }
    )
    verdict = classify("pinterest", 422, {}, body, 2)
    assert verdict.items == (ItemVerdict("success"), ItemVerdict("permanent", "bad em"))
    assert verdict.outcome == "permanent"


def test_microsoft_rejected_batch_marks_bad_items_and_resends_the_rest() -> None:
    body = js(
        {
            "error": {
                "code": "InvalidEvents",
                "details": [
                    {"index": 1, "propertyName": "eventTime", "errorMessage": "too old"},
                    {"index": 0, "propertyName": "x", "errorMessage": "w", "isWarning": True},
                ],
            }
        }
    )
    verdict = classify("microsoft", 400, {}, body, 3)
    assert [item.outcome for item in verdict.items] == ["retryable", "permanent", "retryable"]
    only_warnings = js({"error": {"details": [{"index": 0, "isWarning": True}]}})
    assert classify("microsoft", 400, {}, only_warnings, 1).outcome == "success"


def test_retry_after_in_seconds_and_as_a_date() -> None:
    assert classify("webhook", 429, {"Retry-After": "120"}, b"", 1).retry_after_seconds == 120
    date = formatdate(1_000_060, usegmt=True)
    assert retry_after({"retry-after": date}, now=1_000_000) == pytest.approx(60)
    assert retry_after({"retry-after": "soon"}) is None
    # A success never carries a wait.
    assert classify("webhook", 200, {"Retry-After": "5"}, b"", 1).retry_after_seconds is None


@pytest.mark.parametrize(
    ("error_class", "outcome"),
    [
        ("timeout", "retryable"),
        ("connection_reset", "retryable"),
        ("dns", "retryable"),
        ("refused_target", "permanent"),
        ("invalid_url", "permanent"),
    ],
)
def test_transport_errors(error_class: str, outcome: str) -> None:
    verdict = classify_transport_error(error_class, "details")
    assert verdict.outcome == outcome and error_class in verdict.reason
