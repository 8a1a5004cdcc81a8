"""The msgspec file path of ``events check``: lines in JSON Lines and arrays, malformed input."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cioctl.events import read
from cioctl.events.check import Checker, Summary, check_stream
from cioctl.events.read import Unreadable, read_payloads
from tests.conftest import EXAMPLE
from tests.test_events_check import EVENTS, VALID

# ------------------------------------------------------------------ lines, streamed

_blank = st.sampled_from(["", " ", "\n", "\n\n", " \n\t", "\r\n"])


@settings(max_examples=100)
@given(items=st.lists(st.tuples(st.sampled_from(VALID), _blank, _blank, st.booleans()),
                      max_size=8), tail=_blank, chunk=st.sampled_from([7, 64, 1 << 20]))
def test_array_elements_start_at_their_lines(items: list[tuple[Any, str, str, bool]], tail: str,
                                              chunk: int) -> None:
    text, expected = tail + "[", []
    for number, (payload, before, after, indent) in enumerate(items):
        text += ("," if number else "") + before
        expected.append((text.count("\n") + 1, payload))
        text += json.dumps(payload, indent=1 if indent else None) + after
    text += "]" + tail
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read, "CHUNK", chunk)
        assert list(read_payloads(io.BytesIO(text.encode()))) == expected


_line = st.one_of(st.sampled_from(VALID).map(json.dumps),
                  st.sampled_from(["{not json", '{"name": NaN}', '{"a": [1', "", "  ", "42",
                                   '{"a": 1} x']))


@settings(max_examples=100)
@given(lines=st.lists(_line, max_size=12), crlf=st.booleans(),
       chunk=st.sampled_from([5, 64, 1 << 20]))
def test_json_lines_keep_their_numbers_and_malformed_lines_are_not_fatal(
        lines: list[str], crlf: bool, chunk: int) -> None:
    text = ("\r\n" if crlf else "\n").join(lines)
    expected = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                expected.append((number, json.loads(line, parse_constant=_reject)))
            except ValueError:
                expected.append((number, "unreadable"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read, "CHUNK", chunk)
        found = [(n, "unreadable" if isinstance(v, Unreadable) else v)
                 for n, v in read_payloads(io.BytesIO(text.encode()))]
    assert found == expected


def _reject(name: str) -> None:
    raise ValueError(name)


def test_values_only_the_standard_library_takes_still_decode() -> None:
    text = b'{"a": 1e999}\n["\\ud800", 123456789012345678901234567890]\n'
    found = list(read_payloads(io.BytesIO(text)))
    assert found == [(1, {"a": float("inf")}), (2, ["\ud800", 123456789012345678901234567890])]
    array = b"[" + text.replace(b"\n", b",", 1).rstrip(b"\n") + b"]"
    assert [line for line, _ in read_payloads(io.BytesIO(array))] == [1, 1]


@pytest.mark.parametrize(("text", "words"), [
    (b'[{"a": 1},]', "expected a value after ','"),
    (b'[1 2]', "expected ',' or ']' but found '2'"),
    (b'[{"a": \xff}]', "not UTF-8"),
    (b'[{"a": "\xff"}]', "not UTF-8"),
    (b'[\n\n{"a": ', "invalid JSON"),
])
def test_a_broken_array_stops_at_the_broken_element(text: bytes, words: str) -> None:
    *good, (line, last) = list(read_payloads(io.BytesIO(text)))
    assert isinstance(last, Unreadable) and words in last.message, last
    assert all(not isinstance(v, Unreadable) for _, v in good)
    assert line == text.count(b"\n") + 1


def test_an_array_element_split_inside_a_utf8_character(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    payloads = [{"name": "é" * n} for n in range(1, 9)]
    monkeypatch.setattr(read, "CHUNK", 3)
    assert [v for _, v in read_payloads(io.BytesIO(json.dumps(payloads).encode()))] == payloads


def test_check_stream_counts_and_places_problems_in_batches() -> None:
    lines = [json.dumps({"name": "signed_up", "data": {"method": "email"}}), "  ",
             json.dumps({"name": "signed_up", "data": {"method": "x"}}),
             json.dumps({"event": "signed_up", "properties": {"method": "github"}}), "{oops"]
    summary = Summary()
    checker = Checker(EVENTS)
    problems = list(check_stream(checker, io.BytesIO("\r\n".join(lines).encode()), "f",
                                 summary))
    assert [(p.line, p.finding.kind) for p in problems] == [(3, "not_in_enum"),
                                                             (5, "invalid_json")]
    assert summary.data()["by_event"] == {
        "<malformed>": {"payloads": 1, "with_errors": 1},
        "signed_up": {"payloads": 3, "with_errors": 1}}
    assert (summary.payloads, summary.valid) == (4, 2)


def test_an_overlong_array_element_is_reported_not_loaded() -> None:
    big = b'[{"name": "x"},\n{"name": "' + b"x" * (read.MAX_PAYLOAD + 10) + b'"},\n{"name": "y"}]'
    found = list(read_payloads(io.BytesIO(big)))
    assert found[2] == (3, {"name": "y"})  # its end is known: not fatal
    assert found[0] == (1, {"name": "x"})
    line, last = found[1]
    assert line == 2 and isinstance(last, Unreadable)
    assert f"element over {read.MAX_PAYLOAD:,} bytes" in last.message


def test_the_file_bench_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two small files, each checked in a child process for its peak RSS (a few seconds)."""
    from cioctl.bench.events import make_payloads
    from cioctl.bench.events_file import bench_file

    figures = bench_file(EXAMPLE, EVENTS[:-1], make_payloads(EVENTS[:-1], 200), tmp_path)
    out = capsys.readouterr().out
    assert "before (stdlib json + checker)" in out and "peak RSS" in out
    assert figures["events check now (msgspec)"] > 0 and figures["rss_big_mb"] > 0
