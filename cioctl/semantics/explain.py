"""Why a condition has the truth it has: one line per leaf with the values that decided it, for
``cioctl test --explain`` and ``cioctl estimate`` samples."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from cioctl.model.conditions import (
    AllOf,
    AnyOf,
    AttributeCondition,
    Condition,
    EventCondition,
    Not,
    SegmentCondition,
)
from cioctl.model.types import VALUELESS_OPERATORS
from cioctl.semantics.people import JsonValue, PersonHistory, Truth
from cioctl.semantics.segments import (
    SegmentWorld,
    Snapshot,
    attribute_truth,
    event_truth,
    member_in,
    truth_in,
)
from cioctl.semantics.values import parse


def explain_lines(condition: Condition, person: PersonHistory, at: datetime,
                  world: SegmentWorld) -> list[str]:
    """One line per leaf, indented by depth under ``all``/``any``/``not``, e.g.
    ``plan eq 'pro' — plan is 'pro' → TRUE``; the last line is the whole condition's truth."""
    snap = Snapshot(person, at, world)
    lines: list[str] = []
    _leaves(condition, snap, 0, lines)
    lines.append(f"condition → {truth_in(condition, snap).name}")
    return lines


def _leaves(condition: Condition, snap: Snapshot, depth: int, lines: list[str]) -> None:
    indent = "  " * depth
    if isinstance(condition, AllOf | AnyOf | Not):
        children = (condition.all if isinstance(condition, AllOf) else
                    condition.any if isinstance(condition, AnyOf) else [condition.not_])
        label = "all" if isinstance(condition, AllOf) else \
            "any" if isinstance(condition, AnyOf) else "not"
        lines.append(f"{indent}{label} → {truth_in(condition, snap).name}")
        for child in children:
            _leaves(child, snap, depth + 1, lines)
    elif isinstance(condition, AttributeCondition):
        lines.append(indent + _attribute_line(condition, snap))
    elif isinstance(condition, SegmentCondition):
        member = member_in(condition.segment, snap)
        state = "member → TRUE" if member else "not a member → FALSE"
        lines.append(f"{indent}segment {condition.segment} — {state}")
    else:
        lines.append(indent + _event_line(condition, snap))


def _attribute_line(leaf: AttributeCondition, snap: Snapshot) -> str:
    name = leaf.attribute
    value = "" if leaf.operator in VALUELESS_OPERATORS else f" {show(leaf.value)}"
    stored = snap.attributes.get(name)
    value_type = snap.world.attribute_type(name, leaf.value)
    if stored is None:
        state = f"{name} is absent"
    elif parse(stored, value_type) is None:
        state = f"{name} is {show(stored)}, not a {value_type.value}, so absent"
    else:
        state = f"{name} is {show(stored)}"
    truth = attribute_truth(leaf, snap)
    return f"{name} {leaf.operator.value}{value} — {state} → {truth.name}"


def _event_line(leaf: EventCondition, snap: Snapshot) -> str:
    rule, n = leaf.count_rule
    head = f"{leaf.event} {rule} {n}"
    if leaf.within is not None:
        head += f" within {leaf.within}"
    if leaf.where:
        filters = ", ".join(f"{f.property} {f.operator.value}"
                            + ("" if f.value is None else f" {show(f.value)}")
                            for f in leaf.where)
        head += f" where [{filters}]"
    counted = len(snap.counted(leaf))
    start = snap.window_start(leaf)
    span = "ever" if start is None else f"in ({instant(start)}, {instant(snap.at)}]"
    state = f"{counted} counted {span}"
    truth = event_truth(leaf, snap)
    if truth is Truth.UNKNOWN:  # only the profile-age rule makes an event leaf UNKNOWN
        state += f"; data starts {instant(snap.data_start)}, inside the window"
    return f"{head} — {state} → {truth.name}"


def show(value: JsonValue) -> str:
    """A value as the explanation prints it: text in single quotes, the rest as JSON."""
    if isinstance(value, str):
        return f"'{value}'"
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def instant(at: datetime) -> str:
    """An instant in UTC, RFC 3339 with ``Z``."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")
