"""Exact or refused: segment conditions the Journeys API cannot hold are errors at file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cioctl.api.journeys.normal_form import MAX_CNF_LEAVES
from cioctl.checks.expressible import expressible_problems
from cioctl.pipeline import validate_workspace
from tests.conftest import EXAMPLE, WriteWorkspace

DATA = """\
events:
  - name: feature_used
    properties:
      feature: {type: string}
      count: {type: integer}
attributes:
  - {name: plan, type: string}
  - {name: score, type: number}
  - {name: verified, type: boolean}
  - {name: renews_at, type: timestamp}
"""


def problems(root: Path) -> list[str]:
    report = validate_workspace(root, "local", {})
    found = expressible_problems(report.workspace)
    # Before registration in run_checks validate is clean; after it, it reports exactly these.
    assert [str(p) for p in report.problems] in ([], [str(p) for p in found])
    return [f"{p.location.file.name}:{p.location.line}: {p.message} | {p.hint}"
            if p.location else f"?: {p.message}" for p in found]


def segment(write: WriteWorkspace, conditions: str) -> list[str]:
    text = "segments:\n  - name: S\n    conditions:\n" + "\n".join(
        "      " + line for line in conditions.splitlines()) + "\n"
    return problems(write({"data.yaml": DATA, "segments.yaml": text}))


def test_the_example_workspace_is_expressible() -> None:
    assert problems(EXAMPLE) == []


def test_exact_rewrites_are_accepted(write_workspace: WriteWorkspace) -> None:
    assert segment(write_workspace, """\
all:
  - {attribute: plan, operator: neq, value: pro}
  - {attribute: plan, operator: not_in, value: [a, b]}
  - {attribute: score, operator: gte, value: 0.5}
  - {attribute: renews_at, operator: lte, value: "2026-01-01T00:00:00Z"}
  - event: feature_used
    exactly: 2
    within: 7d
    where: [{property: count, operator: gte, value: 2}]
  - not:
      any:
        - {attribute: verified, operator: eq, value: true}
        - {event: feature_used, at_most: 1}""") == []


@pytest.mark.parametrize(("conditions", "line", "message", "hint"), [
    ("{attribute: plan, operator: not_exists}", 4,
     "segment 'S': operator 'not_exists' on attribute 'plan' cannot be written exactly: the "
     "segment API negates only through 'inverse', which never matches people who never had the "
     "attribute (evidence §4), so no leaf can say 'absent'",
     "there is no exact form; send a default value (e.g. false or 0) and compare with 'eq', or "
     "keep these people in a manual segment"),
    ("not:\n  all:\n    - {attribute: plan, operator: eq, value: pro}\n"
     "    - {attribute: score, operator: exists}", 7,
     "segment 'S': 'not' over 'exists' on attribute 'score' cannot be written exactly", "there is"),
    ("{attribute: plan, operator: starts_with, value: pr}", 4,
     "segment 'S': operator 'starts_with' on attribute 'plan' has no counterpart in the segment "
     "API (evidence §4 lists eq, exists, lt, gt, contains, bw and timestamp_*)",
     "use 'contains', or 'in' with the complete values"),
    ("{attribute: renews_at, operator: eq, value: 1700000000}", 4,
     "segment 'S': timestamp attribute 'renews_at' cannot be compared with 'eq'",
     "write a range: all: [{operator: gte, value: T1}, {operator: lt, value: T2}]"),
    ("{attribute: plan, operator: in, value: []}", 4,
     "segment 'S': 'in' with no values on attribute 'plan' never matches",
     "list at least one value, or remove the condition"),
    ("{event: feature_used, at_least: 0}", 4, "segment 'S': 'at_least: 0' always matches",
     "remove the condition, or count from 1"),
    ("event: feature_used\nwhere:\n  - {property: count, operator: gt, value: 1}\n"
     "  - {property: feature, operator: in, value: [a, b]}", 7,
     "segment 'S': 'in' on property 'feature' of event 'feature_used' can only be the event's "
     "only 'where' filter: the wire's filters are one flat and/or list (evidence §4)",
     "split it: any: [one event condition per value]"),
    ("{attribute: renews_at, operator: gt, value: 'next tuesday'}", 4,
     "segment 'S': attribute 'renews_at': 'next tuesday' is not a Unix timestamp or an ISO 8601 "
     "date", "write the value in the attribute's declared type"),
])
def test_refusals_name_the_line_and_how_to_rewrite(
    write_workspace: WriteWorkspace, conditions: str, line: int, message: str, hint: str
) -> None:
    [problem] = segment(write_workspace, conditions)
    where, text = problem.split(": ", 1)
    assert where == f"segments.yaml:{line}"
    assert text.startswith(message), text
    assert text.split(" | ")[1].startswith(hint), text


def test_a_cnf_beyond_the_limit_is_refused_at_the_condition(
    write_workspace: WriteWorkspace,
) -> None:
    group = "  - all: [{segment: a}, {segment: b}, {segment: c}, {segment: d}, {segment: e}]\n"
    others = "".join(f"  - {{name: {k}, manual: true}}\n" for k in "abcde")
    root = write_workspace({"data.yaml": DATA, "segments.yaml": (
        "segments:\n" + others + "  - name: S\n    conditions:\n      any:\n"
        + "".join("      " + group for _ in range(3)))})
    [problem] = problems(root)
    assert problem.startswith(f"segments.yaml:9: segment 'S': this condition needs more than "
                              f"{MAX_CNF_LEAVES} leaves once written as an 'all' of 'any' groups")
    assert "move an inner 'all' or 'any' into a segment of its own" in problem


def test_every_refusal_of_a_segment_is_reported_at_once(write_workspace: WriteWorkspace) -> None:
    found = segment(write_workspace, """\
any:
  - {attribute: plan, operator: starts_with, value: p}
  - {attribute: plan, operator: not_exists}""")
    assert [p.split(":")[1] for p in found] == ["5", "6"]


def test_undeclared_names_are_left_to_the_reference_check(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"data.yaml": DATA, "segments.yaml": (
        "segments:\n  - name: S\n    conditions: {attribute: nope, operator: not_exists}\n")})
    report = validate_workspace(root, "local", {})
    assert [p.message for p in report.problems] == ["unknown attribute 'nope'"]
    assert expressible_problems(report.workspace) == []

