"""The fast path of ``events check``: valid payloads decoded and checked in one msgspec pass.

Each declared event becomes a msgspec Struct tagged by its name, with a ``data`` Struct whose
fields are the declared properties (their JSON types, required or not, string or integer enums
as ``Literal``) and which forbids undeclared ones. Decoding a payload as the union of these
Structs is JSON parsing and most of the check at once, in C. Formats are then tested on the few
properties that declare one.

The fast path only ever says "valid, no findings": anything it does not accept (an error, a
warning, an alias such as ``event``/``properties``, ``3.0`` for an integer, an enum it cannot
express) goes to the full checker (:class:`cioctl.events.check.Checker`), which decides and
explains. So its verdicts are the full checker's, and a test holds them to that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Union

import msgspec

from cioctl.events.formats import FORMAT_TESTS, FormatTest
from cioctl.events.schema import property_format
from cioctl.model.data import Event, PropertySpec
from cioctl.model.types import ValueType

_TYPES: dict[ValueType, Any] = {
    ValueType.STRING: str,
    ValueType.NUMBER: float,  # msgspec's float takes JSON integers too, never booleans
    ValueType.INTEGER: int,  # JSON 3.0 is not taken: the full checker accepts it
    ValueType.BOOLEAN: bool,
    ValueType.TIMESTAMP: int | str,
    ValueType.ARRAY: list[Any],
    ValueType.OBJECT: dict[str, Any],
}
_ERRORS = (msgspec.MsgspecError, ValueError, RecursionError)
Formats = tuple[tuple[str, FormatTest], ...]


def _field_type(spec: PropertySpec) -> Any | None:
    """The msgspec type of one property, or None when msgspec cannot express its enum."""
    if spec.enum is None:
        return _TYPES[spec.type]
    if spec.type is ValueType.STRING and all(isinstance(v, str) for v in spec.enum):
        return Literal[tuple(spec.enum)]
    if spec.type in (ValueType.INTEGER, ValueType.NUMBER) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in spec.enum):
        return Literal[tuple(spec.enum)]
    return None


def _event_struct(event: Event, index: int) -> tuple[type[msgspec.Struct], Formats] | None:
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    rename: dict[str, str] = {}
    formats: list[tuple[str, FormatTest]] = []
    for number, (name, spec) in enumerate(event.properties.items()):
        kind = _field_type(spec)
        if kind is None:
            return None
        attr = f"p{number}"  # property names need not be identifiers
        rename[attr] = name
        fields.append((attr, kind) if spec.required else
                      (attr, kind | msgspec.UnsetType, msgspec.UNSET))
        fmt = property_format(spec)
        if fmt is not None:
            formats.append((attr, FORMAT_TESTS[fmt]))
    data = msgspec.defstruct(f"Data{index}", fields, rename=rename, forbid_unknown_fields=True)
    required = any(spec.required for spec in event.properties.values())
    top: list[tuple[str, Any] | tuple[str, Any, Any]] = [
        ("data", data) if required else ("data", data | msgspec.UnsetType, msgspec.UNSET),
        # present without "data", it is what the full checker reads: that is its case
        ("properties", msgspec.Raw | msgspec.UnsetType, msgspec.UNSET)]
    return msgspec.defstruct(f"Event{index}", top, tag_field="name", tag=event.name), tuple(
        formats)


class FastPath:
    """``valid_event(raw)``: the event of a payload that is valid, else None."""

    def __init__(self, events: Sequence[Event]) -> None:
        structs: dict[type[msgspec.Struct], tuple[str, Formats]] = {}
        for index, event in enumerate(events):
            built = _event_struct(event, index)
            if built is not None:
                structs[built[0]] = (event.name, built[1])
        self._events = structs
        self._decode = (msgspec.json.Decoder(Union[tuple(structs)]).decode  # noqa: UP007
                        if structs else None)

    def valid_event(self, raw: bytes) -> str | None:
        """The payload's event when it is valid with no finding at all; None when the full
        checker must look (it may still be valid)."""
        if self._decode is None:
            return None
        try:
            payload = self._decode(raw)
        except _ERRORS:
            return None
        name, formats = self._events[type(payload)]
        data = payload.data
        if data is msgspec.UNSET:
            return None if payload.properties is not msgspec.UNSET else name
        for attr, test in formats:
            if not test(getattr(data, attr)):  # UNSET is not a string: it passes
                return None
        return name
