from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from services.common.settings import (
    DEV_INTERNAL_TOKEN,
    CommonSettings,
    Env,
    SettingsError,
    service_ports,
)

KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  # bytes 0..31


def test_defaults_when_environment_is_empty() -> None:
    settings = CommonSettings.from_env({})
    assert settings.database_url is None
    assert settings.redis_url is None
    assert settings.data_dir == Path(".data")
    assert (settings.log_level, settings.log_format) == ("info", "auto")
    assert settings.internal_token == DEV_INTERNAL_TOKEN
    assert settings.internal_token_is_default
    assert settings.startup_warnings()
    assert settings.shutdown_grace_seconds == 20.0
    assert settings.registry_address == "127.0.0.1:50051"
    assert settings.ingest_address == "127.0.0.1:50054"
    assert settings.outbound_allow_cidrs == ()
    assert (settings.db_pool_min, settings.db_pool_max) == (1, 10)
    assert settings.credentials_key is None


def test_values_are_parsed() -> None:
    settings = CommonSettings.from_env(
        {
            "SWITCHYARD_DATABASE_URL": "postgresql://u:p@db/switchyard",
            "SWITCHYARD_LOG_LEVEL": "DEBUG",
            "SWITCHYARD_LOG_FORMAT": "json",
            "SWITCHYARD_INTERNAL_TOKEN": "s3cret",
            "SWITCHYARD_SHUTDOWN_GRACE_SECONDS": "1500ms",
            "SWITCHYARD_OUTBOUND_ALLOW_CIDRS": "10.1.0.0/16, fd00::/8",
            "SWITCHYARD_CREDENTIALS_KEY": KEY,
        }
    )
    assert settings.log_level == "debug"
    assert settings.internal_token == "s3cret"
    assert not settings.internal_token_is_default
    assert settings.shutdown_grace_seconds == 1.5
    assert settings.outbound_allow_cidrs == (
        ipaddress.ip_network("10.1.0.0/16"),
        ipaddress.ip_network("fd00::/8"),
    )
    assert settings.credentials_key == bytes(range(32))


def test_every_bad_value_is_named_at_once() -> None:
    with pytest.raises(SettingsError) as caught:
        CommonSettings.from_env(
            {
                "SWITCHYARD_LOG_LEVEL": "loud",
                "SWITCHYARD_LOG_FORMAT": "xml",
                "SWITCHYARD_SHUTDOWN_GRACE_SECONDS": "soon",
                "SWITCHYARD_OUTBOUND_ALLOW_CIDRS": "10.0.0.0/33",
                "SWITCHYARD_DB_POOL_MAX": "zero",
                "SWITCHYARD_CREDENTIALS_KEY": "c2hvcnQ=",
                "SWITCHYARD_MAPPER_ADDRESS": "no-port",
            }
        )
    names = [name for name, _ in caught.value.problems]
    assert names == [
        "SWITCHYARD_DB_POOL_MAX",
        "SWITCHYARD_LOG_LEVEL",
        "SWITCHYARD_LOG_FORMAT",
        "SWITCHYARD_SHUTDOWN_GRACE_SECONDS",
        "SWITCHYARD_MAPPER_ADDRESS",
        "SWITCHYARD_OUTBOUND_ALLOW_CIDRS",
        "SWITCHYARD_CREDENTIALS_KEY",
    ]
    message = str(caught.value)
    assert "SWITCHYARD_LOG_LEVEL: must be one of debug, info, warning, error" in message
    assert "SWITCHYARD_CREDENTIALS_KEY: must decode to 32 bytes, got 5" in message


def test_secrets_stay_out_of_repr() -> None:
    settings = CommonSettings.from_env(
        {"SWITCHYARD_INTERNAL_TOKEN": "s3cret", "SWITCHYARD_DATABASE_URL": "postgresql://u:pw@h/d"}
    )
    assert "s3cret" not in repr(settings)
    assert "pw" not in repr(settings)


def test_pool_bounds_are_checked_together() -> None:
    with pytest.raises(SettingsError, match="SWITCHYARD_DB_POOL_MIN: must be <= "):
        CommonSettings.from_env({"SWITCHYARD_DB_POOL_MIN": "5", "SWITCHYARD_DB_POOL_MAX": "2"})


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("20", 20.0), ("1.5s", 1.5), ("250ms", 0.25), ("2m", 120.0), ("1h", 3600.0)],
)
def test_durations(text: str, seconds: float) -> None:
    assert Env({"D": text}).duration_seconds("D", 0.0) == seconds


def test_env_reads_collect_problems_and_fall_back_to_defaults() -> None:
    env = Env({"N": "7", "LOW": "-1", "F": "nan", "B": "maybe", "L": "a, ,b,", "E": "  "})
    assert env.int("N", 1, min=0) == 7
    assert env.int("LOW", 3, min=0) == 3
    assert env.float("F", 0.5) == 0.5
    assert env.bool("B", True) is True
    assert env.csv("L") == ("a", "b")
    assert env.str("E", "default") == "default"
    assert env.problems == [
        ("LOW", "must be >= 0"),
        ("F", "must be a finite number"),
        ("B", "must be true or false"),
    ]
    with pytest.raises(SettingsError):
        env.check()


def test_service_ports() -> None:
    assert service_ports(Env({}), "dispatcher") == (50053, 9103)
    env = Env({"SWITCHYARD_INGEST_GRPC_PORT": "0", "SWITCHYARD_INGEST_METRICS_PORT": "70000"})
    assert service_ports(env, "ingest").grpc_port == 0
    assert env.problems == [("SWITCHYARD_INGEST_METRICS_PORT", "must be <= 65535")]
