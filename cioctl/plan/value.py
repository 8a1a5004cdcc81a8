"""The plan as a frozen value: what apply will do, exactly, and where it came from."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from cioctl.credential_gate import MissingCredential
from cioctl.errors import ConfigError
from cioctl.kinds.address import Address
from cioctl.kinds.registry import Kind
from cioctl.plan.change import Action, Change

PLAN_FORMAT = 3
"""2: plans carry ``changes_digest`` (format 1 plans cannot be verified and are refused).
3: segments and flows are in the definitions' words (``within: 30d``, ``steps[1].email``, not
the codec's ``within_seconds`` and ``content``) and every field change has a ``label``: apply
would read a format 2 plan's fields wrongly, so it is refused."""


class TamperedPlanError(ConfigError):
    """A saved plan whose changes are not the ones it was written with."""


@dataclass(frozen=True)
class Unmanaged:
    """A live resource cioctl leaves alone (not in code, not owned)."""

    kind: str
    key: str
    name: str

    @property
    def address(self) -> Address:
        """The resource's :class:`Address`."""
        return Address(Kind(self.kind), self.key)


@dataclass(frozen=True)
class OwnershipWrite:
    """Ownership that apply records along with a change: a row of the ``cioctl_managed`` ledger
    collection (``via="ledger"``, ``entry`` the recorded address) or a segment's or flow's
    ``cioctl:<key>`` tag (``via="tag"``, ``entry`` the tag)."""

    address: str
    via: Literal["ledger", "tag"]
    op: Literal["add", "remove"]
    entry: str


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
    ownership: tuple[OwnershipWrite, ...] = ()
    creates_ledger: bool = False
    changes_digest: str = ""
    """sha256 of the canonical JSON of ``changes`` and the ownership writes: a saved plan is
    applied exactly as shown (apply recomputes them and refuses any difference) or not at all."""
    missing_credentials: tuple[MissingCredential, ...] = ()
    """Credentials the environment lacked, planned anyway with ``--allow-missing``: the kinds
    they read were not read, every rendering says so, and apply refuses the plan."""

    def __post_init__(self) -> None:
        # Always computed, never taken from the caller or a file: a plan derived with
        # ``replace`` can't carry a stale digest, and load_plan compares the file's own.
        object.__setattr__(self, "changes_digest", plan_digest(self))

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
        """Versioned, stable JSON text, keys in the model's order (not sorted): ``show`` lists
        a loaded plan's fields in the order they are saved, which must be the order ``plan``
        shows them in."""
        return json.dumps(self.to_data(), indent=2, ensure_ascii=False) + "\n"


_ADAPTER: TypeAdapter[Plan] = TypeAdapter(Plan)


# What apply will do, and what a reviewer is told about it: a saved plan's digest covers these.
_DIGESTED = ("changes", "ownership", "creates_ledger", "ledger_merge", "missing_credentials")


def plan_digest(plan: Plan, *, with_audience: bool = True) -> str:
    """``sha256:`` of the plan's changes, ownership writes, ledger merges and missing
    credentials as canonical JSON (sorted keys, no whitespace).

    ``with_audience=False`` leaves out each segment's audience size: a reading shown to the
    reviewer, not something apply does, and it moves between plan and apply on its own.
    """
    if not with_audience:
        plan = replace(plan, changes=tuple(replace(c, audience=None) for c in plan.changes))
    dumped = _ADAPTER.dump_python(plan, mode="json")
    data = {name: dumped[name] for name in _DIGESTED}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def plan_json_schema() -> dict[str, Any]:
    """JSON Schema of a saved plan file."""
    schema = _ADAPTER.json_schema(mode="serialization")
    schema["properties"]["summary"] = {
        "type": "object", "additionalProperties": {"type": "integer"}}
    schema["required"] = sorted({*schema.get("required", []), "summary", "format",
                                 "changes_digest"})
    return schema


def load_plan(path: Path) -> Plan:
    """A plan saved with ``plan --out``; refuses other versions and damaged files."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read plan file {path}: {exc}",
                          hint="pass a file written by 'cioctl plan --out FILE'") from None
    if not isinstance(data, dict) or "format" not in data:
        raise ConfigError(f"{path} is not a cioctl plan of format {PLAN_FORMAT}",
                          hint="re-create it with this version: cioctl plan --out FILE")
    if data.get("format") != PLAN_FORMAT:
        raise ConfigError(
            f"{path} is a plan of format {data.get('format')!r}, written by another cioctl "
            f"version (cioctl {data.get('cioctl_version', '?')}); this cioctl reads and applies "
            f"only plans of format {PLAN_FORMAT}",
            hint="re-run 'cioctl plan --out FILE' with this version, review it, and apply that")
    data.pop("summary", None)
    stored = data.get("changes_digest")
    if not isinstance(stored, str) or not stored:
        raise ConfigError(f"{path} has no changes_digest, so what it would apply cannot be "
                          "verified", hint="re-create it with cioctl plan --out FILE")
    try:
        plan = _ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise ConfigError(f"{path} is not a valid plan: {exc.error_count()} problem(s), first: "
                          f"{exc.errors()[0]['msg']}", hint="re-create it with cioctl plan --out") \
            from None
    if plan_digest(plan) != stored:
        raise TamperedPlanError(
            f"{path} was modified after it was written: its changes do not match its "
            "changes_digest; it is neither shown nor applied", hint="do not edit plan files; "
            "re-create it with cioctl plan --out FILE and review that plan")
    return plan
