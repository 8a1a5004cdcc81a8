"""Field-level differences between two canonical resources, from deepdiff."""

from __future__ import annotations

import copy
from typing import Any

from deepdiff import DeepDiff

from cioctl.plan.change import FieldChange
from cioctl.plan.labels import parse_path, words_path


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
            changes.append(FieldChange(path, old, new, words_path(path, after, before)))
    return tuple(sorted(changes, key=lambda c: c.path))


def _is_missing(value: Any) -> bool:
    return type(value).__name__ == "NotPresent"


_parts = parse_path


def _lookup(value: Any, parts: list[str | int]) -> tuple[bool, Any]:
    for part in parts:
        present = part < len(value) if isinstance(part, int) and isinstance(value, list) else \
            isinstance(part, str) and isinstance(value, dict) and part in value
        if not present:
            return False, None
        value = value[part]
    return True, value


def value_at(value: Any, path: str) -> tuple[bool, Any]:
    """Whether ``path`` (``steps[1].content.url`` style) exists in ``value``, and its value."""
    return _lookup(value, _parts(path))


def keep_ignored(after: dict[str, Any], live: dict[str, Any],
                 ignored: tuple[str, ...]) -> dict[str, Any]:
    """``after`` with every ``ignore_changes`` path that exists on both sides set to its live
    value, so that writing the other fields leaves those as they are in the workspace."""
    result = copy.deepcopy(after)
    for path in ignored:
        parts = _parts(path)
        in_live, value = _lookup(live, parts)
        if parts and in_live and _lookup(result, parts)[0]:
            _lookup(result, parts[:-1])[1][parts[-1]] = copy.deepcopy(value)
    return result
