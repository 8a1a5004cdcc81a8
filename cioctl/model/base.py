"""Shared base of every definitions model: frozen, strict about keys, aware of locations."""

from __future__ import annotations

import re
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cioctl.definitions.located import LocatedDict
from cioctl.errors import Location

DURATION_PATTERN = r"^[0-9]+(s|m|h|d|w)$"
Duration = Annotated[
    str,
    Field(pattern=DURATION_PATTERN, description="A duration such as 30s, 5m, 2h, 1d, 2w"),
]
Key = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9_]*$",
        max_length=100,
        description="Stable identifier: lowercase letters, digits and underscores",
    ),
]
Name = Annotated[str, Field(min_length=1, max_length=255)]
Description = Annotated[str, Field(max_length=255)]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def duration_seconds(duration: str) -> int:
    """``"5m"`` → 300."""
    return int(duration[:-1]) * _UNITS[duration[-1]]


def workspace_file(context: object, relative: str) -> Path:
    """A file named relative to the definitions file that mentions it, which must be inside
    the workspace folder once symlinks are resolved: definitions from a pull request must not
    read ``/proc/self/environ`` or ``~/.aws/credentials`` into a plan or an email body."""
    values = context if isinstance(context, dict) else {}
    base = Path(str(values.get("base_dir") or Path.cwd()))
    root = Path(str(values.get("root") or base))
    hint = (f"keep templates and data files inside the workspace folder ({root.resolve()}) and "
            "name them relative to this definitions file, e.g. ../templates/welcome.html")
    if Path(relative).is_absolute():
        raise PydanticCustomError("outside_workspace", "'{path}' is an absolute path; only "
                                  "files inside the workspace folder can be read",
                                  {"path": relative, "hint": hint})
    try:
        resolved, top = (base / relative).resolve(), root.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise PydanticCustomError("outside_workspace", "'{path}' cannot be resolved (a "
                                  "symlink loop?)", {"path": relative, "hint": hint}) from None
    if not resolved.is_relative_to(top):
        raise PydanticCustomError("outside_workspace", "'{path}' resolves to {resolved}, "
                                  "outside the workspace folder",
                                  {"path": relative, "resolved": str(resolved), "hint": hint})
    return resolved


def slugify(name: str) -> str:
    """The default key of a resource: its name, lowercased, non-alphanumerics as ``_``."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return slug or "unnamed"


@cache
def _accepted_keys(model: type[BaseModel]) -> frozenset[str]:
    names = {field.alias or name for name, field in model.model_fields.items()}
    return frozenset(names | set(model.model_fields))


class Spec(BaseModel):
    """Base of all definitions models.

    Unknown keys are rejected with the closest valid key suggested, and the location of the
    YAML mapping each model was built from is kept (``source``, ``field_source``) for checks.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, str_strip_whitespace=False
    )
    _located: LocatedDict | None = PrivateAttr(default=None)
    kind_label: ClassVar[str] = "definition"

    @model_validator(mode="wrap")
    @classmethod
    def _locate_and_check_keys(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        if isinstance(data, dict):
            _reject_unknown_keys(cls, data)
        model = handler(data)
        if isinstance(data, LocatedDict):
            model._located = data
        return model

    @property
    def source(self) -> Location | None:
        """Where this definition was written."""
        located = self._data()
        return located.loc if located is not None else None

    def _data(self) -> LocatedDict | None:
        # Read the private slot directly: pydantic's attribute fallback is slow on hot paths.
        private = self.__pydantic_private__
        return private.get("_located") if private else None

    def field_source(self, field: str) -> Location | None:
        """Where key ``field`` of this definition was written (falls back to the mapping)."""
        located = self._data()
        if located is None:
            return None
        return located.key_locs.get(field, located.loc)

    def value_source(self, field: str) -> Location | None:
        """Where the value of key ``field`` starts (for errors inside multi-line text)."""
        located = self._data()
        if located is not None and field in located.value_locs:
            return located.value_locs[field]
        return self.field_source(field)


def _reject_unknown_keys(model: type[BaseModel], data: dict[str, Any]) -> None:
    accepted = _accepted_keys(model)
    if accepted.issuperset(data):
        return
    for key in data:
        if key in accepted:
            continue
        close = get_close_matches(str(key), sorted(accepted), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else "valid keys: " + ", ".join(
            sorted(accepted)
        )
        raise PydanticCustomError(
            "unknown_key",
            "unknown key '{key}'; {hint}",
            {"key": str(key), "hint": hint},
        )


class Lifecycle(Spec):
    """How cioctl treats a live resource beyond its fields (like Terraform's ``lifecycle``)."""

    ignore_changes: list[str] = Field(
        default_factory=list,
        description="Fields edited in the Customer.io UI that plans should not revert",
    )
    prevent_destroy: bool = Field(
        default=False, description="Refuse any plan that would delete or replace this resource"
    )


class Keyed(Spec):
    """A resource identified in plans by a stable key (a slug of its name by default)."""

    name: Name
    key: Key = Field(default="", description="Stable identifier; defaults to a slug of name")
    description: Description | None = None
    previous_names: list[Name] = Field(
        default_factory=list, description="Earlier names, so a rename plans as an update"
    )
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)

    @model_validator(mode="after")
    def _default_key(self) -> Self:
        if not self.key:
            self.__dict__["key"] = slugify(self.name)
        return self
