"""Each cross-definition check, on real workspaces written to disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from cioctl.pipeline import validate_workspace
from tests.conftest import WriteWorkspace

DATA = """\
events:
  - name: signed_up
    properties:
      method: {type: string, enum: [google, email]}
      seats: {type: integer}
  - name: cancelled
    properties:
      reason: {type: string}
attributes:
  - {name: plan, type: string, enum: [free, pro]}
  - {name: score, type: number}
  - {name: verified, type: boolean}
  - {name: renews_at, type: timestamp}
  - {name: first_name, type: string}
snippets:
  - {name: footer, value: "bye {{ customer.first_name }}"}
"""


def problems(root: Path) -> list[str]:
    report = validate_workspace(root, "local", {})
    return [f"{p.location.line if p.location else '?'}: {p.message} | {p.hint}"
            for p in report.problems]


def only(write: WriteWorkspace, text: str) -> list[str]:
    return problems(write({"data.yaml": DATA, "more.yaml": text}))


def test_clean_workspace_has_no_problems(write_workspace: WriteWorkspace) -> None:
    assert only(write_workspace, "segments:\n  - {name: Pro, conditions: "
                "{attribute: plan, operator: eq, value: pro}}\n") == []


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("{attribute: plam, operator: eq, value: pro}", "unknown attribute 'plam'"),
        ("{attribute: plan, operator: gt, value: pro}", "operator 'gt' does not apply"),
        ("{attribute: plan, operator: eq, value: gold}", "not one of its enum values"),
        ("{attribute: score, operator: gt, value: high}", "is not a number"),
        ("{attribute: verified, operator: eq, value: 'yes'}", "is not a boolean"),
        ("{segment: nowhere}", "unknown segment 'nowhere'"),
        ("{event: signed_upp}", "unknown event 'signed_upp'"),
        ("{event: signed_up, where: [{property: metod, operator: eq, value: google}]}",
         "has no property 'metod'"),
        ("{event: signed_up, where: [{property: seats, operator: contains, value: 1}]}",
         "operator 'contains' does not apply to property 'seats'"),
    ],
)
def test_condition_problems(write_workspace: WriteWorkspace, condition: str, expected: str) -> None:
    found = only(write_workspace, f"segments:\n  - name: S\n    conditions: {condition}\n")
    assert len(found) == 1, found
    assert found[0].startswith("3: ") and expected in found[0]


def test_suggestions_name_the_closest(write_workspace: WriteWorkspace) -> None:
    found = only(write_workspace, "segments:\n  - {name: S, conditions: "
                 "{attribute: plam, operator: exists}}\n")
    assert "did you mean 'plan'?" in found[0]


def test_segment_cycle_prints_the_path(write_workspace: WriteWorkspace) -> None:
    found = only(write_workspace, """\
        segments:
          - {name: A, conditions: {segment: b}}
          - {name: B, conditions: {all: [{segment: c}]}}
          - {name: C, conditions: {not: {segment: a}}}
        """)
    assert len(found) == 1 and "a → b → c → a" in found[0]


FLOW = """\
flows:
  - name: F
    trigger: {trigger}
    steps:
      - email:
          id: one
          subject: "Hi {{{{ customer.first_name }}}}"
          body: |
            line one
            {body}
"""


@pytest.mark.parametrize(
    ("trigger", "body", "expected", "line"),
    [
        ("{event: cancelled}", "{{ event.reasn }}", "'event.reasn' is not a property", 10),
        ("{event: cancelled}", "{{ customer.nope }}", "'customer.nope' is not a declared", 10),
        ("{event: cancelled}", "{{ snippets.fotter }}", "did you mean 'footer'", 10),
        ("{segment: s}", "{{ event.reason }}", "not triggered by an event", 10),
        ("{event: cancelled}", "{% if x %}", "Liquid syntax error", 10),
        ("{date_attribute: plan}", "ok", "is a string", 3),
    ],
)
def test_flow_liquid_and_trigger_problems(
    write_workspace: WriteWorkspace, trigger: str, body: str, expected: str, line: int
) -> None:
    segment = "segments:\n  - {name: S, conditions: {attribute: plan, operator: exists}}\n"
    found = only(write_workspace, segment + FLOW.format(trigger=trigger, body=body))
    assert len(found) == 1, found
    assert expected in found[0]
    assert found[0].startswith(f"{line + 2}: ") or found[0].startswith(f"{line}: ")


def test_liquid_error_in_template_file_points_into_it(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({
        "data.yaml": DATA,
        "tpl/t.html": "ok\nstill ok\n{{ customer.missing }}\n",
        "flows.yaml": """\
            flows:
              - name: F
                trigger: {event: cancelled}
                steps:
                  - email: {id: a, subject: S, body_file: tpl/t.html}
            """,
    })
    report = validate_workspace(root, "local", {})
    (problem,) = report.problems
    assert problem.location is not None
    assert problem.location.file.name == "t.html" and problem.location.line == 3


def test_duplicate_step_ids_and_keys(write_workspace: WriteWorkspace) -> None:
    found = only(write_workspace, """\
        flows:
          - name: F
            trigger: {event: cancelled}
            steps:
              - email: {id: a, subject: S, body: x}
              - branch:
                  if: {attribute: verified, operator: eq, value: true}
                  then: [{email: {id: a, subject: T, body: y}}]
          - name: f
            trigger: {event: cancelled}
            steps: [{wait: 1d}]
        """)
    assert any("step id 'a' is used twice" in p for p in found)
    assert any("flow key 'f' is defined twice" in p for p in found)


def test_all_problems_reported_at_once(write_workspace: WriteWorkspace) -> None:
    found = only(write_workspace, """\
        segments:
          - {name: A, conditions: {attribute: x1, operator: exists}}
          - {name: B, conditions: {attribute: x2, operator: exists}}
          - {name: C, condtions: {attribute: x3, operator: exists}}
        flows:
          - name: F
            trigger: {event: nope}
            steps: [{wiat: 1d}]
        """)
    # x1, x2, 'condtions', 'wiat'; flow F is invalid, so its trigger is not cross-checked
    assert len(found) == 4, found


def test_update_attribute_is_checked(write_workspace: WriteWorkspace) -> None:
    found = only(write_workspace, """\
        flows:
          - name: F
            trigger: {event: cancelled}
            steps: [{update_attribute: {name: score, value: lots}}]
        """)
    assert len(found) == 1 and "is not a number" in found[0]


def test_references_to_an_invalid_definition_are_not_reported_again(
    write_workspace: WriteWorkspace,
) -> None:
    found = only(write_workspace, """\
        segments:
          - {name: Churn risk, condtions: {attribute: plan, operator: exists}}
          - {name: B, conditions: {not: {segment: churn_risk}}}
        snippets:
          - {name: sig, value: "${var.signature}"}
          - {name: legal, vaule: "x"}
        flows:
          - name: F
            trigger: {segment: churn_risk}
            steps: [{email: {id: a, subject: "{{ snippets.legal }}", body: x}}]
        """)
    # the typo 'condtions', the missing variable and the typo 'vaule': the root causes only
    assert [p.split(":")[0] for p in found] == ["5", "2", "6"], found
