"""Flows (Customer.io campaigns): a trigger, an audience filter, a goal and steps."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from cioctl.model.base import Description, Key, Keyed, Spec, Window
from cioctl.model.conditions import Condition, PropertyFilter
from cioctl.model.steps import Step


class EventTrigger(Spec):
    """People enter when they perform an event (optionally with property filters)."""

    event: str
    where: list[PropertyFilter] = Field(default_factory=list)


class SegmentTrigger(Spec):
    """People enter when they join a segment."""

    segment: Key


class DateTrigger(Spec):
    """People enter on the date held in a timestamp attribute."""

    date_attribute: str
    repeat: Literal["once", "monthly", "yearly"] = "once"
    at: str = Field(default="09:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    timezone: str = Field(
        default="UTC", description="IANA zone, or 'customer' for each person's own time zone"
    )


def trigger_tag(data: Any) -> str | None:
    """Which kind of trigger a mapping is."""
    if isinstance(data, dict):
        return next((key for key in ("event", "segment", "date_attribute") if key in data), None)
    tags: dict[type, str] = {
        EventTrigger: "event", SegmentTrigger: "segment", DateTrigger: "date_attribute"
    }
    return tags.get(type(data))


Trigger = Annotated[
    Annotated[EventTrigger, Tag("event")]
    | Annotated[SegmentTrigger, Tag("segment")]
    | Annotated[DateTrigger, Tag("date_attribute")],
    Discriminator(
        trigger_tag,
        custom_error_type="trigger_kind",
        custom_error_message="a trigger needs one of the keys event, segment, date_attribute",
    ),
]


class Goal(Spec):
    """A conversion goal: the person performs an event within a window after entering."""

    event: str
    within: Window


class Flow(Keyed):
    """An automated journey (a Customer.io campaign)."""

    kind_label = "flow"
    description: Description | None = None
    state: Literal["running", "draft"] = Field(
        default="running", description="running: live; draft: created but not sending"
    )
    trigger: Trigger
    filter: Condition | None = Field(default=None, description="Who may enter")
    frequency: Literal["once", "multiple"] = Field(
        default="once", description="Whether a person can enter more than once"
    )
    goal: Goal | None = None
    tags: list[str] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=1)
