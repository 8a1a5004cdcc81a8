"""``codegen --check`` figures for ``make bench`` (issue 14: ≤ 2 s for workspace L's 2,000
events), measured as CI runs it — a fresh ``cioctl`` process — and printed, never asserted."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

RUNS = 3
TARGETS = """
codegen:
  - {lang: python, out: gen/tracking.py}
  - {lang: typescript, out: gen/tracking.ts}
"""


def _cioctl(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cioctl", *args], check=True, capture_output=True)
    return time.perf_counter() - started


def bench_codegen(root: Path) -> dict[str, float]:
    """Declare a Python and a TypeScript target in workspace L, generate them once, then time
    ``codegen --check`` (best of ``RUNS``)."""
    config = root / "workspace.yaml"
    if "codegen:" not in config.read_text(encoding="utf-8"):
        with config.open("a", encoding="utf-8") as out:
            out.write(TARGETS)
    first = _cioctl("codegen", "-w", str(root))
    check = min(_cioctl("codegen", "-w", str(root), "--check") for _ in range(RUNS))
    startup = min(_cioctl("--version") for _ in range(RUNS))
    sizes = sum(p.stat().st_size for p in (root / "gen").iterdir()) / 1e6
    print(f"codegen, workspace L (python + typescript, {sizes:.1f} MB generated)")
    print(f"  cioctl codegen (first write): {first:8.3f} s")
    print(f"  cioctl codegen --check      : {check:8.3f} s   (goal ≤ 2 s, whole process)")
    print(f"    of which cioctl's startup : {startup:8.3f} s   (cioctl --version)")
    return {"write": first, "check": check, "startup": startup}
