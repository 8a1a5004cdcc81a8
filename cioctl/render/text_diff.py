"""A line-based unified diff of a long or multi-line text field (a template body, say).

Cutting both sides of a long string at ~80 characters shows a body edit as two identical
prefixes; a reviewer needs the lines that changed. Both sides are masked *before* diffing, with
the same masking every other rendered value gets, so a secret never reaches a diff line.

Lines longer than ``_SPLIT_OVER`` characters (minified HTML, a paragraph on one line) are split
after each HTML tag and sentence end first: the pieces are anchored to the content, so an edit
in the middle of such a line shows as the piece it changed, not the whole line twice.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Any

from cioctl.plan.change import Action, Change, FieldChange
from cioctl.render.mask import mask_value

LONG_TEXT = 80
_SPLIT_OVER = 160
_PIECE = re.compile(r".*?(?:>|[.!?](?= )|$)", re.DOTALL)
_LINE_LIMIT = 400
_CONTEXT = 3


@dataclass(frozen=True)
class TextDiff:
    """A field's unified diff: hunk lines (``@@``, `` ``, ``-``, ``+`` first), and sizes."""

    path: str
    lines: tuple[str, ...]
    added: int
    removed: int
    before_chars: int
    after_chars: int
    label: str = ""

    @property
    def stats(self) -> str:
        """``+2 -1 lines``."""
        return f"+{self.added} -{self.removed} lines"

    def sizes(self) -> str:
        """``812 → 815 chars``."""
        return f"{self.before_chars:,} → {self.after_chars:,} chars"


def is_long_text(change: Change, field: FieldChange) -> bool:
    """Whether a field of an update is text that one line of JSON can't show: a string (or an
    absent side) that spans lines or is longer than ``LONG_TEXT`` characters as JSON."""
    if change.action not in (Action.UPDATE, Action.REPLACE):
        return False
    sides = [v for v in (field.before, field.after) if v is not None]
    if not sides or not all(isinstance(v, str) for v in sides):
        return False
    return any("\n" in v or len(json.dumps(v, ensure_ascii=False)) > LONG_TEXT for v in sides)


def text_diff(field: FieldChange) -> TextDiff:
    """The unified diff of a long-text field, computed on masked text."""
    before, after = _masked(field.before), _masked(field.after)
    old, new = _lines(before), _lines(after)
    body = list(difflib.unified_diff(old, new, n=_CONTEXT, lineterm=""))[2:]  # no ---/+++
    if before == after:  # the edit is inside a masked value: say so, show nothing of it
        body = ["@@ only masked (secret-looking) values differ @@"]
    elif not body:  # equal as lines yet different strings: only line endings differ
        body = [f"@@ line endings differ: {len(before):,} → {len(after):,} chars @@"]
    lines = tuple(_cut(line) for line in body)
    return TextDiff(field.path, lines,
                    added=sum(1 for x in body if x.startswith("+")),
                    removed=sum(1 for x in body if x.startswith("-")),
                    before_chars=len(before), after_chars=len(after),
                    label=field.label or field.path)


def _masked(value: Any) -> str:
    if value is None:
        return ""
    masked = mask_value(value)
    return masked if isinstance(masked, str) else str(masked)


def _lines(text: str) -> list[str]:
    if not text:
        return []
    lines: list[str] = []
    text = text.replace("\r\n", "\n")
    for line in text.removesuffix("\n").split("\n"):  # a final newline ends a line, not adds one
        lines += _split(line) if len(line) > _SPLIT_OVER else [line]
    return lines


def _split(line: str) -> list[str]:
    return [piece for piece in _PIECE.findall(line) if piece]


def _cut(line: str) -> str:
    """A diff line no longer than ``_LINE_LIMIT`` (a piece with no tag or sentence end)."""
    line = line.replace("\r", "\\r")
    if len(line) <= _LINE_LIMIT:
        return line
    return f"{line[:_LINE_LIMIT - 1]}… ({len(line) - 1:,} chars)"
