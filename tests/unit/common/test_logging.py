from __future__ import annotations

import json

import pytest
import structlog

from services.common.logging import REDACTED, configure_logging, get_logger, redact_secrets


def _redact(**fields: object) -> dict[str, object]:
    return redact_secrets(None, "info", dict(fields))


def test_secret_named_keys_are_redacted_at_any_depth() -> None:
    out = _redact(
        event="destination_saved",
        authorization="Bearer abc",
        access_token="EAAB",
        API_KEY="k",
        client_secret="s",
        db_password="p",
        credentials={"token": "t"},
        nested={"deeper": [{"x-api-key": "k", "ok": 1}]},
        count=3,
    )
    assert out["event"] == "destination_saved"
    for key in ("authorization", "access_token", "API_KEY", "client_secret", "db_password"):
        assert out[key] == REDACTED
    assert out["credentials"] == REDACTED
    assert out["nested"] == {"deeper": [{"x-api-key": REDACTED, "ok": 1}]}
    assert out["count"] == 3


def test_secrets_inside_values_are_masked() -> None:
    out = _redact(
        metadata=[("authorization", "Bearer abc"), ("x-request-id", "r1")],
        dsn="postgresql://switchyard:hunter2@db:5432/switchyard",
        header="Bearer abc.def",
    )
    assert out["metadata"] == [("authorization", REDACTED), ("x-request-id", "r1")]
    assert out["dsn"] == f"postgresql://switchyard:{REDACTED}@db:5432/switchyard"
    assert out["header"] == f"Bearer {REDACTED}"


def test_json_lines_carry_service_and_bound_ids(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("info", "json", "registry")
    with structlog.contextvars.bound_contextvars(request_id="r-1"):
        get_logger("test").info("event_accepted", api_key="k", event_id="e1")
    get_logger("test").debug("not_shown")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 1
    line = lines[0]
    assert line["event"] == "event_accepted"
    assert line["service"] == "registry"
    assert line["request_id"] == "r-1"
    assert line["level"] == "info"
    assert line["api_key"] == REDACTED
    assert line["timestamp"].endswith("Z")
