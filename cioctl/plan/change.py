"""A change to one resource, and the field-level differences it makes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cioctl.kinds.address import Address
from cioctl.kinds.registry import KIND_ORDER, Kind, Surface


class Action(StrEnum):
    """What a change does."""

    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    MANUAL = "manual"
    UNSUPPORTED = "unsupported"


SYMBOLS = {Action.CREATE: "+", Action.UPDATE: "~", Action.REPLACE: "-/+",
           Action.DELETE: "-", Action.MANUAL: "!", Action.UNSUPPORTED: "?"}


class Flag(StrEnum):
    """Things a reviewer of a messaging workspace should notice."""

    RUNNING_FLOW = "running_flow"
    RESETS_JOURNEYS = "resets_journeys"
    RENAME = "rename"
    ADOPT = "adopt"
    CREDENTIAL_MISSING = "credential_missing"


@dataclass(frozen=True)
class FieldChange:
    """One field's before and after (``None`` when absent on that side).

    ``path`` locates it precisely in the canonical fields (``steps[1].email.subject``, what
    ``ignore_changes`` names); ``label`` is the same place in words for a reviewer
    (``steps > email welcome > subject``, :mod:`cioctl.plan.labels`)."""

    path: str
    before: Any = None
    after: Any = None
    label: str = ""


@dataclass(frozen=True)
class Change:
    """One planned change, with everything apply needs and a reviewer should see."""

    action: Action
    kind: Kind
    key: str
    name: str
    surface: Surface
    credential: str
    live_id: int | None = None
    fields: tuple[FieldChange, ...] = ()
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    depends_on: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    audience: int | None = None
    reason: str | None = None

    @property
    def ref(self) -> Address:
        """The resource's :class:`Address` (kind + key), how every lookup names it."""
        return Address(self.kind, self.key)

    @property
    def address(self) -> str:
        """``kind:key``, the string form plans, the ledger and ``--target`` use."""
        return str(self.ref)

    @property
    def executable(self) -> bool:
        """Whether apply can carry it out (not manual / unsupported / missing a credential)."""
        return self.action not in (Action.MANUAL, Action.UNSUPPORTED) and \
            Flag.CREDENTIAL_MISSING not in self.flags

    def sort_key(self) -> tuple[int, int, str]:
        """Kinds in dependency order; deletes last."""
        return (1 if self.action is Action.DELETE else 0, KIND_ORDER[self.kind], self.key)
