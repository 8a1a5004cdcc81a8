"""Plans in the definitions' words (issue 11, item 5): what a reviewer reads is the YAML's
vocabulary — ``within: 30d``, ``at_least: 5``, ``steps > email tips > subject`` — on both
sides of the diff, through the real engine and the embedded workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from cioctl.api.segments import JourneysSegment
from cioctl.cli import app
from cioctl.cli.boundary import run_cli
from cioctl.kinds import segment as segment_kind
from cioctl.kinds.condition_words import condition_codec, condition_words
from cioctl.plan.change import Action
from cioctl.plan.labels import words_path
from tests.plan.engine_helpers import apply, edit, plan


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = run_cli(lambda: app(list(args), prog_name="cioctl"), False)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_an_edited_condition_reads_in_the_definitions_words(example_copy: Path) -> None:
    assert apply(example_copy).result.ok
    assert plan(example_copy).changes == ()  # both sides meet in one form
    edit(example_copy / "segments/lifecycle.yaml", "{event: payment_failed, at_least: 2, "
         "within: 30d}", "{event: payment_failed, at_least: 5, within: 14d}")
    edit(example_copy / "flows/onboarding.yaml", "goal: {event: first_project_created, "
         "within: 14d}", "goal: {event: first_project_created, within: 21d}")
    changes = {c.address: c for c in plan(example_copy).changes}
    segment = changes["segment:churn_risk"]
    assert [(f.label, f.before, f.after) for f in segment.fields] == [
        ("conditions › any › event payment_failed › at_least", 2, 5),
        ("conditions › any › event payment_failed › within", "30d", "14d")]
    flow = changes["flow:onboarding"]
    assert [(f.path, f.before, f.after) for f in flow.fields] == [("goal.within", "14d", "21d")]
    assert flow.action is Action.UPDATE
    assert apply(example_copy).result.ok and plan(example_copy).changes == ()


def test_verbose_plan_adds_the_precise_path(
        example_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert apply(example_copy).result.ok
    edit(example_copy / "flows/onboarding.yaml", "Three tips for your first week",
         "Three tips for week one")
    code, text = _cli(capsys, "plan", "-w", str(example_copy))
    flat = " ".join(text.split())
    assert code == 0, text
    assert "steps › branch › then › email tips › subject:" in flat
    assert "[steps[3].branch.then[1].email.subject]" not in flat
    code, text = _cli(capsys, "-v", "plan", "-w", str(example_copy))
    flat = " ".join(text.split())
    assert "steps › branch › then › email tips › subject [steps[3].branch.then[1].email.subject]" \
        in flat


def test_a_create_shows_the_definition_compactly() -> None:
    """Defaults are left out and ``in`` stays ``in`` (the codec's ``or`` of ``eq`` gathered)."""
    from cioctl.engine import load_valid_workspace
    from cioctl.state.desired import desired_resources
    from tests.conftest import EXAMPLE

    desired = {str(a): r for a, r in desired_resources(
        load_valid_workspace(EXAMPLE, "local", {})).items()}
    assert desired["segment:eu_customers"].fields == {"name": "EU customers", "conditions": {
        "all": [{"attribute": "country", "operator": "in",
                 "value": ["DE", "ES", "FR", "IE", "IT", "NL", "PL", "SE"]},
                {"segment": "paying_customers"}]}}
    steps = desired["flow:onboarding"].fields["steps"]
    assert steps[0] == {"wait": "5m"}
    assert set(steps[1]["email"]) == {"id", "subject", "preheader", "from", "body"}


def test_words_and_back_give_the_codec_form_again() -> None:
    cnf = {"and": [{"or": [{"attribute": {"field": "country", "operator": "eq", "value": "DE"}},
                           {"attribute": {"field": "country", "operator": "eq", "value": "FR"}},
                           {"segment": {"key": "vip"}}]},
                   {"event": {"name": "logged_in", "count_operator": "at_least", "count": 3,
                              "within_seconds": 86400 * 30, "filters": []}}]}
    words = condition_words(cnf)
    assert words == {"all": [
        {"any": [{"attribute": "country", "operator": "in", "value": ["DE", "FR"]},
                 {"segment": "vip"}]},
        {"event": "logged_in", "at_least": 3, "within": "30d"}]}
    again = condition_codec(words)
    assert again["and"][1] == cnf["and"][1]
    assert again["and"][0]["or"][0] == {"attribute": {"field": "country", "operator": "in",
                                                      "value": ["DE", "FR"]}}


def test_exactly_is_gathered_back_from_its_two_groups() -> None:
    def event(count_operator: str, count: int) -> dict[str, object]:
        return {"event": {"name": "paid", "count_operator": count_operator, "count": count,
                          "within_seconds": 7 * 86400, "filters": []}}

    assert condition_words({"and": [event("at_least", 2), event("at_most", 2)]}) == {
        "event": "paid", "exactly": 2, "within": "7d"}
    assert condition_words({"and": [event("at_least", 2), event("at_most", 3)]}) == {"all": [
        {"event": "paid", "at_least": 2, "within": "7d"},
        {"event": "paid", "at_most": 3, "within": "7d"}]}


def test_a_live_reference_to_an_unknown_segment_is_shown_not_dropped() -> None:
    live = JourneysSegment(id=3, name="S", description="", type="dynamic",
                           conditions={"and": [{"or": [{"segment": {"id": 999}}]}]})
    fields = segment_kind.from_live(live, {}).fields
    assert fields["conditions"] == {"segment": "#999"}


@pytest.mark.parametrize(("path", "label"), [
    ("steps[1].email.subject", "steps › email welcome › subject"),
    ("steps[2].wait", "steps › wait #2"),
    ("steps[3].branch.if.value", "steps › branch › if › value"),
    ("steps[3].branch.else[0]", "steps › branch › else › sms nudge"),
    ("filter.any[1].within", "filter › any › event logged_in › within"),
    ("filter.any[0].any[0].value", "filter › any › any › attribute plan › value"),
])
def test_paths_in_words(path: str, label: str) -> None:
    fields = {
        "filter": {"any": [{"any": [{"attribute": "plan", "operator": "eq", "value": "pro"}]},
                           {"event": "logged_in", "within": "7d"}]},
        "steps": [{"wait": "5m"}, {"email": {"id": "welcome", "subject": "Hi"}}, {"wait": "1d"},
                  {"branch": {"if": {"attribute": "x", "operator": "eq", "value": True},
                              "else": [{"sms": {"id": "nudge", "body": "b"}}]}}]}
    assert words_path(path, fields) == label
