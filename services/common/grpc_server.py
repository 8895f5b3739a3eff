"""gRPC server bootstrap shared by the four services: one interceptor, health and reflection.

Every call gets a request id (the caller's or a fresh one) bound to its log lines, a metric
sample, one summary log line, and DomainError -> status translation, so servicers just raise.
Health says SERVING only after the service calls `set_ready()`, and NOT_SERVING from shutdown.
"""

from __future__ import annotations

import asyncio
import hmac
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import grpc
import structlog
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from opentelemetry.trace import SpanKind
from prometheus_client import Counter, Histogram

from services.common.correlation import (
    new_request_id,
    request_id_from_metadata,
    reset_request_id,
    set_request_id,
)
from services.common.errors import DomainError, Unauthenticated, abort_with, grpc_status_for
from services.common.logging import get_logger
from services.common.tracing import context_from, metadata_carrier, tracer

MAX_MESSAGE_BYTES = 32 * 1024 * 1024
# Probes and tooling must work without the internal token.
UNGUARDED_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")

REQUESTS = Counter(
    "switchyard_grpc_requests_total",
    "gRPC calls served, by final status code.",
    ["service", "method", "code"],
)
LATENCY = Histogram(
    "switchyard_grpc_request_seconds",
    "Time to serve a gRPC call.",
    ["service", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
_CODES_BY_VALUE = {code.value[0]: code for code in grpc.StatusCode}

log = get_logger(__name__)


def _final_code(context: Any) -> grpc.StatusCode:
    """The status a handler left on its context (OK when it set none)."""
    code = context.code()
    if code is None:
        return grpc.StatusCode.OK
    if isinstance(code, grpc.StatusCode):
        return code
    return _CODES_BY_VALUE.get(int(code), grpc.StatusCode.UNKNOWN)


class CallInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    """Correlation, metrics, one summary log line, auth and error translation for every call."""

    def __init__(self, service: str, internal_token: str | None) -> None:
        self._service = service
        self._token = internal_token

    async def intercept_service(
        self, continuation: Callable[[Any], Awaitable[Any]], details: Any
    ) -> Any:
        handler = await continuation(details)
        if handler is None:
            return None
        method: str = details.method
        guarded = self._token is not None and not method.startswith(UNGUARDED_PREFIXES)
        return _wrap_handler(handler, lambda context: self._observe(method, context, guarded))

    def _check_token(self, context: Any) -> None:
        expected = f"Bearer {self._token}".encode()
        for key, value in context.invocation_metadata() or ():
            if key == "authorization" and isinstance(value, str):
                if hmac.compare_digest(value.encode(), expected):
                    return
        raise Unauthenticated("missing or wrong internal token")

    @asynccontextmanager
    async def _observe(self, method: str, context: Any, guarded: bool) -> AsyncIterator[None]:
        request_id = request_id_from_metadata(context.invocation_metadata()) or new_request_id()
        reset_token = set_request_id(request_id)
        started = time.perf_counter()
        code = grpc.StatusCode.UNKNOWN
        failure: BaseException | None = None
        parent = context_from(metadata_carrier(context.invocation_metadata()))
        span = tracer().start_as_current_span(method, context=parent, kind=SpanKind.SERVER)
        try:
            with structlog.contextvars.bound_contextvars(request_id=request_id), span as current:
                current.set_attribute("switchyard.request_id", request_id)
                try:
                    if guarded:
                        self._check_token(context)
                    yield
                    code = _final_code(context)
                except DomainError as err:
                    code = grpc_status_for(err)
                    await abort_with(context, err)
                except grpc.aio.AbortError:
                    code = _final_code(context)
                    raise
                except BaseException as err:  # cancellation included: record it, then re-raise
                    code = grpc.StatusCode.CANCELLED if _is_cancel(err) else code
                    failure = err
                    raise
                finally:
                    current.set_attribute("rpc.grpc.status_code", code.value[0])
                    self._record(method, code, time.perf_counter() - started, failure)
        finally:
            reset_request_id(reset_token)

    def _record(
        self, method: str, code: grpc.StatusCode, seconds: float, failure: BaseException | None
    ) -> None:
        REQUESTS.labels(self._service, method, code.name).inc()
        LATENCY.labels(self._service, method).observe(seconds)
        fields = {"method": method, "code": code.name, "duration_ms": round(seconds * 1000, 2)}
        if code is grpc.StatusCode.OK:
            log.debug("grpc_call", **fields)
        elif code is grpc.StatusCode.CANCELLED:
            log.info("grpc_call", **fields)
        elif failure is not None and not _is_cancel(failure):
            log.warning("grpc_call", **fields, exc_info=failure)
        else:
            log.warning("grpc_call", **fields)


def _is_cancel(err: BaseException) -> bool:
    return isinstance(err, asyncio.CancelledError)


Observe = Callable[[Any], Any]


def _wrap_unary_response(behavior: Any, observe: Observe) -> Any:
    async def wrapped(request: Any, context: Any) -> Any:
        async with observe(context):
            return await behavior(request, context)

    return wrapped


def _wrap_stream_response(behavior: Any, observe: Observe) -> Any:
    if not inspect.isasyncgenfunction(behavior):
        return _wrap_unary_response(behavior, observe)  # writes through context.write

    async def wrapped(request: Any, context: Any) -> AsyncIterator[Any]:
        async with observe(context):
            async for response in behavior(request, context):
                yield response

    return wrapped


def _wrap_handler(handler: Any, observe: Observe) -> Any:
    """The same handler with its behavior run inside `observe`."""
    kinds = (
        ("unary_unary", grpc.unary_unary_rpc_method_handler, _wrap_unary_response),
        ("unary_stream", grpc.unary_stream_rpc_method_handler, _wrap_stream_response),
        ("stream_unary", grpc.stream_unary_rpc_method_handler, _wrap_unary_response),
        ("stream_stream", grpc.stream_stream_rpc_method_handler, _wrap_stream_response),
    )
    for attribute, make, wrap in kinds:
        behavior = getattr(handler, attribute)
        if behavior is not None:
            return make(
                wrap(behavior, observe),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
    return handler


class GrpcServer:
    """A grpc.aio server with the shared interceptor, health checking and reflection.

    Add servicers to `.server` before `start()`; call `set_ready()` once the service can work.
    """

    def __init__(
        self,
        service: str,
        *,
        port: int,
        service_names: Sequence[str],
        internal_token: str | None = None,
        host: str = "0.0.0.0",
    ) -> None:
        self.service = service
        self.service_names = tuple(service_names)
        self.server: Any = grpc.aio.server(
            interceptors=[CallInterceptor(service, internal_token)],
            options=[
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ],
        )
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        reflected = (*self.service_names, health.SERVICE_NAME, reflection.SERVICE_NAME)
        reflection.enable_server_reflection(reflected, self.server)
        self._address = f"{host}:{port}"
        self.port: int | None = None

    async def _set_health(self, status: int) -> None:
        for name in ("", *self.service_names):  # "" is the whole server
            await self.health.set(name, status)

    async def start(self) -> int:
        """Bind and start serving (health NOT_SERVING until ready); return the bound port."""
        await self._set_health(health_pb2.HealthCheckResponse.NOT_SERVING)
        port: int = self.server.add_insecure_port(self._address)
        if not port:
            raise RuntimeError(f"could not bind gRPC server to {self._address}")
        await self.server.start()
        self.port = port
        log.info("grpc_server_started", port=port, services=list(self.service_names))
        return port

    async def set_ready(self) -> None:
        """Report SERVING: the service has what it needs (pools, snapshot) to answer calls."""
        await self._set_health(health_pb2.HealthCheckResponse.SERVING)

    async def set_not_serving(self) -> None:
        """Report NOT_SERVING for good (idempotent): load balancers stop sending new calls."""
        await self.health.enter_graceful_shutdown()

    async def stop(self, grace: float) -> None:
        """Report NOT_SERVING for good, refuse new calls, and drain in-flight ones for `grace`."""
        await self.set_not_serving()
        await self.server.stop(grace)
        log.info("grpc_server_stopped", grace_seconds=grace)

    async def wait_for_termination(self) -> None:
        """Return when the server has stopped."""
        await self.server.wait_for_termination()
