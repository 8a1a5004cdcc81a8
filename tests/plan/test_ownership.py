"""Ownership that survives what concurrent applies leave: duplicate copies and duplicate
ledgers, resolved toward what live resources refer to. Embedded workspace, real objects
throughout."""

from __future__ import annotations

from pathlib import Path

import anyio

from cioctl.api import campaigns, segments
from cioctl.api import collections as api_collections
from cioctl.api.http import ApiClient
from cioctl.api.journeys import campaign_client
from cioctl.api.journeys.campaign_encoding import decode_field, encode_field
from cioctl.api.journeys.campaign_recipients import RECIPIENT_FIELDS
from cioctl.environments import open_client
from cioctl.kinds.registry import LEDGER_COLLECTION, owner_tag
from cioctl.model.config import LOCAL, WorkspaceConfig
from cioctl.plan.change import Action, Flag
from cioctl.state.duplicates import segment_ids_in
from tests.plan.engine_helpers import apply, plan


def _config() -> WorkspaceConfig:
    return WorkspaceConfig(workspace="x", environments={"local": LOCAL})


def test_duplicate_cleanup_keeps_the_copy_flows_refer_to(example_copy: Path) -> None:
    """Two applies raced: segment trialing exists twice and the flow uses the newer copy."""
    apply(example_copy)

    old_id, _ = anyio.run(_duplicate_and_repoint, example_copy, "trialing",
                          "trial_conversion")
    (cleanup,) = plan(example_copy).changes
    assert (cleanup.action, cleanup.key, cleanup.live_id) == \
        (Action.DELETE, f"trialing#{old_id}", old_id)
    assert apply(example_copy).result.ok
    assert plan(example_copy).changes == ()
    assert anyio.run(_dangling, example_copy) == []


def test_copies_each_referred_to_are_cleaned_up_after_repointing(example_copy: Path) -> None:
    """paying_customers exists twice: segment power_users uses one copy, flow
    renewal_reminder the other. The plan repoints the flow, then deletes the other copy."""
    apply(example_copy)

    _, copy_id = anyio.run(_duplicate_and_repoint, example_copy, "paying_customers",
                           "renewal_reminder")
    changes = plan(example_copy).changes
    assert [(c.action, c.address) for c in changes] == [
        (Action.UPDATE, "flow:renewal_reminder"),
        (Action.DELETE, f"segment:paying_customers#{copy_id}")]
    assert changes[1].depends_on == ("flow:renewal_reminder",)
    assert apply(example_copy).result.ok
    assert plan(example_copy).changes == ()
    assert anyio.run(_dangling, example_copy) == []


def _swap(node: object, old: int, new: int) -> object:
    if isinstance(node, dict):
        if node.get("id") == old and len(node) == 1:
            return {"id": new}
        return {k: _swap(v, old, new) for k, v in node.items()}
    if isinstance(node, list):
        return [new if v == old else _swap(v, old, new) for v in node]
    return node


async def _duplicate_and_repoint(root: Path, segment: str, flow: str) -> tuple[int, int]:
    """A second copy of ``segment`` (as a raced apply leaves it), with ``flow`` repointed to
    the copy: the old and the copy's ids."""
    async with open_client(root, _config(), "local", {}) as client:
        (old,) = [s for s in await segments.list_journeys_segments(client)
                  if owner_tag(segment) in s.tags]
        copy = await segments.create_journeys_segment(
            client, old.name, conditions=old.conditions, description=old.description,
            tags=list(old.tags))
        (campaign,) = [c for c in await campaigns.list_journeys_campaigns(client)
                       if owner_tag(flow) in c.tags]
        await _repoint(client, campaign.id, old.id, copy.id)
        return old.id, copy.id


async def _repoint(client: ApiClient, campaign_id: int, old: int, new: int) -> None:
    """What another apply (or a person) does: the flow's recipients now name ``new``
    (a full replace, evidence §5: every field is sent)."""
    read = await campaign_client.read_campaign(client, campaign_id)
    fields = {k: read.campaign.get(k) for k in RECIPIENT_FIELDS}
    fields["trigger"] = _swap(fields["trigger"], old, new)
    fields["anchors"] = encode_field(_swap(decode_field(fields["anchors"], "anchors"), old, new))
    await client.journeys.put(client.env_path("campaigns", campaign_id),
                              {"campaign": {"update_type": "recipients", **fields}})


async def _dangling(root: Path) -> list[int]:
    async with open_client(root, _config(), "local", {}) as client:
        ids = {s.id for s in await segments.list_journeys_segments(client)}
        used = [i for c in await campaigns.list_journeys_campaigns(client)
                for i in campaign_client.segment_ids_in(
                    await campaign_client.read_campaign(client, c.id))]
        used += [i for s in await segments.list_journeys_segments(client)
                 for i in segment_ids_in(s.conditions)]
        return [i for i in used if i not in ids]


def test_duplicated_ledger_is_merged_into_one(example_copy: Path) -> None:
    apply(example_copy)
    (example_copy / "content/extra.yaml").write_text(
        "snippets:\n  - {name: extra, value: Extra}\n", encoding="utf-8")

    async def second_ledger_owning_extra() -> None:
        async with open_client(example_copy, _config(), "local", {}) as client:
            await api_collections.create_collection(
                client, LEDGER_COLLECTION, data=[{"address": "snippet:extra"}])
            from cioctl.api import snippets
            await snippets.create_snippet(client, "extra", "Extra")

    anyio.run(second_ledger_owning_extra)
    first = plan(example_copy)
    assert first.changes == () and len(first.ledger_merge) == 1
    assert first.has_changes and "exists more than once" in first.warnings[0]
    assert "snippet:extra" in first.ledger  # owned through the second ledger: no adopt
    assert apply(example_copy, first).result.ok
    after = plan(example_copy)
    assert after.ledger_merge == () and not after.has_changes
    assert "snippet:extra" in after.ledger and "snippet:support_line" in after.ledger

    async def ledgers() -> int:
        async with open_client(example_copy, _config(), "local", {}) as client:
            return sum(1 for c in await api_collections.list_collections(client)
                       if c.name == LEDGER_COLLECTION)

    assert anyio.run(ledgers) == 1
    (example_copy / "content/extra.yaml").unlink()
    (gone,) = plan(example_copy).changes
    assert gone.action is Action.DELETE and Flag.ADOPT not in gone.flags
