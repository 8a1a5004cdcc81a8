"""Apply converges under every fault kind of the served emulator (design.md §11).

Each run serves a fresh embedded workspace on loopback with one kind of fault, seeded, and
applies a workspace until a plan shows zero changes (re-running apply after a failure must
converge). After every apply, each change is reported applied, failed or skipped; at the end no
resource exists twice. Retry waits are scaled down through the client's injectable sleep, so the
runs exercise the same retry decisions in a fraction of the wall time.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import anyio
import pytest

from cioctl.api import campaigns, reporting_webhooks, segments, snippets
from cioctl.api import collections as api_collections
from cioctl.api.connect import credentials
from cioctl.api.endpoints import resolve
from cioctl.api.http import ApiClient
from cioctl.api.journeys import campaign_client
from cioctl.api.ratelimit import RateLimiter
from cioctl.api.retry import RetryPolicy
from cioctl.apply.audit import AuditLog
from cioctl.apply.runner import Status
from cioctl.bench.generate import Size, generate_workspace
from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT, FaultSpec, running_emulator
from cioctl.engine import execute_plan, load_valid_workspace, make_plan
from cioctl.model.workspace import Workspace
from tests.conftest import EXAMPLE
from tests.served import KEYS, served_environment, with_environments

FAULTS = {
    "latency": "latency=1-15ms",
    "429": "429=0.08",
    "5xx": "5xx=0.08",
    "drop": "drop=0.05",
    "lost": "lost=0.08",
    "mixed": "latency=0-5ms,429=0.03,5xx=0.03,drop=0.02,lost=0.03,add_actions_500=0.2,"
             "build_delay=2",
    # evidence §5: add_actions commits and answers 500 (re-read, never duplicated); §4: a
    # written segment stays in build for a few status reads
    "journeys": "add_actions_500=0.5,build_delay=3",
}
MAX_ROUNDS = 8


async def _fast_sleep(seconds: float) -> None:
    await anyio.sleep(min(seconds, 2.0) / 100)


def _client(url: str, seed: int) -> ApiClient:
    import random

    return ApiClient(resolve(None, url), credentials(LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT),
                     workspace_id=1,
                     retry=RetryPolicy(max_attempts=6, sleep=_fast_sleep,
                                       random=random.Random(seed)),
                     limiter=RateLimiter(enabled=False, sleep=_fast_sleep))


async def _converge(ws: Workspace, url: str, seed: int, audit: AuditLog) -> int:
    """Apply until a plan is empty; returns how many requests were retried on the way."""
    async with _client(url, seed) as client:
        for _ in range(MAX_ROUNDS):
            plan = await make_plan(ws, client)
            if not plan.changes:
                return client.stats.retries
            outcome = await execute_plan(plan, ws, client, audit=audit)
            statuses = {r.status for r in outcome.result.results}
            assert statuses <= {Status.APPLIED, Status.FAILED, Status.SKIPPED}
            assert len(outcome.result.results) == len(plan.changes)
        raise AssertionError(f"did not converge in {MAX_ROUNDS} rounds")


async def _assert_no_duplicates(url: str) -> None:
    async with _client(url, 0) as client:
        names = Counter[str]()
        names.update(f"segment:{s.name}" for s in await segments.list_journeys_segments(client))
        names.update(f"flow:{c.name}" for c in await campaigns.list_journeys_campaigns(client))
        names.update(f"snippet:{s.name}" for s in await snippets.list_snippets(client))
        names.update(f"collection:{c.name}"
                     for c in await api_collections.list_collections(client))
        names.update(f"webhook:{w.name}" for w in await reporting_webhooks.list_webhooks(client))
        for campaign in await campaigns.list_journeys_campaigns(client):  # §5: a retried
            read = await campaign_client.read_campaign(client, campaign.id)  # add_actions
            names.update(f"action:{campaign.name}:{a['name']}" for a in read.actions
                         if a.get("name"))  # never adds a message twice
        assert [n for n, count in names.items() if count > 1] == []


def _served(root: Path, original: str, url: str) -> Workspace:
    """The workspace with an environment ``served`` pointing at ``url``."""
    (root / "workspace.yaml").write_text(
        with_environments(original, served_environment("served", url)))
    return load_valid_workspace(root, "served", KEYS)


def _run(root: Path, tmp: Path, fault: str, seed: int) -> None:
    original = (root / "workspace.yaml").read_text()
    audit = AuditLog(tmp / "audit.jsonl", "served", 1)
    with running_emulator(tmp / "state.sqlite3", faults=FaultSpec.parse(FAULTS[fault]),
                          seed=seed, rate_limit=False) as url:
        retried = anyio.run(_converge, _served(root, original, url), url, seed, audit)
    if fault in ("429", "5xx", "mixed"):
        assert retried > 0, "the faults never bit: the run proves nothing"
    with running_emulator(tmp / "state.sqlite3", rate_limit=False) as url:
        anyio.run(_assert_no_duplicates, url)
        assert anyio.run(_plan_is_empty, _served(root, original, url), url)


async def _plan_is_empty(ws: Workspace, url: str) -> bool:
    async with _client(url, 0) as client:
        return not (await make_plan(ws, client)).changes


SEEDS_EXAMPLE = range(1, 6)
SEEDS_GENERATED = range(1, 5)


@pytest.mark.parametrize("seed", SEEDS_EXAMPLE)
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_example_converges(tmp_path: Path, fault: str, seed: int) -> None:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cioctl"))
    _run(root, tmp_path, fault, seed)


@pytest.mark.parametrize("seed", SEEDS_GENERATED)
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_generated_workspace_converges(tmp_path: Path, fault: str, seed: int) -> None:
    root = generate_workspace(tmp_path / "generated", Size().scaled(0.01))
    _run(root, tmp_path, fault, seed)


def test_enough_seeded_runs() -> None:
    assert len(FAULTS) * (len(SEEDS_EXAMPLE) + len(SEEDS_GENERATED)) >= 50
