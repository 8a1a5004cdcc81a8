"""``events check``: stream payloads out of JSON Lines or JSON array files and check each.

Files are read in chunks (a 1 GB file is never held at once): JSON Lines line by line, a JSON
array element by element. Every problem names the file, the line where the payload starts and
a JSON path; unreadable input (invalid JSON, not UTF-8, a payload over 1 MB) is a problem too.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO, NamedTuple

from cioctl.events.schema import Finding, Validate, compile_event, json_type
from cioctl.model.data import Event

MAX_PAYLOAD = 1 << 20  # bytes of one payload (a JSONL line, an array element)
CHUNK = 1 << 16
MAX_SUGGESTED = 256  # distinct unknown event names given a "did you mean"
# Summary buckets for payloads without a known event: not JSON or not a JSON object (both
# malformed), or an object naming no declared event.
MALFORMED = "<malformed>"
UNKNOWN = "<unknown event>"


class Unreadable(NamedTuple):
    """Input that is not a JSON value, and why."""

    message: str


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def _decode(raw: bytes) -> object:
    try:
        return _DECODER.decode(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        return Unreadable(f"not UTF-8 (byte {error.start + 1})")
    except json.JSONDecodeError as error:
        return Unreadable(f"invalid JSON: {error.msg} (column {error.colno})")
    except ValueError as error:
        return Unreadable(f"invalid JSON: {error}")
    except RecursionError:
        return Unreadable("invalid JSON: nested too deeply")


def read_payloads(stream: BinaryIO) -> Iterator[tuple[int, object]]:
    """``(line, value)`` for each payload, ``value`` an :class:`Unreadable` when it is not JSON.

    A stream whose first non-blank character is ``[`` is a JSON array; anything else is JSON
    Lines (blank lines are skipped).
    """
    head: list[bytes] = []
    while True:
        raw = stream.readline(MAX_PAYLOAD + 1)
        if not raw:
            return
        if not head:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        head.append(raw)
        if raw.strip():
            break
    if raw.lstrip().startswith(b"["):
        yield from _array(b"".join(head), stream, len(head))
    else:
        yield from _lines(head, stream)


def _lines(head: list[bytes], stream: BinaryIO) -> Iterator[tuple[int, object]]:
    number = 0
    pending = iter(head)
    while True:
        raw = next(pending, None)
        if raw is None:
            raw = stream.readline(MAX_PAYLOAD + 1)
            if not raw:
                return
        number += 1
        if len(raw) > MAX_PAYLOAD and not raw.endswith(b"\n"):
            yield number, Unreadable(f"line longer than {MAX_PAYLOAD:,} bytes")
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                raw = stream.readline(CHUNK)
            continue
        if raw.strip():
            yield number, _decode(raw)


def _array(first: bytes, stream: BinaryIO, first_line: int) -> Iterator[tuple[int, object]]:
    decoder = codecs.getincrementaldecoder("utf-8")()
    eof = False
    try:
        text = decoder.decode(first)
    except UnicodeDecodeError:
        yield first_line, Unreadable("not UTF-8")
        return
    line = 1 + text.count("\n", 0, text.index("["))
    pos = text.index("[") + 1
    expect_value = True
    first_item = True

    def more() -> bool:
        nonlocal text, pos, eof
        if eof:
            return False
        chunk = stream.read(CHUNK)
        eof = not chunk
        text = text[pos:] + decoder.decode(chunk, final=eof)
        pos = 0
        return True

    while True:
        # skip whitespace, counting lines
        while True:
            stripped = len(text) - len(text[pos:].lstrip())
            line += text.count("\n", pos, stripped)
            pos = stripped
            if pos < len(text):
                break
            try:
                if not more():
                    yield line, Unreadable("invalid JSON: the array is not closed with ']'")
                    return
            except UnicodeDecodeError:
                yield line, Unreadable("not UTF-8")
                return
        char = text[pos]
        if char == "]" and (not expect_value or first_item):
            return
        if not expect_value:
            if char != ",":
                yield line, Unreadable(f"invalid JSON: expected ',' or ']' but found {char!r}")
                return
            pos += 1
            expect_value = True
            continue
        try:
            value, end = _DECODER.raw_decode(text, pos)
            complete = end < len(text) or eof
        except (ValueError, RecursionError) as error:
            value, end, complete = error, pos, eof or len(text) - pos > MAX_PAYLOAD
        if not complete:
            try:
                more()
            except UnicodeDecodeError:
                yield line, Unreadable("not UTF-8")
                return
            continue
        if isinstance(value, Exception):
            message = value.msg if isinstance(value, json.JSONDecodeError) else str(value)
            if isinstance(value, RecursionError):
                message = "nested too deeply"
            elif len(text) - pos > MAX_PAYLOAD:
                message += f" (or an element over {MAX_PAYLOAD:,} bytes)"
            yield line, Unreadable(f"invalid JSON: {message}")
            return
        yield line, value
        line += text.count("\n", pos, end)
        pos = end
        expect_value = first_item = False


class Checker:
    """The compiled validators of a workspace's events, applied to whole payloads."""

    def __init__(self, events: Sequence[Event], *, strict: bool = False) -> None:
        self.validators: dict[str, Validate] = {
            e.name: compile_event(e, strict=strict) for e in events}
        self.names = tuple(self.validators)
        self._hints: dict[str, str] = {}

    def _event_hint(self, name: str) -> str:
        """The closest declared event, cached; past ``MAX_SUGGESTED`` distinct unknown names
        no more are searched (each search compares with every declared event)."""
        hint = self._hints.get(name)
        if hint is None:
            if len(self._hints) >= MAX_SUGGESTED:
                return "declare it under 'events:'"
            from cioctl.checks.symbols import did_you_mean

            hint = self._hints[name] = did_you_mean(name, self.names, "events")
        return hint

    def check(self, payload: object) -> tuple[str, list[Finding]]:
        """The payload's event (or ``<unknown event>``, or ``<malformed>`` for a JSON value
        that is not an object) and its findings."""
        if not isinstance(payload, dict):
            return MALFORMED, [Finding("not_an_object", "$",
                                     f"a payload is a JSON object, got {json_type(payload)}")]
        name_key = "name" if "name" in payload else "event"
        name = payload.get(name_key)
        validate = self.validators.get(name) if isinstance(name, str) else None
        if validate is None or not isinstance(name, str):
            return UNKNOWN, [self._bad_name(name, name_key)]
        data_key = "data" if "data" in payload or "properties" not in payload else "properties"
        data = payload.get(data_key, NO_DATA)
        if not isinstance(data, dict):
            return name, [Finding("wrong_type", f"$.{data_key}",
                                  f"expected object, got {json_type(data)}")]
        return name, validate(data, data_key)

    def _bad_name(self, name: object, key: str) -> Finding:
        if isinstance(name, str):
            return Finding("unknown_event", f"$.{key}", f"unknown event '{name}'",
                           hint=self._event_hint(name))
        if name is None:
            return Finding("missing_name", "$.name", "the payload has no 'name' (event name)")
        return Finding("wrong_type", f"$.{key}", f"expected string, got {json_type(name)}")


NO_DATA: dict[str, Any] = {}


@dataclass
class Tally:
    """Payloads and those with errors, for one event."""

    payloads: int = 0
    with_errors: int = 0


@dataclass
class Summary:
    """What a run checked."""

    payloads: int = 0
    valid: int = 0
    with_errors: int = 0
    warnings: int = 0
    unreadable_files: int = 0
    by_event: dict[str, Tally] = field(default_factory=dict)

    def add(self, event: str, findings: Sequence[Finding]) -> None:
        """Count one payload."""
        tally = self.by_event.get(event)
        if tally is None:
            tally = self.by_event[event] = Tally()
        self.payloads += 1
        tally.payloads += 1
        if not findings:
            self.valid += 1
            return
        errors = sum(f.error for f in findings)
        self.warnings += len(findings) - errors
        if errors:
            self.with_errors += 1
            tally.with_errors += 1
        else:
            self.valid += 1

    def data(self) -> dict[str, object]:
        """JSON-ready."""
        return {"payloads": self.payloads, "valid": self.valid, "with_errors": self.with_errors,
                "warnings": self.warnings, "unreadable_files": self.unreadable_files,
                "by_event": {name: {"payloads": t.payloads, "with_errors": t.with_errors}
                             for name, t in sorted(self.by_event.items())}}


@dataclass(frozen=True)
class Problem:
    """A finding placed in its file and line."""

    file: str
    line: int
    event: str | None
    finding: Finding

    def data(self) -> dict[str, object]:
        """JSON-ready."""
        f = self.finding
        return {"file": self.file, "line": self.line, "event": self.event,
                "severity": "error" if f.error else "warning", "kind": f.kind, "path": f.path,
                "message": f.message, "hint": f.hint}

    def text(self) -> str:
        """``file:line: error: $.data.x: message`` and an indented hint."""
        f = self.finding
        event = f" (event {self.event})" if self.event else ""
        where = f"{self.file}:{self.line}" if self.line else self.file
        head = (f"{where}: {'error' if f.error else 'warning'}: {f.path}: "
                f"{f.message}{event} [{f.kind}]")
        return head + (f"\n  hint: {f.hint}" if f.hint else "")


def check_stream(checker: Checker, stream: BinaryIO, file: str,
                 summary: Summary) -> Iterator[Problem]:
    """Check every payload of one stream, counting them in ``summary``."""
    for line, payload in read_payloads(stream):
        if isinstance(payload, Unreadable):
            finding = Finding("invalid_json", "$", payload.message)
            summary.add(MALFORMED, (finding,))
            yield Problem(file, line, None, finding)
            continue
        event, findings = checker.check(payload)
        summary.add(event, findings)
        known = event if event not in (UNKNOWN, MALFORMED) else None
        for finding in findings:
            yield Problem(file, line, known, finding)
