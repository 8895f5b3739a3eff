"""What is kept of a received request: personal data hashed, secret headers dropped (laws 5, 6).

The dispatcher stores the `InboundRequest` for the event's history, so this runs before it
leaves ingest. Over-hashing is harmless here; a raw e-mail in the history is not.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from services.common.logging import is_secret_key
from services.ingest.fields import is_personal
from switchyard.v1 import common_pb2

HASHED_PREFIX = "sha256:"
SECRET_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "x-shopify-hmac-sha256", "proxy-authorization"}
)
# Objects whose every text leaf is about a person (Shopify customer and addresses, our `user`).
PERSONAL_OBJECTS = frozenset(
    {"user", "customer", "billing_address", "shipping_address", "default_address", "addresses"}
)
_PERSONAL_MARKERS = ("email", "phone", "mail")
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
MAX_KEPT_BODY = 256 * 1024


def hash_value(value: str) -> str:
    """A stand-in for a personal value: its SHA-256 (trimmed, lowercased); hashes stay as sent."""
    text = value.strip()
    if not text or _HEX64.match(text):
        return text.lower()
    return HASHED_PREFIX + hashlib.sha256(text.lower().encode()).hexdigest()


def _personal_key(key: str, personal_paths: frozenset[str]) -> bool:
    lowered = key.lower()
    return (
        key in personal_paths
        or is_personal(key)
        or any(marker in lowered for marker in _PERSONAL_MARKERS)
    )


def redact_pairs(
    pairs: Iterable[tuple[str, str]], personal_paths: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """Query or form parameters with personal values hashed."""
    return [
        (key, hash_value(value) if _personal_key(key, personal_paths) else value)
        for key, value in pairs
    ]


def redact_json(
    value: Any, personal_paths: frozenset[str] = frozenset(), path: str = "", inside: bool = False
) -> Any:
    """A JSON value with every personal leaf hashed (by key, by rule path, or by container)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            personal = (
                inside
                or str(key).lower() in PERSONAL_OBJECTS
                or _personal_key(str(key), personal_paths)
                or child in personal_paths
            )
            out[key] = redact_json(item, personal_paths, child, personal)
        return out
    if isinstance(value, list):
        return [
            redact_json(item, personal_paths, f"{path}.{n}", inside) for n, item in enumerate(value)
        ]
    if inside and isinstance(value, str):
        return hash_value(value)
    if inside and isinstance(value, int | float) and not isinstance(value, bool):
        return hash_value(str(value))
    return value


def redact_query(query: str, personal_paths: frozenset[str] = frozenset()) -> str:
    """A query string with personal values hashed."""
    if not query:
        return ""
    return urlencode(redact_pairs(parse_qsl(query, keep_blank_values=True), personal_paths))


def redact_body(
    body: bytes, content_type: str, personal_paths: frozenset[str] = frozenset()
) -> bytes:
    """A body with personal values hashed; bodies it cannot read are not kept at all."""
    if not body:
        return b""
    kind = content_type.split(";", 1)[0].strip().lower()
    try:
        text = body.decode("utf-8")
        if kind == "application/x-www-form-urlencoded":
            pairs = parse_qsl(text, keep_blank_values=True)
            return urlencode(redact_pairs(pairs, personal_paths)).encode()[:MAX_KEPT_BODY]
        if kind.endswith("json") or not kind:
            redacted = redact_json(json.loads(text), personal_paths)
            return json.dumps(redacted, separators=(",", ":")).encode()[:MAX_KEPT_BODY]
    except (UnicodeDecodeError, ValueError, RecursionError):
        pass
    return f"[body of {len(body)} bytes not kept: {kind or 'unknown type'}]".encode()


def keep_headers(headers: Mapping[str, str]) -> list[common_pb2.Header]:
    """Headers without secrets (credentials, cookies, signatures)."""
    kept = []
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in SECRET_HEADERS or is_secret_key(lowered) or "signature" in lowered:
            continue
        kept.append(common_pb2.Header(name=name, value=value[:1024]))
    return kept
