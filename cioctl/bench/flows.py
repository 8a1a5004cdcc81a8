"""``make bench``: people through segments and flows on the virtual clock (printed only).

Two figures (issue 12 item 7): 1,000 people for 90 days over the example workspace (goal: at
most 5 s), and 10,000 people for 30 days through workspace L's 1,000 segments and 300 flows,
with people per second and the peak RSS of the process. Timelines are generated from a fixed
seed, so every run measures the same work.
"""

from __future__ import annotations

import random
import resource
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cioctl.engine import load_valid_workspace
from cioctl.model.workspace import Workspace
from cioctl.semantics.flows import Input, simulate
from cioctl.semantics.people import AttributeChange, JsonValue, PersonHistory, TimedEvent
from cioctl.semantics.segments import SegmentWorld

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
EXAMPLE = Path(__file__).resolve().parents[2] / "workspaces" / "example"
EXAMPLE_EVENTS: tuple[tuple[str, dict[str, JsonValue]], ...] = (
    ("signed_up", {"method": "email"}), ("logged_in", {"device": "web"}),
    ("feature_used", {"feature": "export"}), ("first_project_created", {}),
    ("subscription_cancelled", {"reason": "too_expensive", "plan": "pro"}),
    ("subscription_started", {"plan": "pro", "amount": 12}), ("payment_failed", {"amount": 5}),
)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _example_person(rng: random.Random, index: int) -> tuple[PersonHistory, list[Input]]:
    pid = f"p{index}"
    attributes: dict[str, JsonValue] = {
        "email": f"{pid}@example.test", "plan": rng.choice(["free", "pro", "enterprise"]),
        "email_verified": rng.random() < 0.5, "marketing_opt_in": rng.random() < 0.5,
        "renewal_date": (START + timedelta(days=rng.randrange(400))).isoformat(),
        "timezone": rng.choice(["Europe/Berlin", "America/New_York", "Asia/Tokyo"]),
    }
    if rng.random() < 0.8:
        attributes["first_name"] = f"Name{index}"
    if rng.random() < 0.3:
        attributes["trial_ends_at"] = (START + timedelta(days=14)).isoformat()
    person = PersonHistory(id=pid, added_at=START, changes=tuple(
        AttributeChange(at=START, name=k, value=v) for k, v in attributes.items()))
    inputs = []
    for _ in range(rng.randrange(3, 12)):
        name, data = rng.choice(EXAMPLE_EVENTS)
        at = START + timedelta(minutes=rng.randrange(90 * 24 * 60))
        late = timedelta(hours=rng.choice([0, 0, 0, 5, 100]))
        inputs.append(Input(at=at + late, person=pid, event=TimedEvent(
            name=name, data=data, timestamp=at, arrived=at + late)))
    if rng.random() < 0.5:
        at = START + timedelta(days=rng.randrange(1, 5))
        inputs.append(Input(at=at, person=pid, attributes={"email_verified": True}))
    return person, sorted(inputs, key=lambda i: i.at)


def _l_person(rng: random.Random, index: int, events: int, attributes: int,
              ) -> tuple[PersonHistory, list[Input]]:
    pid = f"l{index}"
    values: dict[str, JsonValue] = {f"attr_{(rng.randrange(attributes) // 5) * 5}": f"v{i}"
                                    for i in range(rng.randrange(1, 6))}
    values["attr_0"] = f"name{index}"
    person = PersonHistory(id=pid, added_at=START, changes=tuple(
        AttributeChange(at=START, name=k, value=v) for k, v in values.items()))
    inputs = []
    for _ in range(rng.randrange(2, 10)):
        at = START + timedelta(minutes=rng.randrange(30 * 24 * 60))
        event = TimedEvent(name=f"event_{rng.randrange(events)}", data={"prop_0": "x"},
                           timestamp=at)
        inputs.append(Input(at=at, person=pid, event=event))
    return person, sorted(inputs, key=lambda i: i.at)


Maker = Callable[[random.Random, int], tuple[PersonHistory, list[Input]]]


def _run(label: str, workspace: Workspace, people: int, days: int, make: Maker) -> None:
    rng = random.Random(12)
    world = SegmentWorld.from_model(workspace)
    built = [make(rng, i) for i in range(people)]
    histories = [p for p, _ in built]
    inputs = sorted((i for _, ins in built for i in ins), key=lambda i: i.at)
    started = time.perf_counter()
    outcome = simulate(workspace, START, START + timedelta(days=days), histories, inputs,
                       world=world)
    elapsed = time.perf_counter() - started
    sent = sum(e.kind == "sent" for e in outcome.trace)
    print(f"  {label}: {people:,} people, {len(inputs):,} inputs, {days} days → "
          f"{len(outcome.trace):,} trace entries, {sent:,} messages sent")
    print(f"    {elapsed:8.2f} s   {people / elapsed:10,.0f} people/s   "
          f"peak RSS {_peak_rss_mb():,.0f} MB")


def bench_flows(workspace_l: Path) -> None:
    """Print both figures."""
    print("cioctl test engine (people through segments and flows on the virtual clock)")
    example = load_valid_workspace(EXAMPLE, "local", {})
    _run("example, 90 days (goal ≤ 5 s)", example, 1000, 90, _example_person)
    big = load_valid_workspace(workspace_l, "local", {})
    events, attributes = len(big.events), len(big.attributes)
    _run("workspace L, 30 days", big, 10_000, 30,
         lambda rng, i: _l_person(rng, i, events, attributes))
