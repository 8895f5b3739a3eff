"""What is kept of a request: personal values hashed, secret headers gone."""

from __future__ import annotations

import json

from services.ingest.redaction import keep_headers, redact_body, redact_query


def test_query_and_form_personal_values_are_hashed() -> None:
    kept = redact_query("event=sale&email=Jo%40x.com&Phone-Number=555&sub1=keep")
    assert "Jo" not in kept and "555" not in kept
    assert "sub1=keep" in kept and "event=sale" in kept
    body = redact_body(b"e-mail=a%40b.c&txid=1", "application/x-www-form-urlencoded")
    assert b"a%40b.c" not in body and b"txid=1" in body


def test_json_personal_objects_are_hashed_all_the_way_down() -> None:
    raw = {
        "id": 7,
        "contact_email": "x@y.z",
        "customer": {"first_name": "Ann", "addresses": [{"zip": 12345}]},
        "total_price": "9.00",
    }
    kept = json.loads(redact_body(json.dumps(raw).encode(), "application/json"))
    text = json.dumps(kept)
    assert "x@y.z" not in text and "Ann" not in text and "12345" not in text
    assert kept["total_price"] == "9.00" and kept["id"] == 7


def test_secret_headers_are_dropped() -> None:
    headers = {
        "Authorization": "Bearer k",
        "Cookie": "a=b",
        "X-Shopify-Hmac-Sha256": "sig",
        "User-Agent": "ua",
    }
    assert [h.name for h in keep_headers(headers)] == ["User-Agent"]


def test_unreadable_bodies_are_not_kept() -> None:
    assert b"\xff" not in redact_body(b"\xff\xfe", "application/json")
