"""Postback URLs: templates with `{macro}` placeholders filled from the event.

Serves both postback destinations (settings url/method/body_template/content_type, fired for
every mapped event) and affiliate postbacks (config `Postback` rows, fired for affiliate
conversions). Values are percent-encoded in URLs, JSON-escaped in JSON bodies and
form-encoded in form bodies, so no value can break the structure it lands in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import timedelta
from urllib.parse import quote_plus, urlsplit

from services.common import macros
from services.mapper.platforms.base import (
    Platform,
    Rendered,
    Skip,
    Target,
    client_field,
    decimal_text,
    event_datetime,
    event_seconds,
)
from switchyard.v1 import common_pb2, config_pb2

SUB_IDS = ("aff_id", "sub1", "sub2", "sub3", "sub4", "sub5")
UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


def _number(event: common_pb2.CanonicalEvent, name: str, default: float | None) -> str:
    """An optional money field as text, else the definition's default, else ''."""
    if event.HasField(name):
        return decimal_text(getattr(event, name))
    return decimal_text(default) if default is not None else ""


def _default(definition: config_pb2.EventDefinition | None, name: str) -> float | None:
    """A definition's default payout or revenue."""
    if definition is None or not definition.HasField(name):
        return None
    value: float = getattr(definition, name)
    return value


def macro_values(event: common_pb2.CanonicalEvent, target: Target) -> dict[str, str]:
    """Every known macro's value for one event (empty when the event lacks it)."""
    click = event.click
    values = dict(event.custom_fields)
    values.update(
        {
            "event_id": event.event_id,
            "event_name": event.event_name,
            "platform_event_name": target.event_name,
            "event_time": str(event_seconds(event)),
            "event_time_iso": event_datetime(event).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "transaction_id": event.transaction_id,
            "lead_id": event.lead_id,
            "click_id": event.click_id or click.click_id,
            "campaign_id": event.campaign_id,
            "organization_id": event.organization_id,
            "payout": _number(event, "payout", _default(target.definition, "payout")),
            "revenue": _number(event, "revenue", _default(target.definition, "revenue")),
            "value": _number(event, "value", None),
            "currency": event.currency,
            "ip": client_field(event, "ip"),
            "user_agent": client_field(event, "user_agent"),
            "landing_url": click.landing_url,
            "page_url": client_field(event, "page_url"),
            "gclid": click.ids.gclid,
            "fbclid": click.ids.fbclid,
            "ttclid": click.ids.ttclid,
            "msclkid": click.ids.msclkid,
            # Stable per delivery, so a retried postback is the same request.
            "random": str(int(target.delivery_id.replace("-", "")[:12] or "0", 16)),
            "timestamp": str(target.mapped_at),
            "test": "1" if target.test else "0",
        }
    )
    for name in UTM:
        values[name] = click.params.get(name, "")
    for name in SUB_IDS:
        values[name] = event.params.get(name) or click.params.get(name, "")
    return values


def _json_escape(value: str) -> str:
    """A value as it appears inside a JSON string literal."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _header_safe(value: str) -> str:
    """A value that cannot end a header line."""
    return value.replace("\r", " ").replace("\n", " ")


def body_escape(content_type: str) -> Callable[[str], str]:
    """How values are escaped in a body of the given content type."""
    kind = content_type.split(";")[0].strip().lower()
    if kind.endswith("json"):
        return _json_escape
    if kind == "application/x-www-form-urlencoded":
        return quote_plus
    return str


def render_template(
    event: common_pb2.CanonicalEvent,
    target: Target,
    url_template: str,
    method: str,
    body_template: str,
    content_type: str,
    header_templates: Iterable[common_pb2.Header] = (),
) -> Rendered:
    """A postback request from its templates."""
    values = macro_values(event, target)
    url = macros.render_url(url_template, values)
    if urlsplit(url).scheme not in ("http", "https"):
        raise Skip("postback URL is not an http(s) URL after filling its macros")
    method = (method or ("POST" if body_template else "GET")).upper()
    headers = [
        common_pb2.Header(name=h.name, value=_header_safe(macros.render(h.value, values)))
        for h in header_templates
    ]
    body = b""
    if body_template:
        content_type = content_type or "application/json"
        body = macros.render(body_template, values, body_escape(content_type)).encode()
        headers.append(common_pb2.Header(name="Content-Type", value=content_type))
    request = common_pb2.HttpRequest(method=method, url=url, headers=headers, body=body)
    return Rendered(request, frozenset({"click_id"}) if values["click_id"] else frozenset())


def render(event: common_pb2.CanonicalEvent, target: Target) -> Rendered:
    """A postback destination's request."""
    settings = target.destination.settings
    return render_template(
        event,
        target,
        settings["url"],
        settings.get("method", ""),
        settings.get("body_template", ""),
        settings.get("content_type", ""),
    )


def render_affiliate(
    event: common_pb2.CanonicalEvent, target: Target, postback: config_pb2.Postback
) -> Rendered:
    """An affiliate postback's request."""
    return render_template(
        event,
        target,
        postback.url_template,
        postback.method,
        postback.body_template,
        postback.content_type,
        postback.headers,
    )


PLATFORM = Platform(
    name="postback",
    label="Postback",
    type=common_pb2.DESTINATION_TYPE_POSTBACK,
    accept_window=timedelta(days=30),
    # Postbacks have no event vocabulary: every event goes under its canonical name.
    event_names={},
    render=render,
)
