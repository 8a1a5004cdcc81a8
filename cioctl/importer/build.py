"""A :class:`LiveState` → definitions data per kind, checked to map back to the same canonical
fields (so ``plan`` right after an import shows no changes).

Every item is validated by its model and turned back into canonical fields with the very
functions ``plan`` uses (:func:`cioctl.state.desired.desired_resources`); an item that does not
validate becomes a commented stub saying why, one whose fields would differ keeps a comment
naming the fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cioctl.importer.infer import Usage, usage_of
from cioctl.kinds import collection as collection_kind
from cioctl.kinds import flow as flow_kind
from cioctl.kinds import reporting_webhook as webhook_kind
from cioctl.kinds import segment as segment_kind
from cioctl.kinds import snippet as snippet_kind
from cioctl.kinds.address import Address
from cioctl.kinds.condition_words import Data, UnrepresentableError
from cioctl.kinds.registry import KINDS, Kind
from cioctl.model.base import Spec, slugify
from cioctl.model.config import LOCAL, WorkspaceConfig
from cioctl.model.workspace import KIND_MODELS, Workspace
from cioctl.state.desired import desired_resources
from cioctl.state.live import LiveState
from cioctl.state.resource import Resource

TYPE_UNREADABLE = "type not readable from Customer.io; set it"
TYPE_INFERRED = "type inferred from how conditions use it; check it"
PLURAL = {kind: info.plural for kind, info in KINDS.items()}
_ADOPT = {
    True: "not managed by cioctl yet: plan shows an adopt update (tag cioctl:KEY); after the "
          "first apply it is tagged and plan shows no change",
    False: "not managed by cioctl yet: plan shows an adopt update; after the first apply it "
           "is recorded as managed and plan shows no change",
}


@dataclass
class Entry:
    """One definition to write (``data``), or only comments when it could not be imported."""

    data: Data | None
    comments: list[str] = field(default_factory=list)
    type_note: str | None = None


@dataclass
class Document:
    """Everything imported of one kind; ``unreadable`` says why the kind was not imported."""

    kind: Kind
    entries: list[Entry] = field(default_factory=list)
    unreadable: str | None = None

    @property
    def imported(self) -> int:
        """How many definitions were imported."""
        return sum(1 for e in self.entries if e.data is not None)


@dataclass
class Imported:
    """Every kind's document and what the import could not do exactly."""

    documents: dict[Kind, Document]
    warnings: list[str] = field(default_factory=list)


def _sorted(live: LiveState, kind: Kind) -> list[Resource]:
    return sorted((r for r in live.resources.values() if r.kind is kind), key=lambda r: r.key)


def _entry(kind: Kind, resource: Resource, make: Callable[[], Data]) -> Entry:
    label = f"{kind} '{resource.name}'"
    try:
        data = make()
        KIND_MODELS[PLURAL[kind]].model_validate(data)
    except UnrepresentableError as problem:
        return Entry(None, [f"{label} not imported: {problem}"])
    except ValidationError as problem:
        first = problem.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return Entry(None, [f"{label} not imported: {where}: {first['msg']}"])
    return Entry(data, [] if resource.managed else [_ADOPT[KINDS[kind].tagged]])


def typed_values(node: Any) -> Any:
    """Comparison values read back without a declared type are the wire's strings (evidence
    §4: values are strings): ``"true"``/``"false"`` and decimal numbers are imported as what
    they spell, so the inferred type fits and writing them again gives the same strings."""
    if isinstance(node, list):
        return [typed_values(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: typed_values(v) for k, v in node.items()}
    if "operator" in node and "value" in node:
        out["value"] = _typed(node["value"])
    return out


def _typed(value: Any) -> Any:
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if not isinstance(value, str):
        return value
    if value in ("true", "false"):
        return value == "true"
    if re.fullmatch(r"-?(0|[1-9][0-9]{0,15})", value):
        return int(value)
    if re.fullmatch(r"-?(0|[1-9][0-9]*)\.[0-9]*[1-9]", value):
        return float(value)
    return value


# What each kind's module writes back; conditions' values typed (the wire's strings).
_MAKERS: dict[Kind, Callable[[Resource], Data]] = {
    Kind.SNIPPET: snippet_kind.to_definition, Kind.COLLECTION: collection_kind.to_definition,
    Kind.REPORTING_WEBHOOK: webhook_kind.to_definition,
    Kind.SEGMENT: lambda r: typed_values(segment_kind.to_definition(r)),
    Kind.FLOW: lambda r: typed_values(flow_kind.to_definition(r)),
}


def definition_data(resource: Resource) -> Data:
    """The definitions mapping of one canonical snippet, collection, reporting webhook, segment
    or flow (raises :class:`UnrepresentableError` when the format cannot express it)."""
    return _MAKERS[resource.kind](resource)


def _structured(live: LiveState, documents: dict[Kind, Document]) -> None:
    for kind in _MAKERS:
        if kind not in documents:
            documents[kind] = Document(kind, [_entry(kind, r, partial(definition_data, r))
                                              for r in _sorted(live, kind)])


def _data_of(documents: dict[Kind, Document], kind: Kind) -> list[Data]:
    document = documents.get(kind)
    return [e.data for e in document.entries if e.data is not None] if document else []


def _attributes(live: LiveState, usage: Usage) -> Document:
    from cioctl.checks.symbols import BUILTIN_ATTRIBUTES

    document = Document(Kind.ATTRIBUTE)
    readable = {r.key: r for r in _sorted(live, Kind.ATTRIBUTE)}
    names = set(readable) | {n for n in usage.attributes if n not in BUILTIN_ATTRIBUTES}
    for name in sorted(names):
        resource = readable.get(name) or Resource(Kind.ATTRIBUTE, name, name, {}, managed=True)
        value_type, inferred = usage.attribute_type(name)
        data: Data = {"name": name, "type": str(value_type)}
        if resource.fields.get("description"):
            data["description"] = resource.fields["description"]
        if resource.fields.get("privacy_level") == 1:
            data["sensitive"] = True
        entry = _entry(Kind.ATTRIBUTE, resource, partial(dict, data))
        entry.type_note = TYPE_INFERRED if inferred else TYPE_UNREADABLE
        if name not in readable:
            entry.comments = ["not in the workspace's data index; declared because the "
                              "definitions use it (plan shows it as a create)"]
        document.entries.append(entry)
    return document


def _events(live: LiveState, usage: Usage) -> Document:
    document = Document(Kind.EVENT)
    readable = {r.key: r for r in _sorted(live, Kind.EVENT)}
    for name in sorted(set(readable) | usage.events | set(usage.properties)):
        resource = readable.get(name) or Resource(Kind.EVENT, name, name, {}, managed=True)
        data: Data = {"name": name}
        if resource.fields.get("description"):
            data["description"] = resource.fields["description"]
        properties = usage.property_types(name)
        if properties:
            data["properties"] = {p: {"type": str(t)} for p, t in properties.items()}
        entry = _entry(Kind.EVENT, resource, partial(dict, data))
        if properties:
            entry.comments.append("properties: only those the definitions use; their types "
                                  "are inferred, not read from Customer.io")
        if name not in readable:
            entry.comments.append("not in the workspace's data index; declared because the "
                                  "definitions use it (plan shows it as a create)")
        document.entries.append(entry)
    return document


def import_live(live: LiveState, unreadable_reason: Callable[[Kind], str]) -> Imported:
    """Definitions data for everything readable in ``live``, checked against it."""
    documents = {kind: Document(kind, unreadable=unreadable_reason(kind))
                 for kind in live.unreadable}
    _structured(live, documents)
    usage = usage_of(_data_of(documents, Kind.SEGMENT), _data_of(documents, Kind.FLOW),
                     _data_of(documents, Kind.SNIPPET))
    if Kind.ATTRIBUTE not in documents:
        documents[Kind.ATTRIBUTE] = _attributes(live, usage)
    if Kind.EVENT not in documents:
        documents[Kind.EVENT] = _events(live, usage)
    imported = Imported({k: documents[k] for k in Kind})
    imported.warnings += verify(imported, live)
    return imported


def models_of(imported: Imported) -> Workspace:
    """The imported definitions as a :class:`Workspace` (for checks and verification)."""
    lists: dict[str, tuple[Spec, ...]] = {}
    for kind, document in imported.documents.items():
        model = KIND_MODELS[PLURAL[kind]]
        lists[PLURAL[kind]] = tuple(model.model_validate(e.data)
                                    for e in document.entries if e.data is not None)
    return Workspace(root=Path(), config=WorkspaceConfig(workspace="import"),
                     environment_name="import", environment=LOCAL,
                     **lists)  # type: ignore[arg-type]


def verify(imported: Imported, live: LiveState) -> list[str]:
    """Which imported definitions would not plan as unchanged (comments are added to them)."""
    from cioctl.checks import run_checks

    workspace = models_of(imported)
    desired = desired_resources(workspace)
    warnings: list[str] = []
    for kind, document in imported.documents.items():
        for entry in document.entries:
            if entry.data is None:
                continue
            key = _key_of(kind, entry.data)
            address = Address(kind, key)
            resource, actual = live.resources.get(address), desired.get(address)
            if resource is None or actual is None or resource.fields == actual.fields:
                continue
            differing = sorted(f for f in resource.fields
                               if resource.fields.get(f) != actual.fields.get(f))
            note = f"differs from the live {kind} in: {', '.join(differing)}; plan shows an update"
            entry.comments.append(note)
            warnings.append(f"{kind} '{resource.name}' {note}")
    warnings += [f"imported definitions: {p.message}" for p in run_checks(workspace)]
    return warnings


def _key_of(kind: Kind, data: Data) -> str:
    if kind in (Kind.SEGMENT, Kind.FLOW, Kind.REPORTING_WEBHOOK):
        return str(data.get("key") or slugify(str(data["name"])))
    return str(data["name"])

