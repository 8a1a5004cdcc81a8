"""People as the reference engine sees them: attributes with history, timestamped events that
arrive (possibly late), manual segment entries, and the Kleene truth values of conditions.

Everything here is immutable: a scenario run appends with ``with_*`` and keeps every earlier
``PersonHistory`` valid, so membership at any past instant stays reproducible
(docs/semantics.md sections 1 and 4).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


class Truth(enum.Enum):
    """Kleene three-valued logic (docs/semantics.md section 2)."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    @staticmethod
    def of(value: bool) -> Truth:
        """A definite truth value."""
        return Truth.TRUE if value else Truth.FALSE

    def negate(self) -> Truth:
        """Kleene NOT: TRUE and FALSE swap, UNKNOWN stays UNKNOWN."""
        return _NEGATION[self]


_NEGATION = {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE, Truth.UNKNOWN: Truth.UNKNOWN}

_NOT_GIVEN = datetime.min.replace(tzinfo=UTC)
"""Sentinel for ``TimedEvent.arrived``: no real event arrives in year 1, so "not given" can be
typed as a plain ``datetime`` and replaced by the timestamp in ``__post_init__``."""


@dataclass(frozen=True)
class TimedEvent:
    """An event with its own time (``timestamp``) and the instant Customer.io received it."""

    name: str
    data: Mapping[str, JsonValue]
    timestamp: datetime
    arrived: datetime = _NOT_GIVEN

    def __post_init__(self) -> None:
        if self.arrived == _NOT_GIVEN:
            object.__setattr__(self, "arrived", self.timestamp)


@dataclass(frozen=True)
class AttributeChange:
    """An attribute set at ``at``; ``value`` None means the attribute was removed."""

    at: datetime
    name: str
    value: JsonValue


@dataclass(frozen=True)
class ManualMembership:
    """A person added to (``member``) or removed from a manual segment at ``at``."""

    at: datetime
    segment: str
    member: bool


@dataclass(frozen=True)
class PersonHistory:
    """Everything known about one person, with the time each piece became known."""

    id: str
    added_at: datetime
    changes: tuple[AttributeChange, ...] = ()
    """In time order (equal times: in the order applied)."""
    events: tuple[TimedEvent, ...] = ()
    """In arrival order (equal arrivals: in the order received)."""
    manual: tuple[ManualMembership, ...] = ()
    """In time order."""

    def __post_init__(self) -> None:
        # Callers may build a history from unsorted inputs; the stable sorts keep the order of
        # same-instant entries (docs/semantics.md section 1) and cost O(n) when already sorted.
        object.__setattr__(self, "changes", tuple(sorted(self.changes, key=_at)))
        object.__setattr__(self, "events", tuple(sorted(self.events, key=_arrived)))
        object.__setattr__(self, "manual", tuple(sorted(self.manual, key=_at)))

    def attributes_at(self, at: datetime) -> dict[str, JsonValue]:
        """The attributes in effect at ``at`` (changes at exactly ``at`` included)."""
        values: dict[str, JsonValue] = {}
        for change in self.changes:
            if change.at > at:
                break
            if change.value is None:
                values.pop(change.name, None)
            else:
                values[change.name] = change.value
        return values

    def events_known_at(self, at: datetime) -> tuple[TimedEvent, ...]:
        """The events Customer.io has received by ``at`` (``arrived <= at``), in arrival order."""
        return tuple(e for e in self.events if e.arrived <= at)

    def data_starts(self, at: datetime) -> datetime:
        """The profile-age origin as known at ``at``: the earlier of the instant the person was
        added and the timestamp of their earliest received event (docs/semantics.md section 1,
        the profile-age rule of section 3.2)."""
        timestamps = [e.timestamp for e in self.events if e.arrived <= at]
        return min([self.added_at, *timestamps])

    def manual_member(self, segment: str, at: datetime) -> bool:
        """Membership of a manual segment at ``at``: the last entry for it, else not a member."""
        member = False
        for entry in self.manual:
            if entry.at > at:
                break
            if entry.segment == segment:
                member = entry.member
        return member

    def with_change(self, change: AttributeChange) -> PersonHistory:
        """A copy with ``change`` inserted in time order (after changes at the same instant)."""
        return replace(self, changes=(*self.changes, change))

    def with_event(self, event: TimedEvent) -> PersonHistory:
        """A copy with ``event`` inserted in arrival order (after events that arrived at the
        same instant)."""
        return replace(self, events=(*self.events, event))

    def with_manual(self, change: ManualMembership) -> PersonHistory:
        """A copy with a manual-segment entry inserted in time order."""
        return replace(self, manual=(*self.manual, change))


def _at(entry: AttributeChange | ManualMembership) -> datetime:
    return entry.at


def _arrived(event: TimedEvent) -> datetime:
    return event.arrived
