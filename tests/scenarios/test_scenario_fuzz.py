"""Fuzzed scenario files never produce a traceback: every outcome is a run or a CioctlError
that names the file (issue 12 item 6)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cioctl.errors import CioctlError
from cioctl.model.workspace import Workspace
from cioctl.scenarios.load import ScenarioFile, load_scenario
from cioctl.scenarios.run import run_scenario
from cioctl.semantics.segments import SegmentWorld
from tests.conftest import EXAMPLE

SEEDS = [p.read_text() for p in sorted((EXAMPLE / "scenarios").glob("*.yaml"))]
PIECES = st.sampled_from([
    "", " ", "\n", ":", "- ", "{", "}", "[", "]", ",", "+", "+1d", "+0m", "-1d", "null", "~",
    "true", "1e999", "2026-13-45T99:00:00Z", "&a", "*a", "!!python/object", "'", '"', "\t",
    "person: ada", "event: signed_up", "at: +5m", "arrives: +1m", "expect:", "timeline:",
    "sent: {flow: onboarding, step: welcome}", "identify: {plan: 3}", "{{", "%", "\x00", "é",
])
KEYS = st.sampled_from(["scenario", "start", "until", "people", "timeline", "expect", "id",
                        "attributes", "at", "person", "event", "data", "arrives", "identify",
                        "sent", "not_sent", "in_segment", "attribute", "rendered", "between",
                        "flow", "step", "field", "contains", "segments", "add_to_segment"])
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(),
              st.sampled_from(["+1d", "+0m", "2026-01-05T09:00:00Z", "ada", "onboarding",
                               "welcome", "signed_up", "unverified", "plan"]), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=25)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = min(len(text), start + draw(st.integers(0, 12)))
        text = text[:start] + draw(PIECES) + text[end:]
    return text


def check(text: str, example: Workspace, world: SegmentWorld) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            scenario, problems = load_scenario(path, example)
            for problem in problems:
                assert problem.location is not None and problem.location.file == path
            if scenario is not None:
                run_scenario(ScenarioFile(path, scenario), example, world)
        except CioctlError as error:  # a clean, reported error is fine
            assert error.location is not None


@settings(max_examples=60, deadline=None)
@given(text=mutated())
def test_mutated_scenario_files(example: Workspace, world: SegmentWorld, text: str) -> None:
    check(text, example, world)


@settings(max_examples=60, deadline=None)
@given(data=st.dictionaries(KEYS, VALUES, max_size=7))
def test_random_scenario_documents(example: Workspace, world: SegmentWorld,
                                   data: dict[str, object]) -> None:
    base: dict[str, object] = {"scenario": "f", "start": "2026-01-05T09:00:00Z"}
    check(yaml.safe_dump({**base, **data}, allow_unicode=True), example, world)
