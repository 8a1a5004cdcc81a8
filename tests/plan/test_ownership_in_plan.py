"""The plan lists the ownership writes apply makes — ledger rows and ``cioctl:<key>`` tags —
and apply makes exactly those (checked against the live workspace afterwards)."""

from __future__ import annotations

import os
from pathlib import Path

import anyio

from cioctl.api import segments, snippets
from cioctl.engine import load_valid_workspace
from cioctl.environments import open_client
from cioctl.plan.value import OwnershipWrite, Plan
from cioctl.render.plan_markdown import render_plan_markdown
from cioctl.render.plan_text import render_plan_text
from tests.plan.engine_helpers import apply, edit, plan


def _live_tags(root: Path) -> dict[str, tuple[str, ...]]:
    """Every live segment's tags, by name."""
    ws = load_valid_workspace(root, "local", dict(os.environ))

    async def run() -> dict[str, tuple[str, ...]]:
        async with open_client(root, ws.config, "local", dict(os.environ),
                               throttle=False) as client:
            return {s.name: s.tags for s in await segments.list_journeys_segments(client)}

    return anyio.run(run)


def _writes(value: Plan, via: str, op: str) -> set[str]:
    return {w.entry for w in value.ownership if w.via == via and w.op == op}


def _ledger_after(value: Plan) -> set[str]:
    return set(value.ledger) - _writes(value, "ledger", "remove") | _writes(value, "ledger", "add")


def test_first_apply_records_what_the_plan_says(example_copy: Path) -> None:
    first = plan(example_copy)
    assert first.creates_ledger
    ledger_kinds = {"attribute", "event", "snippet", "collection", "reporting_webhook"}
    creates = {c.address for c in first.changes if c.kind in ledger_kinds}
    assert _writes(first, "ledger", "add") == creates
    tagged = {c.key for c in first.changes if c.kind in ("segment", "flow")}
    assert _writes(first, "tag", "add") == {f"cioctl:{k}" for k in tagged}
    assert not _writes(first, "ledger", "remove") | _writes(first, "tag", "remove")
    assert apply(example_copy, first).result.ok
    again = plan(example_copy)
    assert set(again.ledger) == _ledger_after(first)
    assert not again.changes and not again.ownership and not again.creates_ledger
    assert _live_tags(example_copy)["Promoters"] == ("cioctl:promoters",)


def test_renames_deletes_and_adoptions_list_their_ownership_writes(example_copy: Path) -> None:
    root = example_copy
    assert apply(root).result.ok
    edit(root / "content/integrations.yaml", "  - name: Warehouse events\n",
         "  - name: Warehouse feed\n    previous_names: [Warehouse events]\n")
    edit(root / "segments/engagement.yaml", "  - name: Promoters\n",
         "  - name: Fans\n    key: fans\n    previous_names: [Promoters]\n")
    edit(root / "content/snippets.yaml", '  - name: sms_signature\n    value: "Acme:"\n', "")
    edit(root / "flows/winback.yaml", "{{ snippets.sms_signature }} ", "Acme: ")
    with (root / "content/snippets.yaml").open("a") as handle:
        handle.write('  - name: made_in_the_ui\n    value: "Hi"\n')
    with (root / "segments/engagement.yaml").open("a") as handle:
        handle.write("  - name: Beta hands\n    manual: true\n")
    _make_unowned(root)

    planned = plan(root)
    assert set(planned.ownership) >= {
        OwnershipWrite("reporting_webhook:warehouse_feed", "ledger", "remove",
                       "reporting_webhook:warehouse_events"),
        OwnershipWrite("reporting_webhook:warehouse_feed", "ledger", "add",
                       "reporting_webhook:warehouse_feed"),
        OwnershipWrite("snippet:sms_signature", "ledger", "remove", "snippet:sms_signature"),
        OwnershipWrite("snippet:made_in_the_ui", "ledger", "add", "snippet:made_in_the_ui"),
        OwnershipWrite("segment:fans", "tag", "remove", "cioctl:promoters"),
        OwnershipWrite("segment:fans", "tag", "add", "cioctl:fans"),
        OwnershipWrite("segment:beta_hands", "tag", "add", "cioctl:beta_hands"),
    }
    assert not planned.creates_ledger
    text, markdown = render_plan_text(planned), render_plan_markdown(planned)
    assert "↳ removes tag cioctl:promoters[/]\n      [dim]↳ tags cioctl:fans" in text
    assert "↳ removes reporting_webhook:warehouse_events from cioctl_managed" in text
    assert ("tags 2 segment(s)/flow(s) `cioctl:<key>`, removes 1 old `cioctl:<key>` tag(s)."
            in markdown)
    assert {w.address for w in planned.ownership} == {
        "reporting_webhook:warehouse_feed", "snippet:sms_signature", "snippet:made_in_the_ui",
        "segment:fans", "segment:beta_hands"}

    assert apply(root, planned).result.ok
    after = plan(root)
    assert not after.changes
    assert set(after.ledger) == _ledger_after(planned)
    tags = _live_tags(root)
    assert tags["Fans"] == ("cioctl:fans",) and tags["Beta hands"] == ("cioctl:beta_hands",)


def _make_unowned(root: Path) -> None:
    """A snippet and a segment made in the UI under names the definitions now use."""
    ws = load_valid_workspace(root, "local", dict(os.environ))

    async def run() -> None:
        async with open_client(root, ws.config, "local", dict(os.environ),
                               throttle=False) as client:
            await snippets.create_snippet(client, "made_in_the_ui", "Hello")
            await segments.create_journeys_segment(client, "Beta hands", conditions=None,
                                                   manual=True)

    anyio.run(run)


def test_every_rendering_mentions_the_ownership_writes(example_copy: Path) -> None:
    assert apply(example_copy).result.ok
    edit(example_copy / "content/snippets.yaml", '  - name: sms_signature\n    value: "Acme:"\n',
         "")
    edit(example_copy / "flows/winback.yaml", "{{ snippets.sms_signature }} ", "Acme: ")
    with (example_copy / "segments/engagement.yaml").open("a") as handle:
        handle.write("  - name: Beta hands\n    manual: true\n")
    planned = plan(example_copy)
    text, markdown = render_plan_text(planned), render_plan_markdown(planned)
    assert "↳ removes snippet:sms_signature from cioctl_managed" in text
    assert "↳ tags cioctl:beta_hands" in text
    assert ("Ownership:[/] apply removes 1 resource(s) from cioctl_managed, tags 1 "
            "segment(s)/flow(s) cioctl:<key>.") in text
    assert "↳ removes `snippet:sms_signature` from `cioctl_managed`" in markdown
    assert "↳ tags `cioctl:beta_hands`" in markdown
    assert "Ownership: apply removes 1 resource(s) from `cioctl_managed`" in markdown
    assert '"ownership": [' in planned.to_json() and '"via": "tag"' in planned.to_json()
