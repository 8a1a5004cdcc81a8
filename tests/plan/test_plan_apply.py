"""plan and apply end to end on the embedded workspace, with real objects throughout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cioctl.engine import StalePlanError
from cioctl.plan.change import Action, Flag
from cioctl.plan.value import load_plan
from tests.plan.engine_helpers import apply, edit, plan


def test_example_applies_and_then_plans_zero_changes(example_copy: Path) -> None:
    first = plan(example_copy)
    assert first.summary["create"] == 63 and first.summary["update"] == 0
    outcome = apply(example_copy, first)
    assert outcome.result.ok, [r for r in outcome.result.results if r.status != "applied"]
    assert plan(example_copy).changes == ()


def test_creates_are_ordered_by_dependency(example_copy: Path) -> None:
    order = [c.address for c in plan(example_copy).changes]
    assert order.index("segment:pro_plan") < order.index("segment:paying_customers")
    assert order.index("segment:churn_risk") < order.index("segment:paying_customers")
    assert order.index("snippet:email_footer") < order.index("flow:onboarding")
    assert order.index("segment:trialing") < order.index("flow:trial_conversion")
    assert all(order.index(a) < order.index("flow:onboarding")
               for a in order if a.startswith("attribute:"))


def test_edits_plan_field_level_changes(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "flows/onboarding.yaml", "Three tips for your first week",
         "Three tips for week one")
    edit(example_copy / "segments/lifecycle.yaml", "value: 0.7}", "value: 0.8}")
    changes = {c.address: c for c in plan(example_copy).changes}
    flow = changes["flow:onboarding"]
    assert flow.action is Action.UPDATE and flow.surface == "app"
    assert [(f.path, f.label, f.before, f.after) for f in flow.fields] == [
        ("steps[3].branch.then[1].email.subject", "steps › branch › then › email tips › subject",
         "Three tips for your first week", "Three tips for week one")]
    assert Flag.RUNNING_FLOW in flow.flags
    segment = changes["segment:churn_risk"]
    assert segment.surface == "journeys" and segment.audience == 0
    assert [(f.label, f.before, f.after) for f in segment.fields] == [
        ("conditions › any › attribute churn_risk_score › value", 0.7, 0.8)]
    assert apply(example_copy).result.ok and plan(example_copy).changes == ()


def test_rename_through_previous_names_is_an_update(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "segments/engagement.yaml", "  - name: Promoters\n",
         "  - name: Fans\n    previous_names: [Promoters]\n    key: promoters\n")
    (change,) = plan(example_copy).changes
    assert change.action is Action.UPDATE and Flag.RENAME in change.flags
    assert [(f.path, f.after) for f in change.fields] == [("name", "Fans")]
    assert apply(example_copy).result.ok and plan(example_copy).changes == ()


def test_removed_definitions_are_deleted_in_reverse_order(example_copy: Path) -> None:
    apply(example_copy)
    (example_copy / "flows/trial.yaml").unlink()
    edit(example_copy / "segments/lifecycle.yaml",
         "  - name: Trialing\n    description: People with a trial that has not ended.\n"
         "    conditions:\n      all:\n        - {attribute: trial_ends_at, operator: exists}\n"
         "        - {attribute: plan, operator: eq, value: free}\n", "")
    changes = plan(example_copy).changes
    assert [(c.action, c.address) for c in changes] == [
        (Action.DELETE, "flow:trial_conversion"), (Action.DELETE, "segment:trialing")]
    assert changes[1].depends_on == ("flow:trial_conversion",)
    assert apply(example_copy).result.ok and plan(example_copy).changes == ()


def test_trigger_type_change_is_a_replace_that_warns(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "flows/trial.yaml", "trigger: {segment: trialing}",
         "trigger: {event: trial_started}")
    (change,) = plan(example_copy).changes
    assert change.action is Action.REPLACE
    assert Flag.RESETS_JOURNEYS in change.flags and Flag.RUNNING_FLOW in change.flags
    assert apply(example_copy).result.ok and plan(example_copy).changes == ()


def test_ignore_changes_leaves_ui_edits_alone(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "flows/renewal.yaml", "  - name: Renewal reminder\n",
         "  - name: Renewal reminder\n    lifecycle: {ignore_changes: [steps]}\n")
    edit(example_copy / "templates/renewal.html", "Nothing to do", "No action needed")
    assert plan(example_copy).changes == ()


def test_saved_plan_round_trips_and_stale_plan_is_refused(example_copy: Path,
                                                          tmp_path: Path) -> None:
    saved = plan(example_copy)
    path = tmp_path / "plan.json"
    path.write_text(saved.to_json(), encoding="utf-8")
    assert load_plan(path) == saved
    apply(example_copy)  # the live workspace moves on
    with pytest.raises(StalePlanError, match="live workspace changed"):
        apply(example_copy, load_plan(path))


def test_plan_made_from_other_definitions_is_refused(example_copy: Path) -> None:
    saved = plan(example_copy)
    edit(example_copy / "content/snippets.yaml", 'value: "Acme:"', 'value: "ACME:"')
    with pytest.raises(StalePlanError, match="definitions changed"):
        apply(example_copy, saved)


def test_target_narrows_to_resource_and_dependencies(example_copy: Path) -> None:
    narrowed = plan(example_copy, targets=("segment:paying_customers",))
    assert {c.address for c in narrowed.changes} == {
        "segment:paying_customers", "segment:pro_plan", "segment:churn_risk"}


def test_unmanaged_live_resources_are_listed_not_deleted(example_copy: Path) -> None:
    apply(example_copy)
    import anyio

    from cioctl.api import snippets
    from cioctl.environments import open_client
    from cioctl.model.config import LOCAL, WorkspaceConfig

    async def add_foreign() -> None:
        config = WorkspaceConfig(workspace="x", environments={"local": LOCAL})
        async with open_client(example_copy, config, "local", {}) as client:
            await snippets.create_snippet(client, "made_in_ui", "hello")

    anyio.run(add_foreign)
    result = plan(example_copy)
    assert result.changes == ()
    assert [(u.kind, u.key) for u in result.unmanaged] == [("snippet", "made_in_ui")]


def test_audit_log_has_every_change_and_no_secret(example_copy: Path) -> None:
    apply(example_copy)
    lines = (example_copy / ".cioctl/audit.jsonl").read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == 63 and {e["result"] for e in entries} == {"applied"}
    assert all(e["environment"] == "local" for e in entries)
    assert "cioctl-local-app-key" not in "".join(lines)


def test_data_index_writes_are_batched_up_to_100() -> None:
    from cioctl.apply.runner import batches
    from cioctl.kinds.registry import Kind, Surface
    from cioctl.plan.change import Change

    def change(kind: Kind, key: str) -> Change:
        return Change(Action.CREATE, kind, key, key, Surface.APP, "app_api_key",
                      after={"description": ""})

    changes = tuple([change(Kind.ATTRIBUTE, f"a{i}") for i in range(250)] +
                    [change(Kind.EVENT, f"e{i}") for i in range(30)] +
                    [change(Kind.SNIPPET, "s")])
    units = batches(changes)
    assert sorted(len(u) for u in units) == [1, 30, 50, 100, 100]
    assert all(len({c.kind for c in u}) == 1 for u in units)


def test_live_resources_sharing_a_key_are_all_seen(example_copy: Path) -> None:
    import anyio

    from cioctl.api import segments
    from cioctl.environments import open_client
    from cioctl.kinds.registry import owner_tag
    from cioctl.model.config import LOCAL, WorkspaceConfig

    apply(example_copy)

    async def add_lookalikes() -> None:
        config = WorkspaceConfig(workspace="x", environments={"local": LOCAL})
        async with open_client(example_copy, config, "local", {}) as client:
            await segments.create_journeys_segment(client, "Pro plan", conditions=None,
                                                   manual=True)
            await segments.create_journeys_segment(client, "Pro plan (copy)", conditions=None,
                                                   manual=True, tags=[owner_tag("promoters")])

    anyio.run(add_lookalikes)
    result = plan(example_copy)
    assert next(u.key for u in result.unmanaged if u.kind == "segment").startswith("pro_plan#")
    (duplicate,) = result.changes
    assert duplicate.action is Action.DELETE and duplicate.key.startswith("promoters#")
    assert apply(example_copy).result.ok and plan(example_copy).changes == ()


def test_an_unexpected_error_in_one_change_fails_only_that_change(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import anyio

    from cioctl.apply import runner
    from cioctl.apply.wire import IdBook
    from cioctl.kinds.registry import Kind, Surface
    from cioctl.plan.change import Change

    def change(key: str) -> Change:
        return Change(Action.CREATE, Kind.SNIPPET, key, key, Surface.APP, "app_api_key",
                      after={"value": key})

    async def broken(_client: object, change: Change, _ids: object) -> None:
        if change.key == "bad":
            raise KeyError("boom")

    monkeypatch.setattr(runner, "execute", broken)
    changes = (change("bad"), change("good"))
    result = anyio.run(lambda: runner.run_changes(None, changes, IdBook()))  # type: ignore[arg-type]
    statuses = {r.address: (r.status, r.detail) for r in result.results}
    assert statuses["snippet:good"][0] == "applied"
    assert statuses["snippet:bad"][0] == "failed" and "internal error" in statuses["snippet:bad"][1]
