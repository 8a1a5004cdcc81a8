"""Segment membership of a person at an instant, exactly as docs/semantics.md sections 2-4 state
it: Kleene logic, counts built from ``at_least``, windows ``T - W < t <= T`` on the event
timestamp over events arrived by T, the profile-age rule, references collapsed to TRUE/FALSE.

The public interface of the segment half of the reference engine; the evaluation itself is in
evaluate.py, the time-change search in changes.py, the explanations in explain.py. Pure
functions over the validated model: no I/O, no API, no clock but the one passed in. Instants
are tz-aware (UTC).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from cioctl.model.conditions import Condition
from cioctl.semantics.changes import next_change
from cioctl.semantics.evaluate import (
    SegmentWorld,
    SemanticsError,
    Snapshot,
    kleene_all,
    kleene_any,
    member_in,
    truth_in,
)
from cioctl.semantics.explain import explain_lines
from cioctl.semantics.people import PersonHistory, Truth

__all__ = [
    "SegmentWorld",
    "SemanticsError",
    "Truth",
    "condition_truth",
    "explain",
    "is_member",
    "kleene_all",
    "kleene_any",
    "next_time_change",
]


# --- the public interface -----------------------------------------------------------------

def condition_truth(condition: Condition, person: PersonHistory, at: datetime,
                    world: SegmentWorld) -> Truth:
    """The Kleene truth of ``condition`` for ``person`` at ``at``."""
    return truth_in(condition, Snapshot(person, at, world))


def is_member(segment_key: str, person: PersonHistory, at: datetime,
              world: SegmentWorld) -> bool:
    """Whether ``person`` is in segment ``segment_key`` at ``at``."""
    return member_in(segment_key, Snapshot(person, at, world))


def next_time_change(condition_or_segment_key: Condition | str, person: PersonHistory,
                     after: datetime, world: SegmentWorld) -> datetime | None:
    """The earliest instant > ``after`` at which the truth of a condition (or the membership
    of a segment) differs from its value at ``after``, with the person's history as given;
    None if it never does. With nothing in the history after ``after`` this is a window
    expiring or the profile-age rule starting to apply (section 3.4); the value at the
    returned instant is already the new one."""
    value = _value_function(condition_or_segment_key, person, world)
    return next_change(condition_or_segment_key, person, after, world, value)


def _value_function(target: Condition | str, person: PersonHistory,
                    world: SegmentWorld) -> Callable[[datetime], object]:
    if isinstance(target, str):
        return lambda at: is_member(target, person, at, world)
    return lambda at: condition_truth(target, person, at, world)


def explain(condition: Condition, person: PersonHistory, at: datetime,
            world: SegmentWorld) -> list[str]:
    """One line per leaf with the values that decided it (``plan eq 'pro' — plan is 'pro' →
    TRUE``), indented under its groups; the last line is the whole condition's truth."""
    return explain_lines(condition, person, at, world)
