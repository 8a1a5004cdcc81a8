"""Event definitions as JSON Schema documents and as compiled validators.

:func:`event_schema` describes a whole Track API payload (``{"name": …, "data": {…}}``) in JSON
Schema draft 2020-12, for other tools. :func:`compile_event` builds the validator ``events
check`` runs: closures specialised per event and property (the required names, a type
predicate, an enum set, a format test), so nothing is interpreted per payload. Both read the
same tables below, and a property test holds them to the same verdicts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from difflib import get_close_matches
from functools import lru_cache
from typing import Any, NamedTuple

from cioctl.events.formats import FORMAT_TESTS, FormatTest
from cioctl.model.data import Event, PropertySpec
from cioctl.model.types import ValueType

DRAFT = "https://json-schema.org/draft/2020-12/schema"


class Finding(NamedTuple):
    """One problem in one payload: which kind, where (a JSON path), what, how to fix it."""

    kind: str
    path: str
    message: str
    error: bool = True
    hint: str | None = None


Validate = Callable[[dict[str, Any], str], list[Finding]]
"""``validate(data, key)``: the findings in a payload's ``data`` (found under ``key``)."""

NO_FINDINGS: list[Finding] = []  # shared: callers must not mutate what a validator returns


def _is_integer(value: object) -> bool:
    if isinstance(value, int):
        return not isinstance(value, bool)
    return isinstance(value, float) and value.is_integer()


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_string(value: object) -> bool:
    return isinstance(value, str)


def _is_boolean(value: object) -> bool:
    return isinstance(value, bool)


def _is_timestamp(value: object) -> bool:
    return isinstance(value, str) or _is_integer(value)


def _is_array(value: object) -> bool:
    return isinstance(value, list)


def _is_object(value: object) -> bool:
    return isinstance(value, dict)


# ValueType → (JSON Schema "type", the predicate that agrees with it, a label for messages)
TYPES: dict[ValueType, tuple[str | list[str], Callable[[object], bool], str]] = {
    ValueType.STRING: ("string", _is_string, "string"),
    ValueType.NUMBER: ("number", _is_number, "number"),
    ValueType.INTEGER: ("integer", _is_integer, "integer"),
    ValueType.BOOLEAN: ("boolean", _is_boolean, "boolean"),
    ValueType.TIMESTAMP: (["integer", "string"], _is_timestamp,
                          "timestamp (Unix seconds or an RFC 3339 date-time)"),
    ValueType.ARRAY: ("array", _is_array, "array"),
    ValueType.OBJECT: ("object", _is_object, "object"),
}


def property_format(spec: PropertySpec) -> str | None:
    """The declared format; timestamps given as strings are date-times unless declared."""
    if spec.format is None and spec.type is ValueType.TIMESTAMP:
        return "date-time"
    return spec.format


def json_type(value: object) -> str:
    """The JSON type name of a parsed value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def json_path(key: str, name: str | None = None) -> str:
    """``$.data.plan`` or ``$.data['odd name']``."""
    head = f"$.{key}"
    if name is None:
        return head
    if name.isidentifier():
        return f"{head}.{name}"
    return f"{head}[{name!r}]"


def short(value: object, limit: int = 60) -> str:
    """A value for a message, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- JSON Schema documents


def property_schema(spec: PropertySpec) -> dict[str, Any]:
    """One property as a JSON Schema."""
    schema: dict[str, Any] = {"type": TYPES[spec.type][0]}
    if spec.description:
        schema["description"] = spec.description
    fmt = property_format(spec)
    if fmt:
        schema["format"] = fmt
    if spec.enum is not None:
        schema["enum"] = list(spec.enum)
    return schema


def data_schema(event: Event, *, strict: bool = False) -> dict[str, Any]:
    """The schema of an event's ``data`` object."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: property_schema(p) for name, p in event.properties.items()},
    }
    required = [name for name, p in event.properties.items() if p.required]
    if required:
        schema["required"] = required
    if strict:
        schema["additionalProperties"] = False
    return schema


def event_schema(event: Event, *, strict: bool = False) -> dict[str, Any]:
    """A Track API payload of this event as a JSON Schema (draft 2020-12) document.

    Extra properties in ``data`` are allowed (Customer.io accepts them) unless ``strict``.
    """
    document: dict[str, Any] = {"$schema": DRAFT, "title": event.name}
    if event.description:
        document["description"] = event.description
    document |= {
        "type": "object",
        "properties": {"name": {"const": event.name}, "data": data_schema(event, strict=strict)},
        "required": ["name", "data"] if any(p.required for p in event.properties.values())
        else ["name"],
    }
    return document


# ---------------------------------------------------------------- compiled validators

Check = Callable[[object, str], Finding | None]
"""``check(value, key)``: the finding for one property value, or None."""


def _enum_test(values: Sequence[object]) -> Callable[[object], bool]:
    """Membership with JSON equality: ``true`` is not ``1``; ``1`` is ``1.0``."""
    bools = frozenset(v for v in values if isinstance(v, bool))
    others = frozenset(v for v in values if not isinstance(v, bool))

    def member(value: object) -> bool:
        if isinstance(value, bool):
            return value in bools
        if isinstance(value, str | int | float):
            return value in others
        return False

    return member


def _compile_property(name: str, spec: PropertySpec) -> Check:
    _, is_type, label = TYPES[spec.type]
    in_enum = _enum_test(spec.enum) if spec.enum is not None else None
    choices = ", ".join(str(v) for v in spec.enum or ())
    fmt = property_format(spec)
    fmt_test: FormatTest | None = FORMAT_TESTS[fmt] if fmt else None

    def wrong_type(value: object, key: str) -> Finding:
        return Finding("wrong_type", json_path(key, name),
                       f"expected {label}, got {json_type(value)} {short(value)}")

    def not_in_enum(value: object, key: str) -> Finding:
        return Finding("not_in_enum", json_path(key, name),
                       f"{short(value)} is not one of: {choices}")

    def bad_format(value: object, key: str) -> Finding:
        return Finding("bad_format", json_path(key, name), f"{short(value)} is not a valid {fmt}")

    if in_enum is None and fmt_test is None:
        def check(value: object, key: str) -> Finding | None:
            return None if is_type(value) else wrong_type(value, key)
    elif fmt_test is None:
        assert in_enum is not None

        def check(value: object, key: str) -> Finding | None:
            if not is_type(value):
                return wrong_type(value, key)
            return None if in_enum(value) else not_in_enum(value, key)
    elif in_enum is None:
        def check(value: object, key: str) -> Finding | None:
            if not is_type(value):
                return wrong_type(value, key)
            return None if fmt_test(value) else bad_format(value, key)
    else:
        def check(value: object, key: str) -> Finding | None:
            if not is_type(value):
                return wrong_type(value, key)
            if not in_enum(value):
                return not_in_enum(value, key)
            return None if fmt_test(value) else bad_format(value, key)
    return check


_SHARED: dict[tuple[object, ...], Check] = {}


def _shared_property(name: str, spec: PropertySpec) -> Check:
    """One compiled check per distinct (name, declaration): large workspaces repeat them, and
    compiling is most of a short run. Enum values keep their types in the key (``1``, ``1.0``
    and ``True`` are equal in Python but not in JSON)."""
    enum = None if spec.enum is None else tuple((type(v), v) for v in spec.enum)
    key = (name, spec.type, spec.format, enum)
    check = _SHARED.get(key)
    if check is None:
        if len(_SHARED) > 1 << 16:
            _SHARED.clear()
        check = _SHARED[key] = _compile_property(name, spec)
    return check


@lru_cache(maxsize=4096)
def _closest(name: str, candidates: tuple[str, ...]) -> str | None:
    close = get_close_matches(name, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def compile_event(event: Event, *, strict: bool = False) -> Validate:
    """The validator of one event's ``data``: required, then each property present."""
    required = tuple(p for p, spec in event.properties.items() if spec.required)
    checks = {p: _shared_property(p, spec) for p, spec in event.properties.items()}
    declared = tuple(checks)

    def unknown(prop: str, key: str) -> Finding:
        close = _closest(prop, declared)
        return Finding("unknown_property", json_path(key, prop),
                       f"'{prop}' is not a declared property", strict,
                       f"did you mean '{close}'?" if close else
                       "declare it under the event's 'properties:'")

    def validate(data: dict[str, Any], key: str) -> list[Finding]:
        found: list[Finding] | None = None
        for prop in required:
            if prop not in data:
                found = found or []
                found.append(Finding("missing_required", json_path(key, prop),
                                     f"missing required property '{prop}'"))
        get = checks.get
        for prop, value in data.items():
            check = get(prop)
            if check is None:
                found = found or []
                found.append(unknown(prop, key))
                continue
            finding = check(value, key)
            if finding is not None:
                found = found or []
                found.append(finding)
        return found or NO_FINDINGS

    return validate
