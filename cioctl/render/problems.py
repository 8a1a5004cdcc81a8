"""Validation problems as text, JSON and GitHub annotations."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from rich.markup import escape

from cioctl.errors import CioctlError, Location


def display_path(path: Path) -> str:
    """A path relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (OSError, RuntimeError):
        # A symlink loop (the very problem being reported) cannot be resolved: show the link
        # itself, relative to the working directory through its resolvable folder.
        return display_path(path.parent) + os.sep + path.name if path.parent != path \
            else str(path)
    except ValueError:
        return str(path)


def _where(location: Location | None) -> str:
    if location is None:
        return ""
    return f"{display_path(location.file)}:{location.line}:{location.col}: "


def render_problems_text(problems: Sequence[CioctlError]) -> str:
    """One block per problem: ``file:line:col: error: message`` and an indented hint."""
    lines: list[str] = []
    for problem in problems:
        lines.append(f"[bold]{escape(_where(problem.location))}[/][red]error:[/] "
                     f"{escape(problem.message)}")
        if problem.hint:
            lines.append(f"  [dim]hint:[/] {escape(problem.hint)}")
    return "\n".join(lines) + ("\n" if lines else "")


def problem_data(problem: CioctlError) -> dict[str, object]:
    """A problem as a JSON-ready mapping."""
    loc = problem.location
    return {
        "file": display_path(loc.file) if loc else None,
        "line": loc.line if loc else None,
        "col": loc.col if loc else None,
        "kind": type(problem).__name__,
        "message": problem.message,
        "hint": problem.hint,
    }


def render_problems_json(problems: Sequence[CioctlError], summary: dict[str, object]) -> str:
    """``{"valid": bool, "problems": [...], "summary": {...}}``."""
    document = {
        "valid": not problems,
        "problems": [problem_data(p) for p in problems],
        "summary": summary,
    }
    return json.dumps(document, indent=2) + "\n"


def _escape_annotation(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_annotation(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(problems: Sequence[CioctlError]) -> str:
    """``::error file=…,line=…,col=…::message`` workflow commands, one per problem."""
    lines = []
    for problem in problems:
        message = problem.message + (f" (hint: {problem.hint})" if problem.hint else "")
        loc = problem.location
        props = ""
        if loc is not None:
            path = os.path.relpath(loc.file) if loc.file.is_absolute() else str(loc.file)
            props = f" file={_escape_property(path)},line={loc.line},col={loc.col}"
        lines.append(f"::error{props}::{_escape_annotation(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
