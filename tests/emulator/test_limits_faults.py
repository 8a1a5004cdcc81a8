"""Rate limits with an injected clock, and seeded fault injection."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from emu_helpers import Api, FakeClock, error
from starlette.applications import Starlette

from cioctl.emulator import DroppedConnection, FaultSpec, FaultSpecError, reset
from cioctl.emulator.broadcasts import seed_broadcast

Factory = Callable[..., Starlette]


def test_ten_requests_per_second_then_429(make_app: Factory, clock: FakeClock) -> None:
    api = Api(make_app(rate_limit=True))
    for _ in range(10):
        assert api("GET", "/v1/segments").status_code == 200
    clock.now += 0.4
    limited = api("GET", "/v1/segments")
    assert limited.status_code == 429
    assert error(limited)["detail"].startswith("rate limited to 10 requests per 1s (reference ")
    assert error(limited)["status"] == "429"
    assert int(limited.headers["Retry-After"]) >= 1
    clock.now += 0.7
    assert api("GET", "/v1/segments").status_code == 200


def test_rate_limit_off(make_app: Factory) -> None:
    api = Api(make_app(rate_limit=False))
    assert all(api("GET", "/v1/segments").status_code == 200 for _ in range(25))


def test_broadcast_trigger_one_per_ten_seconds(make_app: Factory, clock: FakeClock) -> None:
    api = Api(make_app(rate_limit=True))
    bid = seed_broadcast(api.app.state.workspace.store, "Promo")["id"]
    assert api("POST", f"/v1/campaigns/{bid}/triggers", json={}).status_code == 200
    clock.now += 5
    limited = api("POST", f"/v1/campaigns/{bid}/triggers", json={})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) == 5
    clock.now += 5
    assert api("POST", f"/v1/campaigns/{bid}/triggers", json={}).status_code == 200


def test_fault_spec_grammar() -> None:
    spec = FaultSpec.parse("latency=10-80ms,429=0.1,5xx=0.05,drop=0.02,lost=0.05,burst=4")
    assert spec == FaultSpec(0.01, 0.08, 0.1, 0.05, 0.02, 0.05, 4)
    assert FaultSpec.parse("latency=0.5s").latency_max == 0.5
    assert FaultSpec.parse("") == FaultSpec()
    failing = FaultSpec.parse("fail=PUT:/v1/collections/|DELETE:/v1/snippets")
    assert failing.fails("PUT", "/v1/collections/3") and failing.fails("DELETE", "/v1/snippets/x")
    assert not failing.fails("POST", "/v1/collections") and not FaultSpec().fails("GET", "/")
    journeys = FaultSpec.parse("add_actions_500=0.5,build_delay=0")
    assert (journeys.rate_add_actions_500, journeys.build_delay) == (0.5, 0)
    for bad in ("latency=fast", "429=2", "boom=0.1", "drop", "5xx=0.1,5xx=0.2",
                "latency=80-10ms", "burst=0", "fail=PUT", "fail=PATCH:/v1", "fail=GET:/a|",
                "build_delay=-1", "add_actions_500=2"):
        with pytest.raises(FaultSpecError):
            FaultSpec.parse(bad)


_RUNS: list[int] = []


def _outcomes(make_app: Factory, seed: int) -> list[str]:
    spec = FaultSpec.parse("429=0.2,5xx=0.2,drop=0.1,lost=0.1,burst=2")
    api = Api(make_app(db=f"faults-{seed}-{len(_RUNS)}.sqlite3", faults=spec, seed=seed))
    _RUNS.append(seed)
    seen = []
    for i in range(40):
        try:
            response = api("POST", "/v1/snippets", json={"name": f"s{i}", "value": "v"})
            seen.append(str(response.status_code))
        except httpx.TransportError as exc:
            assert isinstance(exc, DroppedConnection)
            seen.append("dropped")
    return seen


def test_faults_are_reproducible_with_a_seed(make_app: Factory) -> None:
    first = _outcomes(make_app, seed=7)
    assert _outcomes(make_app, seed=7) == first
    assert _outcomes(make_app, seed=8) != first
    assert {"200", "429", "dropped"} <= set(first)
    assert set(first) & {"500", "502", "503"}


def test_429_burst_has_retry_after(make_app: Factory) -> None:
    api = Api(make_app(faults=FaultSpec(rate_429=1.0, burst=3)))
    response = api("GET", "/v1/segments")
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"


def test_dropped_request_is_never_processed(make_app: Factory) -> None:
    api = Api(make_app(faults=FaultSpec(rate_drop=1.0)))
    with pytest.raises(httpx.TransportError):
        api("POST", "/v1/snippets", json={"name": "s", "value": "v"})
    clean = Api(make_app())
    assert clean("GET", "/v1/snippets").json() == {"snippets": []}


def test_lost_response_commits_the_write(make_app: Factory) -> None:
    api = Api(make_app(faults=FaultSpec(rate_lost=1.0)))
    with pytest.raises(httpx.TransportError):
        api("POST", "/v1/snippets", json={"name": "s", "value": "v"})
    clean = Api(make_app())
    assert [s["name"] for s in clean("GET", "/v1/snippets").json()["snippets"]] == ["s"]


def test_latency_is_applied(make_app: Factory) -> None:
    import time

    api = Api(make_app(faults=FaultSpec.parse("latency=30ms")))
    started = time.perf_counter()
    api("GET", "/v1/segments")
    assert time.perf_counter() - started >= 0.03


def test_reset_empties_the_workspace(make_app: Factory) -> None:
    api = Api(make_app())
    api("POST", "/v1/snippets", json={"name": "s", "value": "v"})
    path = api.app.state.workspace.store.path
    api.app.state.workspace.store.close()
    reset(path)
    assert not path.exists()
    fresh = Api(make_app())
    assert fresh("GET", "/v1/snippets").json() == {"snippets": []}
    assert fresh("GET", "/v1/subscription_topics").json()["topics"]
