"""What the ``events`` commands do with files: check them and print, or write schemas."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TextIO
from urllib.parse import quote

from cioctl.events.check import Checker, Problem, Summary, check_stream
from cioctl.events.schema import Finding, event_schema
from cioctl.model.data import Event

STDIN = "-"


def _problems(checker: Checker, files: Sequence[str], stdin: BinaryIO,
              summary: Summary) -> Iterator[Problem]:
    for name in files:
        if name == STDIN:
            yield from check_stream(checker, stdin, "<stdin>", summary)
            continue
        try:
            stream = Path(name).open("rb")  # noqa: SIM115 — closed below, after streaming
        except OSError as error:
            finding = Finding("unreadable", "$", f"cannot read the file: {error.strerror}")
            summary.unreadable_files += 1
            yield Problem(name, 0, None, finding)
            continue
        with stream:
            yield from check_stream(checker, stream, name, summary)


def _count(number: int, noun: str) -> str:
    """``1 payload``, ``2 payloads``."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def summary_text(summary: Summary) -> str:
    """``N payloads: N valid, N with errors`` and one line per event."""
    lines = [f"{_count(summary.payloads, 'payload')}: {summary.valid:,} valid, "
             f"{summary.with_errors:,} with errors, {_count(summary.warnings, 'warning')}"
             + (f"; {_count(summary.unreadable_files, 'unreadable file')}"
                if summary.unreadable_files else "")]
    width = max((len(n) for n in summary.by_event), default=0)
    for name, tally in sorted(summary.by_event.items()):
        noun = "payload " if tally.payloads == 1 else "payloads"
        lines.append(f"  {name:<{width}}  {tally.payloads:>9,} {noun}  "
                     f"{tally.with_errors:>9,} with errors")
    return "\n".join(lines) + "\n"


def check_files(events: Sequence[Event], files: Sequence[str], *, strict: bool,
                json_output: bool, out: TextIO, stdin: BinaryIO) -> int:
    """Check every file, printing problems as they are found, then the summary; the number of
    payloads with errors (plus unreadable files) is returned."""
    checker = Checker(events, strict=strict)
    summary = Summary()
    first = True
    if json_output:
        out.write('{"problems": [')
    for problem in _problems(checker, files, stdin, summary):
        if json_output:
            out.write(("\n  " if first else ",\n  ") + json.dumps(problem.data()))
            first = False
        else:
            out.write(problem.text() + "\n")
    if json_output:
        out.write(("" if first else "\n") + '],\n"summary": ' + json.dumps(summary.data())
                  + "}\n")
    else:
        out.write(summary_text(summary))
    return summary.with_errors + summary.unreadable_files


def schema_file_name(event: str) -> str:
    """A file name for an event's schema (characters unsafe in file names %-escaped)."""
    return quote(event, safe="") + ".schema.json"


def write_schemas(events: Sequence[Event], out: Path, *, strict: bool) -> list[Path]:
    """One JSON Schema document per event in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for event in events:
        path = out / schema_file_name(event.name)
        path.write_text(json.dumps(event_schema(event, strict=strict), indent=2) + "\n",
                        encoding="utf-8")
        written.append(path)
    return written
