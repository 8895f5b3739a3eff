"""The OpenAPI 3.1 document of the HTTP gateway, served at /v1/openapi.json."""

from __future__ import annotations

from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}
_JSON_ERROR = {"application/json": {"schema": _ERROR}}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer"},
    }
}


def _errors(*codes: int) -> dict[str, Any]:
    words = {
        400: "Invalid input; every problem is listed.",
        401: "Missing or wrong credential (API key, URL token or signature).",
        413: "Body over the configured limit.",
        503: "A dependency is unavailable or the event id is in flight; retry after the delay.",
    }
    answers: dict[str, Any] = {}
    for code in codes:
        answers[str(code)] = {"description": words[code], "content": _JSON_ERROR}
        if code == 503:
            answers[str(code)]["headers"] = _RETRY_AFTER
    return answers


_TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "description": "The integration's URL token.",
    "schema": {"type": "string"},
}
_ACK = {
    "description": "Committed (or recognised as a duplicate).",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ack"}}},
}
_POSTBACK_PARAMS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": text,
        "schema": {"type": "string"},
    }
    for name, text in (
        ("event", "Event name (alias event_name); mapped by the integration's event rules."),
        ("event_id", "The sender's event id: the de-duplication key."),
        ("transaction_id", "Transaction or order id (aliases txid, order_id)."),
        ("lead_id", "Switchyard lead id."),
        ("click_id", "Switchyard click id (aliases clickid, sy_click_id)."),
        ("value", "Value (alias amount), a number >= 0."),
        ("currency", "ISO 4217 currency code."),
        ("payout", "Payout owed to the affiliate."),
        ("revenue", "Revenue to the organization."),
        ("email", "E-mail, hashed on arrival."),
        ("phone", "Phone, hashed on arrival."),
    )
]

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Switchyard ingest gateway",
        "version": "1.0.0",
        "description": "Every way an event enters Switchyard over HTTP. Personal data is "
        "normalized and SHA-256 hashed on arrival; an answer 2xx means committed.",
    },
    "paths": {
        "/v1/postback/{token}": {
            "get": {
                "summary": "Affiliate network postback (query string).",
                "operationId": "postbackGet",
                "parameters": [_TOKEN, *_POSTBACK_PARAMS],
                "responses": {"200": _ACK, **_errors(400, 401, 413, 503)},
            },
            "post": {
                "summary": "Affiliate network postback (query, form or JSON body).",
                "operationId": "postbackPost",
                "parameters": [_TOKEN, *_POSTBACK_PARAMS],
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
                        "application/json": {"schema": {"type": "object"}},
                    },
                },
                "responses": {"200": _ACK, **_errors(400, 401, 413, 503)},
            },
        },
        "/v1/events": {
            "post": {
                "summary": "A batch of events with an API key (all or nothing).",
                "operationId": "trackEvents",
                "security": [{"apiKey": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/TrackEventsRequest"}
                        }
                    },
                },
                "responses": {"200": _ACK, **_errors(400, 401, 413, 503)},
            }
        },
        "/v1/webhooks/{token}": {
            "post": {
                "summary": "An integration's webhook (generic JSON or Shopify order).",
                "operationId": "webhook",
                "parameters": [
                    _TOKEN,
                    {
                        "name": "X-Shopify-Hmac-Sha256",
                        "in": "header",
                        "required": False,
                        "description": "Shopify's base64 HMAC-SHA256 of the body.",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "X-Shopify-Topic",
                        "in": "header",
                        "required": False,
                        "description": "Shopify topic, e.g. orders/create.",
                        "schema": {"type": "string"},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    {"type": "object"},
                                    {"type": "array", "items": {"type": "object"}},
                                ]
                            }
                        }
                    },
                },
                "responses": {"200": _ACK, **_errors(400, 401, 413, 503)},
            }
        },
        "/v1/collect": {
            "post": {
                "summary": "Tracking-tag beacon with browser context.",
                "operationId": "collect",
                "parameters": [
                    {
                        "name": "token",
                        "in": "query",
                        "required": True,
                        "description": "URL token of a postback-kind integration.",
                        "schema": {"type": "string"},
                    }
                ],
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {"200": _ACK, **_errors(400, 401, 413, 503)},
            }
        },
        "/v1/click": {
            "get": {
                "summary": "Record a click and redirect to the landing URL with sy_click_id.",
                "operationId": "click",
                "parameters": [
                    {
                        "name": "campaign",
                        "in": "query",
                        "required": True,
                        "description": "Campaign id.",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "url",
                        "in": "query",
                        "required": True,
                        "description": "Landing URL (http or https).",
                        "schema": {"type": "string", "format": "uri"},
                    },
                    {
                        "name": "gclid",
                        "in": "query",
                        "required": False,
                        "description": "Any platform click id (fbclid, ttclid, ...) or UTM.",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "302": {
                        "description": "Redirect to the landing URL with sy_click_id.",
                        "headers": {
                            "Location": {
                                "description": "Landing URL.",
                                "schema": {"type": "string"},
                            }
                        },
                    },
                    **_errors(400, 503),
                },
            }
        },
        "/v1/openapi.json": {
            "get": {
                "summary": "This document.",
                "operationId": "openapi",
                "responses": {"200": {"description": "The OpenAPI document."}},
            }
        },
        "/healthz": {
            "get": {
                "summary": "The process is alive.",
                "operationId": "healthz",
                "responses": {"200": {"description": "Alive."}},
            }
        },
        "/readyz": {
            "get": {
                "summary": "Ready to take events.",
                "operationId": "readyz",
                "responses": {
                    "200": {"description": "Ready."},
                    "503": {"description": "Not ready; checks say what is missing."},
                },
            }
        },
    },
    "components": {
        "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {"type": "string"},
                    "problems": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"field": {"type": "string"}, "rule": {"type": "string"}},
                        },
                    },
                },
            },
            "Ack": {
                "type": "object",
                "properties": {
                    "status": {"type": "string"},
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "event_id": {"type": "string"},
                                "outcome": {"type": "string", "enum": ["accepted", "duplicate"]},
                                "lead_id": {"type": "string"},
                                "deliveries": {"type": "integer"},
                            },
                        },
                    },
                },
            },
            "TrackEventsRequest": {
                "type": "object",
                "required": ["events"],
                "properties": {
                    "events": {
                        "type": "array",
                        "maxItems": 500,
                        "items": {"$ref": "#/components/schemas/EventInput"},
                    }
                },
            },
            "EventInput": {
                "type": "object",
                "description": "switchyard.v1.EventInput in protobuf JSON form.",
                "properties": {
                    "event_id": {"type": "string", "maxLength": 256},
                    "event_name": {"type": "string", "maxLength": 64},
                    "campaign_id": {"type": "string"},
                    "event_time": {"type": "string", "format": "date-time"},
                    "lead_id": {"type": "string"},
                    "transaction_id": {"type": "string"},
                    "click_id": {"type": "string"},
                    "value": {"type": "number", "minimum": 0},
                    "currency": {"type": "string"},
                    "payout": {"type": "number", "minimum": 0},
                    "revenue": {"type": "number", "minimum": 0},
                    "user": {"type": "object"},
                    "client": {"type": "object"},
                    "click_ids": {"type": "object"},
                    "custom_fields": {"type": "object"},
                    "params": {"type": "object"},
                    "items": {"type": "array", "items": {"type": "object"}},
                    "test": {"type": "boolean"},
                },
            },
        },
    },
}
