"""Agreement: the generated validators (Python and TypeScript) give the verdicts of
``cioctl events check`` on generated payloads, valid and invalid.

Every payload goes through ``events check``'s Checker and the generated Python validator as
hypothesis draws it (shrinkable); the TypeScript side is batched: the payloads are collected
and checked by one node process at the end of the test, to keep CI time low.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cioctl.codegen.load import load_codegen_model
from cioctl.codegen.python import render_python
from cioctl.codegen.typescript import render_typescript
from cioctl.engine import load_valid_workspace
from cioctl.events.check import Checker
from cioctl.model.data import Event, PropertySpec
from cioctl.model.types import ValueType
from tests.codegen.conftest import AWKWARD, NODE_MODULES, needs_node_tools

EXAMPLES = 250  # payloads per run: each property's valid, invalid and absent cases many times
NODE_CHECK = """
const fs = require("fs");
const ts = require(process.argv[2]);
const source = fs.readFileSync(process.argv[3], "utf8");
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022 } }).outputText;
const module_ = { exports: {} };
new Function("exports", "module", "require", js)(module_.exports, module_, require);
const verdicts = fs.readFileSync(process.argv[4], "utf8").split("\\n").filter(Boolean)
  .map((line) => {
    const payload = JSON.parse(line);
    const errors = module_.exports.validateEvent(payload.name, payload.data)
      .filter((p) => p.error);
    return errors.length;
  });
process.stdout.write(JSON.stringify(verdicts));
"""

JSON_SCALARS = st.none() | st.booleans() | st.integers(-2**60, 2**60) | st.floats(
    allow_nan=False, allow_infinity=False) | st.text(max_size=8)
JSON_VALUES = st.recursive(
    JSON_SCALARS, lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)
DATEISH = st.text(alphabet="0123456789-:TtZz.+ \n", max_size=26)


def _dates() -> st.SearchStrategy[str]:
    return st.dates().map(lambda d: d.isoformat()) | st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
        st.sampled_from([0, 1, 1900, 2000, 2023, 2024]) | st.integers(0, 9999),
        st.integers(0, 13), st.sampled_from([28, 29, 30, 31]) | st.integers(0, 32)) | DATEISH


def _date_times() -> st.SearchStrategy[str]:
    """Well-formed date-times (year 0 and leap days included), near misses, and noise."""
    day = st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
                    st.sampled_from([0, 1, 2000, 2023, 2024]) | st.integers(1, 9999),
                    st.integers(1, 12), st.integers(1, 28) | st.sampled_from([29, 30, 31]))
    well_formed = st.builds(
        lambda d, h, mi, s, f, o, nl: f"{d}T{h:02d}:{mi:02d}:{s:02d}{f}{o}{nl}", day,
        st.integers(0, 23), st.integers(0, 59), st.integers(0, 59),
        st.sampled_from(["", ".5", ".123456"]), st.sampled_from(["Z", "z", "+02:00", "-11:30"]),
        st.sampled_from(["", "\n"]))
    near_miss = st.builds(
        lambda d, h, mi, s, f, o, nl: f"{d}T{h:02d}:{mi:02d}:{s:02d}{f}{o}{nl}",
        _dates(), st.sampled_from([0, 9, 23, 24]), st.sampled_from([0, 30, 59, 60]),
        st.sampled_from([0, 30, 59, 60]), st.sampled_from(["", ".5", "."]),
        st.sampled_from(["Z", "+24:00", ""]), st.sampled_from(["", "\n", "\n\n"]))
    return well_formed | well_formed.map(str.lower) | near_miss | DATEISH


URIS = st.sampled_from([
    "https://x.test/a?b=c#d", "mailto:a@b.c", "urn:isbn:0451450523", "http://[::1]:80/",
    "http://[v1.x]/", "no-scheme", "1http://x", "http://x y", "https://x.test/%zz", "a:",
    "a:\n", "a:\n\n", "http://[fe80::1%25en0]/", "ftp://user:pw@[2001:db8::7]/c=GB",
    "http://example.com/ä", "",
]) | st.text(alphabet="ahtps:/[]%@?#.1-", max_size=16)


def _value(spec: PropertySpec) -> st.SearchStrategy[Any]:
    """A value that may or may not fit the property: its enum, its format, its type, or any
    JSON value."""
    options: list[st.SearchStrategy[Any]] = [JSON_VALUES]
    if spec.enum:
        options.append(st.sampled_from(spec.enum))
        options.append(st.sampled_from(spec.enum).map(
            lambda v: float(v) if isinstance(v, int) and not isinstance(v, bool) else v))
    by_type: dict[ValueType, st.SearchStrategy[Any]] = {
        ValueType.STRING: st.text(max_size=10), ValueType.NUMBER: st.floats(
            allow_nan=False, allow_infinity=False) | st.integers(),
        ValueType.INTEGER: st.integers() | st.integers(-5, 5).map(float),
        ValueType.BOOLEAN: st.booleans(),
        ValueType.TIMESTAMP: st.integers(0, 2**40) | _date_times(),
        ValueType.ARRAY: st.lists(JSON_SCALARS, max_size=3),
        ValueType.OBJECT: st.dictionaries(st.text(max_size=3), JSON_SCALARS, max_size=3),
    }
    options.append(by_type[spec.type])
    fmt = spec.format or ("date-time" if spec.type is ValueType.TIMESTAMP else None)
    formats = {"email": st.text(max_size=6) | st.builds(lambda a, b: f"{a}@{b}", st.text(
        max_size=4), st.text(max_size=4)), "uri": URIS, "date": _dates(),
        "date-time": _date_times()}
    if fmt in formats:
        options.append(formats[fmt])
    return st.one_of(options)


@st.composite
def payloads(draw: st.DrawFn, events: tuple[Event, ...]) -> dict[str, Any]:
    """``{"name", "data"}``: a declared event (or an unknown name) with each property absent,
    fitting or not, and sometimes an undeclared key."""
    event = draw(st.sampled_from(events))  # "Order Placed" has every type and format
    name = draw(st.sampled_from([event.name] * 9 + ["no_such_event"]))
    data = {}
    for key, spec in event.properties.items():
        if draw(st.integers(0, 3)):  # 3 in 4 present
            data[key] = draw(_value(spec))
    if draw(st.booleans()):
        data[draw(st.text(max_size=5))] = draw(JSON_SCALARS)
    return {"name": name, "data": data}


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("agreement_tracking", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["agreement_tracking"] = module
    spec.loader.exec_module(module)
    return module


def _errors(checker: Checker, payload: dict[str, Any]) -> list[str]:
    return sorted(f.path for f in checker.check(payload)[1] if f.error)


@pytest.mark.parametrize("batch_typescript", [
    pytest.param(False, id="python", marks=pytest.mark.skipif(
        not needs_node_tools.args[0], reason="the python+typescript run checks both")),
    pytest.param(True, id="python+typescript", marks=needs_node_tools),
])
def test_generated_validators_agree_with_events_check(
        write_workspace: Any, tmp_path: Path, batch_typescript: bool) -> None:
    root = write_workspace({"data/events.yaml": AWKWARD})
    events = load_valid_workspace(root, "local", {}).events
    model = load_codegen_model(root, "local", {})[2]
    checker = Checker(events)
    (tmp_path / "agreement_tracking.py").write_text(render_python(model), encoding="utf-8")
    generated = _load(tmp_path / "agreement_tracking.py")
    collected: list[tuple[str, int]] = []

    @settings(max_examples=EXAMPLES, database=None)
    @given(payloads(events))
    def agree(payload: dict[str, Any]) -> None:
        text = json.dumps(payload)
        read = json.loads(text)  # what events check sees: the payload as JSON
        expected = _errors(checker, read)
        problems = generated.validate_event(read["name"], read["data"])
        assert sorted(p.path for p in problems if p.error) == expected, problems
        collected.append((text, len(expected)))

    agree()
    if not batch_typescript:
        return
    (tmp_path / "tracking.ts").write_text(render_typescript(model), encoding="utf-8")
    (tmp_path / "payloads.jsonl").write_text("\n".join(t for t, _ in collected) + "\n",
                                             encoding="utf-8")
    (tmp_path / "check.cjs").write_text(NODE_CHECK, encoding="utf-8")
    result = subprocess.run(
        ["node", str(tmp_path / "check.cjs"), str(NODE_MODULES / "typescript"),
         str(tmp_path / "tracking.ts"), str(tmp_path / "payloads.jsonl")],
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    disagreements = [(text, want, got) for (text, want), got in zip(collected, counts,
                                                                     strict=True) if want != got]
    assert not disagreements, disagreements[:5]
    assert any(want == 0 for _, want in collected) and any(want for _, want in collected)
