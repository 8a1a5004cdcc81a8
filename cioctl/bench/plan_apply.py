"""Plan and apply figures for ``make bench`` (design.md §11), measured, never asserted."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import anyio

from cioctl.api.pagination import PAGE_SIZES
from cioctl.bench.generate import Size, generate_workspace

_PLAN_CHILD = """
import json, os, resource, sys, time
from pathlib import Path
import anyio
from cioctl.engine import load_valid_workspace, make_plan
from cioctl.environments import open_client
root = Path(sys.argv[1])
ws = load_valid_workspace(root, "local", {})
async def run():
    async with open_client(root, ws.config, "local", {}, throttle=False) as client:
        started = time.perf_counter()
        plan = await make_plan(ws, client)
        return time.perf_counter() - started, client.stats, len(plan.changes)
seconds, stats, changes = anyio.run(run)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "requests": stats.requests.get("app", 0) +
                  stats.requests.get("journeys", 0), "changes": changes, "rss_mb": rss}))
"""


def pages_needed(items: int, size: int) -> int:
    """Requests to read ``items`` paged at ``size`` until a short or empty page (evidence §3):
    every full page, then the short one — or an empty one when the last page is exactly full."""
    return items // size + 1


def minimum_read_requests(size: Size, messages_per_flow: int = 5) -> int:
    """What reading that state needs at least: every page of each Journeys list at the sizes
    the client asks for (a page shorter than asked ends a list, and no count is trusted), one
    request per App API list, the contents of the ownership ledger and of the record of
    data-index descriptions, the tag names (one page: cioctl's ownership tags and a few more),
    and per flow its Journeys read (``{campaign, actions, edges}``, evidence §5) and one per
    page of its App API actions (the content)."""
    lists = (pages_needed(size.segments, PAGE_SIZES["segments"])
             + pages_needed(size.flows, PAGE_SIZES["campaigns"])
             + pages_needed(size.attributes, PAGE_SIZES["attributes"])
             + pages_needed(size.events, PAGE_SIZES["event_names"])
             + 3)  # snippets, collections, reporting webhooks (App API)
    ledger = 2  # cioctl_managed, cioctl_descriptions
    tags = pages_needed(size.segments + size.flows, PAGE_SIZES["tags"])
    flow_reads = size.flows * (1 + math.ceil(messages_per_flow / 10))
    return lists + ledger + tags + flow_reads


async def _apply_all(root: Path, throttle: bool, endpoint_env: str = "local") -> dict[str, float]:
    from cioctl.apply.audit import AuditLog
    from cioctl.apply.runner import Status
    from cioctl.engine import execute_plan, load_valid_workspace, make_plan
    from cioctl.environments import open_client

    ws = load_valid_workspace(root, endpoint_env, os.environ)
    async with open_client(root, ws.config, endpoint_env, os.environ,
                           throttle=throttle) as client:
        plan = await make_plan(ws, client)
        before = client.stats.total
        started = time.perf_counter()
        outcome = await execute_plan(plan, ws, client,
                                     audit=AuditLog(root / ".cioctl/audit.jsonl", "bench", 1))
        seconds = time.perf_counter() - started
        failed = outcome.result.count(Status.FAILED)
        return {"seconds": seconds, "requests": client.stats.total - before,
                "changes": len(plan.changes), "failed": failed,
                "retries": client.stats.retries}


def bench_plan(tmp: Path) -> None:
    """Plan of workspace L on the embedded workspace, throttling off."""
    size = Size()
    root = generate_workspace(tmp / "plan-l", size)
    started = time.perf_counter()
    setup = anyio.run(_apply_all, root, False)
    print(f"workspace L applied to the embedded workspace (setup): {setup['changes']:.0f} "
          f"changes in {time.perf_counter() - started:.1f} s, {setup['failed']:.0f} failed")
    out = subprocess.run([sys.executable, "-c", _PLAN_CHILD, str(root)], capture_output=True,
                         text=True, check=True).stdout
    figures = json.loads(out)
    minimum = minimum_read_requests(size)
    print(f"  plan wall time (throttling off) : {figures['seconds']:8.2f} s   (goal ≤ 5 s)")
    print(f"  plan API requests               : {figures['requests']:8d}     "
          f"minimum {minimum}")
    print(f"  requests ÷ minimum              : {figures['requests'] / minimum:8.2f}     "
          "(goal 1.00)")
    print(f"  plan peak RSS                   : {figures['rss_mb']:8.1f} MB  (goal ≤ 250 MB)")
    print(f"  changes planned after apply     : {figures['changes']:8d}     (expect 0)")


def bench_apply(tmp: Path, factor: float) -> None:
    """Apply of a scaled workspace L against ``emulator serve`` with the 10 req/s limit on."""
    from cioctl.emulator import LOCAL_APP_API_KEY, LOCAL_SERVICE_ACCOUNT, running_emulator

    root = generate_workspace(tmp / "apply-l", Size().scaled(factor))
    text = (root / "workspace.yaml").read_text()
    with running_emulator(tmp / "served.sqlite3", rate_limit=True) as url:
        served = (f"  served:\n    endpoint: {url}\n    workspace_id: 1\n    credentials: "
                  "{app_api_key: '${env:BENCH_K}', service_account: '${env:BENCH_S}'}\n")
        (root / "workspace.yaml").write_text(text.replace("environments:\n",
                                                          "environments:\n" + served, 1))
        os.environ.update(BENCH_K=LOCAL_APP_API_KEY, BENCH_S=LOCAL_SERVICE_ACCOUNT)
        figures = anyio.run(_apply_all, root, True, "served")
    rate = figures["requests"] / figures["seconds"]
    print(f"apply of workspace L × {factor} against emulator serve (limit 10 req/s on):")
    print(f"  changes / requests / wall time  : {figures['changes']:.0f} / "
          f"{figures['requests']:.0f} / {figures['seconds']:.1f} s")
    print(f"  sustained rate ÷ limit          : {rate / 10:8.2f}     (goal ≥ 0.95)")
    print(f"  failed changes                  : {figures['failed']:8.0f}     (goal 0); "
          f"{figures['retries']:.0f} requests retried")
