"""``cioctl events check`` on real payloads against workspaces/example, and the compiled
validators held to ``jsonschema``'s verdicts (property test)."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from cioctl.cli import app
from cioctl.cli.boundary import run_cli
from cioctl.engine import load_valid_workspace
from cioctl.events.check import MAX_PAYLOAD, Checker, Summary, Unreadable, read_payloads
from cioctl.events.formats import FORMAT_TESTS
from cioctl.events.run import schema_file_name
from cioctl.events.schema import event_schema
from cioctl.model.data import Event
from tests.conftest import EXAMPLE

Run = Callable[..., tuple[int, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """``run(*args, stdin=b"")`` → (exit code, stdout + stderr) through the real boundary."""

    def invoke(*args: str, stdin: bytes = b"") -> tuple[int, str]:
        monkeypatch.setenv("NO_COLOR", "1")
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        capsys.readouterr()
        code = run_cli(lambda: app(list(args), prog_name="cioctl"), False)
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return invoke


def jsonl(*payloads: object) -> str:
    return "".join(json.dumps(p) + "\n" for p in payloads)


def check(run: Run, tmp_path: Path, text: str, *extra: str, name: str = "p.jsonl"
          ) -> tuple[int, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run("events", "check", "-w", str(EXAMPLE), *extra, str(path))


def check_json(run: Run, tmp_path: Path, text: str, *extra: str) -> tuple[int, dict[str, Any]]:
    code, out = check(run, tmp_path, text, "--format", "json", *extra)
    result: dict[str, Any] = json.loads(out)
    return code, result


VALID = [
    {"name": "signed_up", "data": {"method": "google", "plan": "pro", "referrer": "ad"}},
    {"name": "email_verified"},
    {"name": "trial_ended", "data": {"converted": False}},
    {"name": "subscription_started", "data": {"plan": "pro", "amount": 12.5}},
    {"name": "invoice_paid", "data": {"amount": 3, "invoice_url": "https://acme.test/i/1"}},
    {"event": "nps_submitted", "properties": {"score": 9}},  # the aliases
    {"name": "project_created", "data": {"collaborators": 3.0}},  # 3.0 is an integer in JSON
]


def test_valid_payloads_exit_0_with_a_summary(run: Run, tmp_path: Path) -> None:
    code, out = check(run, tmp_path, jsonl(*VALID))
    assert code == 0, out
    assert "7 payloads: 7 valid, 0 with errors, 0 warnings" in out
    assert "signed_up" in out and "error:" not in out


@pytest.mark.parametrize(("payload", "kind", "path", "words"), [
    ({"name": "signed_upp", "data": {}}, "unknown_event", "$.name", "did you mean 'signed_up'"),
    ({"data": {}}, "missing_name", "$.name", "no 'name'"),
    ({"name": 7}, "wrong_type", "$.name", "expected string"),
    ({"name": "signed_up", "data": {}}, "missing_required", "$.data.method", "'method'"),
    ({"name": "trial_ended", "data": {"converted": "yes"}}, "wrong_type", "$.data.converted",
     "expected boolean, got string"),
    ({"name": "project_created", "data": {"collaborators": 2.5}}, "wrong_type",
     "$.data.collaborators", "expected integer, got number"),
    ({"name": "subscription_started", "data": {"plan": "pro", "amount": True}}, "wrong_type",
     "$.data.amount", "expected number, got boolean"),
    ({"name": "signed_up", "data": {"method": "facebook"}}, "not_in_enum", "$.data.method",
     "'facebook' is not one of: google, email, github"),
    ({"name": "invoice_paid", "data": {"amount": 1, "invoice_url": "acme.test/i/1"}},
     "bad_format", "$.data.invoice_url", "not a valid uri"),
    ({"name": "signed_up", "data": None}, "wrong_type", "$.data", "expected object, got null"),
    ({"event": "signed_up", "properties": {"method": 1}}, "wrong_type",
     "$.properties.method", "expected string"),
    ([1, 2], "not_an_object", "$", "got array"),
])
def test_each_problem_kind(run: Run, tmp_path: Path, payload: object, kind: str, path: str,
                           words: str) -> None:
    code, result = check_json(run, tmp_path, jsonl(VALID[0], payload))
    assert code == 1
    [problem] = result["problems"]
    assert (problem["kind"], problem["path"], problem["line"], problem["severity"]) == (
        kind, path, 2, "error")
    assert words in problem["message"] + (problem["hint"] or "")
    assert problem["file"].endswith("p.jsonl")
    assert result["summary"]["with_errors"] == 1 and result["summary"]["valid"] == 1


@pytest.mark.parametrize("line", ["42", "[1]", '"signed_up"', "null", "true"])
def test_a_json_value_that_is_not_an_object_is_a_malformed_payload(run: Run, tmp_path: Path,
                                                                   line: str) -> None:
    code, result = check_json(run, tmp_path, jsonl(VALID[0]) + line + "\n{not json\n")
    assert code == 1
    assert [(p["kind"], p["event"]) for p in result["problems"]] == [
        ("not_an_object", None), ("invalid_json", None)]
    by_event = result["summary"]["by_event"]
    assert by_event["<malformed>"] == {"payloads": 2, "with_errors": 2}
    assert "<unknown event>" not in by_event


def test_the_summary_says_one_payload_in_the_singular(run: Run, tmp_path: Path) -> None:
    code, out = check(run, tmp_path, "42\n")
    assert code == 1
    assert "1 payload: 0 valid, 1 with errors, 0 warnings" in out
    assert re.search(r"<malformed>\s+1 payload\s+1 with errors", out), out
    code, out = check(run, tmp_path, jsonl(VALID[0], VALID[0]))
    assert "2 payloads: 2 valid" in out and re.search(r"signed_up\s+2 payloads\s", out), out


def test_unknown_property_is_a_warning_unless_strict(run: Run, tmp_path: Path) -> None:
    text = jsonl({"name": "signed_up", "data": {"method": "email", "plna": "pro"}})
    code, out = check(run, tmp_path, text)
    assert code == 0
    assert "p.jsonl:1: warning: $.data.plna: 'plna' is not a declared property" in out
    assert "hint: did you mean 'plan'?" in out
    assert "1 payload: 1 valid, 0 with errors, 1 warning" in out
    code, out = check(run, tmp_path, text, "--strict")
    assert code == 1
    assert "p.jsonl:1: error: $.data.plna" in out


def test_text_names_file_line_and_path(run: Run, tmp_path: Path) -> None:
    text = "\n" + jsonl(VALID[0], {"name": "signed_up", "data": {"method": "x"}})
    code, out = check(run, tmp_path, text)
    assert code == 1
    assert (f"{tmp_path / 'p.jsonl'}:3: error: $.data.method: 'x' is not one of: google, email, "
            "github (event signed_up) [not_in_enum]") in out


def test_invalid_json_lines_are_problems_with_their_line(run: Run, tmp_path: Path) -> None:
    text = jsonl(VALID[0]) + "{not json\n" + jsonl(VALID[1]) + '{"name": NaN}\n' + "\xff\n"
    path = tmp_path / "p.jsonl"
    path.write_bytes(text.encode("utf-8").replace("\xff".encode(), b"\xff"))
    code, out = run("events", "check", "-w", str(EXAMPLE), "--format", "json", str(path))
    assert code == 1, out
    result = json.loads(out)
    assert [(p["line"], p["kind"]) for p in result["problems"]] == [
        (2, "invalid_json"), (4, "invalid_json"), (5, "invalid_json")]
    assert "not UTF-8" in result["problems"][2]["message"]
    assert result["summary"]["payloads"] == 5 and result["summary"]["valid"] == 2
    assert "Traceback" not in out


def test_a_json_array_streams_with_element_lines(run: Run, tmp_path: Path) -> None:
    text = "[\n" + ",\n".join(json.dumps(p) for p in VALID) + ",\n" + json.dumps(
        {"name": "trial_ended", "data": {}}) + "\n]\n"
    code, result = check_json(run, tmp_path, text)
    assert code == 1
    [problem] = result["problems"]
    assert (problem["line"], problem["kind"]) == (len(VALID) + 2, "missing_required")
    assert result["summary"]["payloads"] == len(VALID) + 1
    code, result = check_json(run, tmp_path, "  [\n]")
    assert code == 0 and result["summary"]["payloads"] == 0


@pytest.mark.parametrize(("text", "words"), [
    ('[{"name": "email_verified"}', "not closed"),
    ('[{"name": "email_verified"} {"name": "email_verified"}]', "expected ','"),
    ('[{"name": "email_verified"}, {"name": }]', "invalid JSON"),
])
def test_a_broken_array_is_a_problem_not_a_traceback(run: Run, tmp_path: Path, text: str,
                                                     words: str) -> None:
    code, out = check(run, tmp_path, text, name="a.json")
    assert code == 1
    assert words in out and "Traceback" not in out and "internal error" not in out


def test_stdin_and_several_files(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(jsonl(VALID[0]), encoding="utf-8")
    code, out = run("events", "check", "-w", str(EXAMPLE), str(tmp_path / "a.jsonl"), "-",
                    stdin=jsonl(VALID[1], {"name": "nope"}).encode())
    assert code == 1
    assert "<stdin>:2: error: $.name: unknown event 'nope'" in out
    assert "3 payloads: 2 valid, 1 with errors" in out


def test_missing_file_is_reported_and_others_still_checked(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(jsonl(VALID[0]), encoding="utf-8")
    code, out = run("events", "check", "-w", str(EXAMPLE), str(tmp_path / "missing.jsonl"),
                    str(tmp_path / "a.jsonl"))
    assert code == 1
    assert "missing.jsonl: error: $: cannot read the file" in out
    assert "1 payload: 1 valid" in out and "1 unreadable file\n" in out


def test_overlong_lines_are_skipped_not_loaded(tmp_path: Path) -> None:
    big = b'{"name": "' + b"x" * (MAX_PAYLOAD + 10) + b'"}\n'
    stream = io.BytesIO(jsonl(VALID[1]).encode() + big + jsonl(VALID[1]).encode())
    found = list(read_payloads(stream))
    assert [line for line, _ in found] == [1, 2, 3]
    assert isinstance(found[1][1], Unreadable) and "longer than" in found[1][1].message


def test_array_elements_span_chunks() -> None:
    payloads = [{"name": "signed_up", "data": {"method": "email", "referrer": "r" * i}}
                for i in range(0, 3000, 7)]
    stream = io.BytesIO(json.dumps(payloads, indent=1).encode())
    assert [value for _, value in read_payloads(stream)] == payloads


def test_events_schema_writes_one_document_per_event(run: Run, tmp_path: Path) -> None:
    code, out = run("events", "schema", "-w", str(EXAMPLE), "-o", str(tmp_path / "s"))
    assert code == 0, out
    events = load_valid_workspace(EXAMPLE, "local", {}).events
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(
        schema_file_name(e.name) for e in events)
    doc = json.loads((tmp_path / "s" / "signed_up.schema.json").read_text())
    Draft202012Validator.check_schema(doc)
    assert doc["properties"]["data"]["required"] == ["method"]
    assert schema_file_name("a b:c") == "a%20b%3Ac.schema.json"


# ------------------------------------------------ the fast validator agrees with jsonschema

EVERYTHING = Event.model_validate({"name": "everything", "properties": {
    "s": {"type": "string"}, "n": {"type": "number", "required": True},
    "i": {"type": "integer", "enum": [1, 2, 3.0]}, "b": {"type": "boolean", "enum": [True]},
    "t": {"type": "timestamp"}, "a": {"type": "array"}, "o": {"type": "object"},
    "e": {"type": "string", "format": "email"}, "u": {"type": "string", "format": "uri"},
    "dt": {"type": "string", "format": "date-time"}, "d": {"type": "string", "format": "date"},
    "td": {"type": "timestamp", "format": "date"}, "mixed": {"type": "number", "enum": [0, 1.5]},
    "es": {"type": "string", "enum": ["x@y", "nope"], "format": "email"},
}})
EVENTS = [*load_valid_workspace(EXAMPLE, "local", {}).events, EVERYTHING]
FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([1.0, 2.5]),
                     st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8))
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=5)
_digits = st.integers(0, 2100).map(lambda n: f"{n:04d}")
_two = st.integers(0, 61).map(lambda n: f"{n:02d}")
_dates = st.builds(lambda y, m, d: f"{y}-{m}-{d}", _digits, _two, _two)
_date_times = st.builds(
    lambda day, t, h, mi, s, frac, zone, tail: f"{day}{t}{h}:{mi}:{s}{frac}{zone}{tail}",
    _dates, st.sampled_from("Tt "), _two, _two, _two, st.sampled_from(["", ".5", ".", ".123"]),
    st.sampled_from(["Z", "z", "+01:00", "-23:59", "+24:00", "", "+0100"]),
    st.sampled_from(["", "", "\n", "x"]))
_uris = st.builds(lambda base, junk, where: base[:where] + junk + base[where:],
                  st.sampled_from(["https://acme.test/a?b=1#c", "mailto:a@b", "urn:x:y",
                                   "http://[::1]:8080/p", "http://u:p@10.0.0.1/", "a:",
                                   "http://[v7.x]/", "ftp://h/%20", "http://[1:2:3:4:5:6:7:8]/"]),
                  st.sampled_from(["", "", " ", "%", "%zz", "[", "/", ":", "\n", "é", "#"]),
                  st.integers(0, 30))
_strings = st.one_of(st.text(max_size=10), st.sampled_from(["x@y", "nope", "@", ""]),
                     _dates, _date_times, _uris)
_values = st.one_of(_json, _strings, st.integers(), st.sampled_from([0, 1.5, 3.0, True, 2]))


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    event = draw(st.sampled_from(EVENTS))
    names = [*event.properties, "extra", "plan", "s"]
    data = draw(st.dictionaries(st.sampled_from(names), _values, max_size=len(names)))
    payload: dict[str, Any] = {"name": event.name}
    shape = draw(st.integers(0, 9))
    if shape == 0:
        payload["data"] = draw(_scalars)
    elif shape > 1:
        payload["data"] = data
    return payload


VALIDATORS = {strict: {e.name: Draft202012Validator(event_schema(e, strict=strict),
                                                    format_checker=FORMAT_CHECKER)
                       for e in EVENTS} for strict in (False, True)}
CHECKERS = {strict: Checker(EVENTS, strict=strict) for strict in (False, True)}


@given(payload=payloads(), strict=st.booleans())
def test_fast_validator_agrees_with_jsonschema(payload: dict[str, Any], strict: bool) -> None:
    oracle = VALIDATORS[strict][payload["name"]].is_valid(payload)
    _, findings = CHECKERS[strict].check(payload)
    errors = [f for f in findings if f.error]
    assert (not errors) == oracle, (errors, list(
        VALIDATORS[strict][payload["name"]].iter_errors(payload)))


@given(value=_strings)
def test_format_tests_agree_with_jsonschema(value: str) -> None:
    for fmt, test in FORMAT_TESTS.items():
        assert test(value) == FORMAT_CHECKER.conforms(value, fmt), (fmt, value)


def test_the_oracle_checks_every_format() -> None:
    assert {"email", "uri", "date-time", "date"} <= set(FORMAT_CHECKER.checkers)


def test_summary_counts_by_event() -> None:
    summary = Summary()
    checker = Checker(EVENTS)
    for payload in [*VALID, {"name": "signed_up"}, {"name": "x"}]:
        summary.add(*checker.check(payload))
    data = summary.data()
    assert (data["payloads"], data["valid"], data["with_errors"]) == (9, 7, 2)
    assert data["by_event"]["signed_up"] == {"payloads": 2, "with_errors": 1}  # type: ignore[index]


def test_bench_figures_run_and_agree(capsys: pytest.CaptureFixture[str]) -> None:
    from cioctl.bench.events import bench_events

    figures = bench_events(EVENTS, 300)
    out = capsys.readouterr().out
    invalid = out.split("(")[1].split(" invalid")[0]
    assert f"jsonschema agrees on {invalid})" in out
    assert set(figures) == {"ours", "jsonschema"}
