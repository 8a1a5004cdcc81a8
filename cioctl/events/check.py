"""``events check``: check each payload streamed out of JSON Lines or JSON array files.

:mod:`cioctl.events.read` streams the payloads with their lines. Every problem names the file,
the line where the payload starts and a JSON path; unreadable input (invalid JSON, not UTF-8, a
payload over 1 MB) is a problem too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from cioctl.events.read import (
    BLANK,
    FAST_DECODE,
    FAST_ERRORS,
    MAX_PAYLOAD,
    Unreadable,
    decode_line,
    read_batches,
    read_payloads,
)
from cioctl.events.schema import Finding, Validate, compile_event, json_type
from cioctl.model.data import Event

MAX_SUGGESTED = 256  # distinct unknown event names given a "did you mean"
# Summary buckets for payloads without a known event: not JSON or not a JSON object (both
# malformed), or an object naming no declared event.
MALFORMED = "<malformed>"
UNKNOWN = "<unknown event>"


class Checker:
    """The compiled validators of a workspace's events, applied to whole payloads."""

    def __init__(self, events: Sequence[Event], *, strict: bool = False) -> None:
        self.events = {e.name: e for e in events}
        self.strict = strict
        # compiled on first sight: a file seldom has every event of a large workspace
        self.validators: dict[str, Validate] = {}
        self.names = tuple(self.events)
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
        if not isinstance(name, str):
            return UNKNOWN, [self._bad_name(name, name_key)]
        validate = self.validators.get(name)
        if validate is None:
            event = self.events.get(name)
            if event is None:
                return UNKNOWN, [self._bad_name(name, name_key)]
            validate = self.validators[name] = compile_event(event, strict=self.strict)
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
__all__ = ["MAX_PAYLOAD", "Checker", "Problem", "Summary", "Unreadable", "check_stream",
           "read_payloads"]  # read_payloads and the rest: what callers import from here


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

    def add_valid(self, counts: dict[str, int]) -> None:
        """Count payloads without findings, ``counts`` per event."""
        for event, count in counts.items():
            tally = self.by_event.get(event)
            if tally is None:
                tally = self.by_event[event] = Tally()
            self.payloads += count
            self.valid += count
            tally.payloads += count

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
    check = checker.check
    add = summary.add
    fast = FAST_DECODE
    for first, items in read_batches(stream):
        for offset, raw in enumerate(items):
            if raw.__class__ is bytes:
                try:  # inline: the common case costs no Python call
                    payload = fast(raw)
                except FAST_ERRORS:
                    payload = decode_line(raw)
                    if payload is BLANK:
                        continue
            else:
                payload = raw
            if isinstance(payload, Unreadable):
                finding = Finding("invalid_json", "$", payload.message)
                add(MALFORMED, (finding,))
                yield Problem(file, first + offset, None, finding)
                continue
            event, findings = check(payload)
            add(event, findings)
            if findings:
                known = event if event not in (UNKNOWN, MALFORMED) else None
                for finding in findings:
                    yield Problem(file, first + offset, known, finding)
