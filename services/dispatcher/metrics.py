"""The dispatcher's Prometheus metrics; queue depth is what the autoscaler reads."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from services.dispatcher.retry import platform_name

QUEUE_DEPTH = Gauge(
    "switchyard_dispatcher_queue_depth", "Deliveries due now (pending or retrying, not leased)."
)
QUEUE_OLDEST_DUE = Gauge(
    "switchyard_dispatcher_queue_oldest_due_seconds", "How long the oldest due delivery has waited."
)
DELIVERIES = Counter(
    "switchyard_deliveries_total",
    "Delivery outcomes recorded, by destination type and resulting status.",
    ["destination_type", "status"],
)
ATTEMPT_SECONDS = Histogram(
    "switchyard_delivery_attempt_seconds",
    "Time of one outbound request.",
    ["destination_type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def _type_label(destination_type: int) -> str:
    return platform_name(destination_type).lower().replace(" ", "_")


def count_delivery(destination_type: int, status: str) -> None:
    """One recorded outcome."""
    DELIVERIES.labels(_type_label(destination_type), status).inc()


def observe_attempt(destination_type: int, seconds: float) -> None:
    """One request's duration."""
    ATTEMPT_SECONDS.labels(_type_label(destination_type)).observe(seconds)


def set_queue(depth: int, oldest_seconds: float) -> None:
    """The latest queue reading."""
    QUEUE_DEPTH.set(depth)
    QUEUE_OLDEST_DUE.set(oldest_seconds)
