from __future__ import annotations

import random

import anyio
import httpx
import pytest

from cioctl.api.errors import ApiConnectionError, ApiRateLimited, ApiServerError
from cioctl.api.ratelimit import RateLimiter
from cioctl.api.retry import RetryPolicy

from .conftest import FakeSleep, Recorder, json_response, make_client

pytestmark = pytest.mark.anyio

RATE_BODY = {"errors": [{"detail": "rate limited to 10 requests per 1s", "status": "429"}]}


def sequence(*responses: httpx.Response | Exception) -> Recorder:
    """A handler answering with ``responses`` in order (exceptions are raised)."""
    queue = list(responses)

    def respond(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return Recorder(respond)


def seeded_throttle_waits(*responses: httpx.Response) -> list[float]:
    """The waits the clients of ``make_client`` (Random(7)) choose after these 429s."""
    policy, previous, waits = RetryPolicy(random=random.Random(7), clock=lambda: 0.0), 0.0, []
    for response in responses:
        previous = policy.throttle_wait(response, previous).delay
        waits.append(previous)
    return waits


def rate_limited(retry_after: str | None = "1") -> httpx.Response:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    return json_response(429, RATE_BODY, **headers)


async def test_429_honours_retry_after_plus_jitter() -> None:
    answers = [rate_limited("2"), rate_limited("7")]
    handler = sequence(*answers, json_response(200, {"segments": []}))
    sleep = FakeSleep()
    async with make_client(handler, sleep=sleep) as client:
        assert await client.app.get("/v1/segments") == {"segments": []}
    # Never earlier than the server asked, at most one more such interval later.
    assert 2.0 <= sleep.slept[0] < 4.0 and 7.0 <= sleep.slept[1] < 14.0
    assert sleep.slept == seeded_throttle_waits(*answers)
    assert client.stats.requests["app"] == 3
    assert client.stats.retries == 2


async def test_429_retry_after_http_date_and_cap() -> None:
    handler = sequence(
        rate_limited("Thu, 01 Jan 1970 00:00:05 GMT"), rate_limited("3600"),
        json_response(200, {}),
    )
    sleep = FakeSleep()
    async with make_client(handler, sleep=sleep) as client:  # wall clock fixed at 0
        await client.app.get("/v1/segments")
    assert 5.0 <= sleep.slept[0] < 10.0  # the date is 5 s after the clock
    assert 60.0 <= sleep.slept[1] < 90.0  # capped at 60 s, jitter at most the 30 s cap


async def test_429s_do_not_use_up_the_error_budget() -> None:
    """Throttling is not failure: many 429s, interleaved with errors, within 2 error attempts."""
    handler = sequence(*[rate_limited()] * 8, json_response(503), *[rate_limited()] * 4,
                       json_response(200, {"ok": 1}))
    async with make_client(handler, max_attempts=2) as client:
        assert await client.app.get("/v1/segments") == {"ok": 1}
    assert len(handler.requests) == 14


async def test_throttling_gives_up_after_a_time_budget() -> None:
    handler = Recorder(lambda request: rate_limited("10"))
    sleep = FakeSleep()
    async with make_client(handler, sleep=sleep, throttle_budget=120.0) as client:
        with pytest.raises(ApiRateLimited) as info:
            await client.app.get("/v1/segments")
    assert 100.0 < sum(sleep.slept) <= 120.0  # gave up when the next wait (>= 10 s) won't fit
    assert len(handler.requests) == len(sleep.slept) + 1
    assert info.value.status == 429


async def test_429_is_retried_even_for_post_and_then_raises() -> None:
    handler = Recorder(lambda request: rate_limited("1"))
    sleep = FakeSleep()
    async with make_client(handler, sleep=sleep, throttle_budget=3.0) as client:
        with pytest.raises(ApiRateLimited) as info:
            await client.app.post("/v1/segments", {"segment": {"name": "x"}})
    assert len(handler.requests) == len(sleep.slept) + 1 >= 2  # a POST refused with 429 is safe
    assert sum(sleep.slept) <= 3.0
    assert info.value.status == 429
    assert "rate limited" in (info.value.detail or "")


async def test_429_without_retry_after_uses_decorrelated_jitter() -> None:
    answers = [rate_limited(None)] * 12
    handler = sequence(*answers, json_response(200, {}))
    sleep = FakeSleep()
    async with make_client(handler, sleep=sleep) as client:
        await client.app.get("/v1/segments")
    assert sleep.slept == seeded_throttle_waits(*answers)
    assert 0.5 <= sleep.slept[0] <= 1.5
    assert all(0.5 <= s <= 30.0 for s in sleep.slept)
    assert all(b <= 3 * max(a, 0.5) for a, b in zip(sleep.slept, sleep.slept[1:], strict=False))


async def test_concurrent_readers_throttled_together_come_back_spread_out() -> None:
    first_answer: set[str] = set()

    def respond(request: httpx.Request) -> httpx.Response:
        reader = request.url.params["reader"]
        if reader not in first_answer:
            first_answer.add(reader)
            return rate_limited("1")
        return json_response(200, {})

    handler = Recorder(respond)
    sleep = FakeSleep()
    async with make_client(handler, sleep=sleep) as client, anyio.create_task_group() as tg:
        for reader in range(8):
            tg.start_soon(client.app.get, "/v1/segments", {"reader": reader})
    assert len(sleep.slept) == 8
    assert all(1.0 <= s < 2.0 for s in sleep.slept)  # honour Retry-After ...
    assert len({round(s, 3) for s in sleep.slept}) == 8  # ... but not in lockstep


async def test_429_pauses_the_shared_limiter_for_the_servers_wait() -> None:
    handler = sequence(rate_limited("3"), json_response(200, {}))
    limiter = RateLimiter(10.0, clock=lambda: 50.0, sleep=FakeSleep())
    async with make_client(handler, limiter=limiter) as client:
        await client.app.get("/v1/segments")
    # Every other request of this client now waits out the server's 3 s (not the jittered
    # wait of the request that was refused): the two sends took the slots at 50.0 and 53.0.
    assert limiter.reserve() == pytest.approx(3.1)


async def test_5xx_retried_on_get() -> None:
    handler = sequence(json_response(502), json_response(503), json_response(200, {"ok": 1}))
    sleep = FakeSleep()
    async with make_client(handler, sleep=sleep) as client:
        assert await client.app.get("/v1/segments") == {"ok": 1}
    assert len(handler.requests) == 3


async def test_5xx_not_retried_on_post() -> None:
    handler = sequence(json_response(500, {"errors": [{"detail": "boom", "status": "500"}]}))
    async with make_client(handler) as client:
        with pytest.raises(ApiServerError) as info:
            await client.app.post("/v1/segments", {"segment": {"name": "x"}})
    assert len(handler.requests) == 1
    assert info.value.status == 500 and info.value.detail == "boom"


async def test_5xx_retried_on_post_marked_idempotent() -> None:
    handler = sequence(json_response(500), json_response(204))
    async with make_client(handler) as client:
        assert await client.app.post("/v1/data_index/events", {}, idempotent=True) is None
    assert len(handler.requests) == 2


async def test_5xx_retries_exhausted_on_get() -> None:
    handler = sequence(*[json_response(503)] * 5)
    async with make_client(handler) as client:
        with pytest.raises(ApiServerError):
            await client.app.get("/v1/segments")
    assert len(handler.requests) == 5


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("refused"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("eof"),
        httpx.ReadTimeout("slow"),
    ],
)
async def test_connection_errors_retried_on_get_not_post(error: Exception) -> None:
    ok = json_response(200, {"ok": True})
    handler = sequence(error, ok)
    async with make_client(handler) as client:
        assert await client.app.get("/v1/segments") == {"ok": True}
    assert len(handler.requests) == 2

    handler = sequence(error, ok)
    async with make_client(handler) as client:
        with pytest.raises(ApiConnectionError) as info:
            await client.app.post("/v1/segments", {"segment": {"name": "x"}})
    assert len(handler.requests) == 1
    assert info.value.hint


async def test_put_and_delete_are_idempotent() -> None:
    handler = sequence(
        json_response(500), json_response(200, {}), json_response(502), json_response(204)
    )
    async with make_client(handler) as client:
        await client.app.put("/v1/snippets", {"name": "a", "value": "b"})
        await client.app.delete("/v1/snippets/a")
    assert len(handler.requests) == 4


def test_backoff_is_capped_and_jittered() -> None:
    policy = RetryPolicy(random=random.Random(42))
    delays = [policy.backoff(n) for n in range(12)]
    ceilings = [min(30.0, 0.5 * 2**n) for n in range(12)]
    assert all(0.0 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert max(delays) <= 30.0
    assert len(set(delays)) == len(delays)  # jittered, not fixed
    again = RetryPolicy(random=random.Random(42))
    assert [again.backoff(n) for n in range(12)] == delays  # seeded → reproducible


async def test_backoff_sleeps_follow_the_seeded_policy() -> None:
    handler = sequence(*[json_response(503)] * 4, json_response(200, {}))
    sleep = FakeSleep()
    async with make_client(handler, sleep=sleep) as client:
        await client.app.get("/v1/segments")
    expected = RetryPolicy(random=random.Random(7))
    assert sleep.slept == [expected.backoff(n) for n in range(4)]


def test_unreadable_retry_after_falls_back() -> None:
    policy = RetryPolicy(random=random.Random(1))
    response = httpx.Response(429, headers={"Retry-After": "soon"})
    assert policy.retry_after(response) is None
    assert 0.5 <= policy.throttle_wait(response).delay <= 1.5
