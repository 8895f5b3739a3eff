"""The HTTP gateway (aiohttp): postbacks, the JSON events API, webhooks, beacons and click links.

Handlers only read the request into `EventInput`s and answer; every check and the hand-off are
the intake's. Errors become JSON with the status of the shared table; 503s carry Retry-After.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import structlog
from aiohttp import web

from services.common.correlation import (
    current_request_id,
    new_request_id,
    request_id_from_metadata,
    reset_request_id,
    set_request_id,
)
from services.common.errors import (
    DomainError,
    InvalidArgument,
    Unauthenticated,
    Unavailable,
    http_status_for,
)
from services.common.logging import get_logger
from services.common.tracing import server_span
from services.ingest.fields import CLICK_ID_FIELDS, canonical_name, is_param_name
from services.ingest.intake import Intake, inbound_request, with_click_id
from services.ingest.openapi import OPENAPI
from services.ingest.parsing import Parsed, from_json_event, from_parameters, from_shopify
from services.ingest.redaction import keep_headers, redact_body, redact_query
from switchyard.v1 import common_pb2, config_pb2, ingest_pb2

MAX_QUERY_FIELDS = 200
POSTBACK_KINDS = (config_pb2.INTEGRATION_KIND_POSTBACK,)
WEBHOOK_KINDS = (config_pb2.INTEGRATION_KIND_GENERIC_WEBHOOK, config_pb2.INTEGRATION_KIND_SHOPIFY)
INTAKE: web.AppKey[Intake] = web.AppKey("intake", Intake)
READY: web.AppKey[Callable[[], Awaitable[dict[str, bool]]]] = web.AppKey("ready")
OUTCOMES = {
    ingest_pb2.EVENT_OUTCOME_ACCEPTED: "accepted",
    ingest_pb2.EVENT_OUTCOME_DUPLICATE: "duplicate",
}

log = get_logger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_response(err: DomainError) -> web.Response:
    """The JSON answer for a domain error: message, problems, Retry-After."""
    body: dict[str, Any] = {"error": err.message}
    if isinstance(err, InvalidArgument):
        body["problems"] = [{"field": p.field, "rule": p.rule} for p in err.problems]
    response = web.json_response(body, status=http_status_for(err))
    if isinstance(err, Unavailable):
        response.headers["Retry-After"] = str(max(1, round(err.retry_after_seconds or 1)))
    return response


@web.middleware
async def edge(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Request id, one summary log line, and errors as JSON answers."""
    header = request.headers.get("x-request-id")
    request_id = request_id_from_metadata([("x-request-id", header)] if header else []) or (
        new_request_id()
    )
    token = set_request_id(request_id)
    started = time.perf_counter()
    route = request.match_info.route.resource
    name = route.canonical if route is not None else "unmatched"
    status = 500
    span = server_span(f"{request.method} {name}", request.headers, **{"http.route": name})
    try:
        with structlog.contextvars.bound_contextvars(request_id=request_id), span as current:
            try:
                response = await handler(request)
            except DomainError as err:
                response = error_response(err)
            except web.HTTPRequestEntityTooLarge as err:
                response = web.json_response({"error": err.text or "body too large"}, status=413)
            status = response.status
            current.set_attribute("http.response.status_code", status)
            response.headers["x-request-id"] = request_id
            log_line = log.info if status < 500 else log.warning
            log_line(
                "http_request",
                method=request.method,
                route=name,  # the pattern, never the path: paths hold integration tokens
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
            return response
    finally:
        reset_request_id(token)


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidArgument.one(what, "must be UTF-8") from None


def query_pairs(request: web.Request) -> list[tuple[str, str]]:
    """The query string's parameters, refusing non-UTF-8 and absurd numbers of fields."""
    return _pairs(request.query_string, "query")


def _pairs(text: str, what: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(
            text, keep_blank_values=True, errors="strict", max_num_fields=MAX_QUERY_FIELDS
        )
    except UnicodeDecodeError:
        raise InvalidArgument.one(what, "must be UTF-8") from None
    except ValueError:
        raise InvalidArgument.one(what, f"must have at most {MAX_QUERY_FIELDS} fields") from None


async def read_json(request: web.Request) -> Any:
    """The body as JSON; malformed or non-UTF-8 bodies are a 400 naming the reason."""
    raw = await request.read()
    text = _decode(raw, "body")
    try:
        return json.loads(text)
    except RecursionError:
        raise InvalidArgument.one("body", "is nested too deeply") from None
    except ValueError as err:
        raise InvalidArgument.one("body", f"is not valid JSON ({err})") from None


async def body_params(request: web.Request) -> dict[str, Any]:
    """A POST body's parameters: form fields or a flat JSON object."""
    if request.method != "POST" or not request.can_read_body:
        return {}
    kind = request.content_type
    if kind == "application/x-www-form-urlencoded":
        return dict(_pairs(_decode(await request.read(), "body"), "body"))
    if kind.endswith("json"):
        value = await read_json(request)
        if not isinstance(value, dict):
            raise InvalidArgument.one("body", "must be a JSON object")
        return value
    raw = await request.read()
    if raw:
        raise InvalidArgument.one(
            "body", "must be application/x-www-form-urlencoded or application/json"
        )
    return {}


async def inbound_of(request: web.Request, channel: str, integration_id: str = "") -> Any:
    """What is kept of the request: query and body with personal data hashed, no secrets."""
    body = await request.read() if request.can_read_body else b""
    return inbound_request(
        _current_id(),
        channel,
        request.method,
        _path_without_token(request),
        query=redact_query(request.query_string),
        headers=keep_headers(request.headers),
        body=redact_body(body, request.content_type),
        remote_ip=request.remote or "",
        integration_id=integration_id,
    )


def _current_id() -> str:
    return current_request_id() or new_request_id()


def _path_without_token(request: web.Request) -> str:
    route = request.match_info.route.resource
    return route.canonical if route is not None else request.path


def results_body(results: list[ingest_pb2.EventResult]) -> list[dict[str, Any]]:
    """Per-event outcomes as JSON."""
    return [
        {
            "event_id": r.event_id,
            "outcome": OUTCOMES.get(r.outcome, "accepted"),
            "lead_id": r.lead_id,
            "deliveries": r.deliveries,
        }
        for r in results
    ]


async def postback(request: web.Request) -> web.Response:
    """GET or POST /v1/postback/{token}: a network's conversion postback."""
    intake = request.app[INTAKE]
    index, integration = intake.integration(request.match_info["token"], POSTBACK_KINDS)
    params: dict[str, Any] = dict(query_pairs(request))
    params.update(await body_params(request))
    parsed = from_parameters(params, integration)
    prepared = intake.prepare(index, [parsed], batch=False, strict=integration.strict)
    inbound = await inbound_of(request, "postback", integration.id)
    results = await intake.submit(prepared, inbound, batch=False)
    return web.json_response({"status": "ok", "results": results_body(results)})


async def events(request: web.Request) -> web.Response:
    """POST /v1/events: a batch of events with an API key (the JSON twin of TrackEvents)."""
    intake = request.app[INTAKE]
    index = await intake.organization_of_key(_bearer(request))
    body = await read_json(request)
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        raise InvalidArgument.one("events", "the body must be an object with an events array")
    unknown = sorted(set(body) - {"events"})
    if unknown and intake.strict:
        raise InvalidArgument.one("body", f"unknown fields: {', '.join(unknown[:20])}")
    items = body["events"]
    if len(items) > intake.max_batch:
        raise InvalidArgument.one("events", f"must hold at most {intake.max_batch} events")
    parsed = [from_json_event(item, intake.strict) for item in items]
    prepared = intake.prepare(index, parsed, batch=True)
    inbound = await inbound_of(request, "events_api")
    results = await intake.submit(prepared, inbound, batch=True)
    return web.json_response({"results": results_body(results)})


def _bearer(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def webhook(request: web.Request) -> web.Response:
    """POST /v1/webhooks/{token}: an integration's webhook, mapped by its rules."""
    intake = request.app[INTAKE]
    index, integration = intake.integration(request.match_info["token"], WEBHOOK_KINDS)
    raw = await request.read()
    if integration.kind == config_pb2.INTEGRATION_KIND_SHOPIFY:
        secret = await intake.signing_secret(index, integration.id)
        if not verify_shopify(secret, raw, request.headers.get("X-Shopify-Hmac-Sha256", "")):
            raise Unauthenticated("missing or wrong X-Shopify-Hmac-Sha256 signature")
    payload = await read_json(request)
    parsed: list[Parsed]
    if integration.kind == config_pb2.INTEGRATION_KIND_SHOPIFY:
        if not isinstance(payload, dict):
            raise InvalidArgument.one("body", "must be a Shopify order object")
        topic = request.headers.get("X-Shopify-Topic", "orders/create")
        parsed = [from_shopify(payload, topic, integration)]
    else:
        items = payload if isinstance(payload, list) else [payload]
        if not items or not all(isinstance(item, dict) for item in items):
            raise InvalidArgument.one("body", "must be a JSON object or an array of objects")
        parsed = [from_parameters(item, integration) for item in items]
    batch = len(parsed) > 1
    prepared = intake.prepare(index, parsed, batch=batch, strict=integration.strict)
    inbound = await inbound_of(request, "webhook", integration.id)
    results = await intake.submit(prepared, inbound, batch=batch)
    return web.json_response({"status": "ok", "results": results_body(results)})


def verify_shopify(secret: str, body: bytes, offered: str) -> bool:
    """Shopify's signature: base64 HMAC-SHA256 of the raw body, compared in constant time."""
    if not secret or not offered:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, offered.strip().encode())


async def collect(request: web.Request) -> web.Response:
    """POST /v1/collect?token=: a tracking-tag beacon with the browser's context."""
    intake = request.app[INTAKE]
    pairs = query_pairs(request)
    query = dict(pairs)
    index, integration = intake.integration(query.pop("token", ""), POSTBACK_KINDS)
    params: dict[str, Any] = dict(query)
    params.update(await body_params(request))
    params.setdefault("ip", request.remote or "")
    params.setdefault("user_agent", request.headers.get("User-Agent", ""))
    if request.headers.get("Referer"):
        params.setdefault("page_url", request.headers["Referer"])
    parsed = from_parameters({k: v for k, v in params.items() if v != ""}, integration)
    if not parsed.event.action_source:
        parsed.event.action_source = common_pb2.ACTION_SOURCE_WEBSITE
    prepared = intake.prepare(index, [parsed], batch=False, strict=integration.strict)
    inbound = await inbound_of(request, "collect", integration.id)
    results = await intake.submit(prepared, inbound, batch=False)
    return web.json_response({"status": "ok", "results": results_body(results)})


async def click(request: web.Request) -> web.Response:
    """GET /v1/click: record a click, then redirect to the landing URL with sy_click_id."""
    intake = request.app[INTAKE]
    query = dict(query_pairs(request))
    campaign_id = query.pop("campaign", "")
    found = intake.catalog.campaign(campaign_id) if campaign_id else None
    if found is None:
        raise InvalidArgument.one("campaign", "no such campaign")
    landing = query.pop("url", "")
    record = ingest_pb2.RecordClickRequest(
        campaign_id=campaign_id,
        landing_url=landing,
        client=common_pb2.ClientContext(
            ip=request.remote or "", user_agent=request.headers.get("User-Agent", "")[:1024]
        ),
    )
    fill_click_params(record, query)
    saved = await intake.record_click(found[0], record)
    raise web.HTTPFound(with_click_id(landing, saved.click_id))


def fill_click_params(record: ingest_pb2.RecordClickRequest, query: Mapping[str, str]) -> None:
    """Platform click ids into `ids`, UTM and sub ids into `params`; the rest is ignored."""
    for name, value in query.items():
        target = canonical_name(name)
        if target in CLICK_ID_FIELDS:
            setattr(record.ids, str(target), value)
        elif is_param_name(name) and len(record.params) < 50:
            record.params[name] = value


async def healthz(_request: web.Request) -> web.Response:
    """The process is alive."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when snapshots are synced and Postgres, Redis, mapper and dispatcher answer."""
    checks = await request.app[READY]()
    ready = all(checks.values())
    return web.json_response(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status=200 if ready else 503,
    )


async def openapi(_request: web.Request) -> web.Response:
    """The OpenAPI 3.1 document of this gateway."""
    return web.json_response(OPENAPI)


def create_app(
    intake: Intake, ready: Callable[[], Awaitable[dict[str, bool]]], max_body_bytes: int
) -> web.Application:
    """The gateway's aiohttp application."""
    app = web.Application(middlewares=[edge], client_max_size=max_body_bytes)
    app[INTAKE] = intake
    app[READY] = ready
    app.router.add_route("GET", "/v1/postback/{token}", postback)
    app.router.add_route("POST", "/v1/postback/{token}", postback)
    app.router.add_post("/v1/events", events)
    app.router.add_post("/v1/webhooks/{token}", webhook)
    app.router.add_post("/v1/collect", collect)
    app.router.add_get("/v1/click", click)
    app.router.add_get("/v1/openapi.json", openapi)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app
