"""What a workspace declares, by name, for reference checks."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches

from cioctl.model.data import Attribute, Event
from cioctl.model.segments import Segment
from cioctl.model.types import ValueType
from cioctl.model.workspace import Workspace

BUILTIN_ATTRIBUTES: dict[str, ValueType] = {
    "id": ValueType.STRING,
    "cio_id": ValueType.STRING,
    "email": ValueType.STRING,
    "created_at": ValueType.TIMESTAMP,
    "unsubscribed": ValueType.BOOLEAN,
}


@dataclass(frozen=True)
class Symbols:
    """Declared attributes (with types), events, segments, snippets and collections."""

    attributes: dict[str, ValueType]
    attribute_enums: dict[str, list[object]]
    events: dict[str, Event]
    segments: dict[str, Segment]
    snippets: frozenset[str]
    collections: frozenset[str]
    invalid_keys: dict[str, frozenset[str]]
    """Keys of definitions that failed validation, per kind: not reported again as unknown."""

    @classmethod
    def of(cls, workspace: Workspace) -> Symbols:
        """Index a workspace's declarations."""
        attributes = {**BUILTIN_ATTRIBUTES, **{a.name: a.type for a in workspace.attributes}}
        return cls(
            attributes=attributes,
            attribute_enums=_enums(workspace.attributes),
            events={e.name: e for e in workspace.events},
            segments={s.key: s for s in workspace.segments},
            snippets=frozenset(s.name for s in workspace.snippets),
            collections=frozenset(c.name for c in workspace.collections),
            invalid_keys=workspace.invalid_keys,
        )

    def invalid(self, kind: str, key: str) -> bool:
        """Whether ``key`` names a ``kind`` definition that failed validation."""
        return key in self.invalid_keys.get(kind, frozenset())


def _enums(attributes: tuple[Attribute, ...]) -> dict[str, list[object]]:
    return {a.name: list(a.enum) for a in attributes if a.enum}


def did_you_mean(name: str, candidates: object, what: str) -> str:
    """A fix hint: the closest declared name, or how to declare one."""
    close = get_close_matches(name, list(candidates), n=1, cutoff=0.6)  # type: ignore[call-overload]
    if close:
        return f"did you mean '{close[0]}'?"
    return f"declare it under '{what}:'"
