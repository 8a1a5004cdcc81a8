"""Fault injection for the embedded workspace: seeded, reproducible for a request sequence.

Grammar (comma-separated ``key=value`` items, any order, each at most once)::

    latency=50ms          fixed delay before every request (units: ms or s)
    latency=10-80ms       uniform delay in a range
    429=0.1               chance a request starts a 429 burst (Retry-After: 1)
    burst=3               length of a 429 burst in consecutive requests (default 3)
    5xx=0.05              chance of a 500/502/503 in shape A (request not processed)
    drop=0.02             chance the connection drops before the request is processed
    lost=0.05             chance the request is processed (a write COMMITS) and then the
                          connection drops before the response
    fail=PUT:/v1/collections/
                          every request with that method whose path starts with that prefix
                          answers 500 (not processed): a deterministic failure of one kind of
                          write, e.g. the ownership ledger's or a replace's second step;
                          several routes are separated by ``|``
    add_actions_500=0.3   chance a Journeys ``add_actions`` COMMITS and then answers 500
                          (evidence §5: re-read before any retry)
    build_delay=3         status reads a segment stays in ``build`` after a write (default 1)

Rates are probabilities in [0, 1]. Every request draws the same number of values from one
``random.Random(seed)``, so a given sequence of requests meets the same faults each run;
``add_actions_500`` draws from its own generator (seeded from ``seed``) only on ``add_actions``,
so it does not shift the other faults.
A dropped connection raises :class:`DroppedConnection` (an ``httpx.RemoteProtocolError``) after
starting a response: ``httpx.ASGITransport`` surfaces it to the client as a transport error, and
uvicorn closes the socket mid-response so a client over TCP sees a connection error.
"""

from __future__ import annotations

import asyncio
import random
import re
import threading
from dataclasses import dataclass

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cioctl.emulator.web import ApiError

FAULTS_HELP = (
    "Fault spec: comma-separated key=value items. latency=50ms or latency=10-80ms (ms|s) delays "
    "each request; 429=RATE starts a burst of 429s with Retry-After (burst=N requests, default "
    "3); 5xx=RATE answers 500/502/503; drop=RATE drops the connection before processing; "
    "lost=RATE processes the request (writes commit) then drops the connection; "
    "fail=METHOD:/path-prefix[|…] answers 500 to every matching request; "
    "add_actions_500=RATE commits a Journeys add_actions then answers 500; build_delay=N keeps "
    "a written segment in build for N status reads (default 1). RATE is a "
    "probability in [0,1]; faults are drawn from --seed and reproducible. "
    "Example: latency=10-80ms,429=0.1,5xx=0.05,drop=0.02,lost=0.05"
)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?(ms|s)$")
_RATES = {"429": "rate_429", "5xx": "rate_5xx", "drop": "rate_drop", "lost": "rate_lost",
          "add_actions_500": "rate_add_actions_500"}


class FaultSpecError(ValueError):
    """A fault spec string that does not follow the grammar."""


class DroppedConnection(httpx.RemoteProtocolError):
    """The emulator dropped the connection (fault injection)."""


@dataclass(frozen=True)
class FaultSpec:
    """Which faults to inject and how often."""

    latency_min: float = 0.0
    latency_max: float = 0.0
    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_drop: float = 0.0
    rate_lost: float = 0.0
    burst: int = 3
    rate_add_actions_500: float = 0.0
    build_delay: int = 1
    fail: str = ""  # "METHOD:/path-prefix|…": those requests always fail

    def fails(self, method: str, path: str) -> bool:
        """Whether ``fail`` names this request."""
        for route in filter(None, self.fail.split("|")):
            wanted_method, _, prefix = route.partition(":")
            if method == wanted_method and path.startswith(prefix):
                return True
        return False

    @classmethod
    def parse(cls, spec: str) -> FaultSpec:
        """Parse ``"latency=50ms,429=0.1,5xx=0.05,drop=0.02,lost=0.05"``; see the module doc."""
        values: dict[str, float | int | str] = {}
        seen: set[str] = set()
        for item in filter(None, (part.strip() for part in spec.split(","))):
            key, sep, value = item.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or not value:
                raise FaultSpecError(f"fault {item!r} is not key=value. {FAULTS_HELP}")
            if key in seen:
                raise FaultSpecError(f"fault {key!r} is given twice")
            seen.add(key)
            values.update(_parse_item(key, value))
        return cls(**values)  # type: ignore[arg-type]


_FAIL = re.compile(r"^(GET|POST|PUT|DELETE):/[^|\s]*(\|(GET|POST|PUT|DELETE):/[^|\s]*)*$")


def _parse_item(key: str, value: str) -> dict[str, float | int | str]:
    if key == "fail":
        if not _FAIL.match(value):
            raise FaultSpecError(f"fail must look like PUT:/v1/collections/, not {value!r}")
        return {"fail": value}
    if key == "latency":
        low, high = _latency(value)
        return {"latency_min": low, "latency_max": high}
    if key in ("burst", "build_delay"):
        low = 1 if key == "burst" else 0
        if not value.isdigit() or int(value) < low:
            raise FaultSpecError(f"{key} must be an integer >= {low}, not {value!r}")
        return {key: int(value)}
    if key not in _RATES:
        raise FaultSpecError(f"unknown fault {key!r}; known: latency, burst, build_delay, "
                             f"fail, {', '.join(_RATES)}")
    try:
        rate = float(value)
    except ValueError:
        rate = -1.0
    if not 0.0 <= rate <= 1.0:
        raise FaultSpecError(f"{key} must be a probability in [0, 1], not {value!r}")
    return {_RATES[key]: rate}


def _latency(value: str) -> tuple[float, float]:
    match = _DURATION.match(value)
    if match is None:
        raise FaultSpecError(f"latency must look like 50ms, 0.2s or 10-80ms, not {value!r}")
    scale = 0.001 if match.group(3) == "ms" else 1.0
    low = float(match.group(1)) * scale
    high = float(match.group(2)) * scale if match.group(2) else low
    if high < low:
        raise FaultSpecError(f"latency range {value!r} ends before it starts")
    return low, high


@dataclass(frozen=True)
class Decision:
    """What happens to one request."""

    delay: float
    fault: str | None  # "429", "5xx", "drop", "lost" or None
    status: int = 0


class Faults:
    """Seeded fault decisions; the same number of draws per request keeps runs reproducible."""

    def __init__(self, spec: FaultSpec, seed: int) -> None:
        self.spec = spec
        self._rng = random.Random(seed)
        self._add_actions_rng = random.Random(f"add_actions:{seed}")
        self._burst_left = 0
        self._lock = threading.Lock()

    def decide(self) -> Decision:
        with self._lock:
            draws = [self._rng.random() for _ in range(5)]
            status = self._rng.choice((500, 502, 503))
            return self._pick(draws, status)

    def add_actions_fails(self) -> bool:
        """Whether this (committed) ``add_actions`` answers 500 (evidence §5)."""
        with self._lock:
            return self._add_actions_rng.random() < self.spec.rate_add_actions_500

    def _pick(self, draws: list[float], status: int) -> Decision:
        spec = self.spec
        delay = spec.latency_min + draws[0] * (spec.latency_max - spec.latency_min)
        if self._burst_left > 0:
            self._burst_left -= 1
            return Decision(delay, "429")
        if draws[1] < spec.rate_drop:
            return Decision(delay, "drop")
        if draws[2] < spec.rate_429:
            self._burst_left = spec.burst - 1
            return Decision(delay, "429")
        if draws[3] < spec.rate_5xx:
            return Decision(delay, "5xx", status)
        return Decision(delay, "lost" if draws[4] < spec.rate_lost else None)


class FaultMiddleware:
    """ASGI middleware applying :class:`Faults` to every HTTP request."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        decision = self.faults.decide()
        if decision.delay > 0:
            await asyncio.sleep(decision.delay)
        if self.faults.spec.fails(scope["method"], scope["path"]):
            await ApiError(500, "injected failure (fault spec 'fail')").response()(
                scope, receive, send)
        elif decision.fault == "drop":
            await _drop(send)
        elif decision.fault == "429":
            error = ApiError(429, "rate limited to 10 requests per 1s (reference fault-burst)",
                             headers={"Retry-After": "1"})
            await error.response()(scope, receive, send)
        elif decision.fault == "5xx":
            await ApiError(decision.status, "injected server error").response()(
                scope, receive, send)
        elif decision.fault == "lost":
            await self.app(scope, receive, _swallow)
            await _drop(send)
        else:
            await self.app(scope, receive, send)


async def _swallow(message: Message) -> None:
    """A ``send`` that discards the response: the work is done, the answer is lost."""


async def _drop(send: Send) -> None:
    await send({"type": "http.response.start", "status": 502,
                "headers": [(b"content-type", b"application/json")]})
    raise DroppedConnection("connection dropped by the embedded workspace (fault injection)")
