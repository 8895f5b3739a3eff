"""Per-destination limits inside one process: concurrency, rate, and a circuit breaker.

The breaker lives in memory per process (each replica learns a destination's health on its
own); while it is open the claimer leaves the destination's deliveries in the queue, so they
wait without burning attempts, and after the cool-down one delivery probes before it closes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


class CircuitBreaker:
    """Closed → open after N consecutive retryable failures → one probe after the cool-down."""

    def __init__(self, failures_to_open: int, cooldown_seconds: float, clock: Clock) -> None:
        self._threshold = failures_to_open
        self._cooldown = cooldown_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        """closed, open or half_open."""
        if self._opened_at is None:
            return "closed"
        return "half_open" if self._clock() >= self._opened_at + self._cooldown else "open"

    def paused(self) -> bool:
        """True while nothing may be sent (open, or half-open with its probe under way)."""
        state = self.state
        return state == "open" or (state == "half_open" and self._probing)

    def retry_in(self) -> float:
        """Seconds until the cool-down ends (0 when not open)."""
        if self._opened_at is None:
            return 0.0
        return max(0.0, self._opened_at + self._cooldown - self._clock())

    def allow(self) -> bool:
        """May one request go now? In half-open state only the single probe may."""
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._probing:
            self._probing = True
            return True
        return False

    def record(self, outcome: str) -> None:
        """Learn from an answer: success closes; a retryable failure counts, or reopens a probe."""
        if outcome == "success":
            self._failures, self._opened_at, self._probing = 0, None, False
        elif outcome == "retryable":
            self._failures += 1
            if self._probing or self._failures >= self._threshold:
                self._opened_at, self._probing = self._clock(), False
        elif self._probing:  # a permanent or auth answer still proves the platform is reachable
            self._failures, self._opened_at, self._probing = 0, None, False


class TokenBucket:
    """`rate` requests per second with bursts up to `rate` (at least one)."""

    def __init__(self, rate: float, clock: Clock) -> None:
        self._rate = rate
        self._capacity = max(1.0, rate)
        self._tokens = self._capacity
        self._clock = clock
        self._updated = clock()

    def delay(self) -> float:
        """Take a token; return how long the caller must wait before using it."""
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
        self._updated = now
        self._tokens -= 1.0
        return 0.0 if self._tokens >= 0 else -self._tokens / self._rate

    async def take(self) -> None:
        """Wait for a token (rate limiting, not synchronization)."""
        wait = self.delay()
        if wait > 0:
            await asyncio.sleep(wait)


@dataclass
class Gate:
    """The limits of one destination."""

    breaker: CircuitBreaker
    bucket: TokenBucket
    slots: asyncio.Semaphore


class Gates:
    """One Gate per destination, made on first use."""

    def __init__(
        self,
        concurrency: int,
        rate: float,
        breaker_failures: int,
        breaker_cooldown_seconds: float,
        clock: Clock = time.monotonic,
    ) -> None:
        self._concurrency = concurrency
        self._rate = rate
        self._failures = breaker_failures
        self._cooldown = breaker_cooldown_seconds
        self._clock = clock
        self._gates: dict[str, Gate] = {}

    def get(self, destination_id: str) -> Gate:
        """The destination's gate."""
        gate = self._gates.get(destination_id)
        if gate is None:
            gate = Gate(
                CircuitBreaker(self._failures, self._cooldown, self._clock),
                TokenBucket(self._rate, self._clock),
                asyncio.Semaphore(self._concurrency),
            )
            self._gates[destination_id] = gate
        return gate

    def paused(self) -> list[str]:
        """Destinations whose deliveries the claimer must leave alone for now."""
        return [d for d, gate in self._gates.items() if gate.breaker.paused()]
