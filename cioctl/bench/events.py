"""``events check`` figures for ``make bench`` (design.md §11), measured, never asserted.

Payloads for workspace L's events (a seeded mix of valid and invalid ones) are validated in
process — file reading and JSON parsing excluded — by ``events check``'s compiled validators
and by plain ``jsonschema`` (one Draft 2020-12 validator per event schema, built once, with the
same format checks), and the rates are compared.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cioctl.events.check import Checker
from cioctl.events.schema import event_schema
from cioctl.model.data import Event
from cioctl.model.types import ValueType

PAYLOADS = 200_000
FILE_PAYLOADS = 1_000_000  # end to end: a file of realistic size, so set-up is not the figure
INVALID_SHARE = 0.2

_GOOD: dict[ValueType, tuple[object, ...]] = {
    ValueType.STRING: ("alpha", "beta", "a longer string value"),
    ValueType.INTEGER: (0, 7, 1_700_000_000),
    ValueType.NUMBER: (1.5, 3, 99.99),
    ValueType.BOOLEAN: (True, False),
    ValueType.TIMESTAMP: (1_700_000_000, "2024-05-01T12:00:00Z"),
    ValueType.ARRAY: ([1, 2], []),
    ValueType.OBJECT: ({"a": 1}, {}),
}
_BAD: dict[ValueType, tuple[object, ...]] = {
    ValueType.STRING: (3, None), ValueType.INTEGER: ("7", 2.5), ValueType.NUMBER: ("x", True),
    ValueType.BOOLEAN: ("true", 1), ValueType.TIMESTAMP: ("yesterday", 1.5),
    ValueType.ARRAY: ("a",), ValueType.OBJECT: ([],),
}


def _good_value(rng: random.Random, spec: Any) -> object:
    if spec.enum:
        return rng.choice(spec.enum)
    return rng.choice(_GOOD[spec.type])


def make_payloads(events: Sequence[Event], count: int, seed: int = 11) -> list[dict[str, Any]]:
    """``count`` payloads: most valid; the rest with one mistake each (a wrong type, a missing
    or undeclared property, an unknown event)."""
    rng = random.Random(seed)
    payloads: list[dict[str, Any]] = []
    for _ in range(count):
        event = rng.choice(events)
        data = {name: _good_value(rng, spec) for name, spec in event.properties.items()
                if spec.required or rng.random() < 0.8}
        payload: dict[str, Any] = {"name": event.name, "data": data}
        if rng.random() < INVALID_SHARE:
            mistake = rng.randrange(4)
            if mistake == 0 and event.properties:
                name, spec = rng.choice(list(event.properties.items()))
                data[name] = rng.choice(_BAD[spec.type])
            elif mistake == 1:
                data["undeclared_property"] = "x"
            elif mistake == 2:  # an app sending a few events nobody declared
                payload["name"] = f"undeclared_event_{rng.randrange(20)}"
            else:
                payload["data"] = None
        payloads.append(payload)
    return payloads


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def bench_events(events: Sequence[Event], count: int = PAYLOADS) -> dict[str, float]:
    """Print and return payloads/s for ``events check`` and plain ``jsonschema``."""
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

    payloads = make_payloads(events, count)
    checker = Checker(events)
    check = checker.check
    started = time.perf_counter()
    ours_invalid = sum(1 for p in payloads if any(f.error for f in check(p)[1]))
    ours = time.perf_counter() - started

    validators = {e.name: Draft202012Validator(
        event_schema(e), format_checker=Draft202012Validator.FORMAT_CHECKER) for e in events}
    started = time.perf_counter()
    theirs_invalid = 0
    for payload in payloads:
        validator = validators.get(payload["name"])
        if validator is None or list(validator.iter_errors(payload)):
            theirs_invalid += 1
    theirs = time.perf_counter() - started

    figures = {"ours": _rate(count, ours), "jsonschema": _rate(count, theirs)}
    print(f"events check, {count:,} payloads of {len(events):,} events "
          f"({ours_invalid:,} invalid; jsonschema agrees on {theirs_invalid:,})")
    print(f"  events check validators     : {figures['ours']:10,.0f} payloads/s")
    print(f"  jsonschema (Draft 2020-12)  : {figures['jsonschema']:10,.0f} payloads/s")
    print(f"  events check ÷ jsonschema   : {figures['ours'] / figures['jsonschema']:8.1f}×   "
          "(goal ≥ 5×)")
    return figures


def bench_events_of(root: Path, count: int = PAYLOADS) -> dict[str, float]:
    """The figures for the events of the workspace at ``root``: validators in process, end to
    end from a file (:mod:`cioctl.bench.events_file`), then an event table checked in DuckDB
    and Spark (:mod:`cioctl.bench.events_sql`)."""
    import tempfile

    from cioctl.bench.events_file import bench_file
    from cioctl.engine import load_valid_workspace

    events = load_valid_workspace(root, "local", {}).events
    figures = bench_events(events, count)
    from cioctl.bench.events_sql import bench_table

    with tempfile.TemporaryDirectory() as tmp:
        figures |= bench_file(root, events, make_payloads(events, FILE_PAYLOADS), Path(tmp))
        figures |= bench_table(Path(tmp), figures["events check now (msgspec)"])
    return figures
