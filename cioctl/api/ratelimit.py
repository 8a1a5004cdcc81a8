"""Client-side rate limiting: stay under the workspace's request rate.

Customer.io allows 10 requests/second per workspace, shared by the App API and the Journeys
routes (App API reference §1.2 for the App API; evidence §2: Journeys limits unknown, assume
the workspace's 10/s — that both surfaces share one budget is not in the references, cioctl
assumes it). :class:`RateLimiter` hands out evenly spaced send slots (``1 / rate`` apart, default
9.8/s so the server's limit is never reached): each :meth:`acquire` reserves the next free slot
and sleeps until it. Reservation is synchronous, so concurrent tasks on one event loop never
share a slot and no lock is needed. One limiter is shared by both surfaces of a workspace.

:meth:`pause` (called when the server answers 429) pushes every future slot past the
server's ``Retry-After``, so concurrent requests back off together instead of each hitting the
429 on its own; a caller already waiting for a slot that now falls inside the pause takes a
new slot after it rather than sending into the throttled window. After the pause the waiting
requests go out one slot apart, never all at once.

``clock`` (monotonic seconds) and ``sleep`` (async) are injectable; ``enabled=False`` turns the
limiter into a no-op (the embedded workspace with throttling off).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import anyio

DEFAULT_RATE = 9.8


class RateLimiter:
    """Spaced-slot limiter allowing at most ``rate`` acquisitions per second."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        *,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.enabled = enabled
        self._interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next_slot = float("-inf")
        self._paused_until = float("-inf")

    def __repr__(self) -> str:
        state = "on" if self.enabled else "off"
        return f"RateLimiter(rate={self.rate}, {state})"

    def reserve(self) -> float:
        """Reserve the next slot; return how long to wait for it (seconds, >= 0)."""
        now = self._clock()
        return self._reserve_slot(now) - now

    def _reserve_slot(self, now: float) -> float:
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval
        return slot

    async def acquire(self) -> None:
        """Wait until this caller may send one request."""
        if not self.enabled:
            return
        while True:
            now = self._clock()
            slot = self._reserve_slot(now)
            if slot > now:
                await self._sleep(slot - now)
            if slot >= self._paused_until:
                return
            # A 429 paused the limiter while this caller waited: its slot is in the pause.

    def pause(self, seconds: float) -> None:
        """Let no slot start earlier than ``seconds`` from now."""
        if self.enabled and seconds > 0:
            until = self._clock() + seconds
            self._paused_until = max(self._paused_until, until)
            self._next_slot = max(self._next_slot, until)
