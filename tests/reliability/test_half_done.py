"""Applies that stop half-way against a served emulator: a failing ledger write, a replace
whose second or third step fails, two applies at once. Nothing is orphaned or left dangling,
the result says what state was left, and re-running apply converges."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from cioctl.api import campaigns, segments
from cioctl.api.journeys import campaign_client
from cioctl.apply.audit import AuditLog
from cioctl.apply.runner import Status
from cioctl.emulator import FaultSpec, running_emulator
from cioctl.engine import ApplyOutcome, OwnershipError, execute_plan, make_plan
from cioctl.model.workspace import Workspace
from cioctl.plan.change import Action, Flag
from cioctl.plan.value import Plan
from cioctl.state.duplicates import segment_ids_in
from tests.conftest import EXAMPLE
from tests.plan.engine_helpers import edit
from tests.reliability.test_apply_under_faults import _client, _served
from tests.served import KEYS, served_environment, with_environments

SEGMENTS = "DELETE:/v1/environments/1/segments/"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "example"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".cioctl"))
    return target


def _plan(ws: Workspace, url: str) -> Plan:
    async def run() -> Plan:
        async with _client(url, 0) as client:
            return await make_plan(ws, client)
    return anyio.run(run)


def _apply(ws: Workspace, url: str, tmp: Path) -> ApplyOutcome:
    async def run() -> ApplyOutcome:
        async with _client(url, 0) as client:
            plan = await make_plan(ws, client)
            return await execute_plan(plan, ws, client, audit=AuditLog(tmp / "a.jsonl", "s", 1))
    return anyio.run(run)


def _serve(tmp: Path, fail: str = "") -> running_emulator:  # type: ignore[valid-type]
    faults = FaultSpec(fail=fail) if fail else None
    return running_emulator(tmp / "state.sqlite3", faults=faults, rate_limit=False)


def _remove_definitions(root: Path) -> None:
    for path in root.rglob("*.yaml"):
        if path.name != "workspace.yaml":
            path.unlink()


def test_failed_ledger_write_after_the_changes_orphans_nothing(root: Path,
                                                              tmp_path: Path) -> None:
    """Snippet creates fail (email_footer is skipped), then the ledger write that tidies up
    after the changes fails too: everything created is still owned."""
    original = (root / "workspace.yaml").read_text()
    with _serve(tmp_path, fail="POST:/v1/snippets|PUT:/v1/collections/") as url:
        outcome = _apply(_served(root, original, url), url, tmp_path)
    statuses = {r.address: r.status for r in outcome.result.results}
    assert statuses["snippet:email_footer"] is Status.SKIPPED
    assert statuses["collection:plans"] is Status.APPLIED
    assert outcome.ledger_error and "could not tidy the ownership ledger" in \
        outcome.ledger_error
    with _serve(tmp_path) as url:
        ws = _served(root, original, url)
        again = _plan(ws, url)
        assert again.changes and not [c for c in again.changes if Flag.ADOPT in c.flags]
        _remove_definitions(root)
        ws = _served(root, original, url)
        gone = _plan(ws, url)
        assert gone.unmanaged == () and "collection:plans" in \
            [c.address for c in gone.changes if c.action is Action.DELETE]
        assert not [c for c in gone.changes if Flag.ADOPT in c.flags]
        assert _apply(ws, url, tmp_path).result.ok
        assert _plan(ws, url).changes == ()


def test_failed_ledger_write_before_the_changes_changes_nothing(root: Path,
                                                               tmp_path: Path) -> None:
    original = (root / "workspace.yaml").read_text()
    with _serve(tmp_path, fail="POST:/v1/collections") as url:
        ws = _served(root, original, url)
        with pytest.raises(OwnershipError, match="nothing was changed"):
            _apply(ws, url, tmp_path)
    with _serve(tmp_path) as url:
        first = _plan(_served(root, original, url), url)
        assert first.summary["create"] == len(first.changes) > 0  # no adopts: nothing made


async def _dangling(url: str) -> list[int]:
    async with _client(url, 0) as client:
        live = await segments.list_journeys_segments(client)
        flows = [await campaign_client.read_campaign(client, c.id)
                 for c in await campaigns.list_journeys_campaigns(client)]
    used = [i for read in flows for i in campaign_client.segment_ids_in(read)]
    used += [i for s in live for i in segment_ids_in(s.conditions)]
    return sorted(set(used) - {s.id for s in live})


def _make_beta_testers_data_driven(root: Path) -> None:
    edit(root / "segments/lifecycle.yaml", "    manual: true\n",
         "    conditions: {attribute: plan, operator: eq, value: pro}\n")


def _replace_beta_testers(root: Path, tmp_path: Path, fail: str) -> tuple[str, ApplyOutcome]:
    """Apply the workspace, make segment beta_testers data-driven (a replace) and apply that
    with ``fail`` failing: workspace.yaml's original text and the second apply's outcome."""
    original = (root / "workspace.yaml").read_text()
    with _serve(tmp_path) as url:
        assert _apply(_served(root, original, url), url, tmp_path).result.ok
    _make_beta_testers_data_driven(root)
    with _serve(tmp_path, fail=fail) as url:
        return original, _apply(_served(root, original, url), url, tmp_path)


def test_replace_whose_old_copy_cannot_be_deleted_is_reported_half_done(
        root: Path, tmp_path: Path) -> None:
    original, outcome = _replace_beta_testers(root, tmp_path, fail=SEGMENTS)
    results = {r.address: r for r in outcome.result.results}
    replaced = results["segment:beta_testers"]
    assert replaced.status is Status.FAILED
    assert f"replace of segment:beta_testers half done: new copy created (id " \
        f"{replaced.live_id}), old copy (id " in replaced.detail
    assert "still live" in replaced.detail and "re-run apply to finish" in replaced.detail
    assert results["flow:trial_conversion"].status is Status.APPLIED  # repointed to the new
    with _serve(tmp_path) as url:
        ws = _served(root, original, url)
        assert anyio.run(_dangling, url) == []
        (finish,) = _plan(ws, url).changes
        assert finish.action is Action.DELETE and finish.key.startswith("beta_testers#")
        assert _apply(ws, url, tmp_path).result.ok
        assert _plan(ws, url).changes == ()
        assert anyio.run(_dangling, url) == []


def test_replace_whose_referrer_cannot_be_repointed_keeps_the_old_copy(
        root: Path, tmp_path: Path) -> None:
    original, outcome = _replace_beta_testers(root, tmp_path,
                                              "PUT:/v1/environments/1/campaigns/")
    results = {r.address: r for r in outcome.result.results}
    assert results["flow:trial_conversion"].status is Status.FAILED
    replaced = results["segment:beta_testers"]
    assert replaced.status is Status.FAILED and "half done" in replaced.detail
    assert "flow:trial_conversion still refers to it (failed)" in replaced.detail
    with _serve(tmp_path) as url:
        ws = _served(root, original, url)
        assert anyio.run(_dangling, url) == []  # the flow still has the old copy
        assert _apply(ws, url, tmp_path).result.ok
        assert _plan(ws, url).changes == ()
        assert anyio.run(_dangling, url) == []


def test_replace_whose_new_copy_cannot_be_created_keeps_the_old_one(
        root: Path, tmp_path: Path) -> None:
    original, outcome = _replace_beta_testers(root, tmp_path,
                                              "POST:/v1/environments/1/segments")
    statuses = {r.address: r.status for r in outcome.result.results}
    assert statuses["segment:beta_testers"] is Status.FAILED
    assert statuses["flow:trial_conversion"] is Status.SKIPPED
    with _serve(tmp_path) as url:
        ws = _served(root, original, url)
        assert anyio.run(_dangling, url) == []  # the old copy is still there
        assert _apply(ws, url, tmp_path).result.ok
        assert _plan(ws, url).changes == ()


def test_flow_replace_half_done_is_finished_not_replaced_again(root: Path,
                                                               tmp_path: Path) -> None:
    original = (root / "workspace.yaml").read_text()
    with _serve(tmp_path) as url:
        assert _apply(_served(root, original, url), url, tmp_path).result.ok
    edit(root / "flows/trial.yaml", "trigger: {segment: trialing}",
         "trigger: {event: trial_started}")
    with _serve(tmp_path, fail="DELETE:/v1/environments/1/campaigns/") as url:
        outcome = _apply(_served(root, original, url), url, tmp_path)
    (replaced,) = outcome.result.results
    assert replaced.status is Status.FAILED and "half done" in replaced.detail
    with _serve(tmp_path) as url:
        ws = _served(root, original, url)
        (finish,) = _plan(ws, url).changes
        assert finish.action is Action.DELETE and finish.key.startswith("trial_conversion#")
        assert _apply(ws, url, tmp_path).result.ok
        assert _plan(ws, url).changes == ()


def _race(root: Path, original: str, url: str) -> list[str]:
    """Two ``cioctl apply`` processes started together against ``url``; their outputs."""
    env = {**os.environ, **KEYS, "NO_COLOR": "1", "CI": "true"}
    (root / "workspace.yaml").write_text(
        with_environments(original, served_environment("served", url)))
    command = [sys.executable, "-m", "cioctl", "apply", "-w", str(root), "-e", "served",
               "--auto-approve"]
    racing = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=env) for _ in range(2)]
    return [p.communicate(timeout=240)[0] for p in racing]


def test_two_applies_at_once_then_cleanup_converges_without_dangling(
        root: Path, tmp_path: Path) -> None:
    """Two ``cioctl apply`` processes against one ``emulator serve``: real workspaces have no
    lock. Whatever they duplicate, the next plan keeps what is referred to (or repoints first),
    merges the ledgers, and applying converges with nothing left dangling."""
    original = (root / "workspace.yaml").read_text()
    # Whether two processes overlap depends on the machine's load: try a fresh workspace a
    # few times until they do (almost always the first).
    for attempt in range(3):
        state = tmp_path / f"state{attempt}.sqlite3"
        with running_emulator(state, rate_limit=False,
                              faults=FaultSpec(latency_min=0.05, latency_max=0.15)) as url:
            outputs = _race(root, original, url)
            assert all("No lock: Customer.io has nothing to lock with" in o
                       for o in outputs), outputs
            ws = _served(root, original, url)
            cleanup = _plan(ws, url)
            if cleanup.ledger_merge or any(c.action is Action.DELETE for c in cleanup.changes):
                break
    else:
        pytest.fail(f"the applies never raced: the test proves nothing {outputs}")
    with running_emulator(state, rate_limit=False) as url:
        ws = _served(root, original, url)
        assert not [c for c in _plan(ws, url).changes if Flag.ADOPT in c.flags]
        for _ in range(3):  # the racing applies may have left failures of their own
            if not _plan(ws, url).has_changes:
                break
            _apply(ws, url, tmp_path)
        final = _plan(ws, url)
        assert final.changes == () and final.ledger_merge == (), (final.changes, outputs)
        assert anyio.run(_dangling, url) == []
