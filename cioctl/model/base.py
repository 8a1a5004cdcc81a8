"""Shared base of every definitions model: frozen, strict about keys, aware of locations."""

from __future__ import annotations

import re
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
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
MAX_DURATION_DAYS = 1825
"""The longest wait or window cioctl accepts: 5 years (1825d, 260w). Longer ones are almost
certainly a typo, and no flow or segment needs them."""
MAX_COUNT = 2**31 - 1
"""The largest event count (at_least / at_most / exactly): a signed 32-bit integer."""


def _within_limit(duration: str) -> str:
    if len(duration) > 12 or duration_seconds(duration) > MAX_DURATION_DAYS * 86400:
        raise ValueError(f"duration {duration[:24]} is longer than the limit of "
                         f"{MAX_DURATION_DAYS}d (5 years)")
    return duration


def _not_zero(duration: str) -> str:
    if duration_seconds(duration) == 0:
        raise ValueError(f"a window of {duration} is empty; give at least 1s")
    return duration


Duration = Annotated[
    str,
    Field(pattern=DURATION_PATTERN, description="A duration such as 30s, 5m, 2h, 1d, 2w "
          f"(at most {MAX_DURATION_DAYS}d)"),
    AfterValidator(_within_limit),
]
Window = Annotated[Duration, AfterValidator(_not_zero)]
"""A time window (``within``, a goal, a ``wait_until`` ``max``): not zero."""


def _count_in_range(value: Any) -> Any:
    number = value
    if isinstance(value, str):  # YAML reads 1e29 (no dot) as a string
        try:
            number = float(value)
        except ValueError:
            return value
    if isinstance(number, int | float) and not isinstance(number, bool) and \
            not 0 <= number <= MAX_COUNT:
        raise ValueError(f"{value} is out of range: a count is 0 to {MAX_COUNT:,} (2^31 - 1)")
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return value


Count = Annotated[int, BeforeValidator(_count_in_range), Field(ge=0, le=MAX_COUNT)]
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

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def duration_seconds(duration: str) -> int:
    """``"5m"`` → 300."""
    return int(duration[:-1]) * UNIT_SECONDS[duration[-1]]


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
    unsupported_keys: ClassVar[dict[str, str]] = {}
    """Keys users plausibly write that no Customer.io API can store → why, and what to do.
    They are rejected at their line rather than accepted and silently never applied."""

    @model_validator(mode="wrap")
    @classmethod
    def _locate_and_check_keys(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        if isinstance(data, dict):
            _reject_unsupported_keys(cls.unsupported_keys, data)
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


def _reject_unsupported_keys(unsupported: dict[str, str], data: dict[str, Any]) -> None:
    for key in unsupported.keys() & data.keys():
        raise PydanticCustomError(
            "unsupported_key", "'{key}' is not supported: {hint}",
            {"key": str(key), "hint": unsupported[key]},
        )


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
    previous_names: list[Name] = Field(
        default_factory=list, description="Earlier names, so a rename plans as an update"
    )
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)

    @model_validator(mode="after")
    def _default_key(self) -> Self:
        if not self.key:
            self.__dict__["key"] = slugify(self.name)
        return self
