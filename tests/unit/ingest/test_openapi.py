"""The OpenAPI document is valid 3.1 and describes every route the gateway serves."""

from __future__ import annotations

import openapi_spec_validator

from services.ingest.openapi import OPENAPI


def test_document_names_every_route() -> None:
    assert set(OPENAPI["paths"]) == {
        "/v1/postback/{token}",
        "/v1/events",
        "/v1/webhooks/{token}",
        "/v1/collect",
        "/v1/click",
        "/v1/openapi.json",
        "/healthz",
        "/readyz",
    }


def test_document_validates() -> None:
    openapi_spec_validator.validate(OPENAPI)
