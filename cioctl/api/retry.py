"""The retry policy of cioctl's API client.

Policy (one attempt = one HTTP request). Throttling is not failure, so 429s and errors are
counted separately and neither uses up the other's allowance:

* **429 Too Many Requests** is retried whatever the method (the server refused the request
  before doing anything), within a **time budget**: a request gives up only when waiting once
  more would take its total waiting on 429s past ``throttle_budget`` (120 s). Each wait is the
  server's ``Retry-After`` (integer seconds or an HTTP date, capped at ``retry_after_cap``,
  60 s; at least ``base``, 0.5 s) **plus full jitter** of up to one more such interval (at
  least ``base``), so readers throttled together come back spread out instead of in lockstep.
  Without the header (a daily quota, or a server that omits it) the wait is *decorrelated
  jitter*: ``uniform(base, 3 * previous wait)``, capped at ``cap`` (App API reference §1.2:
  ``Retry-After`` is integer seconds, absent on a daily quota; the HTTP-date form follows the
  official CLI's policy, §10; Journeys limits are unknown, evidence §2). The client also pauses its
  shared rate limiter for the server's wait (:meth:`cioctl.api.ratelimit.RateLimiter.pause`),
  so concurrent requests hold off together and then go out one slot apart.
* **5xx responses** and **connection errors** (connect errors, dropped or reset connections,
  timeouts — httpx's ``TransportError`` family) are retried **only when the request is
  idempotent**: GET, HEAD, PUT and DELETE are; POST is not, unless the caller marks that one
  call idempotent. A POST whose response was lost (or that answered 5xx) may have landed, so
  the caller re-reads instead of retrying blindly (design §8; :mod:`cioctl.apply.execute`).
  They have their own budget of ``max_attempts`` failed attempts (default 6, so 5 retries),
  with capped exponential backoff and **full jitter**: ``uniform(0, min(cap, base * 2**n))``
  before the n-th retry (n = 0, 1, …), base 0.5 s, cap 30 s.
* Every other response (2xx, 3xx, 4xx but 429) is final.
* When a budget is used up, the last response is returned (the caller maps it to a typed
  error) or the last transport error is re-raised.

``sleep`` (async), ``clock`` (wall clock, for HTTP-date ``Retry-After``) and ``random`` are
injected so tests can assert every slept duration without waiting.

Why a small loop and not ``tenacity``: the wait depends on the *response* (``Retry-After``), two
budgets of different units apply to different outcomes, the jitter must come from an injected
random source, and the final outcome is a response rather than an exception. Expressed in
tenacity that needs custom ``retry``, ``wait``, ``stop`` and ``retry_error_callback`` objects
plus exception wrapping; the loop below says the same in fewer lines that read top to bottom.
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
# Failed attempts (5xx, transport errors) one idempotent request may make. Six keeps a plan of
# a few hundred reads alive even when one attempt in seven fails (the reliability tests' fault
# spec), while a server that is really down is reported after at most ~15 s of backoff.
MAX_FAILED_ATTEMPTS = 6
THROTTLE_BUDGET = 120.0

Sleep = Callable[[float], Awaitable[None]]
Send = Callable[[], Awaitable[httpx.Response]]


@dataclass(frozen=True, slots=True)
class Retry:
    """One decision to retry: how long this request waits, and how long the server asked
    every request to hold off (``pause``, for 429s; 0 after an error)."""

    delay: float
    response: httpx.Response | None  # None: a transport error
    pause: float = 0.0

    @property
    def throttled(self) -> bool:
        """Whether the server answered 429."""
        return self.response is not None and self.response.status_code == 429


OnRetry = Callable[[Retry], None]


def _no_op(retry: Retry) -> None:
    """Default retry observer."""


@dataclass(slots=True)
class _Budgets:
    """What one logical request has used so far."""

    failures: int = 0  # 5xx answers and transport errors
    throttled: float = 0.0  # seconds waited on 429s
    last_throttle_wait: float = 0.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to wait before retrying a request (see the module docstring)."""

    max_attempts: int = MAX_FAILED_ATTEMPTS
    throttle_budget: float = THROTTLE_BUDGET
    base: float = 0.5
    cap: float = 30.0
    retry_after_cap: float = 60.0
    sleep: Sleep = anyio.sleep
    clock: Callable[[], float] = time.time
    random: _random.Random = field(default_factory=_random.Random)

    def backoff(self, retry_number: int) -> float:
        """Full-jitter delay before the ``retry_number``-th retry after an error (0-based)."""
        ceiling = min(self.cap, self.base * (2**retry_number))
        return self.random.uniform(0.0, ceiling)

    def retry_after(self, response: httpx.Response) -> float | None:
        """Seconds the server asked to wait, capped; None when absent or unreadable."""
        value = response.headers.get("retry-after")
        if value is None:
            return None
        seconds = _parse_retry_after(value.strip(), self.clock)
        return None if seconds is None else min(max(seconds, 0.0), self.retry_after_cap)

    def throttle_wait(self, response: httpx.Response, previous: float = 0.0) -> Retry:
        """The wait after a 429: ``Retry-After`` plus jitter, else decorrelated jitter."""
        asked = self.retry_after(response)
        if asked is None:
            low = self.base
            high = max(low, min(self.cap, 3 * max(previous, low)))
            delay = self.random.uniform(low, high)
            return Retry(delay, response, pause=low)
        spread = max(self.base, min(asked, self.cap))
        delay = max(asked, self.base) + self.random.uniform(0.0, spread)
        return Retry(delay, response, pause=asked)

    def should_retry(self, response: httpx.Response | None, idempotent: bool) -> bool:
        """Whether this outcome may be retried at all (ignoring the budgets)."""
        if response is None:
            return idempotent
        if response.status_code == 429:
            return True
        return response.status_code >= 500 and idempotent

    def _next(self, response: httpx.Response | None, idempotent: bool,
              used: _Budgets) -> Retry | None:
        """The retry to make after this outcome, or None when it is final."""
        if not self.should_retry(response, idempotent):
            return None
        if response is not None and response.status_code == 429:
            retry = self.throttle_wait(response, used.last_throttle_wait)
            if used.throttled + retry.delay > self.throttle_budget:
                return None
            used.throttled += retry.delay
            used.last_throttle_wait = retry.delay
            return retry
        used.failures += 1
        if used.failures >= self.max_attempts:
            return None
        return Retry(self.backoff(used.failures - 1), response)

    async def run(self, send: Send, *, idempotent: bool, on_retry: OnRetry = _no_op) -> (
        httpx.Response
    ):
        """Call ``send`` until it succeeds, fails finally, or a budget runs out."""
        used = _Budgets()
        while True:
            try:
                response = await send()
            except httpx.TransportError:
                retry = self._next(None, idempotent, used)
                if retry is None:
                    raise
            else:
                retry = self._next(response, idempotent, used)
                if retry is None:
                    return response
            on_retry(retry)
            await self.sleep(retry.delay)


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
