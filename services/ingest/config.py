"""Ingest settings: the shared ones plus the gateway's ports, bounds and batching window."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.common.settings import CommonSettings, Env, service_ports


@dataclass(frozen=True)
class IngestSettings:
    """Everything ingest reads from the environment, parsed once at start."""

    common: CommonSettings
    grpc_port: int
    metrics_port: int
    http_port: int
    max_body_bytes: int
    max_batch: int
    max_event_age_days: int
    batch_window_ms: float
    batch_max: int
    strict: bool
    click_cache_seconds: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> IngestSettings:
        """Parse and validate; raise SettingsError listing every bad variable."""
        env = Env(environ)
        common = CommonSettings.read(env)
        ports = service_ports(env, "ingest")
        settings = cls(
            common=common,
            grpc_port=ports.grpc_port,
            metrics_port=ports.metrics_port,
            http_port=env.int("SWITCHYARD_INGEST_HTTP_PORT", 8080, min=0, max=65535),
            max_body_bytes=env.int(
                "SWITCHYARD_INGEST_MAX_BODY_BYTES", 1024 * 1024, min=1024, max=64 * 1024 * 1024
            ),
            max_batch=env.int("SWITCHYARD_INGEST_MAX_BATCH", 500, min=1, max=10_000),
            max_event_age_days=env.int("SWITCHYARD_INGEST_MAX_EVENT_AGE_DAYS", 90, min=1, max=3650),
            batch_window_ms=env.float(
                "SWITCHYARD_INGEST_BATCH_WINDOW_MS", 5.0, min=0.0, max=1000.0
            ),
            batch_max=env.int("SWITCHYARD_INGEST_BATCH_MAX", 200, min=1, max=10_000),
            strict=env.bool("SWITCHYARD_INGEST_STRICT", False),
            click_cache_seconds=env.int(
                "SWITCHYARD_INGEST_CLICK_CACHE_SECONDS", 86_400, min=1, max=90 * 86_400
            ),
        )
        env.check()
        return settings
