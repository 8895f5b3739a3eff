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


async def test_requests_arriving_while_batches_run_gather_into_the_next_one() -> None:
    release = asyncio.Event()
    batches: list[list[str]] = []

    async def process(batch: list[Submission[int, int]]) -> None:
        batches.append([s.request_id for s in batch])
        if len(batches) == 1:
            await release.wait()  # the first batch is still with the dispatcher
        for submission in batch:
            submission.future.set_result([])

    timer = ManualTimer()
    batcher: Batcher[int, int] = Batcher(process, 0.005, 100, schedule=timer, max_running=1)
    first = asyncio.ensure_future(batcher.submit([1], "a"))
    await asyncio.sleep(0)
    timer.calls[0][1]()  # the window ends: batch one starts
    await asyncio.sleep(0)
    later = [asyncio.ensure_future(batcher.submit([n], f"r{n}")) for n in range(3)]
    await asyncio.sleep(0)
    timer.calls[-1][1]()  # their window ends, but no room: they keep gathering
    await asyncio.sleep(0)
    assert batches == [["a"]] and batcher.pending == 3
    release.set()
    await asyncio.gather(first, *later)
    assert batches == [["a"], ["r0", "r1", "r2"]]


async def test_a_backlog_is_flushed_in_batches_of_whole_requests_within_the_size_bound() -> None:
    release = asyncio.Event()
    sizes: list[list[int]] = []

    async def process(batch: list[Submission[int, int]]) -> None:
        sizes.append([s.size for s in batch])
        await release.wait()
        for submission in batch:
            submission.future.set_result([])

    timer = ManualTimer()
    batcher: Batcher[int, int] = Batcher(process, 0.005, 4, schedule=timer, max_running=1)
    waiting = [asyncio.ensure_future(batcher.submit([0] * n, f"r{n}")) for n in (1, 3, 2, 2, 1)]
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(*waiting)
    assert sizes == [[1, 3], [2, 2], [1]]
