"""``events check`` end to end from a JSON Lines file, for ``make bench`` (printed, not asserted).

Four ways through the same file are timed: the path before msgspec (the standard library's
decoder and the per-payload checker: what ``events check`` did until issue 15, reproduced here
so both figures come from the same machine and load), orjson and msgspec each decoding for the
same checker, and what ``events check`` runs now (its chunked msgspec reader and the checker).
The machine is shared, so CPU seconds are reported beside wall seconds: they are what the code
costs, wall time also measures the neighbours. Peak RSS is measured in a child process
for two file sizes: flat in the file's size is the claim.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from cioctl.events.check import Checker, Problem, Summary
from cioctl.events.run import check_files
from cioctl.model.data import Event

_RSS_CHILD = """
import os, resource, sys
from pathlib import Path
from cioctl.engine import load_valid_workspace
from cioctl.events.run import check_files
events = load_valid_workspace(Path(sys.argv[1]), "local", {}).events
with open(os.devnull, "w") as sink:
    check_files(events, [sys.argv[2]], strict=False, json_output=False, out=sink,
                stdin=sys.stdin.buffer)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _per_payload(events: Sequence[Event], path: Path, sink: TextIO,
                 loads: Callable[[bytes], Any]) -> None:
    """Decode each line with ``loads``, check it with the per-payload checker, print problems."""
    checker = Checker(events)
    summary = Summary()
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, 1):
            if not raw.strip():
                continue
            event, findings = checker.check(loads(raw))
            summary.add(event, findings)
            for finding in findings:
                sink.write(Problem(str(path), number, event, finding).text() + "\n")


def _timed(count: int, action: Callable[[], object]) -> tuple[float, float]:
    """(payloads per CPU second, payloads per wall second), best of two runs."""
    cpu = wall = float("inf")
    for _ in range(2):
        started_cpu, started = time.process_time(), time.perf_counter()
        action()
        cpu = min(cpu, time.process_time() - started_cpu)
        wall = min(wall, time.perf_counter() - started)
    return count / cpu, count / wall


def _ways(events: Sequence[Event], path: Path, sink: TextIO
          ) -> dict[str, Callable[[], object]]:
    decoder = json.JSONDecoder()
    ways: dict[str, Callable[[], object]] = {
        "before (stdlib json + checker)": lambda: _per_payload(
            events, path, sink, lambda raw: decoder.decode(raw.decode("utf-8")))}
    try:
        import orjson

        ways["orjson + checker"] = lambda: _per_payload(events, path, sink, orjson.loads)
    except ImportError:  # a dev dependency, for this comparison only
        pass
    import msgspec

    ways["msgspec + checker"] = lambda: _per_payload(
        events, path, sink, msgspec.json.Decoder().decode)
    ways["events check now (msgspec)"] = lambda: check_files(
        events, [str(path)], strict=False, json_output=False, out=sink, stdin=io.BytesIO())
    return ways


def _peak_rss(root: Path, path: Path) -> float:
    out = subprocess.run([sys.executable, "-c", _RSS_CHILD, str(root), str(path)],
                         capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1])


def bench_file(root: Path, events: Sequence[Event], payloads: list[dict[str, Any]],
               tmp: Path) -> dict[str, float]:
    """Print and return the end-to-end rates (CPU and wall) and the peak RSS per file size."""
    path = tmp / "payloads.jsonl"
    with path.open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(p) + "\n" for p in payloads)
    figures: dict[str, float] = {}
    print(f"events check end to end, JSON Lines file of {len(payloads):,} payloads "
          f"({path.stat().st_size / 1e6:.0f} MB), problems printed to /dev/null")
    with Path(os.devnull).open("w", encoding="utf-8") as sink:
        for label, action in _ways(events, path, sink).items():
            cpu, wall = _timed(len(payloads), action)
            figures[label] = cpu
            print(f"  {label:34}: {cpu:10,.0f} payloads/CPU s  {wall:10,.0f} payloads/wall s")
    now, before = figures["events check now (msgspec)"], figures[
        "before (stdlib json + checker)"]
    print(f"  now ÷ before                      : {now / before:8.2f}×   (goal ≥ 250,000/s)")
    big = tmp / "payloads-x4.jsonl"
    with big.open("wb") as out:
        for _ in range(4):
            out.write(path.read_bytes())
    small_rss, big_rss = _peak_rss(root, path), _peak_rss(root, big)
    print(f"  peak RSS, {path.stat().st_size / 1e6:5.0f} MB file        : {small_rss:8.1f} MB")
    print(f"  peak RSS, {big.stat().st_size / 1e6:5.0f} MB file        : {big_rss:8.1f} MB"
          "   (flat in the file's size)")
    figures |= {"rss_small_mb": small_rss, "rss_big_mb": big_rss}
    return figures
