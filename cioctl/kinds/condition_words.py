"""Conditions in the definitions' words: the canonical form plans diff and the importer writes.

The Journeys codec can only read a segment back as CNF (evidence §4), so both sides of a diff
first meet in the codec's canonical JSON (:mod:`cioctl.api.journeys.segment_json`); this module
then says that JSON again in the definitions' vocabulary, the same way for both sides:

``{"and": [...]}`` → ``{all: [...]}``, ``or`` → ``any``, ``{"attribute": {field, operator,
value}}`` → ``{attribute, operator, value}``, event nodes → ``{event, at_least | at_most |
exactly, within: 30d, where}`` (``at_least: 1`` and empty ``where`` left out, as a definition
would), ``{"segment": {"key": k}}`` → ``{segment: k}``. Where the CNF spelled a list operator out
(``in`` as an ``or`` of ``eq``, ``not_in`` as an ``and`` of ``neq``, ``exactly: n`` as
``at_least: n`` and ``at_most: n``), the literals are gathered back into ``in`` / ``not_in`` /
``exactly``.

A segment id that names no known segment reads as ``{segment: "#<id>"}`` (no key can start with
``#``, so it never equals a definition, and the importer refuses it). A live tree outside the
grammar stays ``{"unreadable": ...}``. :func:`condition_codec` is the way back: words → the
codec's JSON, through the definitions' own model.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from cioctl.model.base import slugify
from cioctl.model.conditions import Condition
from cioctl.model.types import VALUELESS_OPERATORS
from cioctl.state.canonical import condition_json

Data = dict[str, Any]
UNITS = (("d", 86400), ("h", 3600), ("m", 60))
COUNT_OPERATORS = frozenset({"at_least", "at_most", "exactly"})
_VALUELESS = frozenset(str(o) for o in VALUELESS_OPERATORS)
# In a group of this kind, ``eq``-like literals on one attribute are one list operator.
_GATHER = {"any": ("eq", "in"), "all": ("neq", "not_in")}
_CONDITION: TypeAdapter[Condition] = TypeAdapter(Condition)


class UnrepresentableError(ValueError):
    """A live value that the definitions format cannot express (the message says why)."""


def duration(seconds: Any) -> str:
    """Seconds as the largest exact unit: 2592000 → ``30d``, 300 → ``5m``, 90 → ``90s``."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise UnrepresentableError(f"duration {seconds!r} is not a whole number of seconds")
    for unit, size in UNITS:
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _comparison(name_key: str, node: Any) -> Data:
    if not isinstance(node, dict) or not isinstance(node.get("field"), str):
        raise UnrepresentableError(f"comparison {node!r} has no field")
    operator = node.get("operator")
    result = {name_key: node["field"], "operator": operator}
    if operator not in _VALUELESS:
        result["value"] = node.get("value")
    return result


def property_filters(filters: Any) -> list[Data]:
    """Event property filters ``[{field, operator, value}]`` → ``[{property, operator, value}]``."""
    if not isinstance(filters, list):
        raise UnrepresentableError(f"event filters {filters!r} are not a list")
    return [_comparison("property", f) for f in filters]


def _event(node: Any) -> Data:
    if not isinstance(node, dict) or not isinstance(node.get("name"), str):
        raise UnrepresentableError(f"event condition {node!r} has no event name")
    result: Data = {"event": node["name"]}
    count_operator, count = node.get("count_operator", "at_least"), node.get("count", 1)
    if count_operator not in COUNT_OPERATORS:
        raise UnrepresentableError(f"event count operator {count_operator!r} is not supported")
    if (count_operator, count) != ("at_least", 1):
        result[count_operator] = count
    if node.get("within_seconds") is not None:
        result["within"] = duration(node["within_seconds"])
    where = property_filters(node.get("filters") or [])
    if where:
        result["where"] = where
    return result


def _gathered(group: str, children: list[Data]) -> list[Data]:
    """``eq`` literals of one attribute in an ``any`` (``neq`` in an ``all``) as one ``in``
    (``not_in``) leaf, at the first one's place; everything else as it was."""
    single, listed = _GATHER[group]
    fields: dict[str, list[Any]] = {}
    for child in children:
        if set(child) == {"attribute", "operator", "value"} and child["operator"] == single:
            fields.setdefault(child["attribute"], []).append(child["value"])
    out: list[Data] = []
    done: set[str] = set()
    for child in children:
        name = str(child.get("attribute"))
        if child.get("operator") == single and len(fields.get(name, [])) > 1:
            if name not in done:
                done.add(name)
                out.append({"attribute": name, "operator": listed, "value": fields[name]})
            continue
        out.append(child)
    return out


def _exactly(children: list[Data]) -> list[Data]:
    """In an ``all``: ``at_least: n`` and ``at_most: n`` of one event (same window and
    filters) are the ``exactly: n`` the codec wrote as two groups (evidence §4)."""
    def rest(leaf: Data, count: str) -> str:
        return repr(sorted((k, repr(v)) for k, v in leaf.items() if k != count))

    lows = {rest(c, "at_least"): c for c in children if "event" in c and "at_least" in c}
    out: list[Data] = []
    used: set[str] = set()
    for child in children:
        if "event" in child and "at_most" in child:
            key = rest(child, "at_most")
            low = lows.get(key)
            if low is not None and low["at_least"] == child["at_most"] and key not in used:
                used.add(key)
                out.append({k: v for k, v in low.items() if k != "at_least"} |
                           {"exactly": child["at_most"]})
                continue
        out.append(child)
    return [c for c in out if not ("at_least" in c and rest(c, "at_least") in used)]


def condition_words(node: Any) -> Data:
    """One canonical (codec JSON) condition node in the definitions' words."""
    if not isinstance(node, dict) or len(node) != 1:
        raise UnrepresentableError(f"condition {node!r} is not a single-key object")
    ((tag, body),) = node.items()
    if tag in ("and", "or"):
        if not isinstance(body, list) or not body:
            raise UnrepresentableError(f"'{tag}' needs a non-empty list")
        group = "all" if tag == "and" else "any"
        children = _gathered(group, [condition_words(c) for c in body])
        if group == "all":
            children = _exactly(children)
        # Only a group that gathering reduced to one leaf is that leaf (the CNF unwraps
        # one-literal groups itself; a definition's own one-child group stays as written).
        return children[0] if len(children) == 1 < len(body) else {group: children}
    if tag == "not":
        return {"not": condition_words(body)}
    if tag == "attribute":
        return _comparison("attribute", body)
    if tag == "segment":
        if isinstance(body, dict) and isinstance(body.get("key"), str):
            return {"segment": body["key"]}
        if isinstance(body, dict) and isinstance(body.get("id"), int):
            return {"segment": f"#{body['id']}"}
        raise UnrepresentableError(f"segment reference {body!r} names no segment")
    if tag == "event":
        return _event(body)
    if tag == "unreadable":
        return dict(node)
    raise UnrepresentableError(f"condition type '{tag}' is not supported by cioctl")


def keyed_definition(name: str, key: str, fields: Data) -> Data:
    """A segment's or flow's definitions mapping from its canonical fields (already the
    definitions' words): the key only where it is not the name's slug. A field the live
    read could not say (``unreadable``) has no definition."""
    unreadable = _unreadable(fields)
    if unreadable is not None:
        raise UnrepresentableError(str(unreadable))
    data: Data = {"name": name}
    if key != slugify(name):
        data["key"] = key
    return data | {k: v for k, v in fields.items() if k != "name"}


def _unreadable(node: object) -> object | None:
    if isinstance(node, dict):
        if "unreadable" in node:
            found: object = node["unreadable"]
            return found
        node = list(node.values())
    if isinstance(node, list):
        for item in node:
            inner = _unreadable(item)
            if inner is not None:
                return inner
    return None


def condition_codec(words: Data) -> Data:
    """Words → the codec's canonical JSON (segments by key), through the definitions' model:
    what the segment and flow writes encode."""
    return condition_json(_CONDITION.validate_python(words))
