"""Regressions found in review: edits to the example workspace that must apply cleanly and then
plan zero changes (embedded workspace, real objects throughout)."""

from __future__ import annotations

from pathlib import Path

from cioctl.plan.change import Action
from cioctl.plan.value import Plan
from tests.plan.engine_helpers import apply, edit, plan


def _converges(root: Path, saved: Plan | None = None) -> None:
    outcome = apply(root, saved)
    failed = [(r.address, r.detail) for r in outcome.result.results if r.status != "applied"]
    assert outcome.result.ok, failed
    assert outcome.ledger_error is None
    leftover = [(c.action, c.address, [(f.path, f.before, f.after) for f in c.fields])
                for c in plan(root).changes]
    assert leftover == []


def test_renamed_snippet_is_deleted_after_the_flow_stops_using_it(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "content/snippets.yaml", "  - name: sms_signature\n",
         "  - name: sms_sig\n")
    edit(example_copy / "flows/winback.yaml", "snippets.sms_signature", "snippets.sms_sig")
    changes = {c.address: c for c in plan(example_copy).changes}
    assert changes["snippet:sms_signature"].depends_on == ("flow:cancellation_win_back",)
    _converges(example_copy)


def test_snippet_deleted_with_the_flow_using_it_waits_for_the_flow(example_copy: Path) -> None:
    apply(example_copy)
    (example_copy / "flows/trial.yaml").write_text("flows: []\n", encoding="utf-8")
    edit(example_copy / "content/snippets.yaml",
         "  - name: upgrade_cta\n    value: '<a href=\"${var.app_url}/billing?plan="
         "{{ customer.plan }}\">Upgrade now</a>'\n", "")
    order = [c.address for c in plan(example_copy).changes]
    assert order.index("flow:trial_conversion") < order.index("snippet:upgrade_cta")
    _converges(example_copy)


def test_replaced_segment_is_re_pointed_by_flows_using_it(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "segments/lifecycle.yaml", "    manual: true\n",
         "    conditions: {attribute: plan, operator: eq, value: pro}\n")
    changes = {c.address: c for c in plan(example_copy).changes}
    assert changes["segment:beta_testers"].action is Action.REPLACE
    repoint = changes["flow:trial_conversion"]
    assert repoint.action is Action.UPDATE and repoint.surface == "journeys"
    assert "segment:beta_testers" in repoint.depends_on
    _converges(example_copy)


def test_replaced_segment_is_re_pointed_by_segments_using_it(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "segments/lifecycle.yaml",
         "    conditions: {attribute: plan, operator: eq, value: cancelled}\n",
         "    manual: true\n")
    _converges(example_copy)


def test_replaced_segment_re_points_a_flow_with_a_content_only_edit(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "segments/lifecycle.yaml", "    manual: true\n",
         "    conditions: {attribute: plan, operator: eq, value: pro}\n")
    edit(example_copy / "flows/trial.yaml", "subject: Last day of your trial",
         "subject: The last day of your trial")
    changes = {c.address: c for c in plan(example_copy).changes}
    assert changes["flow:trial_conversion"].surface == "journeys"
    _converges(example_copy)


def test_push_title_and_link_edits_go_through_journeys(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "flows/onboarding.yaml", "          link: ${var.app_url}/projects/new\n",
         "")
    edit(example_copy / "flows/onboarding.yaml", "title: Start your first project",
         "title: Start a project")
    (change,) = plan(example_copy).changes
    # the App API's action PUT cannot write a push's title or link
    assert change.action is Action.UPDATE and change.surface == "journeys"
    _converges(example_copy)


def test_clearing_an_attribute_or_event_description_converges(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "data/attributes.yaml", ", description: Given name}", "}")
    edit(example_copy / "data/events.yaml",
         "    description: A person signed in.\n", "")
    _converges(example_copy)


def test_duplicate_tags_converge(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "flows/onboarding.yaml", "tags: [onboarding]",
         "tags: [onboarding, onboarding]")
    edit(example_copy / "segments/lifecycle.yaml", "  - name: Cancelled\n",
         "  - name: Cancelled\n    tags: [x, x]\n")
    _converges(example_copy)


def test_webhook_with_its_own_key_is_not_created_twice(example_copy: Path) -> None:
    edit(example_copy / "content/integrations.yaml", "  - name: Warehouse events\n",
         "  - name: Warehouse events\n    key: warehouse\n")
    _converges(example_copy)
    text = (example_copy / "content/integrations.yaml").read_text(encoding="utf-8")
    (example_copy / "content/integrations.yaml").write_text(
        text[text.index("collections:"):], encoding="utf-8")
    assert [(c.action, c.key) for c in plan(example_copy).changes] == [
        (Action.DELETE, "warehouse_events")]  # still managed, so removing it deletes it


def test_webhook_renamed_under_the_same_key_is_an_update(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "content/integrations.yaml", "  - name: Warehouse events\n",
         "  - name: Warehouse stream\n    key: warehouse_events\n"
         "    previous_names: [Warehouse events]\n")
    (change,) = plan(example_copy).changes
    assert change.action is Action.UPDATE
    _converges(example_copy)


def test_renamed_segment_is_usable_by_key_in_the_same_apply(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "segments/lifecycle.yaml", "  - name: Pro plan\n",
         "  - name: Pro tier\n    previous_names: [Pro plan]\n")
    edit(example_copy / "segments/lifecycle.yaml", "{segment: pro_plan}", "{segment: pro_tier}")
    _converges(example_copy)


def test_target_on_a_delete_includes_what_still_refers_to_it(example_copy: Path) -> None:
    apply(example_copy)
    (example_copy / "flows/trial.yaml").write_text("flows: []\n", encoding="utf-8")
    edit(example_copy / "segments/lifecycle.yaml",
         "  - name: Trialing\n    description: People with a trial that has not ended.\n"
         "    conditions:\n      all:\n        - {attribute: trial_ends_at, operator: exists}\n"
         "        - {attribute: plan, operator: eq, value: free}\n", "")
    narrowed = plan(example_copy, targets=("segment:trialing",))
    assert [c.address for c in narrowed.changes] == ["flow:trial_conversion",
                                                     "segment:trialing"]
    _converges(example_copy, narrowed)


def test_ignored_fields_keep_their_live_value_when_other_fields_change(example_copy: Path) -> None:
    apply(example_copy)
    edit(example_copy / "templates/renewal.html", "Nothing to do", "No action needed")
    apply(example_copy)  # stands for an edit made in the UI
    edit(example_copy / "templates/renewal.html", "No action needed", "Nothing to do")
    edit(example_copy / "flows/renewal.yaml", "  - name: Renewal reminder\n",
         "  - name: Renewal reminder\n"
         "    lifecycle: {ignore_changes: [\"steps[0].email.body\", filter]}\n")
    edit(example_copy / "flows/renewal.yaml", "subject: Your ${var.product} plan renews soon",
         "subject: Renewal soon")
    edit(example_copy / "flows/renewal.yaml", "value: true}", "value: false}")
    edit(example_copy / "flows/renewal.yaml", 'at: "10:00"', 'at: "11:00"')  # via Journeys
    (change,) = plan(example_copy).changes
    assert [f.path for f in change.fields] == ["steps[0].email.subject", "trigger.at"]
    _converges(example_copy)
    edit(example_copy / "flows/renewal.yaml",
         "    lifecycle: {ignore_changes: [\"steps[0].email.body\", filter]}\n", "")
    paths = {f.path for c in plan(example_copy).changes for f in c.fields}
    assert paths == {"steps[0].email.body", "filter.all[0].value"}


def test_collections_used_from_liquid_are_dependencies(example_copy: Path) -> None:
    creates = [c.address for c in plan(example_copy).changes]
    assert creates.index("collection:plans") < creates.index("flow:trial_conversion")
    apply(example_copy)
    (example_copy / "flows/trial.yaml").unlink()
    (example_copy / "content/integrations.yaml").write_text(
        (example_copy / "content/integrations.yaml").read_text().split("collections:")[0])
    deletes = plan(example_copy).changes
    order = [c.address for c in deletes]
    assert order.index("flow:trial_conversion") < order.index("collection:plans")
    assert "flow:trial_conversion" in deletes[order.index("collection:plans")].depends_on
