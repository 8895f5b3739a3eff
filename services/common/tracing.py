"""OpenTelemetry traces that follow one event from its HTTP request to each delivery attempt.

Off by default: with no SWITCHYARD_OTLP_ENDPOINT no tracer provider is installed and the
OpenTelemetry API hands out no-op spans, so tracing costs nothing. When it is on, W3C trace
context travels in gRPC metadata and HTTP headers (`traceparent`), every gRPC call is a span on
both sides, and the dispatcher parents each delivery attempt on the trace context stored with
its event, so one trace shows ingest, Map, Enqueue and every attempt.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.trace import SpanContext, SpanKind

TRACER_NAME = "switchyard"
TRACEPARENT = "traceparent"

_provider: TracerProvider | None = None


def configure_tracing(
    service: str, endpoint: str | None, exporter: SpanExporter | None = None
) -> TracerProvider | None:
    """Install a provider exporting to an OTLP gRPC endpoint (or the given exporter), once.

    Returns None, installing nothing, when neither is given: tracing stays off.
    """
    global _provider
    if _provider is not None:
        return _provider
    if exporter is None and not endpoint:
        return None
    resource = Resource.create({"service.name": f"switchyard-{service}"})
    provider = TracerProvider(resource=resource)
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    _provider = provider
    return provider


def shutdown_tracing() -> None:
    """Flush and stop the exporter (a no-op when tracing is off)."""
    if _provider is not None:
        _provider.shutdown()


def tracer() -> trace.Tracer:
    """Switchyard's tracer (no-op when tracing is off)."""
    return trace.get_tracer(TRACER_NAME)


def context_from(carrier: Mapping[str, str]) -> Context:
    """The trace context a request's headers or metadata carry."""
    return propagate.extract(carrier)


def inject_into(carrier: MutableMapping[str, str], context: Context | None = None) -> None:
    """Write the current (or given) trace context into headers or metadata."""
    propagate.inject(carrier, context=context)


def current_traceparent() -> str:
    """The current span's context as a `traceparent` value, or "" when there is none."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get(TRACEPARENT, "")


def context_from_traceparent(value: str) -> Context:
    """A context whose parent is the span a stored `traceparent` names."""
    return propagate.extract({TRACEPARENT: value} if value else {})


def span_context_of(traceparent: str) -> SpanContext:
    """The span a stored `traceparent` names (invalid when empty), for links."""
    return trace.get_current_span(context_from_traceparent(traceparent)).get_span_context()


def server_span(name: str, carrier: Mapping[str, str], **attributes: Any) -> Any:
    """A SERVER span continuing the trace an incoming request carries."""
    return tracer().start_as_current_span(
        name, context=context_from(carrier), kind=SpanKind.SERVER, attributes=attributes
    )


def metadata_carrier(metadata: Any) -> dict[str, str]:
    """gRPC invocation metadata as a plain dict of text values."""
    return {
        key: value.decode() if isinstance(value, bytes) else value
        for key, value in (metadata or ())
        if not key.endswith("-bin")
    }
