"""What every platform adapter is: a name, an event-name table, an age window and a renderer.

An adapter turns one canonical event and the routing decision for one destination into the
platform's exact HTTP request minus credentials (`Rendered`), or refuses with `Skip` when the
event lacks what the platform needs. Adapters are pure: no I/O, no clock, no randomness.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from switchyard.v1 import common_pb2, config_pb2

JsonBody = dict[str, Any]


class Skip(Exception):
    """The event cannot go to this destination; the message says why, for the delivery log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """The routing decision for one event and one destination."""

    destination: config_pb2.Destination
    event_name: str
    custom: bool
    params: Mapping[str, str]
    test: bool
    delivery_id: str
    # The event's definition (for default payout and revenue) and the map time in Unix
    # seconds, for postback macros; the only adapters that look at either.
    definition: config_pb2.EventDefinition | None = None
    mapped_at: int = 0


@dataclass(frozen=True)
class Rendered:
    """A rendered request and the identifier kinds it carries (for match quality)."""

    request: common_pb2.HttpRequest
    identifiers: frozenset[str]


Renderer = Callable[[common_pb2.CanonicalEvent, Target], Rendered]


def same_name(name: str) -> str:
    """Custom event name for platforms that take any string."""
    return name


def snake_name(name: str) -> str:
    """Custom name for snake_case platforms (OutboundClick → outbound_click)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class Platform:
    """One adapter: everything routing and the Map RPC need to know about a platform."""

    name: str
    label: str
    type: int
    accept_window: timedelta
    # Canonical standard/system event → platform event name; None = no equivalent, the event
    # is sent as the platform's custom event (see each module's table).
    event_names: Mapping[str, str | None]
    render: Renderer
    custom_name: Callable[[str], str] = same_name
    # Google Ads counts its window from the click rather than from the event.
    window_from_click: bool = False
    # Postback and webhook destinations; they receive custom events without a mapping.
    receives_all_events: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


# ---- small helpers shared by adapters ----------------------------------------------------


def base_url(destination: config_pb2.Destination, default: str) -> str:
    """The destination's `endpoint` override, else the platform's own host, without a final '/'."""
    return (destination.settings.get("endpoint") or default).rstrip("/")


def setting(target: Target, name: str) -> str:
    """A per-mapping parameter if the event mapping sets it, else the destination's setting."""
    return target.params.get(name) or target.destination.settings.get(name, "")


def event_seconds(event: common_pb2.CanonicalEvent) -> int:
    """Event time as Unix seconds."""
    return int(event.event_time.seconds)


def event_datetime(event: common_pb2.CanonicalEvent) -> datetime:
    """Event time as an aware UTC datetime."""
    return datetime.fromtimestamp(event.event_time.seconds, UTC) + timedelta(
        microseconds=event.event_time.nanos // 1000
    )


def client_field(event: common_pb2.CanonicalEvent, name: str) -> str:
    """A client-context value from the event itself, else from its attributed click."""
    value: str = getattr(event.client, name)
    if value:
        return value
    fallback: str = getattr(event.click.client, name)
    return fallback


def browser_id(event: common_pb2.CanonicalEvent, name: str) -> str:
    """A named browser id (e.g. rdt_uuid) from the event's or its click's client context."""
    value: str = event.client.browser_ids.get(name) or event.click.client.browser_ids.get(name, "")
    return value


def amount(event: common_pb2.CanonicalEvent) -> float | None:
    """The event's monetary value: `value`, else `revenue`, else None."""
    if event.HasField("value"):
        return event.value
    if event.HasField("revenue"):
        return event.revenue
    return None


def decimal_text(number: float) -> str:
    """A number as short decimal text (12.5 → '12.5', 3.0 → '3')."""
    text = f"{number:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def money_text(number: float) -> str:
    """Money as a two-decimal string, for platforms that want amounts as text."""
    return f"{number:.2f}"


def compact(mapping: Mapping[str, Any]) -> JsonBody:
    """Drop empty values (None, '', [], {}) so requests carry only what is known."""
    # Written out rather than `value not in (None, "", [], {})`: this runs for every field of
    # every delivery, and comparing against list and dict literals costs several times more.
    return {
        key: value
        for key, value in mapping.items()
        if value or (value is not None and not isinstance(value, (str, list, dict)))
    }


def listed(*values: str) -> list[str]:
    """Non-empty values as a list (platforms that take arrays of hashes)."""
    return [value for value in values if value]


def present(names: Mapping[str, Any]) -> frozenset[str]:
    """Identifier kinds whose value is non-empty."""
    return frozenset(kind for kind, value in names.items() if value)


def consent_text(state: int) -> str:
    """GRANTED / DENIED for a ConsentState, '' when not collected."""
    if state == common_pb2.CONSENT_STATE_GRANTED:
        return "GRANTED"
    if state == common_pb2.CONSENT_STATE_DENIED:
        return "DENIED"
    return ""


def dump(body: JsonBody) -> bytes:
    """Compact UTF-8 JSON, the form every JSON platform request body is sent in."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def headers_of(pairs: Iterable[tuple[str, str]]) -> list[common_pb2.Header]:
    """Header messages from (name, value) pairs."""
    return [common_pb2.Header(name=name, value=value) for name, value in pairs]


def slot(
    location: common_pb2.CredentialLocation, name: str, key: str, fmt: str = ""
) -> common_pb2.CredentialSlot:
    """A credential slot."""
    return common_pb2.CredentialSlot(location=location, name=name, credential_key=key, format=fmt)


def bearer(key: str = "access_token") -> common_pb2.CredentialSlot:
    """An `Authorization: Bearer <credential>` slot."""
    return slot(common_pb2.CREDENTIAL_LOCATION_HEADER, "Authorization", key, "Bearer {}")


def query_slot(name: str, key: str) -> common_pb2.CredentialSlot:
    """A credential passed as a query parameter."""
    return slot(common_pb2.CREDENTIAL_LOCATION_QUERY, name, key)


JSON_HEADERS = (("Content-Type", "application/json"),)


def batch_key(
    method: str,
    url: str,
    headers: Iterable[tuple[str, str]],
    slots: Iterable[common_pb2.CredentialSlot],
    body: JsonBody,
    array_field: str,
) -> str:
    """Hash of everything two requests must share to merge into one (all but the array)."""
    fixed = {key: value for key, value in body.items() if key != array_field}
    material = [
        method,
        url,
        sorted(headers),
        [(s.location, s.name, s.credential_key, s.format) for s in slots],
        fixed,
    ]
    encoded = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def json_request(
    url: str,
    body: JsonBody,
    slots: Iterable[common_pb2.CredentialSlot],
    array_field: str,
    max_items: int,
    extra_headers: Iterable[tuple[str, str]] = (),
    method: str = "POST",
) -> common_pb2.HttpRequest:
    """A batchable JSON request: the body holds one item in `array_field`."""
    headers = [*JSON_HEADERS, *extra_headers]
    slot_list = list(slots)
    return common_pb2.HttpRequest(
        method=method,
        url=url,
        headers=headers_of(headers),
        body=dump(body),
        credential_slots=slot_list,
        batch=common_pb2.BatchSpec(
            key=batch_key(method, url, headers, slot_list, body, array_field),
            field=array_field,
            max_items=max_items,
        ),
    )
