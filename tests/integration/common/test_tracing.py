"""Trace context crosses gRPC hops, so one trace follows an event through the services."""

from __future__ import annotations

from typing import Any

import grpc
from opentelemetry.trace import SpanKind

from services.common.grpc_client import channel
from services.common.grpc_server import GrpcServer
from services.common.tracing import (
    context_from_traceparent,
    current_traceparent,
    tracer,
)

SERVICE = "switchyard.test.Traced"
TOKEN = "tracing-token"


async def _echo(request: bytes, context: Any) -> bytes:
    return current_traceparent().encode()


async def test_a_call_continues_the_callers_trace(span_exporter: Any) -> None:
    server = GrpcServer("traced", port=0, service_names=[SERVICE], internal_token=TOKEN,
                        host="127.0.0.1")  # fmt: skip
    handler = grpc.unary_unary_rpc_method_handler(_echo)
    server.server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler(SERVICE, {"Echo": handler})]
    )
    port = await server.start()
    span_exporter.clear()
    try:
        async with channel(f"127.0.0.1:{port}", internal_token=TOKEN) as ch:
            with tracer().start_as_current_span("http request") as root:
                seen = (await ch.unary_unary(f"/{SERVICE}/Echo")(b"")).decode()
    finally:
        await server.stop(grace=1.0)
    spans = {span.name: span for span in span_exporter.get_finished_spans()}
    method = f"/{SERVICE}/Echo"
    trace_id = root.get_span_context().trace_id
    client = next(s for s in span_exporter.get_finished_spans()
                  if s.name == method and s.kind is SpanKind.CLIENT)  # fmt: skip
    served = next(s for s in span_exporter.get_finished_spans()
                  if s.name == method and s.kind is SpanKind.SERVER)  # fmt: skip
    assert spans["http request"].context.trace_id == trace_id
    assert client.context.trace_id == served.context.trace_id == trace_id
    assert client.parent.span_id == root.get_span_context().span_id
    assert served.parent.span_id == client.context.span_id
    assert seen.split("-")[1] == f"{trace_id:032x}"


def test_a_stored_traceparent_parents_later_work(span_exporter: Any) -> None:
    with tracer().start_as_current_span("request") as request:
        stored = current_traceparent()
    with tracer().start_as_current_span("attempt", context=context_from_traceparent(stored)) as a:
        pass
    assert a.get_span_context().trace_id == request.get_span_context().trace_id
    assert a.parent.span_id == request.get_span_context().span_id  # type: ignore[attr-defined]
    assert context_from_traceparent("") is not None
