"""Canonical fields → API bodies, with keys resolved to the ids live now (or just created)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cioctl.errors import CioctlError
from cioctl.state.canonical import JSON, map_segment_keys
from cioctl.state.kinds import owner_tag


class UnresolvedReferenceError(CioctlError):
    """A change refers to a segment that neither exists nor was created in this run."""


@dataclass
class IdBook:
    """Ids of live resources by key, updated as apply creates and deletes them."""

    segments: dict[str, int] = field(default_factory=dict)
    flows: dict[str, int] = field(default_factory=dict)
    collections: dict[str, int] = field(default_factory=dict)
    webhooks: dict[str, int] = field(default_factory=dict)
    action_ids: dict[str, dict[str, int]] = field(default_factory=dict)

    def segment_ids(self, node: Any) -> Any:
        """Replace ``{"segment": {"key": k}}`` nodes with the segment's live id."""
        try:
            return map_segment_keys(node, self.segments)
        except KeyError as missing:
            raise UnresolvedReferenceError(
                f"segment '{missing.args[0]}' does not exist in the workspace",
                hint="apply the segment first (it may have failed), or check the definitions",
            ) from None


def tags_with_owner(fields: JSON, key: str) -> list[str]:
    """The user's tags plus cioctl's ownership tag."""
    return sorted({*fields.get("tags", []), owner_tag(key)})


def trigger_body(trigger: JSON, ids: IdBook) -> JSON:
    """A canonical trigger as the API takes it (segment keys → ids)."""
    if trigger.get("type") == "segment":
        keys = trigger.get("segment_keys", [])
        missing = [k for k in keys if k not in ids.segments]
        if missing:
            raise UnresolvedReferenceError(f"segment '{missing[0]}' does not exist")
        return {"type": "segment", "segment_ids": [ids.segments[k] for k in keys]}
    return dict(trigger)


def workflow_body(steps: list[JSON], ids: IdBook) -> list[JSON]:
    """Canonical steps as the API's workflow (content inline; conditions with ids)."""
    result: list[JSON] = []
    for step in steps:
        if step.get("type") == "branch":
            result.append({"type": "branch", "condition": ids.segment_ids(step["condition"]),
                           "then": workflow_body(step.get("then", []), ids),
                           "else": workflow_body(step.get("else", []), ids)})
        elif "content" in step:
            content = {k: v for k, v in step["content"].items() if k != "sending_state"}
            result.append({"type": step["type"], "name": step["name"], "content": content})
        else:
            result.append(ids.segment_ids(step))
    return result


def campaign_fields(fields: JSON, key: str, ids: IdBook) -> JSON:
    """Every field of a Journeys campaign create or full update."""
    return {
        "name": fields["name"], "description": fields.get("description") or "",
        "tags": tags_with_owner(fields, key), "trigger": trigger_body(fields["trigger"], ids),
        "filter": ids.segment_ids(fields["filter"]) if fields.get("filter") else None,
        "goal": fields.get("goal"), "frequency": fields.get("frequency", "once"),
        "workflow": workflow_body(fields.get("steps", []), ids),
        "state": fields.get("state", "running"),
    }


def message_steps(steps: list[JSON]) -> dict[str, JSON]:
    """Step name → canonical message step, branches included."""
    found: dict[str, JSON] = {}
    for step in steps:
        if "content" in step:
            found[step["name"]] = step
        for branch in ("then", "else"):
            found.update(message_steps(step.get(branch, [])))
    return found
