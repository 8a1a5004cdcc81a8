"""``make bench``: `cioctl estimate` on generated typed Parquet — 500 k people, 10 M events.

Printed, never asserted (issue 13 item 6): a one-condition segment, a five-condition nested
segment, every segment of the example in one run, peak RSS, and the same run on Spark local as
a ratio. Each measurement runs in a fresh interpreter so its peak RSS is its own."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from cioctl.estimate.dataset import generate

EXAMPLE = Path(__file__).resolve().parents[2] / "workspaces" / "example"
NESTED = """segments:
  - name: Bench nested
    conditions:
      all:
        - any:
            - {attribute: plan, operator: eq, value: pro}
            - {attribute: plan, operator: eq, value: enterprise}
        - not: {attribute: churn_risk_score, operator: gte, value: 0.7}
        - {event: logged_in, at_least: 3, within: 30d}
        - event: feature_used
          within: 14d
          where: [{property: feature, operator: eq, value: export}]
"""
_CHILD = """
import json, resource, sys, time
from datetime import UTC, datetime
from pathlib import Path
from cioctl.estimate.run import estimate
from cioctl.pipeline import validate_workspace
from cioctl.sql.engines import open_runner
from cioctl.sql.sources import resolve
root, data, engine, keys = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4:]
model = validate_workspace(root, "local", {}).workspace
keys = keys or [s.key for s in model.segments]
people = resolve(str(data / "people.parquet"), root, "people")
events = resolve(str(data / "events.parquet"), root, "events")
runner = open_runner(engine, "local[*]")
started = time.perf_counter()
result = estimate(model, keys, people, events, datetime(2026, 6, 1, tzinfo=UTC), runner)
elapsed = time.perf_counter() - started
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rss_mb": rss, "people": result.people}))
"""


def _measure(root: Path, data: Path, engine: str, keys: list[str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(root), str(data), engine, *keys],
                         capture_output=True, text=True, check=True).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def bench_estimate(tmp: Path, scale: float = 1.0, spark: bool = True) -> None:
    """Generate the data (``scale`` 1 = 500 k people / 10 M events) and print the figures."""
    people, events = int(500_000 * scale), int(10_000_000 * scale)
    data = tmp / "estimate-data"
    generate(data, people=people, events=events)
    root = tmp / "estimate-workspace"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("estimate-data", ".cioctl"))
    (root / "segments" / "bench.yaml").write_text(NESTED)
    size = sum(p.stat().st_size for p in data.iterdir()) / 1e6
    print(f"estimate: {people:,} people, {events:,} events, {size:.0f} MB of Parquet")
    one = _measure(root, data, "duckdb", ["promoters"])
    nested = _measure(root, data, "duckdb", ["bench_nested"])
    every = _measure(root, data, "duckdb", [])
    print(f"  one-condition segment       : {one['seconds']:8.3f} s   (goal ≤ 1 s)")
    print(f"  five-condition nested       : {nested['seconds']:8.3f} s   (goal ≤ 2 s)")
    print(f"  every segment, one run      : {every['seconds']:8.3f} s")
    peak = max(one["rss_mb"], nested["rss_mb"], every["rss_mb"])
    print(f"  peak RSS                    : {peak:8.1f} MB (goal ≤ 1024 MB)")
    if not spark or shutil.which("java") is None:
        print("  Spark local                 :  skipped" + ("" if not spark else
                                                          " (no Java runtime)"))
        return
    on_spark = _measure(root, data, "spark", [])
    print(f"  every segment, Spark local  : {on_spark['seconds']:8.3f} s "
          f"({on_spark['seconds'] / every['seconds']:.1f}× DuckDB)")
