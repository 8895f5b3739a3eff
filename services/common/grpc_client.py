"""Channels the services use to call each other: keepalive, round-robin, and shared metadata.

Every call made on these channels carries the current request id and, when given, the internal
token, so no call site has to remember either.
"""

from __future__ import annotations

from typing import Any

import grpc
from opentelemetry.trace import SpanKind

from services.common.correlation import outgoing_metadata
from services.common.tracing import inject_into, tracer

MAX_MESSAGE_BYTES = 32 * 1024 * 1024
CHANNEL_OPTIONS = (
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.lb_policy_name", "round_robin"),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
)


class _MetadataInterceptor:
    """Adds the request id and internal token to every outgoing call's metadata."""

    def __init__(self, internal_token: str | None) -> None:
        self._auth = (("authorization", f"Bearer {internal_token}"),) if internal_token else ()

    def _details(self, details: Any) -> Any:
        own = list(details.metadata or ())
        if self._auth:  # the internal token replaces any caller-given authorization
            own = [(k, v) for k, v in own if k != "authorization"]
        carrier: dict[str, str] = {}
        inject_into(carrier)
        metadata = grpc.aio.Metadata(*outgoing_metadata([*own, *self._auth, *carrier.items()]))
        return details._replace(metadata=metadata)


class _UnaryUnary(_MetadataInterceptor, grpc.aio.UnaryUnaryClientInterceptor):  # type: ignore[misc]
    async def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        name = details.method.decode() if isinstance(details.method, bytes) else details.method
        with tracer().start_as_current_span(name, kind=SpanKind.CLIENT):
            call = await continuation(self._details(details), request)
            await call  # the span covers the whole call, not just its start
            return call


class _UnaryStream(_MetadataInterceptor, grpc.aio.UnaryStreamClientInterceptor):  # type: ignore[misc]
    async def intercept_unary_stream(self, continuation: Any, details: Any, request: Any) -> Any:
        return await continuation(self._details(details), request)


class _StreamUnary(_MetadataInterceptor, grpc.aio.StreamUnaryClientInterceptor):  # type: ignore[misc]
    async def intercept_stream_unary(self, continuation: Any, details: Any, requests: Any) -> Any:
        return await continuation(self._details(details), requests)


class _StreamStream(_MetadataInterceptor, grpc.aio.StreamStreamClientInterceptor):  # type: ignore[misc]
    async def intercept_stream_stream(self, continuation: Any, details: Any, requests: Any) -> Any:
        return await continuation(self._details(details), requests)


def channel(address: str, internal_token: str | None = None) -> Any:
    """An insecure grpc.aio channel to another Switchyard service (`host:port`)."""
    interceptors = [
        kind(internal_token) for kind in (_UnaryUnary, _UnaryStream, _StreamUnary, _StreamStream)
    ]
    return grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS, interceptors=interceptors)
