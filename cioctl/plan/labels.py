"""A field's path in words, for the people reading a plan.

A field change is located by a precise path into the canonical fields
(``steps[3].branch.then[1].email.subject``, what ``ignore_changes`` and the plan JSON use). A
reviewer reads the same place named by what is there: ``steps > branch > then > email tips >
subject``. A list item is named by its content — a message step by its kind and id, any other
step by its kind, a condition by what it tests (``attribute plan``, ``event logged_in``,
``segment exporters``, ``any``), a row by its ``id`` or ``name`` — with ``#n`` added where
siblings would read the same. The key an item is named after is not repeated.
"""

from __future__ import annotations

import re
from typing import Any

SEPARATOR = " › "
_MESSAGES = ("email", "sms", "push", "in_app", "webhook")
_LEAVES = ("attribute", "event", "segment", "property")


def parse_path(path: str) -> list[str | int]:
    """``steps[1].email.subject`` → ``["steps", 1, "email", "subject"]``."""
    return [int(p[1:-1]) if p.startswith("[") else p
            for p in re.findall(r"\[\d+\]|[^.\[\]]+", path)]


def _word(item: Any) -> tuple[str, str | None]:
    """An item's name, and the key of the item it already says (not repeated after it)."""
    if not isinstance(item, dict):
        return "", None
    if len(item) == 1:
        ((key, body),) = item.items()
        if key in _MESSAGES and isinstance(body, dict) and body.get("id"):
            return f"{key} {body['id']}", key
        if key not in _LEAVES:
            return str(key), key
    for key in _LEAVES:
        if isinstance(item.get(key), str):
            return f"{key} {item[key]}", None
    for key in ("id", "name"):
        if isinstance(item.get(key), str | int) and not isinstance(item.get(key), bool):
            return str(item[key]), None
    return "", None


def _item_word(items: list[Any], index: int) -> tuple[str, str | None]:
    word, said = _word(items[index])
    if not word:
        return f"#{index + 1}", None
    same = [i for i, other in enumerate(items) if _word(other)[0] == word]
    if len(same) > 1:
        word = f"{word} #{same.index(index) + 1}"
    return word, said


def words_path(path: str, *roots: Any) -> str:
    """``path`` in words, items looked up in the first of ``roots`` that has them (the after
    side, then the before side)."""
    words: list[str] = []
    nodes = list(roots)
    said: str | None = None
    for part in parse_path(path):
        if isinstance(part, int):
            holder = next((n for n in nodes if isinstance(n, list) and part < len(n)), None)
            word, said = _item_word(holder, part) if holder is not None else (f"#{part + 1}",
                                                                               None)
            words.append(word)
        else:
            if part != said:
                words.append(part)
            said = None
        nodes = [_child(n, part) for n in nodes]
    return SEPARATOR.join(words) if words else path


def _child(node: Any, part: str | int) -> Any:
    if isinstance(part, int):
        return node[part] if isinstance(node, list) and part < len(node) else None
    return node.get(part) if isinstance(node, dict) else None
