"""The fast path of ``events check``: valid payloads decoded and checked in one msgspec pass.

Each declared event's ``data`` becomes a msgspec Struct whose fields are the declared
properties (their JSON types, required or not, string or integer enums as ``Literal``) and
which forbids undeclared ones. A payload's envelope (``name``, ``data`` kept raw) is decoded
first; the name picks the event's decoder, and decoding ``data`` with it is JSON parsing and
most of the check at once, in C. Formats are then tested on the few properties that declare
one.

The fast path only ever says "valid, no findings": anything it does not accept (an error, a
warning, an alias such as ``event``/``properties``, ``3.0`` for an integer, an enum it cannot
express) goes to the full checker (:class:`cioctl.events.check.Checker`), which decides and
explains. So its verdicts are the full checker's, and a test holds them to that.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

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


class Envelope(msgspec.Struct):
    """A payload's outside: the event name, and ``data`` left undecoded until the name picks
    the Struct (one decoder per event is faster than one over a union of thousands)."""

    name: str
    data: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    # present without "data", it is what the full checker reads: that is its case
    properties: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


@dataclass(frozen=True)
class _EventPath:
    decode: Callable[[msgspec.Raw], Any]
    required: bool
    formats: Formats


def _event_path(event: Event, index: int) -> _EventPath | None:
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
    return _EventPath(msgspec.json.Decoder(data).decode, required, tuple(formats))


class FastPath:
    """``valid_event(raw)``: the event of a payload that is valid, else None."""

    def __init__(self, events: Sequence[Event]) -> None:
        self._paths: dict[str, _EventPath] = {}
        for index, event in enumerate(events):
            path = _event_path(event, index)
            if path is not None:
                self._paths[event.name] = path
        self._envelope = msgspec.json.Decoder(Envelope).decode

    def valid_event(self, raw: bytes) -> str | None:
        """The payload's event when it is valid with no finding at all; None when the full
        checker must look (it may still be valid)."""
        try:
            envelope = self._envelope(raw)
            path = self._paths.get(envelope.name)
            if path is None:
                return None
            if envelope.data is msgspec.UNSET:
                absent_ok = envelope.properties is msgspec.UNSET and not path.required
                return envelope.name if absent_ok else None
            data = path.decode(envelope.data)
        except _ERRORS:
            return None
        for attr, test in path.formats:
            if not test(getattr(data, attr)):  # UNSET is not a string: it passes
                return None
        return envelope.name
