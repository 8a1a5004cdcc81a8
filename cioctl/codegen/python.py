"""The Python target: one module with a typed method per event, a ``TypedDict`` per event's
data, a typed ``identify`` for the declared attributes, runtime validation and a recorder.

The module needs only the standard library (3.11+); it passes ``mypy --strict`` and ``ruff``.
Lines stay within 100 characters: long literals are wrapped one item per line.
"""

from __future__ import annotations

import json
import keyword
import re
import textwrap
from collections.abc import Sequence

from cioctl.codegen import python_runtime as rt
from cioctl.codegen.model import (
    PYTHON_RESERVED,
    CodegenModel,
    EventModel,
    Field,
    pascal,
    snake,
    unique_identifiers,
)
from cioctl.events.formats import _DATE_TIME, _URI
from cioctl.model.types import ValueType

WIDTH = 100
_BASE: dict[ValueType, str] = {
    ValueType.STRING: "str", ValueType.NUMBER: "float", ValueType.INTEGER: "int",
    ValueType.BOOLEAN: "bool", ValueType.TIMESTAMP: "int | str",
    ValueType.ARRAY: "list[Any]", ValueType.OBJECT: "dict[str, Any]",
}
# Names a generated method must not take: the tracker's own members and the recorder's.
TRACKER_MEMBERS = frozenset({"track", "identify", "validation", "calls", "events",
                             "identified", "clear"})
PARAMS_RESERVED = frozenset({"self", "person_id", "timestamp"})


_PLAIN = re.compile(r"[A-Za-z0-9 _.:\-]*")


def literal(value: object) -> str:
    """A Python literal for a JSON scalar (strings in double quotes)."""
    if isinstance(value, str):
        if _PLAIN.fullmatch(value):  # most names: nothing to escape (json.dumps is slower)
            return f'"{value}"'
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def wrapped(head: str, items: Sequence[str], tail: str, indent: str) -> list[str]:
    """``head item, item tail`` on one line when it fits, else one item per line."""
    one = f"{indent}{head}{', '.join(items)}{tail}"
    if len(one) <= WIDTH or not items:
        return [one]
    return [f"{indent}{head}", *(f"{indent}    {item}," for item in items), f"{indent}{tail}"]


def _chunks(text: str, size: int = 72) -> list[str]:
    return [literal(text[i:i + size]) for i in range(0, len(text), size)]


def _pattern(text: str) -> str:
    """A long pattern as adjacent string literals, one per line."""
    return "\n".join(f"    {chunk}" for chunk in _chunks(text))


def _literal_able(field: Field) -> bool:
    return field.enum is not None and all(isinstance(v, str | int) for v in field.enum)


def annotation(field: Field) -> list[str]:
    """The type of a field's value, as pieces to join (a long ``Literal`` is wrapped)."""
    if _literal_able(field):
        assert field.enum is not None
        return ["Literal[", *(literal(v) for v in field.enum), "]"]
    return [_BASE[field.type]]


def _inline(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return parts[0] + ", ".join(parts[1:-1]) + parts[-1]


def _typed_line(indent: str, head: str, parts: list[str], tail: str) -> list[str]:
    """``head: <annotation>tail``, the annotation wrapped when the line is too long."""
    one = f"{indent}{head}{_inline(parts)}{tail}"
    if len(one) <= WIDTH or len(parts) == 1:
        return [one]
    return [f"{indent}{head}{parts[0]}", *(f"{indent}    {p}," for p in parts[1:-1]),
            f"{indent}{parts[-1]}{tail}"]


def _docstring(text: str | None, indent: str) -> list[str]:
    if not text:
        return []
    clean = " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')
    lines = textwrap.wrap(clean, WIDTH - len(indent) - 6, break_on_hyphens=False) or [""]
    if len(lines) == 1:
        return [f'{indent}"""{lines[0]}"""']
    return [f'{indent}"""{lines[0]}', *(f"{indent}{line}" for line in lines[1:]),
            f'{indent}"""']


def _is_class_key(key: str) -> bool:
    return key.isidentifier() and not keyword.iskeyword(key)


def typed_dict(name: str, fields: Sequence[Field], doc: str) -> list[str]:
    """A ``TypedDict``: class syntax when every key is an identifier, else functional."""
    def value_type(field: Field) -> list[str]:
        parts = annotation(field)
        if not field.required:
            return parts
        return [f"Required[{parts[0]}", *parts[1:-1], f"{parts[-1]}]"] if len(parts) > 1 \
            else [f"Required[{parts[0]}]"]

    if all(_is_class_key(f.key) for f in fields):
        lines = [f"class {name}(TypedDict, total=False):", *_docstring(doc, "    ")]
        for field in fields:
            noqa = "" if field.key == field.key.lower() else "  # noqa: N815"
            lines += _typed_line("    ", f"{field.key}: ", value_type(field), noqa)
        return lines
    lines = [f"{name} = TypedDict(", f"    {literal(name)},", "    {"]
    for field in fields:
        lines += _typed_line("        ", f"{literal(field.key)}: ", value_type(field), ",")
    return [*lines, "    },", "    total=False,", ")"]


def _field_table(fields: Sequence[Field], indent: str) -> list[str]:
    lines = []
    for f in fields:
        enum = ("(" + ", ".join(literal(v) for v in f.enum) + ("," if len(f.enum) == 1 else "")
                + ")") if f.enum is not None else "None"
        args = [literal(f.key), literal(f.type.value), str(f.required), enum,
                literal(f.format) if f.format else "None"]
        lines += wrapped(f"{literal(f.key)}: _Field(", args, "),", indent)
    return lines


def _method(event: EventModel, method: str, type_name: str) -> list[str]:
    idents = unique_identifiers((snake(f.key) for f in event.fields), PARAMS_RESERVED
                                | PYTHON_RESERVED)
    ordered = sorted(zip(event.fields, idents, strict=True), key=lambda p: not p[0].required)
    lines = [f"    def {method}(", "        self,", "        person_id: str,", "        *,"]
    for field, ident in ordered:
        tail = "," if field.required else " | None = None,"
        lines += _typed_line("        ", f"{ident}: ", annotation(field), tail)
    lines += ["        timestamp: int | None = None,", "    ) -> None:"]
    lines += _docstring(event.description or f"Track '{event.name}'.", "        ")
    required = [f"{literal(f.key)}: {ident}" for f, ident in ordered if f.required]
    lines += wrapped(f"data: {type_name} = {{", required, "}", "        ")
    for field, ident in ordered:
        if not field.required:
            lines += [f"        if {ident} is not None:",
                      f"            data[{literal(field.key)}] = {ident}"]
    lines.append(f"        self.track(person_id, {literal(event.name)}, data, "
                 "timestamp=timestamp)")
    return lines


def _identify(attributes: Sequence[Field]) -> list[str]:
    idents = unique_identifiers((snake(f.key) for f in attributes),
                                frozenset({"self", "person_id"}) | PYTHON_RESERVED)
    lines = ["    def identify(", "        self,", "        person_id: str,"]
    if attributes:
        lines.append("        *,")
    for field, ident in zip(attributes, idents, strict=True):
        lines += _typed_line("        ", f"{ident}: ", annotation(field), " | None = None,")
    lines += ["    ) -> None:", '        """Set the declared attributes given (None: not sent)."""',
              "        attributes: Attributes = {}"]
    for field, ident in zip(attributes, idents, strict=True):
        lines += [f"        if {ident} is not None:",
                  f"            attributes[{literal(field.key)}] = {ident}"]
    return [*lines, "        self._identify(person_id, attributes)"]


def header(model: CodegenModel, comment: str) -> list[str]:
    """The do-not-edit header: the cioctl version and the definitions' sha256."""
    return [f"{comment} Code generated by cioctl {model.version} from the event definitions. "
            "DO NOT EDIT.",
            f"{comment} definitions sha256: {model.digest}",
            f"{comment} Regenerate with `cioctl codegen`; CI checks it with "
            "`cioctl codegen --check`."]


def python_methods(model: CodegenModel) -> list[str]:
    """The tracker's method for each event, in the model's order."""
    return unique_identifiers((snake(e.name) for e in model.events),
                              TRACKER_MEMBERS | PYTHON_RESERVED)


def render_python(model: CodegenModel) -> str:
    """The whole generated module."""
    methods = python_methods(model)
    types = unique_identifiers((pascal(m) + "Data" for m in methods),
                               frozenset({"Attributes", "Tracker", "RecordingTracker", "Call"}))
    runtime = (rt.RUNTIME.replace("@@DATE_TIME@@", _pattern(_DATE_TIME.pattern))
               .replace("@@URI@@", _pattern(_URI.pattern)))
    out = [*header(model, "#"),
           f'"""Typed Customer.io tracking for the workspace {literal(model.workspace)}."""',
           "", rt.IMPORTS.rstrip("\n"), runtime.rstrip("\n"), "", ""]
    out += wrapped("EventName = Literal[", [literal(e.name) for e in model.events] or
                   ['""'], "]", "")
    out += ["", "_EVENTS: dict[str, dict[str, _Field]] = {"]
    for event in model.events:
        table = _field_table(event.fields, "        ")
        out += ([f"    {literal(event.name)}: {{", *table, "    },"] if table
                else [f"    {literal(event.name)}: {{}},"])
    out += ["}", "_ATTRIBUTES: dict[str, _Field] = {", *_field_table(model.attributes, "    "),
            "}"]
    for event, type_name in zip(model.events, types, strict=True):
        out += ["", "", *typed_dict(type_name, event.fields,
                                    f"The data of the '{event.name}' event.")]
    out += ["", "", *typed_dict("Attributes", model.attributes, "The declared attributes.")]
    out += ["", "", "class Tracker(_TrackerBase):",
            '    """One typed method per declared event, and identify."""', ""]
    for event, method, type_name in zip(model.events, methods, types, strict=True):
        out += [*_method(event, method, type_name), ""]
    out += _identify(model.attributes)
    out += rt.RECORDER.rstrip("\n").split("\n")
    return "\n".join(out) + "\n"
