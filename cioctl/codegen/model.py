"""The typed intermediate model every codegen target renders: events, their fields, the
declared attributes, and the digest of the definitions they came from.

The model is built once from the validated workspace and is ordered by name, so the output of
every target depends only on what the definitions say (never on file layout or load order).
Identifiers are chosen per target (each language has its own keywords and conventions) with
:func:`unique_identifiers`.
"""

from __future__ import annotations

import hashlib
import json
import keyword
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cioctl import __version__
from cioctl.events.schema import property_format
from cioctl.model.data import Attribute, Event, PropertySpec, Scalar
from cioctl.model.types import ValueType


@dataclass(frozen=True)
class Field:
    """One key of an event's data (or one person attribute) and what its value must be."""

    key: str
    type: ValueType
    required: bool
    enum: tuple[Scalar, ...] | None
    format: str | None
    """The format checked at runtime (``email``, ``uri``, ``date``, ``date-time``), or None."""
    description: str | None


@dataclass(frozen=True)
class EventModel:
    """One declared event."""

    name: str
    description: str | None
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class CodegenModel:
    """Everything a target renders."""

    workspace: str
    events: tuple[EventModel, ...]
    attributes: tuple[Field, ...]
    digest: str
    """sha256 of the canonical JSON of the event and attribute definitions."""
    version: str


CHECKED_FORMATS = frozenset({"email", "uri", "date", "date-time"})
"""The formats ``events check`` tests; any other (``phone``) is documentation only."""


def _field(key: str, spec: PropertySpec) -> Field:
    return Field(key=key, type=spec.type, required=spec.required,
                 enum=tuple(spec.enum) if spec.enum is not None else None,
                 format=property_format(spec), description=spec.description)


def _attribute(attribute: Attribute) -> Field:
    fmt = attribute.format
    if fmt is None and attribute.type is ValueType.TIMESTAMP:
        fmt = "date-time"
    return Field(key=attribute.name, type=attribute.type, required=False,
                 enum=tuple(attribute.enum) if attribute.enum is not None else None,
                 format=fmt if fmt in CHECKED_FORMATS else None,
                 description=attribute.description)


def definitions_digest(events: Sequence[Event], attributes: Sequence[Attribute]) -> str:
    """sha256 of the definitions codegen reads, in a canonical form (sorted, JSON)."""
    document = {
        "events": sorted((e.model_dump(mode="json") for e in events), key=lambda d: d["name"]),
        "attributes": sorted((a.model_dump(mode="json") for a in attributes),
                             key=lambda d: d["name"]),
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def build_model(workspace: str, events: Sequence[Event],
                attributes: Sequence[Attribute]) -> CodegenModel:
    """The model of a workspace's events and attributes, sorted by name."""
    return CodegenModel(
        workspace=workspace,
        events=tuple(
            EventModel(e.name, e.description,
                       tuple(_field(k, e.properties[k]) for k in sorted(e.properties)))
            for e in sorted(events, key=lambda e: e.name)),
        attributes=tuple(_attribute(a) for a in sorted(attributes, key=lambda a: a.name)),
        digest=definitions_digest(events, attributes),
        version=__version__,
    )


# ---------------------------------------------------------------- identifiers

_WORD = re.compile(r"[A-Za-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")

PYTHON_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
TYPESCRIPT_RESERVED = frozenset({
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do",
    "else", "enum", "export", "extends", "false", "finally", "for", "function", "if", "import",
    "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true",
    "try", "typeof", "var", "void", "while", "with", "as", "implements", "interface", "let",
    "package", "private", "protected", "public", "static", "yield", "any", "boolean",
    "constructor", "declare", "get", "module", "require", "number", "set", "string", "symbol",
    "type", "from", "of", "await", "async", "undefined",
})


def words(name: str) -> list[str]:
    """``signed up``, ``signedUp``, ``signed-up`` → ``["signed", "up"]``."""
    return [w.lower() for part in _WORD.findall(name) for w in _CAMEL.split(part) if w]


def snake(name: str) -> str:
    """``signed_up`` (``e_`` before a leading digit; ``event`` when nothing is left)."""
    text = "_".join(words(name)) or "event"
    return f"e_{text}" if text[0].isdigit() else text


def camel(name: str) -> str:
    """``signedUp``."""
    parts = snake(name).split("_")
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def pascal(name: str) -> str:
    """``SignedUp``."""
    return "".join(p.capitalize() for p in snake(name).split("_"))


def unique_identifiers(bases: Iterable[str], reserved: frozenset[str],
                       sep: str = "_") -> list[str]:
    """Each base made unique, in order: a reserved word gets ``_``, a repeat ``_2``, ``_3``…
    (``2``, ``3``… with ``sep=""``, for camelCase)."""
    taken = set(reserved)
    chosen = []
    for base in bases:
        candidate = f"{base}_" if base in reserved else base
        number = 2
        while candidate in taken:
            candidate = f"{base}{sep}{number}"
            number += 1
        taken.add(candidate)
        chosen.append(candidate)
    return chosen
