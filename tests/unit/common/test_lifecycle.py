from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable

from services.common.lifecycle import Supervisor, run_until_signal, shielded
from tests.helpers import wait_for


async def test_supervisor_restarts_a_crashing_task() -> None:
    supervisor = Supervisor(initial_backoff=0.001, max_backoff=0.01)
    runs = 0
    steady = asyncio.Event()

    async def flaky() -> None:
        nonlocal runs
        runs += 1
        if runs < 3:
            raise RuntimeError("boom")
        steady.set()
        await asyncio.Event().wait()

    supervisor.start("flaky", flaky)
    await wait_for(steady.is_set)
    assert supervisor.restarts == {"flaky": 2}
    assert supervisor.running() == ["flaky"]
    await supervisor.stop(grace_seconds=1.0)
    assert supervisor.running() == []


async def test_stop_cancels_every_task() -> None:
    supervisor = Supervisor()
    cleaned: list[str] = []
    started: list[str] = []

    async def loop_forever(name: str) -> None:
        started.append(name)
        try:
            await asyncio.Event().wait()
        finally:
            cleaned.append(name)

    supervisor.start("a", lambda: loop_forever("a"))
    supervisor.start("b", lambda: loop_forever("b"))
    await wait_for(lambda: len(started) == 2)
    await supervisor.stop(grace_seconds=1.0)
    assert sorted(cleaned) == ["a", "b"]


async def test_shielded_step_finishes_when_caller_is_cancelled() -> None:
    finished = asyncio.Event()
    release = asyncio.Event()

    async def final_step() -> None:
        await release.wait()
        finished.set()

    caller = asyncio.create_task(shielded(final_step()))
    await asyncio.sleep(0)
    caller.cancel()
    release.set()
    try:
        await caller
    except asyncio.CancelledError:
        pass
    assert finished.is_set()


async def test_run_until_signal_stops_on_sigterm() -> None:
    events: list[str] = []

    async def start() -> Callable[[], Awaitable[None]]:
        events.append("started")

        async def stop() -> None:
            events.append("stopped")

        return stop

    runner = asyncio.create_task(run_until_signal(start))
    await wait_for(lambda: events == ["started"])
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(runner, timeout=5)
    assert events == ["started", "stopped"]


async def test_finish_waits_for_a_task_to_return_without_cancelling_it() -> None:
    supervisor = Supervisor()
    release = asyncio.Event()
    finished: list[str] = []

    async def winds_down() -> None:
        await release.wait()
        finished.append("returned")

    supervisor.start("claimer", winds_down)
    assert await supervisor.finish("claimer", 0.05) is False  # still running, not cancelled
    release.set()
    assert await supervisor.finish("claimer", 1.0) is True
    assert finished == ["returned"]
    assert await supervisor.finish("unknown", 0.01) is True
