"""An asyncio event loop on virtual time, for running the client against the in-process
embedded workspace without waiting for real seconds.

The loop's clock only moves when every task is blocked on a timer: then the selector, asked to
wait ``t`` seconds, advances the clock by ``t`` and returns at once instead of sleeping. So
concurrent sleeps overlap exactly as they would in real time (two tasks each sleeping 1 s take
one virtual second, not two), ``Retry-After`` waits and the 10 requests/s limits on both sides
keep their real meaning, and a run that would take minutes finishes in the CPU time it needs.

This only holds while nothing waits on real I/O: the client must reach the app through
``httpx.ASGITransport`` (no sockets, no threads). Every clock involved — the client's limiter,
the retry policy, the embedded workspace's rate window and fault latency — reads
:attr:`VirtualClock.now` (directly or through ``loop.time()``).
"""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio

T = TypeVar("T")


class VirtualClock:
    """Seconds since the epoch, starting at the real time so timestamps look ordinary."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now


class _JumpingSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    """A selector that turns "wait up to t seconds" into "advance the clock by t"."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__()
        self._clock = clock

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is not None and timeout > 0:
            self._clock.now += timeout
            timeout = 0
        return super().select(timeout)  # type: ignore[no-any-return]


class _VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self, clock: VirtualClock) -> None:
        self._virtual = clock
        super().__init__(_JumpingSelector(clock))
        # Timers within the clock's resolution of now are due. Near the epoch-sized start the
        # float spacing (~2e-7 s) exceeds the monotonic clock's 1e-9, and a timer due "now"
        # would never become ready; 1e-5 s is far below any wait that matters here.
        self._clock_resolution = 1e-5

    def time(self) -> float:
        return self._virtual.now


def run_virtual(clock: VirtualClock, func: Callable[[], Awaitable[T]]) -> T:
    """Run ``func`` on an event loop whose time is ``clock``."""

    async def main() -> T:
        return await func()

    return anyio.run(main, backend="asyncio",
                     backend_options={"loop_factory": lambda: _VirtualTimeLoop(clock)})
