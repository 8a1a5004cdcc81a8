"""Bad input never gives a traceback: mutated and generated definitions always produce either a
valid workspace or clean errors that name a file and a line."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cioctl.errors import CioctlError, ValidationFailedError
from cioctl.pipeline import validate_workspace
from tests.conftest import EXAMPLE

# Bad input never crashes: 1,000 cases per fuzz test in CI (the hardening issue's figure).
FUZZ_EXAMPLES = 1000 if os.environ.get("CI") else 200

FILES = sorted(p.relative_to(EXAMPLE) for p in EXAMPLE.rglob("*.yaml"))
NOISE = st.sampled_from([
    ":", "- ", "{", "}", "[", "]", "&a", "*a", "*b", "!!python/object", "${var.", "${env:X}",
    "{{", "}}", "{%", "\t", "\x00", "é", "'", '"', "|", "\n  ", "null", "- {", "<<: *a",
    "0x", "~", "? ", "%YAML 1.1\n", "---\n", "...\n", "\\u0000", "\ufeff",
])


def assert_clean(root: Path) -> None:
    try:
        report = validate_workspace(root, "local", {})
        problems: list[CioctlError] = list(report.problems)
    except ValidationFailedError as failed:
        problems = failed.problems
    except CioctlError as error:
        problems = [error]
    for problem in problems:
        assert problem.location is not None, problem
        assert problem.location.file.name, problem
        assert problem.location.line >= 1, problem
        assert problem.message


def mutate(text: str, data: st.DataObject) -> str:
    lines = text.splitlines(keepends=True) or [""]
    action = data.draw(st.sampled_from(["insert", "delete", "duplicate", "swap", "truncate",
                                        "replace"]))
    i = data.draw(st.integers(0, len(lines) - 1))
    if action == "insert":
        col = data.draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:col] + data.draw(NOISE) + lines[i][col:]
    elif action == "delete":
        del lines[i]
    elif action == "duplicate":
        lines.insert(i, lines[i])
    elif action == "swap":
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif action == "truncate":
        return "".join(lines)[: data.draw(st.integers(0, len(text)))]
    else:
        words = lines[i].split()
        if words:
            victim = data.draw(st.sampled_from(words))
            lines[i] = lines[i].replace(victim, data.draw(st.text(max_size=8)), 1)
    return "".join(lines)


@settings(max_examples=FUZZ_EXAMPLES)
@given(data=st.data())
def test_mutated_example_never_crashes(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        shutil.copytree(EXAMPLE, root)
        for _ in range(data.draw(st.integers(1, 3))):
            target = root / data.draw(st.sampled_from(FILES))
            target.write_text(mutate(target.read_text(encoding="utf-8"), data), encoding="utf-8")
        assert_clean(root)


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**12), st.floats(),
                    st.text(max_size=20), st.sampled_from(["eq", "gt", "exists", "5m", "pro",
                                                           "signed_up", "plan", "{{ x"]))
KEYS = st.sampled_from([
    "name", "key", "conditions", "all", "any", "not", "attribute", "operator", "value", "segment",
    "event", "within", "at_least", "where", "property", "trigger", "steps", "wait", "email",
    "id", "subject", "body", "branch", "if", "then", "else", "manual", "type", "properties",
    "events", "endpoint", "data", "filter", "goal", "frequency", "value_file", "body_file",
])
TREES: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(KEYS, children, max_size=5)),
    max_leaves=25,
)
KINDS = st.sampled_from(["events", "attributes", "segments", "flows", "snippets",
                         "reporting_webhooks", "collections", "segmentz"])


@settings(max_examples=FUZZ_EXAMPLES)
@given(kind=KINDS, items=st.lists(TREES, max_size=4))
def test_generated_definitions_never_crash(kind: str, items: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        shutil.copytree(EXAMPLE / "data", root / "data")
        shutil.copy(EXAMPLE / "workspace.yaml", root / "workspace.yaml")
        text = yaml.safe_dump({kind: items}, allow_unicode=True)
        (root / "fuzz.yaml").write_text(text, encoding="utf-8")
        assert_clean(root)
