"""The flow engine's rules one at a time, each on a small workspace and a scenario file run
through the real loader and engine (docs/semantics.md sections 4 to 8)."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cioctl.engine import load_valid_workspace
from cioctl.errors import CioctlError
from cioctl.model.flows import DateTrigger
from cioctl.scenarios.load import ScenarioFile, load_scenario
from cioctl.scenarios.run import ScenarioResult, run_scenario
from cioctl.semantics.flows_dates import next_fire
from cioctl.semantics.segments import SegmentWorld
from tests.conftest import WriteWorkspace

DEFINITIONS = """\
attributes:
  - {name: email, type: string}
  - {name: first_name, type: string}
  - {name: verified, type: boolean}
  - {name: stage, type: string}
  - {name: loop, type: integer}
events:
  - {name: ping}
  - {name: done}
segments:
  - name: Staged
    conditions: {attribute: stage, operator: eq, value: two}
  - name: Pinged recently
    key: pinged
    conditions: {event: ping, at_least: 1, within: 1d}
flows:
  - name: First
    trigger: {event: ping}
    steps:
      - wait_until:
          condition: {attribute: verified, operator: eq, value: true}
          max: 1d
      - email: {id: after_wait, subject: "Hi {{ customer.first_name | default: 'you' }}",
                body: "{% if customer.first_name != blank %}{{ customer.first_name }}{% endif %}"}
      - update_attribute: {name: stage, value: two}
  - name: Second
    trigger: {segment: staged}
    steps:
      - email: {id: staged_mail, subject: "Staged {{ customer.stage }}", body: x}
  - name: Expiry
    trigger: {segment: pinged}
    frequency: multiple
    steps:
      - wait_until:
          condition: {not: {segment: pinged}}
      - sms: {id: gone_quiet, body: "quiet"}
"""


def run(write_workspace: WriteWorkspace, scenario: str,
        definitions: str = DEFINITIONS) -> ScenarioResult:
    root = write_workspace({"defs.yaml": definitions, "scenarios/s.yaml": scenario})
    workspace = load_valid_workspace(root, "staging", {"TEST_APP_KEY": "k"})
    loaded, problems = load_scenario(root / "scenarios" / "s.yaml", workspace)
    assert loaded is not None, [str(p) for p in problems]
    return run_scenario(ScenarioFile(root / "scenarios" / "s.yaml", loaded), workspace,
                        SegmentWorld.from_model(workspace), explain=True)


def lines(result: ScenarioResult) -> list[str]:
    return [e.describe() for e in result.outcome.trace]


SCENARIO = """\
scenario: engine
start: 2026-01-05T09:00:00Z
people:
  - {id: a, attributes: {email: a@x.test}}
timeline:
  - {at: +0m, person: a, event: ping}
expect:
  - {person: a, sent: {flow: first, step: after_wait}, at: +1d}
  - {person: a, sent: {flow: second, step: staged_mail}, at: +1d}
  - {person: a, rendered: {flow: first, step: after_wait, field: subject, equals: Hi you}}
  - {person: a, rendered: {flow: first, step: after_wait, field: body, equals: ""}}
  - {person: a, not_sent: {flow: expiry, step: gone_quiet}}
"""


def test_wait_until_max_then_update_attribute_starts_another_flow(
        write_workspace: WriteWorkspace) -> None:
    result = run(write_workspace, SCENARIO)
    assert result.passed, [r.message for r in result.results if not r.passed]
    trace = lines(result)
    assert ("2026-01-06T09:00:00Z a wait_until first/wait_until@steps[0] #1 "
            "(outcome: max reached)") in trace
    # update_attribute moved a into "staged" at that instant, which started "second".
    at = trace.index("2026-01-06T09:00:00Z a attribute_updated first/update_attribute@steps[2] "
                     "#1 (stage: two)")
    assert trace[at + 1:at + 3] == [
        "2026-01-06T09:00:00Z a segment_entered (segment: staged)",
        "2026-01-06T09:00:00Z a entered second #1 (trigger: joined segment staged)"]
    # The window of "pinged" expired at exactly +1d: left by time, which met the wait_until.
    assert "2026-01-06T09:00:00Z a segment_left (segment: pinged, why: a window expired)" in trace
    # ... which met expiry's wait_until, but the default exit then stops the journey: a is no
    # longer in the trigger segment when the message is due (semantics §7.1).
    assert ("2026-01-06T09:00:00Z a exited expiry #1 (reason: stopped matching before a "
            "message, message: gone_quiet)") in trace


def test_wait_until_met_early_by_identify(write_workspace: WriteWorkspace) -> None:
    scenario = SCENARIO.replace("expect:\n", "  - {at: +2h, person: a, identify: {verified: true}}"
                                "\nexpect:\n  - {person: a, sent: {flow: first, step: "
                                "after_wait}, at: +2h}\n")
    result = run(write_workspace, scenario)
    assert result.results[0].passed
    assert not result.results[1].passed  # no longer at +1d: the failure is reported, not hidden


def test_a_wait_until_that_time_alone_makes_true(write_workspace: WriteWorkspace) -> None:
    quiet = DEFINITIONS.replace("""      - wait_until:
          condition: {attribute: verified, operator: eq, value: true}
          max: 1d""", """      - wait: 5m
      - wait_until:
          condition: {event: ping, exactly: 0, within: 1h}""")  # reached from a wait, not an input
    scenario = SCENARIO.split("expect:")[0] + (
        "expect:\n  - {person: a, sent: {flow: first, step: after_wait}, at: +1h}\n")
    result = run(write_workspace, scenario, quiet)
    assert result.passed, [e.describe() for e in result.outcome.trace]


@pytest.mark.parametrize(("late", "enters"), [("+3d", True), ("+3d1s", False)])
def test_the_72_hour_cut_off_is_inclusive(write_workspace: WriteWorkspace, late: str,
                                          enters: bool) -> None:
    scenario = SCENARIO.split("timeline:")[0] + (
        f"timeline:\n  - {{at: +0m, person: a, event: ping, arrives: {late}}}\n"
        "expect:\n  - {person: a, entered: first}\n")
    assert run(write_workspace, scenario).passed is enters


def test_a_flow_loop_is_an_error_not_a_hang(write_workspace: WriteWorkspace) -> None:
    loop = DEFINITIONS + textwrap.indent(textwrap.dedent("""\
        - name: Flip
          trigger: {segment: staged}
          frequency: multiple
          steps:
            - update_attribute: {name: stage, value: one}
            - update_attribute: {name: stage, value: two}
        """), "  ")
    with pytest.raises(CioctlError, match="cascaded changes"):
        run(write_workspace, SCENARIO, loop)


@pytest.mark.parametrize(("repeat", "value", "expected"), [
    ("monthly", "2025-01-31T00:00:00Z", datetime(2026, 2, 28, 9, 0, tzinfo=UTC)),
    ("yearly", "2024-02-29T00:00:00Z", datetime(2026, 2, 28, 9, 0, tzinfo=UTC)),
    ("once", "2026-02-10T00:00:00Z", None),
    ("once", "2026-03-10T00:00:00Z", datetime(2026, 3, 10, 9, 0, tzinfo=UTC)),
])
def test_date_triggers(repeat: str, value: str, expected: datetime | None) -> None:
    trigger = DateTrigger(date_attribute="d", repeat=repeat)  # type: ignore[arg-type]
    assert next_fire(trigger, {"d": value}, datetime(2026, 2, 15, tzinfo=UTC)) == expected


def test_date_trigger_in_the_customer_zone() -> None:
    trigger = DateTrigger(date_attribute="d", at="10:00", timezone="customer")
    fire = next_fire(trigger, {"d": 1768867200, "timezone": "Asia/Tokyo"},  # 2026-01-20Z
                     datetime(2026, 1, 1, tzinfo=UTC))
    assert fire == datetime(2026, 1, 20, 1, 0, tzinfo=UTC)
    invalid = next_fire(trigger, {"d": 1768867200, "timezone": "Mars/Base"},
                        datetime(2026, 1, 1, tzinfo=UTC))
    assert invalid == datetime(2026, 1, 20, 10, 0, tzinfo=UTC)  # an invalid zone falls back


def test_rendering_rules(tmp_path: Path) -> None:
    from cioctl.semantics.render import RenderScope, render_text

    scope = RenderScope(customer={"plan": "pro", "nothing": ""},
                        now=datetime(2026, 1, 5, tzinfo=UTC),
                        snippets={"a": "A{{ snippets.b }}", "b": "{{ customer.plan }}"},
                        collections={"plans": [{"name": "Pro"}]})
    assert render_text("{{ snippets.a }}|{{ customer.nothing }}|{% for p in plans %}"
                       "{{ p.name }}{% endfor %}", scope) == "Apro||Pro"
    assert render_text('{{ "now" | date: "%Y-%m-%d" }}', scope) == "2026-01-05"
    assert render_text("{% if customer.x == blank %}b{% endif %}{% unless customer.x %}u"
                       "{% endunless %}{{ customer.x | default: 'd' }}", scope) == "bud"
    for failing in ("{{ customer.x }}", "{{ customer.x | upcase }}",
                    "{% for i in customer.x %}{% endfor %}", "{{ event.reason }}"):
        with pytest.raises(Exception, match="is undefined"):
            render_text(failing, scope)
