"""Field-level differences between two canonical resources, from deepdiff."""

from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff

from cioctl.plan.change import FieldChange


def _path(parts: list[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def field_changes(before: dict[str, Any], after: dict[str, Any],
                  ignored: tuple[str, ...] = ()) -> tuple[FieldChange, ...]:
    """Every leaf that differs, as ``path: before → after``, skipping ``ignored`` prefixes."""
    if before == after:
        return ()  # the common case; deepdiff costs ~1 ms even on equal values
    diff = DeepDiff(before, after, view="tree", ignore_order=False, threshold_to_diff_deeper=0)
    changes: list[FieldChange] = []
    for report in diff.values():
        for level in report:
            path = _path(level.path(output_format="list"))
            if any(path == p or path.startswith((p + ".", p + "[")) for p in ignored):
                continue
            old = None if _is_missing(level.t1) else level.t1
            new = None if _is_missing(level.t2) else level.t2
            changes.append(FieldChange(path, old, new))
    return tuple(sorted(changes, key=lambda c: c.path))


def _is_missing(value: Any) -> bool:
    return type(value).__name__ == "NotPresent"
