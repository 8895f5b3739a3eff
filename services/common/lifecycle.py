"""Background tasks and shutdown: nothing runs fire-and-forget, and SIGTERM drains in order.

A `Supervisor` owns every long-running loop of a service by name, restarts one that crashes
(with backoff) and cancels them all within a timeout at shutdown.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from typing import TypeVar

from prometheus_client import Counter

from services.common.logging import get_logger

T = TypeVar("T")
TaskFactory = Callable[[], Awaitable[None]]
StopFn = Callable[[], Awaitable[None]]

TASK_RESTARTS = Counter(
    "switchyard_task_restarts_total", "Background task crashes that led to a restart.", ["task"]
)

log = get_logger(__name__)


class Supervisor:
    """Runs named background tasks, restarts crashed ones with backoff, stops them all."""

    def __init__(self, *, initial_backoff: float = 0.5, max_backoff: float = 30.0) -> None:
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.restarts: dict[str, int] = {}

    def start(self, name: str, factory: TaskFactory) -> asyncio.Task[None]:
        """Run `factory()` as task `name` until it returns or the supervisor stops."""
        if name in self._tasks and not self._tasks[name].done():
            raise ValueError(f"task {name!r} is already running")
        task = asyncio.create_task(self._run(name, factory), name=name)
        self._tasks[name] = task
        return task

    async def _run(self, name: str, factory: TaskFactory) -> None:
        loop = asyncio.get_running_loop()
        backoff = self._initial_backoff
        while True:
            started = loop.time()
            try:
                await factory()
            except Exception:
                if loop.time() - started > self._max_backoff:
                    backoff = self._initial_backoff  # it ran healthily for a while: start over
                self.restarts[name] = self.restarts.get(name, 0) + 1
                TASK_RESTARTS.labels(name).inc()
                log.warning("task_crashed", task=name, retry_in_seconds=backoff, exc_info=True)
                await asyncio.sleep(backoff)  # backoff, not synchronization
                backoff = min(backoff * 2, self._max_backoff)
            else:
                log.info("task_finished", task=name)
                return

    def running(self) -> list[str]:
        """Names of the tasks still running."""
        return [name for name, task in self._tasks.items() if not task.done()]

    async def finish(self, name: str, within_seconds: float) -> bool:
        """Wait, without cancelling, up to `within_seconds` for task `name` to return."""
        task = self._tasks.get(name)
        if task is None or task.done():
            return True
        done, _ = await asyncio.wait({task}, timeout=within_seconds)
        return bool(done)

    async def stop(self, grace_seconds: float) -> None:
        """Cancel every task and wait up to `grace_seconds` for them to finish."""
        tasks = [task for task in self._tasks.values() if not task.done()]
        for task in tasks:
            task.cancel()
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=grace_seconds)
        if pending:
            log.warning("tasks_not_stopped", tasks=sorted(t.get_name() for t in pending))


def install_signal_handlers() -> asyncio.Event:
    """An event set on SIGTERM or SIGINT, handled on the running loop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(sig: signal.Signals) -> None:
        log.info("shutdown_signal", signal=sig.name)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig)
    return stop


async def shielded(step: Awaitable[T]) -> T:
    """Run a final step (drain, status write, pool close) to completion even if we are cancelled."""
    task = asyncio.ensure_future(step)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


async def run_until_signal(start: Callable[[], Awaitable[StopFn]]) -> None:
    """Start a service, wait for SIGTERM/SIGINT, then run the stop function `start` returned.

    The stop step is shielded so a second signal or a cancelled main task cannot cut it short.
    """
    stop_event = install_signal_handlers()
    stop = await start()
    try:
        await stop_event.wait()
    finally:
        await shielded(stop())
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
