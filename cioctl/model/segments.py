"""Segments: data-driven (with conditions) or manual (membership managed elsewhere)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from cioctl.model.base import Description, Keyed
from cioctl.model.conditions import Condition


class Segment(Keyed):
    """A group of people, defined by conditions or maintained by hand (``manual: true``)."""

    kind_label = "segment"
    description: Description | None = None
    manual: bool = Field(default=False, description="Membership is managed outside cioctl")
    conditions: Condition | None = None
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _manual_or_conditions(self) -> Self:
        if self.manual and self.conditions is not None:
            raise ValueError("a manual segment has no conditions; remove one of the two")
        if not self.manual and self.conditions is None:
            raise ValueError("a segment needs 'conditions' (or 'manual: true')")
        return self
