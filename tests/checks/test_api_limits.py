"""What apply would refuse (or silently get wrong) is an error at its line in validate."""

from __future__ import annotations

from pathlib import Path

import pytest

from cioctl.api.journeys_modeled.common import MAX_CONDITION_DEPTH
from cioctl.pipeline import validate_workspace
from tests.conftest import WriteWorkspace
from tests.plan.engine_helpers import apply, plan

DATA = """\
attributes: [{name: plan}, {name: first_name}]
events: [{name: go}]
collections: [{name: plans, data: [{name: pro}]}]
"""


def problems(root: Path) -> list[tuple[int, str, str]]:
    return [(p.location.line if p.location else 0, p.message, p.hint or "")
            for p in validate_workspace(root, "local", {}).problems]


def only(write: WriteWorkspace, text: str) -> list[tuple[int, str, str]]:
    return problems(write({"data.yaml": DATA, "more.yaml": text}))


def _nested(levels: int) -> str:
    # eq: a `not` over it is exact on the wire (inverse), unlike one over `exists`
    condition = "{attribute: plan, operator: eq, value: pro}"
    for _ in range(levels - 1):
        condition = "{not: " + condition + "}"
    return condition


def test_condition_depth_matches_what_the_workspace_accepts(
    write_workspace: WriteWorkspace,
) -> None:
    deepest = f"segments:\n  - {{name: S, conditions: {_nested(MAX_CONDITION_DEPTH)}}}\n"
    root = write_workspace({"data.yaml": DATA, "more.yaml": deepest})
    assert problems(root) == []
    assert apply(root).result.ok  # the embedded workspace takes the deepest allowed
    assert plan(root).changes == ()
    (root / "more.yaml").write_text(
        "segments:\n  - name: S\n    conditions:\n"
        f"      {{all: [{_nested(MAX_CONDITION_DEPTH)}]}}\n", encoding="utf-8")
    (found,) = problems(root)
    assert found[0] == 4 and "deeper than 10 levels" in found[1]


def test_too_deep_in_a_flow_branch(write_workspace: WriteWorkspace) -> None:
    found = only(write_workspace, f"""\
        flows:
          - name: F
            trigger: {{event: go}}
            steps:
              - branch:
                  if: {_nested(MAX_CONDITION_DEPTH + 1)}
                  then: [{{wait: 1d}}]
        """)
    # the flat flow-condition wire also cannot say a `not` over a `not` (exact or refused)
    assert [(line, "deeper than 10" in m) for line, m, _ in found
            if "cannot be written in a flow condition" not in m] == [(6, True)]


def test_snippet_that_uses_itself(write_workspace: WriteWorkspace) -> None:
    found = only(write_workspace, """\
        snippets:
          - {name: a, value: "x {{ snippets.a }}"}
          - {name: b, value: "{{ snippets.c }}"}
          - name: c
            value: |
              {{ snippets.b }}
        """)
    assert [(line, message) for line, message, _ in found] == [
        (2, "snippet 'a' uses itself: a → a"),
        (3, "snippets use each other in a cycle: b → c → b"),
    ]


@pytest.mark.parametrize(("expression", "hint"), [
    ("customer.first_name | shout", "use a standard Liquid filter"),
    ("customer.first_name | defualt: 'there'", "did you mean 'default'?"),
])
def test_unknown_liquid_filters(write_workspace: WriteWorkspace, expression: str,
                                hint: str) -> None:
    found = only(write_workspace, f"""\
        snippets:
          - name: s
            value: |
              Hello
              {{{{ {expression} }}}}
        """)
    name = expression.split("| ")[1].split(":")[0]
    assert found == [(5, f"snippet 's': unknown Liquid filter '{name}'", found[0][2])]
    assert hint in found[0][2]


def test_customerio_and_standard_filters_pass(write_workspace: WriteWorkspace) -> None:
    assert only(write_workspace, """\
        snippets:
          - {name: s, value: "{{ customer.first_name | default: 'x' | upcase | timezone: 'UTC' }}"}
        """) == []


def test_reading_a_collection_that_is_not_defined(write_workspace: WriteWorkspace) -> None:
    found = only(write_workspace, """\
        flows:
          - name: F
            trigger: {event: go}
            steps:
              - email:
                  id: e
                  subject: S
                  body: |
                    {% for p in plans %}{{ p.name }}{% endfor %}
                    {% for p in prices %}{{ p.name }}{% endfor %}
                    {{ collections.plnas[0].name }}
        """)
    assert [(line, message.split(": ", 1)[1]) for line, message, _ in found] == [
        (10, "'prices' is neither a declared collection nor a Customer.io variable"),
        (11, "'collections.plnas' is not a declared collection"),
    ]
    assert found[1][2] == "did you mean 'plans'?"


def test_deleting_a_collection_a_template_reads(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"data.yaml": DATA, "more.yaml": """\
        snippets:
          - {name: s, value: "{% for p in plans %}{{ p.name }}{% endfor %}"}
        """})
    assert problems(root) == []
    (root / "data.yaml").write_text(DATA.replace("collections: [{name: plans, data: "
                                                 "[{name: pro}]}]\n", ""), encoding="utf-8")
    assert [line for line, _, _ in problems(root)] == [2]


@pytest.mark.parametrize(("paths", "line", "message", "hint"), [
    ("[stepz]", 5, "'stepz' is not a field of a flow", "did you mean 'steps'?"),
    ("[steps, 'trigger..x']", 5, "'trigger..x' is not a valid path", "paths start with one of"),
    ("[tigger]", 5, "'tigger' is not a field of a flow", "did you mean 'trigger'?"),
])
def test_unknown_ignore_changes_paths(write_workspace: WriteWorkspace, paths: str, line: int,
                                      message: str, hint: str) -> None:
    found = only(write_workspace, f"""\
        flows:
          - name: F
            trigger: {{event: go}}
            lifecycle:
              ignore_changes: {paths}
            steps: [{{wait: 1d}}]
        """)
    assert len(found) == 1 and found[0][0] == line, found
    assert message in found[0][1] and hint in found[0][2]


def test_ignore_changes_paths_of_the_old_plan_format_are_refused(
        write_workspace: WriteWorkspace) -> None:
    """``steps[0].content.body`` (the codec's vocabulary, plan format 2) would now match
    nothing and let the plan revert the UI edit it was meant to keep: refused with the new
    form."""
    found = only(write_workspace, """\
        flows:
          - name: F
            trigger: {event: go}
            lifecycle:
              ignore_changes: ["steps[0].content.body", "steps[0].email.subject"]
            steps: [{email: {id: m, subject: s, body: b}}]
        """)
    assert len(found) == 1 and found[0][0] == 5, found
    assert "'steps[0].content.body' uses the wire's name(s) content" in found[0][1]
    assert "steps[2].email.body" in found[0][2]


def test_known_ignore_changes_paths_pass(write_workspace: WriteWorkspace) -> None:
    assert only(write_workspace, """\
        segments:
          - name: S
            lifecycle: {ignore_changes: [tags, "conditions.value"]}
            conditions: {attribute: plan, operator: exists}
        """) == []


@pytest.mark.parametrize(("condition", "expected"), [
    ("{event: go, at_least: 1e29}", "1e29 is out of range: a count is 0 to 2,147,483,647"),
    ("{event: go, exactly: 2147483648}", "out of range: a count is 0 to 2,147,483,647"),
    ("{event: go, within: 99999999999999999999w}", "longer than the limit of 1825d"),
    ("{event: go, within: 1826d}", "longer than the limit of 1825d (5 years)"),
    ("{event: go, within: 0s}", "a window of 0s is empty"),
    ("{attribute: plan, operator: eq, value: .inf}", "not a finite number"),
    ("{attribute: plan, operator: eq, value: 9007199254740993}", "out of range"),
])
def test_out_of_range_numbers(write_workspace: WriteWorkspace, condition: str,
                              expected: str) -> None:
    found = only(write_workspace, f"segments:\n  - name: S\n    conditions: {condition}\n")
    assert len(found) == 1 and found[0][0] == 3 and expected in found[0][1], found


def test_wait_beyond_the_limit_is_an_error(write_workspace: WriteWorkspace) -> None:
    found = only(write_workspace, """\
        flows:
          - name: F
            trigger: {event: go}
            steps: [{wait: 99999999999999999999w}, {update_attribute: {name: plan, value: .nan}}]
        """)
    assert len(found) == 2 and {line for line, _, _ in found} == {4}, found
