"""The platform stand-in must refuse what the real platform refuses, or e2e tests prove nothing."""

import hashlib
import json
import time

from services.demo.shapes import Request, check_google_ads, check_meta, check_tiktok

EMAIL = hashlib.sha256(b"joe@example.com").hexdigest()
NOW = int(time.time())


def meta_request(event: dict, query: dict | None = None) -> Request:
    body = json.dumps({"data": [event]}).encode()
    query = {"access_token": "t"} if query is None else query
    return Request("POST", "/meta/v21.0/1234/events", query, {}, body)


def meta_event(**changes: object) -> dict:
    event = {"event_name": "Purchase", "event_time": NOW, "event_id": "e1",
             "action_source": "website", "user_data": {"em": [EMAIL]}}  # fmt: skip
    event.update(changes)
    return event


def test_meta_accepts_a_documented_event_and_reads_its_id() -> None:
    found = check_meta(meta_request(meta_event()))
    assert found.problems == []
    assert found.event_ids == ["e1"]


def test_meta_refuses_raw_email_milliseconds_and_missing_token() -> None:
    event = meta_event(event_time=NOW * 1000, user_data={"em": ["joe@example.com"]})
    found = check_meta(meta_request(event, query={}))
    assert "access_token query parameter is missing" in found.problems
    assert "data[0].event_time must be Unix seconds" in found.problems
    assert "data[0].user_data.em is not a lowercase SHA-256 hex digest" in found.problems


def test_meta_refuses_an_unknown_action_source() -> None:
    found = check_meta(meta_request(meta_event(action_source="web")))
    assert found.problems == ["data[0].action_source is not a Meta action source"]


def google_request(conversion: dict, headers: dict | None = None) -> Request:
    body = json.dumps({"conversions": [conversion], "partialFailure": True}).encode()
    headers = {"authorization": "Bearer a", "developer-token": "d"} if headers is None else headers
    return Request("POST", "/g/v19/customers/123:uploadClickConversions", {}, headers, body)


def google_conversion(**changes: object) -> dict:
    conversion = {"gclid": "Cj0", "conversionAction": "customers/123/conversionActions/9",
                  "conversionDateTime": "2026-01-02 03:04:05+00:00", "orderId": "e2"}  # fmt: skip
    conversion.update(changes)
    return conversion


def test_google_ads_accepts_a_click_conversion() -> None:
    found = check_google_ads(google_request(google_conversion()))
    assert found.problems == []
    assert found.event_ids == ["e2"]


def test_google_ads_refuses_two_click_ids_a_bad_time_and_another_customer() -> None:
    conversion = google_conversion(
        wbraid="w", conversionDateTime="2026-01-02T03:04:05Z",
        conversionAction="customers/999/conversionActions/9",
    )
    found = check_google_ads(google_request(conversion, headers={}))
    assert len(found.problems) == 5


def test_tiktok_requires_its_token_header_and_source() -> None:
    body = json.dumps({"data": [{"event": "Lead", "event_id": "e3", "event_time": NOW}]})
    request = Request("POST", "/tiktok/open_api/v1.3/event/track/", {}, {}, body.encode())
    found = check_tiktok(request)
    assert "Access-Token header is missing" in found.problems
    assert "event_source must be web, app, offline or crm" in found.problems
    assert found.event_ids == ["e3"]
