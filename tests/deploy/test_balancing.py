"""Headless Services give a client every pod's address; the shared channel must spread calls
over all of them, or added replicas would sit idle."""

from __future__ import annotations

import socket
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from services.common.grpc_client import channel

PODS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")  # distinct loopback addresses, one port
CALLS = 30


class CountingHealth(health.aio.HealthServicer):  # type: ignore[misc]
    """A health service that counts the checks it answers."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    async def Check(self, request: Any, context: Any) -> Any:
        self.calls += 1
        return await super().Check(request, context)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_calls_spread_over_every_resolved_pod() -> None:
    port = _free_port()
    servers, services = [], []
    for host in PODS:
        server = grpc.aio.server()
        service = CountingHealth()
        health_pb2_grpc.add_HealthServicer_to_server(service, server)
        assert server.add_insecure_port(f"{host}:{port}") == port
        await server.start()
        servers.append(server)
        services.append(service)
    target = "ipv4:" + ",".join(
        f"{host}:{port}" for host in PODS
    )  # what DNS gives for a headless name
    try:
        async with channel(target) as client:
            stub = health_pb2_grpc.HealthStub(client)
            for _ in range(CALLS):
                answer = await stub.Check(health_pb2.HealthCheckRequest(), timeout=5)
                assert answer.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        for server in servers:
            await server.stop(None)
    counts = [service.calls for service in services]
    assert sum(counts) == CALLS
    assert all(count >= CALLS // len(PODS) - 1 for count in counts), counts
