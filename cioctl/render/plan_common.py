"""What every plan renderer shares: labels, value formatting, flattening."""

from __future__ import annotations

import json
from typing import Any

from cioctl.plan.change import Action, Change, FieldChange, Flag
from cioctl.plan.value import Plan
from cioctl.render.mask import mask_value
from cioctl.state.kinds import Surface

FLAG_TEXT = {
    Flag.RUNNING_FLOW: "changes a running flow",
    Flag.RESETS_JOURNEYS: "replace: people in it lose their place and metrics restart",
    Flag.RENAME: "rename",
    Flag.ADOPT: "adopts an existing resource",
    Flag.CREDENTIAL_MISSING: "credential missing",
}
SURFACE_LABEL = {Surface.APP: "via App API", Surface.JOURNEYS: "via Journeys API",
                 Surface.NONE: "no API can do it"}
ACTION_VERB = {Action.CREATE: "to create", Action.UPDATE: "to update",
               Action.REPLACE: "to replace", Action.DELETE: "to delete",
               Action.MANUAL: "manual", Action.UNSUPPORTED: "unsupported"}


def short(value: Any, limit: int = 80) -> str:
    """A value as one line of JSON, cut at ``limit`` characters with the full length noted."""
    if value is None:
        return "(none)"
    text = json.dumps(mask_value(value), ensure_ascii=False, sort_keys=True)
    if len(text) <= limit:
        return text
    return f"{text[:limit - 1]}… ({len(text)} chars)"


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Leaf paths of a JSON value, ``steps[1].content.subject`` style."""
    if isinstance(value, dict) and value:
        pairs: list[tuple[str, Any]] = []
        for key, item in value.items():
            pairs += flatten(item, f"{prefix}.{key}" if prefix else key)
        return pairs
    if isinstance(value, list) and value and any(isinstance(v, dict | list) for v in value):
        return [pair for i, item in enumerate(value) for pair in flatten(item, f"{prefix}[{i}]")]
    return [(prefix, value)]


def shown_fields(change: Change) -> list[FieldChange]:
    """The field lines a reviewer sees: diffs for updates, all fields for creates/deletes."""
    if change.action in (Action.UPDATE, Action.REPLACE) and change.fields:
        return list(change.fields)
    if change.action is Action.CREATE and change.after:
        return [FieldChange(path, None, value) for path, value in flatten(change.after)]
    if change.action is Action.DELETE and change.before:
        return [FieldChange(path, value, None) for path, value in flatten(change.before)]
    return []


def notes(change: Change) -> list[str]:
    """Flags, audience size and reasons, in words."""
    found = [FLAG_TEXT[f] for f in change.flags]
    if change.audience is not None:
        found.append(f"audience now: {change.audience:,} people")
    if Flag.CREDENTIAL_MISSING in change.flags and change.credential:
        found[found.index(FLAG_TEXT[Flag.CREDENTIAL_MISSING])] = \
            f"needs {change.credential}, which this environment lacks"
    if change.reason:
        found.append(change.reason)
    return found


def summary_line(summary: dict[str, int]) -> str:
    """``3 to create, 1 to update, …``."""
    return ", ".join(f"{summary[str(a)]} {ACTION_VERB[a]}" for a in Action)


def lock_note(plan: Plan) -> str | None:
    """For a real workspace: there is no apply lock, so say what the lock is."""
    if plan.backend == "embedded":
        return None
    return ("No lock: Customer.io has nothing to lock with, so two applies to one environment "
            "at once can duplicate resources. Run one at a time; in CI the concurrency group "
            "per workspace and environment is the lock.")
