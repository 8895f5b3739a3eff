"""Batch gathering, with time driven by hand through an injected timer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from services.ingest.batcher import Batcher, Submission


class ManualTimer:
    """Records scheduled callbacks; the test fires them."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, Callable[[], None]]] = []
        self.cancelled = 0

    def __call__(self, delay: float, callback: Callable[[], None]) -> ManualTimer:
        self.calls.append((delay, callback))
        return self

    def cancel(self) -> None:
        self.cancelled += 1


async def test_requests_within_the_window_share_one_batch() -> None:
    batches: list[list[Submission[int, int]]] = []

    async def process(batch: list[Submission[int, int]]) -> None:
        batches.append(batch)
        for submission in batch:
            submission.future.set_result([item * 10 for item in submission.items])

    timer = ManualTimer()
    batcher: Batcher[int, int] = Batcher(process, 0.005, 100, schedule=timer)
    first = asyncio.ensure_future(batcher.submit([1, 2], "a"))
    second = asyncio.ensure_future(batcher.submit([3], "b"))
    await asyncio.sleep(0)  # let both submissions register (not a wait for time)
    assert [delay for delay, _ in timer.calls] == [0.005]  # one timer for the window
    assert batches == []
    timer.calls[0][1]()  # the window ends
    assert await first == [10, 20] and await second == [30]
    assert len(batches) == 1 and [s.request_id for s in batches[0]] == ["a", "b"]


async def test_a_full_batch_flushes_without_waiting_for_the_window() -> None:
    seen: list[int] = []

    async def process(batch: list[Submission[int, int]]) -> None:
        seen.append(sum(s.size for s in batch))
        for submission in batch:
            submission.future.set_result([])

    timer = ManualTimer()
    batcher: Batcher[int, int] = Batcher(process, 10.0, 3, schedule=timer)
    pending = asyncio.ensure_future(batcher.submit([1, 2], "a"))
    await asyncio.sleep(0)
    await batcher.submit([3], "b")
    await pending
    assert seen == [3]
    assert timer.cancelled == 1


async def test_a_failed_batch_fails_exactly_its_requests() -> None:
    async def process(batch: list[Submission[int, int]]) -> None:
        raise RuntimeError("mapper down")

    batcher: Batcher[int, int] = Batcher(process, 0.0, 10)
    try:
        await batcher.submit([1], "a")
    except RuntimeError as err:
        assert "mapper down" in str(err)
    else:
        raise AssertionError("the request should fail with its batch")
