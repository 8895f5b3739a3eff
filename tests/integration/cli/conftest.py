"""The four services as real processes (started the way `switchyard up` starts them) on free
ports against the run's Postgres and Redis, the platform server, and the demo organization."""

from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from services.cli import main
from services.cli.stack import (
    Stack,
    http_url,
    on_free_ports,
    run_migrations,
    service_address,
    start_services,
    stop_stack,
)
from services.demo import scenario
from services.demo.platform_server import PlatformServer
from services.demo.runner import DEMO_SETTINGS, campaign_and_token, create_organization
from services.registry.cli import apply_text
from tests.helpers import wait_for
from tests.stack import own_database


@dataclass
class Running:
    """The stack, the platform server and the organization the CLI is pointed at."""

    stack: Stack
    platforms: PlatformServer
    key: str
    campaign_id: str
    token: str
    http: aiohttp.ClientSession

    @property
    def http_url(self) -> str:
        return http_url(self.stack.env)

    def address(self, name: str) -> str:
        return service_address(self.stack.env, name)

    async def postback(self, **params: str) -> dict[str, Any]:
        """Fire a postback; its first result (event id, lead id, outcome)."""
        url = f"{self.http_url}/v1/postback/{self.token}"
        async with self.http.get(url, params=params) as answer:
            body: dict[str, Any] = await answer.json()
            assert answer.status == 200, body
        result: dict[str, Any] = body["results"][0]
        return result


@pytest.fixture(scope="package")
async def running(
    postgres_admin_dsn: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Running]:
    # A database of its own: this stack's dispatcher would otherwise claim the deliveries of
    # other suites working on the shared test database.
    async with own_database(postgres_admin_dsn, "cli") as database_url:
        async for running in _running(database_url, redis_url, tmp_path_factory):
            yield running


async def _running(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Running]:
    root: Path = tmp_path_factory.mktemp("cli-stack")
    env = {
        **os.environ,
        "SWITCHYARD_DATABASE_URL": database_url,
        "SWITCHYARD_REDIS_URL": redis_url,
        "SWITCHYARD_INTERNAL_TOKEN": "cli-tests-internal-token",
        "SWITCHYARD_CREDENTIALS_KEY": base64.b64encode(os.urandom(32)).decode(),
        "SWITCHYARD_DATA_DIR": str(root),
    }
    stack = Stack(data_dir=root, env={**on_free_ports(env), **DEMO_SETTINGS}, log_dir=root / "logs")
    platforms = PlatformServer()
    await platforms.start()
    try:
        await run_migrations(stack)
        await start_services(stack)
        key = await create_organization(stack)
        await apply_text(stack_address(stack), key, scenario.document(platforms))
        campaign_id, token = await campaign_and_token(stack_address(stack), key)
        platforms.fail_always(scenario.RETIRED_PATH, 400, scenario.REFUSAL)
        async with aiohttp.ClientSession() as http:
            up = Running(stack, platforms, key, campaign_id, token, http)
            await wait_for(lambda: _token_known(up), timeout=20, interval=0.2)
            yield up
    finally:
        await platforms.stop()
        await stop_stack(stack, 5.0)


async def _token_known(running: Running) -> bool:
    """The configuration reached ingest: a sale without its required plan is refused as bad
    input (400, nothing stored) rather than for an unknown token (401)."""
    url = f"{running.http_url}/v1/postback/{running.token}"
    async with running.http.get(url, params={"event": "sale"}) as answer:
        return answer.status == 400


def stack_address(stack: Stack) -> str:
    return service_address(stack.env, "registry")


@pytest.fixture
def cli_env(running: Running, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Point the CLI at the running stack through settings (no stack record in its data dir)."""
    monkeypatch.setenv("SWITCHYARD_DATA_DIR", str(tmp_path))
    for name in ("registry", "dispatcher", "ingest"):
        monkeypatch.setenv(f"SWITCHYARD_{name.upper()}_ADDRESS", running.address(name))
    monkeypatch.delenv("SWITCHYARD_API_KEY", raising=False)


CliRun = Callable[..., Awaitable[tuple[int, str, str]]]


@pytest.fixture
def cli(cli_env: None, capsys: pytest.CaptureFixture[str]) -> CliRun:
    """Run `switchyard ARGS` (in a thread: the command runs its own event loop)."""

    async def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = await asyncio.to_thread(main, list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
