'''The fixed part of the generated Python module: problems, calls, validation, the tracker base.

It is text, not imported code: the generated module imports nothing from cioctl. The checks
mirror ``cioctl.events.schema`` and ``cioctl.events.formats`` (the agreement test holds them to
the same verdicts as ``cioctl events check``); ``@@DATE_TIME@@`` and ``@@URI@@`` are replaced
with those modules' own patterns.
'''

from __future__ import annotations

IMPORTS = """\
from __future__ import annotations

import calendar
import os
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, NamedTuple, Protocol, Required, TypedDict, runtime_checkable
"""

RUNTIME = '''
Validation = Literal["off", "warn", "raise"]
"""off: send as given · warn: send, and warn about each problem · raise: refuse to send."""

VALIDATION_MODES: tuple[Validation, ...] = ("off", "warn", "raise")


@dataclass(frozen=True)
class Problem:
    """One way a payload differs from its declaration (``error=False``: a warning)."""

    path: str
    message: str
    error: bool = True

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class TrackingValidationError(ValueError):
    """A call whose data does not match the definitions (validation="raise")."""

    def __init__(self, name: str, problems: list[Problem]) -> None:
        super().__init__(f"{name}: " + "; ".join(str(p) for p in problems))
        self.name = name
        self.problems = problems


class TrackingValidationWarning(UserWarning):
    """A call whose data does not match the definitions (validation="warn"); it was sent."""


@dataclass(frozen=True)
class Call:
    """One call the tracker sends: an event (``track``) or attributes (``identify``)."""

    kind: Literal["track", "identify"]
    person_id: str
    name: str | None
    data: Mapping[str, Any]
    timestamp: int | None = None


Send = Callable[[Call], object]
"""Any callable taking a :class:`Call` can stand in for a Customer.io client."""


@runtime_checkable
class TrackClient(Protocol):
    """What the tracker needs of a client; ``customerio.CustomerIO`` has both methods."""

    def track(self, customer_id: str, name: str, data: dict[str, Any] | None = None, *,
              timestamp: int | None = None) -> object: ...

    def identify(self, id: str, **attributes: Any) -> object: ...


class _Field(NamedTuple):
    key: str
    type: str
    required: bool
    enum: tuple[object, ...] | None
    format: str | None


_DATE = re.compile(r"^\\d{4}-\\d{2}-\\d{2}$", re.ASCII)
_DATE_TIME = re.compile(
@@DATE_TIME@@,
    re.ASCII,
)
_URI = re.compile(
@@URI@@)


def _is_integer(value: object) -> bool:
    if isinstance(value, int):
        return not isinstance(value, bool)
    return isinstance(value, float) and value.is_integer()


_TYPES: dict[str, tuple[Callable[[object], bool], str]] = {
    "string": (lambda v: isinstance(v, str), "string"),
    "number": (lambda v: isinstance(v, int | float) and not isinstance(v, bool), "number"),
    "integer": (_is_integer, "integer"),
    "boolean": (lambda v: isinstance(v, bool), "boolean"),
    "timestamp": (lambda v: isinstance(v, str) or _is_integer(v),
                  "timestamp (Unix seconds or an RFC 3339 date-time)"),
    "array": (lambda v: isinstance(v, list), "array"),
    "object": (lambda v: isinstance(v, dict), "object"),
}


def _is_date(value: str) -> bool:
    if _DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_date_time(value: str) -> bool:
    match = _DATE_TIME.match(value.upper())
    if match is None:
        return False
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    return year != 0 and 1 <= day <= calendar.monthrange(year, month)[1]


_FORMATS: dict[str, Callable[[str], bool]] = {
    "email": lambda v: "@" in v,
    "uri": lambda v: _URI.match(v) is not None,
    "date": _is_date,
    "date-time": _is_date_time,
}


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    for kind, name in ((float, "number"), (str, "string"), (list, "array"), (dict, "object")):
        if isinstance(value, kind):
            return name
    return "null"


def _in_enum(value: object, choices: tuple[object, ...]) -> bool:
    """JSON equality: ``true`` is not ``1``; ``1`` is ``1.0``."""
    if isinstance(value, bool):
        return any(c is value for c in choices)
    if isinstance(value, str | int | float):
        return any(c == value and not isinstance(c, bool) for c in choices)
    return False


def _value_problem(field: _Field, value: object) -> str | None:
    is_type, label = _TYPES[field.type]
    if not is_type(value):
        return f"expected {label}, got {_json_type(value)} {value!r:.60}"
    if field.enum is not None and not _in_enum(value, field.enum):
        return f"{value!r:.60} is not one of: " + ", ".join(str(c) for c in field.enum)
    if field.format is not None and isinstance(value, str) and not _FORMATS[field.format](value):
        return f"{value!r:.60} is not a valid {field.format}"
    return None


def _path(root: str, key: str) -> str:
    return f"{root}.{key}" if key.isidentifier() else f"{root}[{key!r}]"


def _check(fields: Mapping[str, _Field], data: Mapping[str, Any], root: str) -> list[Problem]:
    """Required keys first, then each key present; undeclared keys are warnings."""
    found = [Problem(_path(root, f.key), f"missing required property '{f.key}'")
             for f in fields.values() if f.required and f.key not in data]
    for key, value in data.items():
        field = fields.get(key)
        if field is None:
            found.append(Problem(_path(root, key), f"'{key}' is not a declared property", False))
            continue
        message = _value_problem(field, value)
        if message is not None:
            found.append(Problem(_path(root, key), message))
    return found


def validate_event(name: str, data: Mapping[str, Any]) -> list[Problem]:
    """The problems of an event's data, as ``cioctl events check`` finds them."""
    fields = _EVENTS.get(name)
    if fields is None:
        return [Problem("$.name", f"unknown event '{name}'")]
    return _check(fields, data, "$.data")


def validate_attributes(attributes: Mapping[str, Any]) -> list[Problem]:
    """The problems of a person's attributes against the declared attributes."""
    return _check(_ATTRIBUTES, attributes, "$.attributes")


def default_validation() -> Validation:
    """CIO_TRACKING_VALIDATION when set; else "raise" under pytest, "warn" elsewhere."""
    chosen = os.environ.get("CIO_TRACKING_VALIDATION", "")
    for mode in VALIDATION_MODES:
        if chosen == mode:
            return mode
    return "raise" if "PYTEST_CURRENT_TEST" in os.environ else "warn"


def _client_sender(client: TrackClient) -> Send:
    def send(call: Call) -> None:
        if call.kind == "track" and call.name is not None:
            client.track(call.person_id, call.name, dict(call.data), timestamp=call.timestamp)
        else:  # a declared "id" attribute is the person's id: customerio takes it as one
            client.identify(**{**call.data, "id": call.person_id})

    return send


class _TrackerBase:
    """Sends each call through a client or a callable, after validating it."""

    def __init__(self, client: TrackClient | Send, *,
                 validation: Validation | None = None) -> None:
        self.validation: Validation = validation or default_validation()
        self._send: Send = (_client_sender(client) if isinstance(client, TrackClient)
                            else client)

    def _deliver(self, call: Call, problems: list[Problem]) -> None:
        label = call.name or "identify"
        errors = [p for p in problems if p.error]
        if self.validation == "raise" and errors:
            raise TrackingValidationError(label, errors)
        if self.validation != "off" and problems:
            warnings.warn(TrackingValidationWarning(f"{label}: " + "; ".join(map(str, problems))),
                          stacklevel=4)
        self._send(call)

    def track(self, person_id: str, name: EventName, data: Mapping[str, Any], *,
              timestamp: int | None = None) -> None:
        """Send any declared event by name (the typed methods are better checked)."""
        problems = validate_event(name, data) if self.validation != "off" else []
        self._deliver(Call("track", person_id, name, dict(data), timestamp), problems)

    def _identify(self, person_id: str, attributes: Mapping[str, Any]) -> None:
        problems = validate_attributes(attributes) if self.validation != "off" else []
        self._deliver(Call("identify", person_id, None, dict(attributes)), problems)
'''

RECORDER = '''

class RecordingTracker(Tracker):
    """A tracker that records calls instead of sending them, for unit tests.

    Validation is "raise" unless told otherwise, so a test fails on a call the definitions
    would reject.
    """

    def __init__(self, *, validation: Validation = "raise") -> None:
        self.calls: list[Call] = []
        super().__init__(self.calls.append, validation=validation)

    def events(self, name: EventName | None = None) -> list[Call]:
        """The recorded events (``track`` calls), all or only those named ``name``."""
        return [c for c in self.calls if c.kind == "track" and name in (None, c.name)]

    def identified(self) -> list[Call]:
        """The recorded ``identify`` calls."""
        return [c for c in self.calls if c.kind == "identify"]

    def clear(self) -> None:
        """Forget every recorded call."""
        self.calls.clear()
'''
