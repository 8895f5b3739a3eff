"""Standard Webhooks signing, checked against the specification's published test vector."""

from __future__ import annotations

import base64

import pytest

from services.common.webhook_signature import sign, signature_headers, verify

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_reproduces_the_reference_signature() -> None:
    assert sign(SECRET, MSG_ID, TIMESTAMP, BODY) == SIGNATURE


def test_headers_verify_and_any_change_breaks_them() -> None:
    headers = signature_headers(SECRET, MSG_ID, TIMESTAMP, BODY)
    assert headers == {
        "webhook-id": MSG_ID,
        "webhook-timestamp": str(TIMESTAMP),
        "webhook-signature": SIGNATURE,
    }
    assert verify(SECRET, headers, BODY, now=TIMESTAMP + 10)
    assert not verify(SECRET, headers, BODY + b" ", now=TIMESTAMP)
    assert not verify(SECRET, {**headers, "webhook-id": "msg_other"}, BODY, now=TIMESTAMP)
    assert not verify(
        "whsec_" + base64.b64encode(b"another key").decode(), headers, BODY, now=TIMESTAMP
    )


def test_stale_or_future_timestamps_are_refused() -> None:
    headers = signature_headers(SECRET, MSG_ID, TIMESTAMP, BODY)
    assert not verify(SECRET, headers, BODY, now=TIMESTAMP + 301)
    assert not verify(SECRET, headers, BODY, now=TIMESTAMP - 301)
    assert verify(SECRET, headers, BODY, tolerance_seconds=1000, now=TIMESTAMP + 301)


def test_rotation_lists_several_signatures_and_headers_are_case_insensitive() -> None:
    old = sign("raw-old-secret", MSG_ID, TIMESTAMP, BODY)
    headers = {
        "Webhook-Id": MSG_ID,
        "Webhook-Timestamp": str(TIMESTAMP),
        "Webhook-Signature": f"{old} {SIGNATURE}",
    }
    assert verify(SECRET, headers, BODY, now=TIMESTAMP)
    assert verify("raw-old-secret", headers, BODY, now=TIMESTAMP)


def test_missing_headers_and_bad_secrets() -> None:
    assert not verify(SECRET, {}, BODY, now=TIMESTAMP)
    assert not verify(
        SECRET,
        {"webhook-id": MSG_ID, "webhook-timestamp": "x", "webhook-signature": SIGNATURE},
        BODY,
    )
    with pytest.raises(ValueError, match="base64"):
        sign("whsec_not base64!", MSG_ID, TIMESTAMP, BODY)
