"""Data-index descriptions are write-only (evidence §6: ``/event_names`` and the ``/attributes``
list carry none). cioctl compares the definitions with the description it last wrote, kept in
its ``cioctl_descriptions`` collection, and says in the plan that the value cannot be
verified."""

from __future__ import annotations

import os
from pathlib import Path
from unittest.mock import patch

import anyio

from cioctl.api import data_index
from cioctl.engine import load_valid_workspace
from cioctl.environments import open_client
from cioctl.errors import CioctlError
from cioctl.plan.change import Action, FieldChange
from tests.plan.engine_helpers import apply, edit, plan


def _foreign_write(root: Path, event: str, description: str) -> None:
    """Someone else writes an event description (the Customer.io UI, another tool)."""
    ws = load_valid_workspace(root, "local", dict(os.environ))

    async def run() -> None:
        async with open_client(root, ws.config, "local", dict(os.environ),
                               throttle=False) as client:
            await data_index.update_events(client, [data_index.EventMeta(event, description)])

    anyio.run(run)


def test_an_edited_description_is_planned_once_and_said_unverifiable(
        example_copy: Path) -> None:
    apply(example_copy)
    assert plan(example_copy).changes == ()
    edit(example_copy / "data/events.yaml", "A person signed in.", "A person logged in.")
    [change] = plan(example_copy).changes
    assert (change.action, change.address) == (Action.UPDATE, "event:logged_in")
    assert change.fields == (FieldChange("description", "A person signed in.",
                                         "A person logged in.", "description"),)
    assert change.reason is not None and "cannot be read back" in change.reason
    assert apply(example_copy).result.ok
    after = plan(example_copy)
    assert after.changes == ()
    assert all("cioctl_descriptions" not in str(u) for u in after.unmanaged)  # cioctl's own


def test_a_description_cioctl_never_wrote_is_not_wiped(example_copy: Path) -> None:
    """An event the definitions declare without a description, described elsewhere first:
    cioctl adopts it without writing a description it cannot see over that one."""
    edit(example_copy / "data/events.yaml", "    description: A person signed in.\n", "")
    _foreign_write(example_copy, "logged_in", "Written in the UI")
    changes = {c.address: c for c in plan(example_copy).changes}
    assert changes["event:logged_in"].fields == (
        FieldChange("ownership", None, "recorded as managed by cioctl"),)


def test_a_failed_record_is_a_warning_and_the_next_apply_converges(example_copy: Path) -> None:
    """The record is written after the changes: if it cannot be, apply warns, the next plan
    shows the description again, and writing the same value once more converges."""
    apply(example_copy)
    edit(example_copy / "data/events.yaml", "A person signed in.", "A person logged in.")
    with patch("cioctl.apply.descriptions.api_collections.update_collection",
               side_effect=CioctlError("collection write refused")):
        outcome = apply(example_copy)
    assert outcome.result.ok
    assert outcome.ledger_error is not None and "descriptions" in outcome.ledger_error
    [again] = plan(example_copy).changes
    assert again.address == "event:logged_in"
    assert apply(example_copy).result.ok
    assert plan(example_copy).changes == ()
