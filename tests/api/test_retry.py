from __future__ import annotations

import random

import httpx
import pytest

from cioctl.api.errors import ApiConnectionError, ApiRateLimited, ApiServerError
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


async def test_429_honours_retry_after_seconds() -> None:
    handler = sequence(
        json_response(429, RATE_BODY, **{"Retry-After": "2"}),
        json_response(429, RATE_BODY, **{"Retry-After": "7"}),
        json_response(200, {"segments": []}),
    )
    sleep = FakeSleep()
    async with make_client(handler, sleep=sleep) as client:
        assert await client.app.get("/v1/segments") == {"segments": []}
    assert sleep.slept == [2.0, 7.0]
    assert client.stats.requests["app"] == 3
    assert client.stats.retries == 2


async def test_429_retry_after_http_date_and_cap() -> None:
    handler = sequence(
        json_response(429, RATE_BODY, **{"Retry-After": "Thu, 01 Jan 1970 00:00:05 GMT"}),
        json_response(429, RATE_BODY, **{"Retry-After": "3600"}),
        json_response(200, {}),
    )
    sleep = FakeSleep()
    async with make_client(handler, sleep=sleep) as client:  # wall clock fixed at 0
        await client.app.get("/v1/segments")
    assert sleep.slept == [5.0, 60.0]


async def test_429_is_retried_even_for_post_and_then_raises() -> None:
    handler = sequence(*[json_response(429, RATE_BODY, **{"Retry-After": "1"})] * 3)
    sleep = FakeSleep()
    async with make_client(handler, sleep=sleep, max_attempts=3) as client:
        with pytest.raises(ApiRateLimited) as info:
            await client.app.post("/v1/segments", {"segment": {"name": "x"}})
    assert len(handler.requests) == 3
    assert sleep.slept == [1.0, 1.0]
    assert info.value.status == 429
    assert "rate limited" in (info.value.detail or "")


async def test_429_without_retry_after_uses_backoff() -> None:
    handler = sequence(json_response(429, RATE_BODY), json_response(200, {}))
    sleep = FakeSleep()
    async with make_client(handler, sleep=sleep) as client:
        await client.app.get("/v1/segments")
    assert len(sleep.slept) == 1
    assert 0.0 <= sleep.slept[0] <= 0.5


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
    assert 0.0 <= policy.delay_for(response, 0) <= 0.5
