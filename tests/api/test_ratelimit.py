from __future__ import annotations

import anyio
import pytest

from cioctl.api.ratelimit import RateLimiter

pytestmark = pytest.mark.anyio


class FakeClock:
    """A clock that only moves when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sends: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_spaces_requests_under_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    for _ in range(21):
        await limiter.acquire()
        clock.sends.append(clock.now)
    gaps = [b - a for a, b in zip(clock.sends, clock.sends[1:], strict=False)]
    assert all(g == pytest.approx(0.1) for g in gaps)
    assert clock.sends[-1] - clock.sends[0] == pytest.approx(2.0)


async def test_default_rate_stays_under_ten_per_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    for _ in range(100):
        await limiter.acquire()
        clock.sends.append(clock.now)
    for i, start in enumerate(clock.sends):
        in_window = [t for t in clock.sends[i:] if t < start + 1.0]
        assert len(in_window) <= 10


async def test_concurrent_tasks_get_distinct_slots() -> None:
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    limiter = RateLimiter(4.0, clock=lambda: 0.0, sleep=sleep)
    async with anyio.create_task_group() as tg:
        for _ in range(4):
            tg.start_soon(limiter.acquire)
    assert sorted(sleeps) == [0.25, 0.5, 0.75]


async def test_idle_time_is_not_banked_as_a_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2.0, clock=clock, sleep=clock.sleep)
    await limiter.acquire()
    clock.now += 10.0
    assert limiter.reserve() == 0.0
    assert limiter.reserve() == pytest.approx(0.5)


async def test_pause_delays_the_next_slot() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    limiter.pause(3.0)
    start = clock.now
    await limiter.acquire()
    assert clock.now - start == pytest.approx(3.0)


async def test_a_pause_during_the_wait_for_a_slot_moves_that_slot_past_it() -> None:
    """A 429 arriving while a request waits for its slot: the request does not go out into
    the throttled window, it takes a new slot after the pause."""
    clock = FakeClock()

    async def sleep(seconds: float) -> None:
        if clock.now == 100.0:
            limiter.pause(2.0)  # another request's 429 arrives meanwhile
        await clock.sleep(seconds)

    limiter = RateLimiter(10.0, clock=clock, sleep=sleep)
    await limiter.acquire()  # slot 100.0, at once
    await limiter.acquire()  # slot 100.1, paused at 100.0 for 2 s: goes at 102.0
    assert clock.now == pytest.approx(102.0)
    await limiter.acquire()
    assert clock.now == pytest.approx(102.1)  # then one slot apart, not all at once


async def test_disabled_limiter_never_sleeps() -> None:
    clock = FakeClock()
    limiter = RateLimiter(1.0, enabled=False, clock=clock, sleep=clock.sleep)
    for _ in range(50):
        await limiter.acquire()
    assert clock.now == 100.0


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)
