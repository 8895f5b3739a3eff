"""`switchyard up`: the whole stack on one machine, each service its own process.

With no SWITCHYARD_DATABASE_URL / SWITCHYARD_REDIS_URL it starts embedded real servers in the
data folder. It applies migrations, starts registry, mapper, dispatcher and ingest in that order,
waits until each reports SERVING over gRPC health, prints the endpoints, and on Ctrl-C or
SIGTERM stops them in reverse order (each drains within its grace period).
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.common.embedded import EmbeddedPostgres, EmbeddedRedis, start_postgres, start_redis
from services.common.grpc_client import channel
from services.common.lifecycle import install_signal_handlers
from services.common.settings import DEFAULT_PORTS, CommonSettings

SERVICES = ("registry", "mapper", "dispatcher", "ingest")
MIGRATED = ("registry", "dispatcher", "ingest")
STACK_FILE = "stack.json"
HEALTH_TIMEOUT_SECONDS = 60.0


class StackError(Exception):
    """The stack could not start; the message says which part and why."""


@dataclass
class Stack:
    """What `up` started: embedded servers, service processes, and how to reach them."""

    data_dir: Path
    env: dict[str, str]
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None
    processes: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)
    # When set, each process writes its output to <log_dir>/<name>.log instead of ours.
    log_dir: Path | None = None


def _output(stack: Stack, name: str) -> Any:
    if stack.log_dir is None:
        return None
    stack.log_dir.mkdir(parents=True, exist_ok=True)
    return (stack.log_dir / f"{name}.log").open("ab")


def _credentials_key(data_dir: Path) -> str:
    """A local credentials key kept in the data folder, made once (only for embedded use)."""
    path = data_dir / "credentials.key"
    if not path.exists():
        path.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


def child_env(settings: CommonSettings, base: Mapping[str, str], stack: Stack) -> dict[str, str]:
    """The service processes' environment: `base` plus token, key and storage URLs."""
    env = dict(base)
    env.setdefault("SWITCHYARD_INTERNAL_TOKEN", secrets.token_urlsafe(32))
    if settings.credentials_key is None:
        env["SWITCHYARD_CREDENTIALS_KEY"] = _credentials_key(stack.data_dir)
    if stack.postgres is not None:
        env["SWITCHYARD_DATABASE_URL"] = stack.postgres.dsn()
    if stack.redis is not None:
        env["SWITCHYARD_REDIS_URL"] = stack.redis.url
    return env


async def start_storage(settings: CommonSettings, stack: Stack) -> None:
    """Start embedded PostgreSQL and Redis for what the settings leave unconfigured."""
    if settings.database_url is None:
        print("starting embedded PostgreSQL in", stack.data_dir / "postgres", flush=True)
        try:
            stack.postgres = await asyncio.to_thread(start_postgres, stack.data_dir)
        except (subprocess.CalledProcessError, RuntimeError, OSError) as err:
            raise StackError(_reason("embedded PostgreSQL did not start", err)) from None
    if settings.redis_url is None:
        print("starting embedded Redis in", stack.data_dir / "redis", flush=True)
        try:
            stack.redis = await asyncio.to_thread(start_redis, stack.data_dir)
        except (subprocess.CalledProcessError, RuntimeError, OSError) as err:
            raise StackError(_reason("embedded Redis did not start", err)) from None


def _reason(what: str, err: Exception) -> str:
    """What failed and the error's first line (a server's full output is in its log)."""
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return first if first.startswith(what) else f"{what}: {first}"


async def run_migrations(stack: Stack) -> None:
    for name in MIGRATED:
        out = _output(stack, f"{name}-migrate")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", f"services.{name}", "migrate", env=stack.env,
            stdout=out, stderr=out,
        )  # fmt: skip
        if out is not None:
            out.close()
        if await process.wait() != 0:
            raise StackError(f"migrations of {name} failed (exit {process.returncode})")


async def _wait_healthy(name: str, address: str, process: asyncio.subprocess.Process) -> None:
    """Poll the gRPC health service until SERVING, failing fast if the process exits."""
    deadline = asyncio.get_running_loop().time() + HEALTH_TIMEOUT_SECONDS
    async with channel(address) as chan:
        stub = health_pb2_grpc.HealthStub(chan)
        while True:
            if process.returncode is not None:
                raise StackError(f"{name} exited with code {process.returncode} while starting")
            try:
                answer = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1)
                if answer.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.aio.AioRpcError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise StackError(f"{name} did not become healthy at {address}")
            await asyncio.sleep(0.2)  # polling readiness with a deadline


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def on_free_ports(env: Mapping[str, str]) -> dict[str, str]:
    """`env` with every service on free ports (gRPC, metrics, gateway) and addresses to match,
    so a second stack never collides with a `switchyard up` on the default ports."""
    placed = dict(env)
    for name in SERVICES:
        port = str(free_port())
        placed[f"SWITCHYARD_{name.upper()}_GRPC_PORT"] = port
        placed[f"SWITCHYARD_{name.upper()}_ADDRESS"] = f"127.0.0.1:{port}"
        placed[f"SWITCHYARD_{name.upper()}_METRICS_PORT"] = str(free_port())
    placed["SWITCHYARD_INGEST_HTTP_PORT"] = str(free_port())
    return placed


def http_url(env: Mapping[str, str]) -> str:
    """Base URL of the HTTP gateway of a stack with this environment (without /v1)."""
    return f"http://127.0.0.1:{env.get('SWITCHYARD_INGEST_HTTP_PORT') or '8080'}"


def service_address(env: Mapping[str, str], name: str) -> str:
    port = env.get(f"SWITCHYARD_{name.upper()}_GRPC_PORT") or str(DEFAULT_PORTS[name][0])
    return f"127.0.0.1:{port}"


async def start_services(stack: Stack) -> None:
    for name in SERVICES:
        await start_service(stack, name)
        print(f"{name} is up", flush=True)


async def start_service(stack: Stack, name: str) -> None:
    """Start (or restart) one service process and wait until it reports SERVING."""
    out = _output(stack, name)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", f"services.{name}", env=stack.env, stdout=out, stderr=out
    )
    if out is not None:
        out.close()  # the child holds its own descriptor
    stack.processes[name] = process
    await _wait_healthy(name, service_address(stack.env, name), process)


def _endpoints(env: Mapping[str, str]) -> dict[str, str]:
    http_port = env.get("SWITCHYARD_INGEST_HTTP_PORT") or "8080"
    endpoints = {f"{name} gRPC": service_address(env, name) for name in SERVICES}
    endpoints["HTTP gateway"] = f"http://127.0.0.1:{http_port}/v1"
    endpoints["OpenAPI"] = f"http://127.0.0.1:{http_port}/v1/openapi.json"
    return endpoints


def _write_stack_file(stack: Stack) -> None:
    """Record how to reach this stack so `switchyard init`, `logs`, ... find it."""
    keys = ("SWITCHYARD_INTERNAL_TOKEN", "SWITCHYARD_DATABASE_URL", "SWITCHYARD_REDIS_URL")
    record = {key: stack.env[key] for key in keys if key in stack.env}
    record.update({f"{name}_address": service_address(stack.env, name) for name in SERVICES})
    record["http_url"] = _endpoints(stack.env)["HTTP gateway"]
    path = stack.data_dir / STACK_FILE
    path.write_text(json.dumps(record, indent=2))
    path.chmod(0o600)


async def stop_stack(stack: Stack, grace: float) -> None:
    for name in reversed(list(stack.processes)):
        process = stack.processes[name]
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), grace + 5)
            except TimeoutError:
                process.kill()
                await process.wait()
        print(f"{name} stopped", flush=True)
    (stack.data_dir / STACK_FILE).unlink(missing_ok=True)
    if stack.redis is not None:
        await asyncio.to_thread(stack.redis.stop)
    if stack.postgres is not None:
        await asyncio.to_thread(stack.postgres.stop)


async def _first_exit(stack: Stack) -> str:
    waits = {asyncio.ensure_future(p.wait()): name for name, p in stack.processes.items()}
    done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return waits[next(iter(done))]


async def run_stack(settings: CommonSettings, environ: Mapping[str, str]) -> int:
    """Start everything, print the endpoints, run until a signal or a service dies."""
    stop_signal = install_signal_handlers()
    stack = Stack(data_dir=settings.data_dir.resolve(), env={})
    stack.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        await start_storage(settings, stack)
        stack.env = child_env(settings, environ, stack)
        await run_migrations(stack)
        await start_services(stack)
        _write_stack_file(stack)
        print("\nSwitchyard is running:", flush=True)
        for label, where in _endpoints(stack.env).items():
            print(f"  {label:<16} {where}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        died = asyncio.ensure_future(_first_exit(stack))
        stopped = asyncio.ensure_future(stop_signal.wait())
        await asyncio.wait({died, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if died.done():
            print(f"{died.result()} exited; stopping the stack", file=sys.stderr, flush=True)
            return 1
        died.cancel()
        return 0
    finally:
        await asyncio.shield(stop_stack(stack, settings.shutdown_grace_seconds))


def read_stack_file(data_dir: Path) -> dict[str, str]:
    """The record a running `switchyard up` left in the data folder, or {} when none runs."""
    path = data_dir / STACK_FILE
    if not path.exists():
        return {}
    record: dict[str, str] = json.loads(path.read_text())
    return record
