"""Dispatcher settings, parsed once from the environment at start.

| variable | default | meaning |
|---|---|---|
| SWITCHYARD_DISPATCHER_GRPC_PORT | 50053 | gRPC port |
| SWITCHYARD_DISPATCHER_METRICS_PORT | 9103 | Prometheus /metrics port |
| SWITCHYARD_DISPATCHER_RETENTION_DAYS | 30 | days of history kept (daily partitions) |
| SWITCHYARD_DISPATCHER_DEDUP_WINDOW_SECONDS | 172800 | how long an event id stays taken |
| SWITCHYARD_DISPATCHER_POLL_SECONDS | 1.0 | queue poll interval besides notifications |
| SWITCHYARD_DISPATCHER_HTTP_TIMEOUT_SECONDS | 15 | timeout of one outbound request |
| SWITCHYARD_DISPATCHER_LEASE_SECONDS | 60 | claim lease; longer than the HTTP timeout |
| SWITCHYARD_DISPATCHER_MAX_RESPONSE_BYTES | 8192 | response body bytes kept per attempt |
| SWITCHYARD_DISPATCHER_RETRY_BUDGET_SECONDS | 86400 | retries end this long after creation |
| SWITCHYARD_DISPATCHER_RETRY_BASE_SECONDS | 5 | first backoff step (full jitter) |
| SWITCHYARD_DISPATCHER_RETRY_CAP_SECONDS | 7200 | longest backoff step |
| SWITCHYARD_DISPATCHER_DESTINATION_CONCURRENCY | 8 | requests in flight per destination |
| SWITCHYARD_DISPATCHER_DESTINATION_RATE | 200 | requests per second per destination |
| SWITCHYARD_DISPATCHER_BREAKER_FAILURES | 5 | retryable failures in a row that open |
| SWITCHYARD_DISPATCHER_BREAKER_COOLDOWN_SECONDS | 30 | open circuit's wait before a probe |
| SWITCHYARD_DISPATCHER_BATCH_WINDOW_MS | 20 | how long a batch waits for members |
| SWITCHYARD_DISPATCHER_MAX_IN_FLIGHT | 512 | deliveries one process holds at once |
| SWITCHYARD_DISPATCHER_CLAIM_BATCH | 100 | most deliveries one claim takes |
| SWITCHYARD_DISPATCHER_INSTANCE_ID | host-pid-random | this process's lease owner name |

Limits (concurrency, rate, breaker) hold per process and per destination.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass

from services.common.settings import CommonSettings, Env, service_ports


def _default_instance_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class DispatcherSettings:
    """Everything the dispatcher reads from the environment."""

    common: CommonSettings
    grpc_port: int
    metrics_port: int
    retention_days: int
    dedup_window_seconds: float
    poll_seconds: float
    http_timeout_seconds: float
    lease_seconds: float
    max_response_bytes: int
    retry_budget_seconds: float
    retry_base_seconds: float
    retry_cap_seconds: float
    destination_concurrency: int
    destination_rate: float
    breaker_failures: int
    breaker_cooldown_seconds: float
    batch_window_seconds: float
    max_in_flight: int
    claim_batch: int
    instance_id: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DispatcherSettings:
        """Parse and validate; raise SettingsError naming every bad variable."""
        env = Env(environ)
        common = CommonSettings.read(env)
        ports = service_ports(env, "dispatcher")
        p = "SWITCHYARD_DISPATCHER_"
        settings = cls(
            common=common,
            grpc_port=ports.grpc_port,
            metrics_port=ports.metrics_port,
            retention_days=env.int(p + "RETENTION_DAYS", 30, min=1, max=3650),
            dedup_window_seconds=env.duration_seconds(p + "DEDUP_WINDOW_SECONDS", 172800.0),
            poll_seconds=env.duration_seconds(p + "POLL_SECONDS", 1.0, min=0.01, max=60.0),
            http_timeout_seconds=env.duration_seconds(
                p + "HTTP_TIMEOUT_SECONDS", 15.0, min=0.1, max=300.0
            ),
            lease_seconds=env.duration_seconds(p + "LEASE_SECONDS", 60.0, min=0.5, max=3600.0),
            max_response_bytes=env.int(p + "MAX_RESPONSE_BYTES", 8192, min=0, max=1 << 20),
            retry_budget_seconds=env.duration_seconds(p + "RETRY_BUDGET_SECONDS", 86400.0),
            retry_base_seconds=env.duration_seconds(p + "RETRY_BASE_SECONDS", 5.0, min=0.001),
            retry_cap_seconds=env.duration_seconds(p + "RETRY_CAP_SECONDS", 7200.0, min=0.001),
            destination_concurrency=env.int(p + "DESTINATION_CONCURRENCY", 8, min=1, max=1000),
            destination_rate=env.float(p + "DESTINATION_RATE", 200.0, min=0.01),
            breaker_failures=env.int(p + "BREAKER_FAILURES", 5, min=1, max=10000),
            breaker_cooldown_seconds=env.duration_seconds(p + "BREAKER_COOLDOWN_SECONDS", 30.0),
            batch_window_seconds=env.int(p + "BATCH_WINDOW_MS", 20, min=0, max=10000) / 1000,
            max_in_flight=env.int(p + "MAX_IN_FLIGHT", 512, min=1, max=100000),
            claim_batch=env.int(p + "CLAIM_BATCH", 100, min=1, max=10000),
            instance_id=env.str(p + "INSTANCE_ID", _default_instance_id()),
        )
        if settings.lease_seconds <= settings.http_timeout_seconds:
            env.problem(
                p + "LEASE_SECONDS",
                "must be longer than SWITCHYARD_DISPATCHER_HTTP_TIMEOUT_SECONDS",
            )
        env.check()
        return settings
