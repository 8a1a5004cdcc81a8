"""The plan as a frozen value: what apply will do, exactly, and where it came from."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from cioctl.errors import ConfigError
from cioctl.plan.change import Action, Change

PLAN_FORMAT = 1


@dataclass(frozen=True)
class Unmanaged:
    """A live resource cioctl leaves alone (not in code, not owned)."""

    kind: str
    key: str
    name: str


@dataclass(frozen=True)
class Plan:
    """An environment's ordered changes, with the checksum and fingerprint they came from."""

    workspace: str
    environment: str
    workspace_id: int | None
    backend: str
    cioctl_version: str
    definitions_checksum: str
    live_fingerprint: str
    changes: tuple[Change, ...] = ()
    unmanaged: tuple[Unmanaged, ...] = ()
    warnings: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    managed_count: int = 0
    format: int = PLAN_FORMAT
    ledger: tuple[str, ...] = field(default=())
    # Ids of further ``cioctl_managed`` collections (concurrent applies each created one):
    # apply merges their rows into the first and deletes them.
    ledger_merge: tuple[int, ...] = ()

    @property
    def summary(self) -> dict[str, int]:
        """How many changes of each action (every action listed, zeros included)."""
        counts = Counter(c.action for c in self.changes)
        return {str(action): counts.get(action, 0) for action in Action}

    @property
    def has_changes(self) -> bool:
        """Whether applying would do (or ask for) anything."""
        return bool(self.changes or self.ledger_merge)

    def to_data(self) -> dict[str, Any]:
        """The plan as JSON-ready data (the ``--out`` file and the JSON rendering)."""
        data: dict[str, Any] = _ADAPTER.dump_python(self, mode="json")
        data["summary"] = self.summary
        return data

    def to_json(self) -> str:
        """Versioned, stable JSON text."""
        return json.dumps(self.to_data(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


_ADAPTER: TypeAdapter[Plan] = TypeAdapter(Plan)


def plan_json_schema() -> dict[str, Any]:
    """JSON Schema of a saved plan file."""
    schema = _ADAPTER.json_schema(mode="serialization")
    schema["properties"]["summary"] = {
        "type": "object", "additionalProperties": {"type": "integer"}}
    schema["required"] = sorted({*schema.get("required", []), "summary", "format"})
    return schema


def load_plan(path: Path) -> Plan:
    """A plan saved with ``plan --out``; refuses other versions and damaged files."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read plan file {path}: {exc}",
                          hint="pass a file written by 'cioctl plan --out FILE'") from None
    if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT:
        raise ConfigError(f"{path} is not a cioctl plan of format {PLAN_FORMAT}",
                          hint="re-create it with this version: cioctl plan --out FILE")
    data.pop("summary", None)
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise ConfigError(f"{path} is not a valid plan: {exc.error_count()} problem(s), first: "
                          f"{exc.errors()[0]['msg']}", hint="re-create it with cioctl plan --out") \
            from None
