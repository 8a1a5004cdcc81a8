"""Rate limits of the embedded workspace, driven by an injected clock.

A sliding window: at most ``limit`` requests in any ``window`` seconds. When full, the answer is
429 in shape A with an integer ``Retry-After`` (at least 1) saying when a slot frees up.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """At most ``limit`` admissions per ``window`` seconds."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float]) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def admit(self) -> int | None:
        """Record a request and return None, or return the seconds to wait (≥ 1)."""
        with self._lock:
            now = self._clock()
            while self._times and self._times[0] <= now - self.window:
                self._times.popleft()
            if len(self._times) < self.limit:
                self._times.append(now)
                return None
            return max(1, math.ceil(self._times[0] + self.window - now))


def rate_limited_detail(limit: int, window: float, reference: str) -> str:
    """The vendor's wording of a 429 detail."""
    return f"rate limited to {limit} requests per {window:g}s (reference {reference})"
