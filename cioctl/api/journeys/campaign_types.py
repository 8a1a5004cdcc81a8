"""Typed shapes of the campaign (flow) writes and reads on the Journeys wire (evidence §5).

``from`` is a Python keyword, so :data:`WireEdge` uses the functional TypedDict syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NotRequired, TypedDict

JSON = dict[str, Any]

Concern = Literal["details", "recipients", "actions", "delete_actions", "edges",
                  "exit_conditions", "goal", "state"]
"""What one campaign update call changes (content goes through templates instead)."""

UPDATE_TYPES: dict[Concern, str] = {
    "details": "details",  # D4
    "recipients": "recipients",  # §5, D5
    "actions": "add_actions",  # §5, D6
    "delete_actions": "delete_actions",  # §5, D6
    "edges": "edges",  # §5, D6
    "exit_conditions": "exit_conditions",  # §5, D7
    "goal": "exit_and_conversion",  # §5, D7
    "state": "state",  # D8 (decided: no evidence)
}
"""evidence §5: one ``update_type`` per concern."""

WireEdge = TypedDict(
    "WireEdge",
    {"from": int, "to": int, "type": str, "index": NotRequired[int]},
)
"""``{"from", "to", "type": "continue"}`` or ``{…, "type": "branch", "index": i}`` (§5)."""


class CreateBody(TypedDict):
    """``POST /campaigns`` body (evidence §5: ``type: none`` is the safe create)."""

    campaign: JSON


@dataclass(frozen=True)
class UpdateCall:
    """One ``PUT /campaigns/{id}`` call: ``{"campaign": {"update_type": …, **fields}}``."""

    concern: Concern
    fields: JSON
    extra: JSON = field(default_factory=dict)
    """Keys beside ``campaign`` (D6: ``actions``, ``edges``, ``action_ids``)."""

    def body(self) -> JSON:
        """The request body (evidence §5: one concern per call)."""
        return {"campaign": {"update_type": UPDATE_TYPES[self.concern], **self.fields},
                **self.extra}


@dataclass(frozen=True)
class ContentWrite:
    """Message content of one action: the step it belongs to and the template fields."""

    step: str
    """The message step's id; the action's name on the wire."""
    action_id: int
    """The action's id: a negative placeholder until ``add_actions`` answered."""
    template: JSON

    def body(self) -> JSON:
        """``PUT /templates/{template_id}`` body (evidence §5)."""
        return {"template": dict(self.template)}


@dataclass(frozen=True)
class CampaignRead:
    """``GET /campaigns/{id}`` (evidence §5) plus each message action's template content."""

    campaign: JSON
    actions: list[JSON]
    edges: list[JSON]
    tags: list[Any] = field(default_factory=list)
    contents: dict[int, JSON] = field(default_factory=dict)
    """Template fields by action id."""
