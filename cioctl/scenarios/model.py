"""The scenario file format (``DIR/scenarios/*.yaml``): people, a timeline and expectations.

The models are :class:`~cioctl.model.base.Spec` subclasses, so an unknown key is rejected at
its line with the closest valid key suggested, and ``schemas/scenario.schema.json`` is
generated from them like every other schema.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Self

from pydantic import AfterValidator, Field, model_validator

from cioctl.model.base import UNIT_SECONDS, Key, Spec

RELATIVE = re.compile(r"^\+(?:[0-9]+[smhdw])+$")
_PART = re.compile(r"([0-9]+)([smhdw])")


def _time_ref(value: str) -> str:
    if RELATIVE.match(value):
        if len(value) > 24:
            raise ValueError(f"'{value[:24]}…' is too long for a relative time")
        return value
    parse_absolute(value)
    return value


def parse_absolute(value: str) -> datetime:
    """An RFC 3339 instant with an explicit offset, as UTC."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value[:40]}' is neither a relative time such as +5m, +1d1h nor an "
                         "RFC 3339 instant such as 2026-01-05T09:00:00Z") from None
    if parsed.tzinfo is None:
        raise ValueError(f"'{value[:40]}' has no time zone; add Z or an offset such as +01:00")
    return parsed.astimezone(UTC)


def relative_delta(value: str) -> timedelta:
    """``+1d1h`` → 25 hours."""
    return timedelta(seconds=sum(int(n) * UNIT_SECONDS[u] for n, u in _PART.findall(value)))


TimeRef = Annotated[
    str,
    Field(description="Relative to start (+5m, +1d1h, +0m) or an RFC 3339 instant",
          examples=["+5m", "+1d1h", "2026-01-05T09:00:00Z"]),
    AfterValidator(_time_ref),
]
Instant = Annotated[
    str, Field(description="An RFC 3339 instant with a zone, e.g. 2026-01-05T09:00:00Z"),
    AfterValidator(lambda v: (parse_absolute(v), v)[1]),
]
PersonId = Annotated[str, Field(min_length=1, max_length=150)]


def resolve(ref: str, start: datetime) -> datetime:
    """A :data:`TimeRef` on the clock whose origin is ``start``."""
    return start + relative_delta(ref) if ref.startswith("+") else parse_absolute(ref)


class ScenarioPerson(Spec):
    """Someone who exists at ``start`` with these attributes."""

    id: PersonId
    attributes: dict[str, Any] = Field(default_factory=dict)
    segments: list[Key] = Field(default_factory=list,
                                description="Manual segments the person is in at start")


class TimelineEntry(Spec):
    """Something that happens to one person: an event, an identify, a manual segment change."""

    at: TimeRef
    person: PersonId
    event: str | None = None
    data: dict[str, Any] | None = Field(default=None, description="The event's properties")
    arrives: TimeRef | None = Field(default=None, description="When Customer.io receives the "
                                    "event (default: at); later than at for a late event")
    identify: dict[str, Any] | None = Field(default=None, description="Attributes to set; "
                                            "null removes one")
    add_to_segment: Key | None = Field(default=None, description="A manual segment")
    remove_from_segment: Key | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Self:
        given = [k for k in ("event", "identify", "add_to_segment", "remove_from_segment")
                 if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a timeline entry needs exactly one of event, identify, "
                             f"add_to_segment, remove_from_segment (found {len(given)})")
        if self.event is None and (self.data is not None or self.arrives is not None):
            raise ValueError("'data' and 'arrives' belong to an event entry")
        return self


class StepRef(Spec):
    """A message step of a flow: the flow's key and the message's ``id``."""

    flow: Key
    step: Key


class RenderedCheck(StepRef):
    """What a sent message rendered to."""

    field: str = Field(default="body", description="subject, body, preheader, title, url, ...")
    contains: str | None = None
    not_contains: str | None = None
    equals: str | None = None

    @model_validator(mode="after")
    def _one_check(self) -> Self:
        if all(getattr(self, k) is None for k in ("contains", "not_contains", "equals")):
            raise ValueError("give contains, not_contains or equals")
        return self


_SUBJECTS = ("sent", "not_sent", "failed", "entered", "not_entered", "in_segment",
             "not_in_segment", "attribute", "rendered")


class Expectation(Spec):
    """One thing that must hold for one person."""

    person: PersonId
    sent: StepRef | None = None
    not_sent: StepRef | None = None
    failed: StepRef | None = Field(default=None, description="The message failed to render")
    entered: Key | None = Field(default=None, description="A flow the person entered")
    not_entered: Key | None = None
    in_segment: Key | None = None
    not_in_segment: Key | None = None
    attribute: dict[str, Any] | None = Field(default=None, description="name: value at the time "
                                             "(null: absent)")
    rendered: RenderedCheck | None = None
    at: TimeRef | None = Field(default=None, description="Exactly then (default for segments "
                                "and attributes: the end of the run)")
    between: list[TimeRef] | None = Field(default=None, min_length=2, max_length=2,
                                          description="[from, to], both included")

    @model_validator(mode="after")
    def _one_subject(self) -> Self:
        given = [k for k in _SUBJECTS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("an expectation needs exactly one of " + ", ".join(_SUBJECTS)
                             + f" (found {len(given)})")
        if self.at is not None and self.between is not None:
            raise ValueError("give 'at' or 'between', not both")
        if self.between is not None and given[0] in ("in_segment", "not_in_segment",
                                                       "attribute"):
            raise ValueError(f"'{given[0]}' is checked at one instant: give 'at', not 'between'")
        if self.attribute is not None and len(self.attribute) != 1:
            raise ValueError("'attribute' names exactly one attribute: {name: value}")
        return self

    @property
    def subject(self) -> str:
        """Which kind of expectation this is."""
        return next(k for k in _SUBJECTS if getattr(self, k) is not None)


class Scenario(Spec):
    """A scenario: people on a virtual clock and what must happen to them."""

    scenario: str = Field(min_length=1, max_length=255, description="What it shows")
    description: str | None = None
    start: Instant = Field(description="The virtual clock's origin")
    until: TimeRef | None = Field(default=None, description="Default: until nothing is "
                                  "scheduled (at most 400 days)")
    people: list[ScenarioPerson] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    expect: list[Expectation] = Field(default_factory=list)

    @property
    def origin(self) -> datetime:
        """``start`` as a UTC instant."""
        return parse_absolute(self.start)
