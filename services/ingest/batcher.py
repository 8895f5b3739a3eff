"""Gathers events from concurrent requests into batches: at most a few milliseconds or N events.

Each request submits its events and awaits a future; a flush hands the gathered submissions to
one `process` call (one Redis pipeline, one Map per organization, one Enqueue). At most
`max_running` batches are processed at once: while they run, new submissions gather into the
next batch, so batches grow with load instead of the fixed cost of a batch being paid per
request (group commit). The timer is injected so tests drive time by hand instead of sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from services.common.errors import Unavailable
from services.common.logging import get_logger

T = TypeVar("T")
R = TypeVar("R")

log = get_logger(__name__)


class TimerHandle(Protocol):
    """What a scheduled callback can be asked: to not run."""

    def cancel(self) -> None: ...


Schedule = Callable[[float, Callable[[], None]], TimerHandle]


@dataclass
class Submission(Generic[T, R]):
    """One request's items and the future its results arrive on."""

    items: Sequence[T]
    request_id: str
    future: asyncio.Future[list[R]]
    context: Any = None

    @property
    def size(self) -> int:
        return len(self.items)


@dataclass
class Batcher(Generic[T, R]):
    """Micro-batching with a time bound and a size bound."""

    process: Callable[[list[Submission[T, R]]], Awaitable[None]]
    window_seconds: float
    max_items: int
    schedule: Schedule | None = None
    max_running: int = 4
    _pending: list[Submission[T, R]] = field(default_factory=list)
    _count: int = 0
    _timer: TimerHandle | None = None
    _running: set[asyncio.Task[None]] = field(default_factory=set)
    _closed: bool = False

    async def submit(self, items: Sequence[T], request_id: str, context: Any = None) -> list[R]:
        """Queue a request's items and wait for their results (or the batch's error)."""
        if self._closed:
            raise Unavailable("ingest is shutting down", retry_after_seconds=1)
        future: asyncio.Future[list[R]] = asyncio.get_running_loop().create_future()
        self._pending.append(Submission(items, request_id, future, context))
        self._count += len(items)
        if self._count >= self.max_items or self.window_seconds <= 0:
            self.flush()
        elif self._timer is None:
            schedule = self.schedule or asyncio.get_running_loop().call_later
            self._timer = schedule(self.window_seconds, self.flush)
        return await future

    def flush(self) -> None:
        """Hand what is gathered to `process` (in its own task), as far as there is room.

        With `max_running` batches already running, the submissions wait; the end of a
        running batch flushes them.
        """
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while self._pending and len(self._running) < self.max_running:
            batch = self._take()
            task = asyncio.create_task(self._run(batch), name="ingest-batch")
            self._running.add(task)
            task.add_done_callback(self._finished)

    def _take(self) -> list[Submission[T, R]]:
        """Whole submissions, up to `max_items` items (at least one submission)."""
        taken = 0
        size = 0
        for submission in self._pending:
            if taken and size + submission.size > self.max_items:
                break
            taken += 1
            size += submission.size
        batch, self._pending = self._pending[:taken], self._pending[taken:]
        self._count -= size
        return batch

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if self._pending and self._timer is None:
            self.flush()  # these waited behind running batches, longer than the window

    async def _run(self, batch: list[Submission[T, R]]) -> None:
        try:
            await self.process(batch)
        except BaseException as err:
            failure = err if isinstance(err, Exception) else Unavailable("batch cancelled", 1)
            if not isinstance(err, Exception):
                log.warning("batch_cancelled", submissions=len(batch))
            else:
                log.error("batch_failed", submissions=len(batch), exc_info=err)
            for submission in batch:
                if not submission.future.done():
                    submission.future.set_exception(failure)
            if not isinstance(err, Exception):
                raise
        finally:
            for submission in batch:  # a process that forgot a request must not hang it
                if not submission.future.done():
                    submission.future.set_exception(Unavailable("batch ended early", 1))

    @property
    def pending(self) -> int:
        """Items gathered and not yet flushed."""
        return self._count

    async def drain(self, timeout: float) -> None:  # noqa: ASYNC109 - shutdown budget
        """Stop taking work, flush what is gathered and wait for running batches."""
        self._closed = True
        self.flush()
        deadline = asyncio.get_running_loop().time() + timeout
        while self._running:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            await asyncio.wait(set(self._running), timeout=left)
        for task in set(self._running):
            task.cancel()
        for submission in self._pending:  # never started: the sender retries elsewhere
            if not submission.future.done():
                submission.future.set_exception(Unavailable("ingest is shutting down", 1))
        self._pending, self._count = [], 0
