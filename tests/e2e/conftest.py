"""The e2e stack: four service processes on a database of their own, the run's Redis, and a
local platform server that receives every delivery. On a failed test, each log's tail is
printed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from services.demo.platform_server import PlatformServer, dumps
from tests.stack import ProcessStack, own_database, pytest_runtest_makereport, stack_env

__all__ = ["pytest_runtest_makereport"]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
async def e2e_database_url(postgres_admin_dsn: str) -> AsyncIterator[str]:
    """A database of the e2e stack's own: no in-process dispatcher of another suite shares it."""
    async with own_database(postgres_admin_dsn, "e2e") as url:
        yield url


@pytest.fixture(scope="session")
async def platforms() -> AsyncIterator[PlatformServer]:
    """The stand-in for Meta, Google Ads, TikTok and postback receivers."""
    server = PlatformServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="session")
async def stack(
    e2e_database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ProcessStack]:
    """Registry, mapper, dispatcher and ingest as processes, migrated and SERVING."""
    data_dir: Path = tmp_path_factory.mktemp("e2e-stack")
    stack = ProcessStack(stack_env(e2e_database_url, redis_url), data_dir)
    try:
        await stack.start()
    except BaseException:
        print(stack.log_tails())
        await stack.stop()
        raise
    yield stack
    await stack.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture(autouse=True)
def logs_on_failure(
    request: pytest.FixtureRequest, stack: ProcessStack, platforms: PlatformServer
) -> Iterator[None]:
    """Print the tail of every service log and what the platforms received when a test failed."""
    seen = len(platforms.received)
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(stack.log_tails())
        print("----- platform server: requests during the test -----")
        for item in platforms.received[seen:]:
            print(dumps(item))
