"""Stream payloads out of JSON Lines or JSON array files, decoded by msgspec.

Files are read in large chunks (a 1 GB file is never held at once, and memory stays flat in
the file's size): JSON Lines split on newlines, a JSON array element by element. Each payload
comes with the line where it starts; unreadable input (invalid JSON, not UTF-8, a payload over
1 MB) is an :class:`Unreadable` value at its line, not an exception.

msgspec does the parsing (README, "Checking event tables": measured against orjson there).
It has no incremental decoder, so an array element's end is found by decoding from the
element's start: msgspec stops at the first byte after the value and reports its offset
("trailing characters (byte N)"), and the element is then decoded on its own. The standard
library stays as the judge of input msgspec rejects (its messages name the column, and it
accepts what ``events check`` always accepted: lone surrogates, ``1e999``), so verdicts do not
depend on which parser ran.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO, Final, NamedTuple

import msgspec

MAX_PAYLOAD = 1 << 20  # bytes of one payload (a JSONL line, an array element)
CHUNK = 1 << 20  # bytes read at once
_WHITESPACE = re.compile(rb"[ \t\r\n]*")
_TRAILING = re.compile(r"trailing characters \(byte (\d+)\)")
FAST_ERRORS = (msgspec.MsgspecError, ValueError, RecursionError)
_FAST_ERRORS = FAST_ERRORS


class Unreadable(NamedTuple):
    """Input that is not a JSON value, and why."""

    message: str


class _More:
    """The element may continue past the bytes read so far."""


MORE: Final = _More()
BLANK: Final = Unreadable("blank")  # compared by identity


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)
_FAST = FAST_DECODE = msgspec.json.Decoder().decode


def _slow(raw: bytes) -> object:
    """The standard library's verdict (and message) on one payload."""
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


def decode(raw: bytes) -> object:
    """One payload's value, or an :class:`Unreadable`."""
    try:
        return _FAST(raw)
    except _FAST_ERRORS:
        return _slow(raw)


def decode_line(raw: bytes) -> object:
    """A line's value, an :class:`Unreadable`, or :data:`BLANK` for a blank line."""
    try:
        return _FAST(raw)
    except _FAST_ERRORS:
        return _slow(raw) if raw.strip() else BLANK


def read_payloads(stream: BinaryIO) -> Iterator[tuple[int, object]]:
    """``(line, value)`` for each payload, ``value`` an :class:`Unreadable` when it is not JSON.
    """
    for line, raw in read_raw(stream):
        yield line, decode(raw) if isinstance(raw, bytes) else raw


def read_raw(stream: BinaryIO) -> Iterator[tuple[int, object]]:
    """``(line, payload)`` for each payload: its bytes, still to decode (a JSON value is never
    ``bytes``), a value already decoded, or an :class:`Unreadable`."""
    for first, items in read_batches(stream):
        for offset, raw in enumerate(items):
            if raw.__class__ is not bytes or raw.strip():
                yield first + offset, raw


Batch = tuple[int, list[object]]
"""``(line of the first item, items on consecutive lines)``; an item is bytes to decode (blank
bytes are blank lines, to skip), a decoded value, or an :class:`Unreadable`."""


def read_batches(stream: BinaryIO) -> Iterator[Batch]:
    """The payloads in batches, a chunk of JSON Lines or one array element at a time (batches
    spare a generator step per payload on the hot path).

    A stream whose first non-blank character is ``[`` is a JSON array; anything else is JSON
    Lines.
    """
    head = stream.read(CHUNK).removeprefix(codecs.BOM_UTF8)
    while head and len(head.lstrip()) == 0:  # only blank so far: the kind is not known yet
        more = stream.read(CHUNK)
        if not more:
            break
        head += more
    if head.lstrip().startswith(b"["):
        for line, item in _array(head, stream):
            yield line, [item]
    else:
        yield from _lines(head, stream)


def _lines(head: bytes, stream: BinaryIO) -> Iterator[Batch]:
    number = 1  # of the next line
    rest = b""
    chunk = head
    skipping = False  # inside a line over MAX_PAYLOAD, already reported
    too_long = Unreadable(f"line longer than {MAX_PAYLOAD:,} bytes")
    while chunk:
        parts: list[object] = (rest + chunk if rest else chunk).split(b"\n")  # type: ignore[assignment]
        rest = parts.pop()  # type: ignore[assignment]  # the unfinished last line
        if skipping and parts:  # the end of the line already reported
            parts = parts[1:]
            skipping = False
        if parts and max(map(len, parts)) > MAX_PAYLOAD:  # type: ignore[arg-type]  # rare
            parts = [too_long if len(raw) > MAX_PAYLOAD else raw  # type: ignore[arg-type]
                     for raw in parts]
        if parts:
            yield number, parts
            number += len(parts)
        if skipping or len(rest) > MAX_PAYLOAD:
            if not skipping:
                yield number, [too_long]
                number += 1
            skipping, rest = True, b""
        chunk = stream.read(CHUNK)
    if rest and not skipping:
        yield number, [rest]


def _first_char(buf: bytes, pos: int) -> str:
    return buf[pos:pos + 4].decode("utf-8", "replace")[0]


def _array(buf: bytes, stream: BinaryIO) -> Iterator[tuple[int, object]]:
    pos = buf.index(b"[") + 1
    line = 1 + buf.count(b"\n", 0, pos)
    eof = False
    expect_value = first = True
    want = CHUNK  # doubles while one element spans more reads, so re-decoding stays linear
    while True:
        blank_end = _WHITESPACE.match(buf, pos).end()  # type: ignore[union-attr]  # * matches
        line += buf.count(b"\n", pos, blank_end)
        pos = blank_end
        element = _element(buf, pos, eof) if pos < len(buf) and expect_value else None
        if pos == len(buf) or isinstance(element, _More):
            if eof:
                yield line, Unreadable("invalid JSON: the array is not closed with ']'")
                return
            more = stream.read(want)
            eof = not more
            want = want * 2 if isinstance(element, _More) else CHUNK
            buf, pos = buf[pos:] + more, 0
            continue
        want = CHUNK
        if isinstance(element, Unreadable):
            yield line, element
            return
        if element is not None:
            value, end = element
            yield line, value
            line += buf.count(b"\n", pos, end)
            pos = end
            expect_value = first = False
            continue
        char = buf[pos]  # between elements, or the close of an empty array
        if char == ord("]") and (first or not expect_value):
            return
        if expect_value:  # "[1,]"
            yield line, Unreadable("invalid JSON: expected a value after ',' but found ']'")
            return
        if char != ord(","):
            yield line, Unreadable("invalid JSON: expected ',' or ']' but found "
                                   f"{_first_char(buf, pos)!r}")
            return
        pos += 1
        expect_value = True


Element = tuple[object, int] | Unreadable | _More | None


def _element(buf: bytes, pos: int, eof: bool) -> Element:
    """The array element starting at ``pos`` and the offset after it (where msgspec saw the
    next non-blank byte), :data:`MORE` when it may not be complete yet, why it is not JSON,
    or None at a ``]``."""
    if buf[pos] == ord("]"):
        return None
    try:
        value = _FAST(memoryview(buf)[pos:])
    except msgspec.DecodeError as error:
        message = str(error)
        match = _TRAILING.search(message)
        if match is not None:
            end = pos + int(match[1]) - 1  # msgspec counts bytes from 1
            if end - pos > MAX_PAYLOAD:  # its end is known: the array goes on after it
                return Unreadable(f"an element over {MAX_PAYLOAD:,} bytes"), end
            return buf[pos:end], end
        if "truncated" in message and not eof and len(buf) - pos <= MAX_PAYLOAD:
            return MORE
    except _FAST_ERRORS:
        pass
    else:
        return (value, len(buf)) if eof else MORE  # a ',' or ']' must still follow
    return _slow_element(buf, pos, eof)


def _slow_element(buf: bytes, pos: int, eof: bool) -> Element:
    """What the standard library makes of an element msgspec rejected (rare: malformed input,
    or values only the standard library takes)."""
    window = buf[pos:pos + MAX_PAYLOAD + 1]
    can_grow = not eof and len(buf) - pos <= MAX_PAYLOAD
    try:
        text = window.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason != "unexpected end of data" or error.end < len(window):
            return Unreadable("not UTF-8")
        if can_grow:
            return MORE
        text = window[:error.start].decode("utf-8")
    try:
        value, end = _DECODER.raw_decode(text)
    except json.JSONDecodeError as error:
        message = error.msg
    except ValueError as error:
        message = str(error)
    except RecursionError:
        message = "nested too deeply"
    else:
        if end < len(text) or eof:
            return value, pos + len(text[:end].encode("utf-8"))
        message = "unexpected end"
    if can_grow:
        return MORE
    if len(buf) - pos > MAX_PAYLOAD:
        message += f" (or an element over {MAX_PAYLOAD:,} bytes)"
    return Unreadable(f"invalid JSON: {message}")
