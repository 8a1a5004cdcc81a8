"""``make bench``: measured figures for the targets of design.md §11 (printed, not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from cioctl.bench.estimate import bench_estimate
from cioctl.bench.events import bench_events_of
from cioctl.bench.generate import generate_workspace
from cioctl.bench.plan_apply import bench_apply, bench_plan

APPLY_SCALE = 0.1  # at 10 req/s the full L takes minutes; the rate is what is measured

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

_CHILD = """
import json, os, resource, sys, time
from pathlib import Path
from cioctl.pipeline import validate_workspace
started = time.perf_counter()
report = validate_workspace(Path(sys.argv[1]), "local", {})
elapsed = time.perf_counter() - started
rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "rss_mb": rss_kb / 1024, "problems": len(report.problems)}))
"""


def best_of(runs: int, action: Callable[[], object]) -> float:
    """The fastest of ``runs`` timings of ``action``, in seconds."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def parse_only(root: Path) -> None:
    """What PyYAML's C loader alone does with the same files."""
    for path in sorted(root.rglob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def validate_in_child(root: Path) -> dict[str, float]:
    """Validate in a fresh interpreter so peak RSS is validate's own."""
    out = subprocess.run([sys.executable, "-c", _CHILD, str(root)], capture_output=True,
                         text=True, check=True).stdout
    result: dict[str, float] = json.loads(out)
    return result


def main() -> None:
    """Generate workspace L and print the validate figures."""
    with tempfile.TemporaryDirectory() as tmp:
        root = generate_workspace(Path(tmp) / "workspace-l")
        files = list(root.rglob("*.yaml"))
        size_mb = sum(p.stat().st_size for p in files) / 1e6
        print(f"workspace L: {len(files)} files, {size_mb:.1f} MB")
        parse = best_of(3, lambda: parse_only(root))
        runs = [validate_in_child(root) for _ in range(3)]
        best = min(runs, key=lambda r: r["seconds"])
        print(f"  PyYAML C loader, parse only : {parse:8.3f} s")
        print(f"  cioctl validate             : {best['seconds']:8.3f} s "
              f"({int(best['problems'])} problems)")
        print(f"  validate ÷ parse            : {best['seconds'] / parse:8.2f}×   (goal ≤ 3×)")
        print(f"  validate peak RSS           : {max(r['rss_mb'] for r in runs):8.1f} MB")
        bench_events_of(root)
        bench_plan(Path(tmp))
        bench_apply(Path(tmp), APPLY_SCALE)
        bench_estimate(Path(tmp))


if __name__ == "__main__":
    main()
