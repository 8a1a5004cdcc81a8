"""What every plan renderer shares: labels, value formatting, flattening."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from cioctl.kinds.registry import LEDGER_COLLECTION, Surface
from cioctl.plan.change import Action, Change, FieldChange, Flag
from cioctl.plan.fields import value_at
from cioctl.plan.labels import words_path
from cioctl.plan.value import OwnershipWrite, Plan
from cioctl.render.mask import mask_value

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
    """A value as one line of JSON, cut at ``limit`` characters with the full length noted.

    Keys keep the model's order (as the saved plan does), so ``plan`` and ``show`` agree."""
    if value is None:
        return "(none)"
    text = json.dumps(mask_value(value), ensure_ascii=False)
    if len(text) <= limit:
        return text
    return f"{text[:limit - 1]}… ({len(text)} chars)"


COMPACT_WIDTH = 96
# A one-key mapping of these is a step: its lines are named by it (``steps > wait #2: "1d"``).
_STEP_KEYS = frozenset({"wait", "wait_until", "email", "sms", "push", "in_app", "webhook",
                        "branch", "update_attribute", "exit"})


def _one_line(value: Any) -> bool:
    """A small mapping (a condition, a filter, a goal): one line in a create, as a definition
    would write it in flow style; never a step, nor anything holding a list of mappings."""
    if not isinstance(value, dict) or (len(value) == 1 and set(value) <= _STEP_KEYS):
        return False
    text = json.dumps(value, ensure_ascii=False)
    return len(text) <= COMPACT_WIDTH and '[{' not in text.replace(" ", "")


def flatten(value: Any, prefix: str = "", compact: bool = False) -> list[tuple[str, Any]]:
    """Leaf paths of a JSON value, ``steps[1].email.subject`` style; ``compact`` keeps small
    mappings of plain values whole (one line each)."""
    if isinstance(value, dict) and value and not (compact and prefix and _one_line(value)):
        pairs: list[tuple[str, Any]] = []
        for key, item in value.items():
            pairs += flatten(item, f"{prefix}.{key}" if prefix else key, compact)
        return pairs
    if isinstance(value, list) and value and any(isinstance(v, dict | list) for v in value):
        return [pair for i, item in enumerate(value)
                for pair in flatten(item, f"{prefix}[{i}]", compact)]
    return [(prefix, value)]


def _whole(path: str, root: Any) -> FieldChange:
    """A field line of a create or delete: a list item shown whole is named by its list
    (``conditions > all: {...}``), anything else by its words."""
    found, value = value_at(root, path)
    label = words_path(path, root)
    if found and isinstance(value, dict) and path.endswith("]"):
        label = words_path(path[:path.rindex("[")], root)
    return FieldChange(path, None, value, label)


def shown_fields(change: Change, verbose: bool = False) -> list[FieldChange]:
    """The field lines a reviewer sees: diffs for updates, all fields for creates/deletes.
    The canonical fields are the definitions' words with defaults left out, and small
    mappings (a condition, a filter) stay on one line: a create reads like its definition.
    ``verbose`` gives every leaf on its own line."""
    if change.action in (Action.UPDATE, Action.REPLACE) and change.fields:
        return list(change.fields)
    if change.action is Action.CREATE and change.after:
        return [_whole(path, change.after)
                for path, _ in flatten(change.after, compact=not verbose)]
    if change.action is Action.DELETE and change.before:
        return [replace(_whole(path, change.before), before=value, after=None)
                for path, value in flatten(change.before, compact=not verbose)]
    return []


def where(field: FieldChange, verbose: bool = False) -> str:
    """How a field line names its field: in words; with ``verbose`` its precise path too (the
    one ``ignore_changes`` takes)."""
    label = field.label or field.path
    return f"{label} [{field.path}]" if verbose and label != field.path else label


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


def ownership_notes(plan: Plan, change: Change) -> list[str]:
    """The ledger rows and tags apply writes with ``change``, in words."""
    return [_ownership_note(w, change) for w in plan.ownership if w.address == change.address]


def _ownership_note(write: OwnershipWrite, change: Change) -> str:
    if write.via == "tag":
        return f"tags {write.entry}" if write.op == "add" else f"removes tag {write.entry}"
    entry = "" if write.entry == change.address else f" as {write.entry}"
    if write.op == "add":
        return f"records ownership in {LEDGER_COLLECTION}{entry}"
    return f"removes {write.entry} from {LEDGER_COLLECTION}"


def ownership_summary(plan: Plan) -> str:
    """``records 12 resources in cioctl_managed, …`` ("" when apply writes no ownership)."""
    def count(via: str, op: str) -> int:
        return len({w.address for w in plan.ownership if w.via == via and w.op == op})

    parts = []
    if recorded := count("ledger", "add"):
        created = " (creating that collection)" if plan.creates_ledger else ""
        parts.append(f"records {recorded} resource(s) in {LEDGER_COLLECTION}{created}")
    if dropped := count("ledger", "remove"):
        parts.append(f"removes {dropped} resource(s) from {LEDGER_COLLECTION}")
    if tagged := count("tag", "add"):
        parts.append(f"tags {tagged} segment(s)/flow(s) cioctl:<key>")
    if untagged := count("tag", "remove"):
        parts.append(f"removes {untagged} old cioctl:<key> tag(s)")
    return ", ".join(parts)


def lock_note(plan: Plan) -> str | None:
    """For a real workspace: there is no apply lock, so say what the lock is."""
    if plan.backend == "embedded":
        return None
    return ("No lock: Customer.io has nothing to lock with, so two applies to one environment "
            "at once can duplicate resources. Run one at a time; in CI the concurrency group "
            "per workspace and environment is the lock.")
