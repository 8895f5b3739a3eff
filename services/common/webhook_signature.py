"""Standard Webhooks signatures: the dispatcher signs webhook bodies, receivers verify them.

Signed content is `{msg_id}.{timestamp}.{body}`, HMAC-SHA256, base64, sent as
`webhook-signature: v1,<signature>` next to `webhook-id` and `webhook-timestamp`, so any
Standard Webhooks library can verify a Switchyard delivery.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"
VERSION = "v1"


def secret_key(secret: str) -> bytes:
    """The HMAC key of a secret: `whsec_<base64>` decodes; anything else is used as its bytes."""
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
        except binascii.Error as err:
            raise ValueError("webhook secret after 'whsec_' must be base64") from err
    return secret.encode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value for one message: 'v1,<base64 HMAC-SHA256>'."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return f"{VERSION},{base64.b64encode(digest).decode()}"


def signature_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers a signed webhook request carries."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    tolerance_seconds: int = 300,
    now: float | None = None,
) -> bool:
    """True when the headers carry a valid, fresh signature of body under secret."""
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id = lowered.get("webhook-id", "")
    stamp = lowered.get("webhook-timestamp", "")
    offered = lowered.get("webhook-signature", "")
    if not msg_id or not stamp.isdigit() or not offered:
        return False
    timestamp = int(stamp)
    current = time.time() if now is None else now
    # Both directions: an old message may be a replay, a future one a forged clock.
    if abs(current - timestamp) > tolerance_seconds:
        return False
    expected = sign(secret, msg_id, timestamp, body)
    # Several space-separated signatures appear while a secret is being rotated.
    return any(hmac.compare_digest(candidate, expected) for candidate in offered.split())
