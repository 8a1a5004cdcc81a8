"""Scenario files: the issue's format as written, the JSON Schema, and errors at file:line."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from cioctl.definitions.yaml_loader import load_yaml
from cioctl.model.workspace import Workspace
from cioctl.scenarios.load import load_scenario
from tests.conftest import EXAMPLE, REPO

SCHEMA = json.loads((REPO / "schemas" / "scenario.schema.json").read_text())
HEAD = "scenario: s\nstart: 2026-01-05T09:00:00Z\npeople:\n  - {id: ada}\n"


def problems(tmp_path: Path, example: Workspace, body: str) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + textwrap.dedent(body))
    scenario, found = load_scenario(path, example)
    assert (scenario is None) == bool(found)
    return [f"{p.location.line if p.location else 0}: {p.message}" for p in found]


@pytest.mark.parametrize("path", sorted((EXAMPLE / "scenarios").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_example_scenarios_match_the_published_schema(path: Path, example: Workspace) -> None:
    # Read as editors do (a YAML timestamp stays text), with the project's own loader.
    jsonschema.validate(load_yaml(path, path.read_text()), SCHEMA)
    scenario, found = load_scenario(path, example)
    assert scenario is not None and not found


def test_the_issue_example_is_accepted_as_written(example: Workspace) -> None:
    # unverified_signup.yaml is the issue's block verbatim (plus comments).
    scenario, found = load_scenario(EXAMPLE / "scenarios" / "unverified_signup.yaml", example)
    assert not found and scenario is not None
    assert [e.subject for e in scenario.expect] == [
        "sent", "sent", "not_sent", "in_segment", "not_in_segment", "attribute", "rendered"]
    assert scenario.timeline[2].arrives == "+3d"


@pytest.mark.parametrize(("body", "expected"), [
    ("expect:\n  - {person: ada, sent: {flow: onboardin, step: welcome}}\n",
     "6: unknown flow 'onboardin'"),
    ("expect:\n  - {person: ada, in_segment: unverifed}\n", "6: unknown segment 'unverifed'"),
    ("expect:\n  - {person: ada, attribute: {plan_x: pro}}\n", "6: unknown attribute 'plan_x'"),
    ("expect:\n  - {person: ada, entered: nope}\n", "6: unknown flow 'nope'"),
    ("timeline:\n  - {at: +1d, person: ada, event: signed_up, data: {method: fax}}\n",
     "6: event 'signed_up' $.data.method"),
    ("timeline:\n  - {at: +1d, person: ada, event: signed_upp}\n",
     "6: event 'signed_upp' $.name: unknown event 'signed_upp'"),
    ("timeline:\n  - {at: +1d, person: ada, event: email_verified, arrives: +1h}\n",
     "6: the event arrives (+1h) before it happens (+1d)"),
    ("timeline:\n  - {at: +1x, person: ada, identify: {plan: pro}}\n", "6: timeline[0].at"),
    ("timeline:\n  - {at: +1d, person: ada, add_to_segment: trialing}\n",
     "6: segment 'trialing' is data-driven"),
    ("expect:\n  - {person: ada, in_segment: trialing, between: [+1d, +2d]}\n",
     "6: expect[0]: 'in_segment' is checked at one instant"),
    ("expect:\n  - {person: ada, sent: {flow: onboarding, step: welcome}, when: +1d}\n",
     "6: expect[0]: unknown key 'when'"),
    ("until: +500d\n", "5: until +500d is outside 0 to 400 days"),
])
def test_errors_name_the_line(tmp_path: Path, example: Workspace, body: str,
                              expected: str) -> None:
    found = problems(tmp_path, example, body)
    assert any(p.startswith(expected) for p in found), found


def test_start_needs_a_zone(tmp_path: Path, example: Workspace) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("scenario: s\nstart: 2026-01-05T09:00:00\n")
    _, found = load_scenario(path, example)
    assert found and found[0].location is not None and found[0].location.line == 2
    assert "has no time zone" in found[0].message
