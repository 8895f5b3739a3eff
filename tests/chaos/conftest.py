"""The chaos stack: four service processes on their OWN embedded Postgres and Redis (the test
restarts both, so it must never touch the machine's shared servers) and a platform server."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.common.embedded import EmbeddedPostgres, EmbeddedRedis, start_postgres, start_redis
from services.demo.platform_server import PlatformServer
from tests.stack import ProcessStack, pytest_runtest_makereport, stack_env

__all__ = ["pytest_runtest_makereport"]


@dataclass
class ChaosStack:
    """The processes plus the storage servers the test stops and starts."""

    services: ProcessStack
    postgres: EmbeddedPostgres
    redis: EmbeddedRedis
    data_dir: Path

    async def restart_redis(self) -> None:
        """Stop Redis (it writes its AOF on the way out) and start it again on the same port."""
        port = self.redis.port
        await asyncio.to_thread(self.redis.stop)
        self.redis = await asyncio.to_thread(start_redis, self.data_dir, port)

    async def restart_postgres(self) -> None:
        """Fast shutdown (every connection cut) and start again on the same socket."""
        dsn = self.postgres.dsn()
        await asyncio.to_thread(self.postgres.stop)
        self.postgres = await asyncio.to_thread(start_postgres, self.data_dir)
        assert self.postgres.dsn() == dsn  # the services keep their URL


def _data_dir() -> Path:
    """A fresh folder for the embedded servers.

    Not under pytest's tmp folder: that is private to its owner, and pgserver runs PostgreSQL as
    an unprivileged user when the tests run as root, who could not reach the data there.
    """
    data_dir = Path(tempfile.mkdtemp(prefix="switchyard-chaos-"))
    data_dir.chmod(0o755)
    return data_dir


@pytest.fixture
async def chaos_stack() -> AsyncIterator[ChaosStack]:
    data_dir = _data_dir()
    postgres = await asyncio.to_thread(start_postgres, data_dir)
    redis = await asyncio.to_thread(start_redis, data_dir)
    env = stack_env(postgres.dsn(), redis.url, {"SWITCHYARD_LOG_LEVEL": "warning"})
    chaos = ChaosStack(ProcessStack(env, data_dir), postgres, redis, data_dir)
    try:
        await chaos.services.start()
        yield chaos
    finally:
        await chaos.services.stop()
        await asyncio.to_thread(chaos.redis.stop)
        await asyncio.to_thread(chaos.postgres.stop)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(autouse=True)
def logs_on_failure(request: pytest.FixtureRequest, chaos_stack: ChaosStack) -> Iterator[None]:
    """Print the tail of every service log when the test failed."""
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(chaos_stack.services.log_tails(80))


@pytest.fixture
async def platforms() -> AsyncIterator[PlatformServer]:
    server = PlatformServer()
    await server.start()
    yield server
    await server.stop()
