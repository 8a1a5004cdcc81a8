"""The retry policy of cioctl's API client.

Policy (one attempt = one HTTP request):

* **429 Too Many Requests** is always retried, whatever the method: the server refused the
  request before doing anything. The wait honours ``Retry-After`` (integer seconds or an HTTP
  date), capped at ``retry_after_cap`` (60 s); without the header (a daily quota, or a server
  that omits it) the exponential backoff below is used.
* **5xx responses** and **connection errors** (connect errors, read/write errors, remote
  protocol errors, timeouts — httpx's ``TransportError`` family) are retried **only when the
  request is idempotent**: GET, HEAD, PUT and DELETE are; POST is not, unless the caller marks
  that one call idempotent. A POST whose response was lost may have landed, so the caller
  re-reads instead of retrying blindly (design §8).
* Every other response (2xx, 3xx, 4xx but 429) is final.
* Backoff is capped exponential with **full jitter**: ``uniform(0, min(cap, base * 2**n))`` for
  the n-th retry (n = 0, 1, ...), base 0.5 s, cap 30 s.
* At most ``max_attempts`` attempts (default 5, so 4 retries). When they are used up, the last
  response is returned (the caller maps it to a typed error) or the last transport error is
  re-raised.

``sleep`` (async), ``clock`` (wall clock, for HTTP-date ``Retry-After``) and ``random`` are
injected so tests can assert every slept duration without waiting.

Why a small loop and not ``tenacity``: the wait depends on the *response* (``Retry-After``) and
on a per-call idempotency flag, the jitter must come from an injected random source, and the
final outcome is a response rather than an exception. Expressed in tenacity that needs custom
``retry``, ``wait`` and ``retry_error_callback`` objects plus exception wrapping; the loop below
says the same in fewer lines that read top to bottom.
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime

import anyio
import httpx

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

Sleep = Callable[[float], Awaitable[None]]
Send = Callable[[], Awaitable[httpx.Response]]
OnRetry = Callable[[float, httpx.Response | None], None]


def _no_op(delay: float, response: httpx.Response | None) -> None:
    """Default retry observer."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to wait before retrying a request (see the module docstring)."""

    max_attempts: int = 5
    base: float = 0.5
    cap: float = 30.0
    retry_after_cap: float = 60.0
    sleep: Sleep = anyio.sleep
    clock: Callable[[], float] = time.time
    random: _random.Random = field(default_factory=_random.Random)

    def backoff(self, retry_number: int) -> float:
        """Full-jitter delay before the ``retry_number``-th retry (0-based)."""
        ceiling = min(self.cap, self.base * (2**retry_number))
        return self.random.uniform(0.0, ceiling)

    def retry_after(self, response: httpx.Response) -> float | None:
        """Seconds the server asked to wait, capped; None when absent or unreadable."""
        value = response.headers.get("retry-after")
        if value is None:
            return None
        seconds = _parse_retry_after(value.strip(), self.clock)
        return None if seconds is None else min(max(seconds, 0.0), self.retry_after_cap)

    def delay_for(self, response: httpx.Response | None, retry_number: int) -> float:
        """How long to wait after ``response`` (None = a transport error)."""
        if response is not None and response.status_code == 429:
            asked = self.retry_after(response)
            if asked is not None:
                return asked
        return self.backoff(retry_number)

    def should_retry(self, response: httpx.Response | None, idempotent: bool) -> bool:
        """Whether this outcome may be retried at all (ignoring the attempt budget)."""
        if response is None:
            return idempotent
        if response.status_code == 429:
            return True
        return response.status_code >= 500 and idempotent

    async def run(self, send: Send, *, idempotent: bool, on_retry: OnRetry = _no_op) -> (
        httpx.Response
    ):
        """Call ``send`` until it succeeds, fails finally, or attempts run out."""
        for attempt in range(1, self.max_attempts + 1):
            last = attempt == self.max_attempts
            try:
                response = await send()
            except httpx.TransportError:
                if last or not self.should_retry(None, idempotent):
                    raise
                response = None
            if response is not None and (last or not self.should_retry(response, idempotent)):
                return response
            delay = self.delay_for(response, attempt - 1)
            on_retry(delay, response)
            await self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


def is_idempotent(method: str) -> bool:
    """True for methods that may be repeated without changing the outcome."""
    return method.upper() in IDEMPOTENT_METHODS


def _parse_retry_after(value: str, clock: Callable[[], float]) -> float | None:
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() - clock()
