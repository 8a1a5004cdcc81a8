"""Turning pydantic's validation errors into located, hinted cioctl errors."""

from __future__ import annotations

from difflib import get_close_matches
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from cioctl.definitions.located import LocatedDict, locate_path
from cioctl.errors import DefinitionError, Location

_KIND_KEYS = {
    "condition_kind": ("all", "any", "not", "attribute", "segment", "event"),
    "step_kind": (
        "wait", "wait_until", "email", "sms", "push", "in_app", "webhook", "branch",
        "update_attribute", "exit",
    ),
    "trigger_kind": ("event", "segment", "date_attribute"),
}
_SCHEMA_HINT = "see schemas/definitions.schema.json for every key and value"


def problems_from_validation(
    exc: ValidationError, data: Any, path: Path, prefix: str = ""
) -> list[DefinitionError]:
    """One :class:`DefinitionError` per pydantic error, at the line the user wrote."""
    return [_problem(error, data, path, prefix) for error in exc.errors(include_url=False)]


def _problem(error: ErrorDetails, data: Any, path: Path, prefix: str) -> DefinitionError:
    loc, node = locate_path(data, tuple(error["loc"]))
    if error["type"] in ("unknown_key", "unsupported_key") and isinstance(node, LocatedDict):
        loc = node.key_locs.get(str((error.get("ctx") or {}).get("key")), loc)
    where = _field_path(error["loc"], data)
    label = f"{prefix}{where}" if where else prefix.rstrip(": ")
    message, hint = _describe(error)
    text = f"{label}: {message}" if label else message
    return DefinitionError(text, location=loc or Location(path), hint=hint)


def _field_path(loc: tuple[int | str, ...], data: Any) -> str:
    """``steps[2].email.subject`` from a pydantic path, without union tags."""
    parts: list[str] = []
    node: Any = data
    for step in loc:
        if isinstance(node, dict) and step in node:
            parts.append(f".{step}" if parts else str(step))
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            parts.append(f"[{step}]")
            node = node[step]
    return "".join(parts)


def _describe(error: ErrorDetails) -> tuple[str, str]:
    kind = error["type"]
    message = error["msg"].removeprefix("Value error, ")
    ctx = error.get("ctx") or {}
    if kind == "unknown_key":
        return f"unknown key '{ctx['key']}'", str(ctx["hint"])
    if kind == "unsupported_key":
        return f"'{ctx['key']}' is not supported", str(ctx["hint"])
    if "hint" in ctx:  # a custom error that carries its own fix
        return message, str(ctx["hint"])
    if kind in _KIND_KEYS:
        return message, _suggest_kind(error.get("input"), _KIND_KEYS[kind])
    if kind == "missing":
        return f"'{error['loc'][-1]}' is required", f"add '{error['loc'][-1]}:'"
    if kind in ("enum", "literal_error"):
        return message, "use one of the listed values"
    if kind == "string_pattern_mismatch":
        return "value has the wrong form", f"it must match {ctx.get('pattern')}"
    return message, _SCHEMA_HINT


def _suggest_kind(value: Any, valid: tuple[str, ...]) -> str:
    if isinstance(value, dict):
        for key in value:
            close = get_close_matches(str(key), valid, n=1, cutoff=0.6)
            if close:
                return f"did you mean '{close[0]}' instead of '{key}'?"
    return "valid keys: " + ", ".join(valid)
