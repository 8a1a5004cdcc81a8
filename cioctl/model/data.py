"""Events and attributes: the data a workspace receives, with their types."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cioctl.model.base import Description, Name, Spec
from cioctl.model.types import ValueType

Scalar = str | int | float | bool


class PropertySpec(Spec):
    """One property of an event's payload."""

    type: ValueType = ValueType.STRING
    description: Description | None = None
    required: bool = False
    enum: list[Scalar] | None = Field(default=None, min_length=1)
    format: Literal["email", "uri", "date-time", "date"] | None = None


class Event(Spec):
    """An event the workspace receives (its description is kept in Customer.io's data index)."""

    kind_label = "event"
    name: Name = Field(pattern=r"^[A-Za-z0-9_.:\- ]+$")
    description: Description | None = None
    properties: dict[str, PropertySpec] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        """Events are identified by name."""
        return self.name


class Attribute(Spec):
    """A person attribute (its description and privacy are kept in the data index)."""

    kind_label = "attribute"
    name: Name = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    type: ValueType = ValueType.STRING
    description: Description | None = None
    format: Literal["email", "uri", "phone", "date-time", "date"] | None = None
    enum: list[Scalar] | None = Field(default=None, min_length=1)
    sensitive: bool = Field(default=False, description="Sent as privacy_level 1 (Premium plans)")

    @property
    def key(self) -> str:
        """Attributes are identified by name."""
        return self.name
