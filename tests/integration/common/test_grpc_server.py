"""The shared gRPC bootstrap against a real server on a free port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from prometheus_client import REGISTRY

from services.common.correlation import (
    REQUEST_ID_KEY,
    current_request_id,
    reset_request_id,
    set_request_id,
)
from services.common.errors import InvalidArgument, Problem
from services.common.grpc_client import channel
from services.common.grpc_server import GrpcServer
from tests.helpers import wait_for

SERVICE = "switchyard.test.Probe"
TOKEN = "test-internal-token"


class Probe:
    """A tiny bytes-in, bytes-out service so the test needs no generated code."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.seen_request_ids: list[str | None] = []

    async def echo(self, request: bytes, context: Any) -> bytes:
        self.seen_request_ids.append(current_request_id())
        return request

    async def slow(self, request: bytes, context: Any) -> bytes:
        self.started.set()
        await self.release.wait()
        return b"finished"

    async def invalid(self, request: bytes, context: Any) -> bytes:
        raise InvalidArgument([Problem("email", "required"), Problem("value", "must be >= 0")])

    def handler(self) -> grpc.GenericRpcHandler:
        methods = {
            name: grpc.unary_unary_rpc_method_handler(getattr(self, name.lower()))
            for name in ("Echo", "Slow", "Invalid")
        }
        return grpc.method_handlers_generic_handler(SERVICE, methods)


@pytest.fixture
async def probe() -> Probe:
    return Probe()


@pytest.fixture
async def server(probe: Probe) -> AsyncIterator[GrpcServer]:
    grpc_server = GrpcServer(
        "probe", port=0, service_names=[SERVICE], internal_token=TOKEN, host="127.0.0.1"
    )
    grpc_server.server.add_generic_rpc_handlers([probe.handler()])
    await grpc_server.start()
    try:
        yield grpc_server
    finally:
        await grpc_server.stop(grace=1.0)


@pytest.fixture
async def client(server: GrpcServer) -> AsyncIterator[Any]:
    async with channel(f"127.0.0.1:{server.port}", internal_token=TOKEN) as ch:
        yield ch


async def _health(ch: Any, service: str = "") -> int:
    stub = health_pb2_grpc.HealthStub(ch)
    response = await stub.Check(health_pb2.HealthCheckRequest(service=service))
    status: int = response.status
    return status


async def test_health_serves_only_after_ready(server: GrpcServer, client: Any) -> None:
    assert await _health(client) == health_pb2.HealthCheckResponse.NOT_SERVING
    assert await _health(client, SERVICE) == health_pb2.HealthCheckResponse.NOT_SERVING
    await server.set_ready()
    assert await _health(client) == health_pb2.HealthCheckResponse.SERVING
    assert await _health(client, SERVICE) == health_pb2.HealthCheckResponse.SERVING


async def test_reflection_lists_the_service(client: Any) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(client)
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    responses = [r async for r in stub.ServerReflectionInfo(iter([request]))]
    names = {s.name for s in responses[0].list_services_response.service}
    assert {SERVICE, "grpc.health.v1.Health"} <= names


async def test_request_id_travels_and_metrics_count(probe: Probe, client: Any) -> None:
    echo = client.unary_unary(f"/{SERVICE}/Echo")
    assert await echo(b"hi", metadata=((REQUEST_ID_KEY, "req-42"),)) == b"hi"
    assert await echo(b"hi") == b"hi"
    token = set_request_id("from-context")
    try:
        assert await echo(b"hi") == b"hi"
    finally:
        reset_request_id(token)
    assert probe.seen_request_ids[0] == "req-42"
    assert probe.seen_request_ids[1] and probe.seen_request_ids[1] != "req-42"
    assert probe.seen_request_ids[2] == "from-context"
    labels = {"service": "probe", "method": f"/{SERVICE}/Echo", "code": "OK"}
    assert (REGISTRY.get_sample_value("switchyard_grpc_requests_total", labels) or 0) >= 3


async def test_domain_error_becomes_status_with_problems(client: Any) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await client.unary_unary(f"/{SERVICE}/Invalid")(b"")
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert caught.value.details() == "email: required; value: must be >= 0"
    trailers = dict(caught.value.trailing_metadata())
    assert '"field": "email"' in trailers["x-problems"]


async def test_internal_token_is_required(server: GrpcServer) -> None:
    async with channel(f"127.0.0.1:{server.port}", internal_token="wrong") as ch:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await ch.unary_unary(f"/{SERVICE}/Echo")(b"hi")
        assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
        await _health(ch)  # probes need no token


async def test_a_channel_without_the_internal_token_keeps_the_callers_key(
    server: GrpcServer,
) -> None:
    """API-key calls (the CLI, admin tools) go through the same channel helper."""
    async with channel(f"127.0.0.1:{server.port}") as ch:
        echo = ch.unary_unary(f"/{SERVICE}/Echo")
        assert await echo(b"hi", metadata=(("authorization", f"Bearer {TOKEN}"),)) == b"hi"
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await echo(b"hi")
        assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED


async def test_stop_drains_an_in_flight_call(server: GrpcServer, probe: Probe, client: Any) -> None:
    await server.set_ready()
    slow = client.unary_unary(f"/{SERVICE}/Slow")

    async def call_slow() -> bytes:
        response: bytes = await slow(b"")
        return response

    call = asyncio.create_task(call_slow())
    await wait_for(probe.started.is_set)
    stopping = asyncio.create_task(server.stop(grace=5.0))
    await wait_for(lambda: _status_now(server) == health_pb2.HealthCheckResponse.NOT_SERVING)
    assert not call.done()
    probe.release.set()
    assert await call == b"finished"
    await stopping


def _status_now(server: GrpcServer) -> int:
    status: int = server.health._server_status[""]  # what a probe would be told right now
    return status
