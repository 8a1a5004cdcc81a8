"""The TypeScript target: one module with an interface per event's data, a method per event
over customerio-node's ``TrackClient`` (or any ``{track(id, {name, data})}``, or a function),
a typed ``identify``, runtime validation and a recorder. It passes ``tsc --strict --noEmit``
without Node's or the DOM's type declarations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from cioctl.codegen import typescript_runtime as rt
from cioctl.codegen.model import (
    TYPESCRIPT_RESERVED,
    CodegenModel,
    Field,
    camel,
    pascal,
    unique_identifiers,
)
from cioctl.codegen.python import header
from cioctl.events.formats import _DATE_TIME, _URI
from cioctl.model.types import ValueType

_BASE: dict[ValueType, str] = {
    ValueType.STRING: "string", ValueType.NUMBER: "number", ValueType.INTEGER: "number",
    ValueType.BOOLEAN: "boolean", ValueType.TIMESTAMP: "number | string",
    ValueType.ARRAY: "unknown[]", ValueType.OBJECT: "Record<string, unknown>",
}
TRACKER_MEMBERS = frozenset({"track", "identify", "validation", "send", "deliver", "calls",
                             "events", "identified", "clear", "constructor"})
TYPE_NAMES = frozenset({"Attributes", "Tracker", "RecordingTracker", "Call", "Problem", "Send",
                        "EventData", "EventName", "Validation", "TrackOptions", "FieldSpec",
                        "Fields", "TrackClientLike", "TrackerBase", "Env"})
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def literal(value: object) -> str:
    """A TypeScript literal for a JSON scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return repr(int(value)) if abs(value) < 1e16 else repr(value)
    return json.dumps(value, ensure_ascii=False)


def _key(key: str) -> str:
    return key if _IDENTIFIER.match(key) else json.dumps(key, ensure_ascii=False)


def ts_type(field: Field) -> str:
    """The type of a field's value: a union of literals for an enum."""
    if field.enum is not None:
        return " | ".join(literal(v) for v in field.enum)
    return _BASE[field.type]


def _comment(text: str | None, indent: str) -> list[str]:
    if not text:
        return []
    clean = " ".join(text.split()).replace("*/", "*\\/")
    return [f"{indent}/** {clean} */"]


def interface(name: str, fields: Sequence[Field], doc: str | None) -> list[str]:
    """An interface (``Record<string, never>`` when there is nothing to declare)."""
    if not fields:
        return [*_comment(doc, ""), f"export type {name} = Record<string, never>;"]
    lines = [*_comment(doc, ""), f"export interface {name} {{"]
    for field in fields:
        lines += _comment(field.description, "  ")
        optional = "" if field.required else "?"
        lines.append(f"  {_key(field.key)}{optional}: {ts_type(field)};")
    return [*lines, "}"]


def _table(fields: Sequence[Field], indent: str) -> list[str]:
    rows = []
    for f in fields:
        enum = ("[" + ", ".join(literal(v) for v in f.enum) + "]") if f.enum is not None \
            else "null"
        fmt = json.dumps(f.format) if f.format else "null"
        rows.append(f'{indent}[{json.dumps(f.key, ensure_ascii=False)}, {{ type: '
                    f'"{f.type.value}", required: {"true" if f.required else "false"}, '
                    f"enum: {enum}, format: {fmt} }}],")
    return rows


def typescript_methods(model: CodegenModel) -> list[str]:
    """The tracker's method for each event, in the model's order."""
    return unique_identifiers((camel(e.name) for e in model.events),
                              TRACKER_MEMBERS | TYPESCRIPT_RESERVED, sep="")


def render_typescript(model: CodegenModel) -> str:
    """The whole generated module."""
    methods = typescript_methods(model)
    types = unique_identifiers((pascal(m) + "Data" for m in methods), TYPE_NAMES)
    runtime = (rt.RUNTIME.replace("@@DATE_TIME@@", json.dumps(_DATE_TIME.pattern))
               .replace("@@URI@@", "  " + json.dumps(_URI.pattern)))
    out = [*header(model, "//"),
           f"/* Typed Customer.io tracking for the workspace {json.dumps(model.workspace)}. */",
           "/* eslint-disable */", runtime.rstrip("\n"), ""]
    for event, type_name in zip(model.events, types, strict=True):
        out += [*interface(type_name, event.fields, f"The data of the '{event.name}' event."),
                ""]
    out += [*interface("Attributes", model.attributes, "The declared person attributes."), ""]
    out += ["/** Each declared event's name and the type of its data. */",
            "export interface EventData {"]
    out += [f"  {json.dumps(e.name, ensure_ascii=False)}: {t};"
            for e, t in zip(model.events, types, strict=True)]
    out += ["}", "", "export type EventName = keyof EventData;", "",
            "const EVENTS: ReadonlyMap<string, Fields> = new Map<string, Fields>(["]
    for event in model.events:
        out += [f"  [{json.dumps(event.name, ensure_ascii=False)}, new Map<string, FieldSpec>(["
                , *_table(event.fields, "    "), "  ])],"]
    out += ["]);", "", "const ATTRIBUTES: Fields = new Map<string, FieldSpec>([",
            *_table(model.attributes, "  "), "]);", "",
            "/** One typed method per declared event, and identify. */",
            "export class Tracker extends TrackerBase {"]
    for event, method, type_name in zip(model.events, methods, types, strict=True):
        default = "" if any(f.required for f in event.fields) else " = {}"
        out += [*_comment(event.description, "  "),
                f"  {method}(personId: string, data: {type_name}{default}, "
                "options: TrackOptions = {}): unknown {",
                f"    return this.track(personId, {json.dumps(event.name, ensure_ascii=False)}"
                ", data, options);", "  }", ""]
    if out[-1] == "":
        out.pop()
    out += ["}", *rt.RECORDER.rstrip("\n").split("\n")]
    return "\n".join(out) + "\n"
