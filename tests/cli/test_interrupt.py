"""Ctrl-C during apply stops cleanly, reports what was and wasn't applied, orphans nothing it
created, and re-running converges."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _cioctl(*args: str) -> list[str]:
    return [sys.executable, "-m", "cioctl", *args]


def test_ctrl_c_during_apply_reports_and_rerun_converges(example_copy: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "CI": "true"}
    proc = subprocess.Popen(_cioctl("apply", "-w", str(example_copy), "--auto-approve"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    audit = example_copy / ".cioctl" / "audit.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not audit.exists() or
                                           len(audit.read_text().splitlines()) < 5):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert "interrupted" in err and "Traceback" not in err
    assert "applied" in out and "not_run" in out
    # What did finish had its data-index descriptions recorded despite the interrupt: the next
    # plan shows no description-only updates for it (it once showed dozens).
    between = subprocess.run(_cioctl("plan", "-w", str(example_copy)), capture_output=True,
                             text=True, env=env, timeout=60, check=False)
    assert "description cannot be read back" not in between.stdout, between.stdout
    again = subprocess.run(_cioctl("apply", "-w", str(example_copy), "--auto-approve"),
                           capture_output=True, text=True, env=env, timeout=120, check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    final = subprocess.run(_cioctl("plan", "-w", str(example_copy), "--detailed-exitcode"),
                           capture_output=True, text=True, env=env, timeout=60, check=False)
    assert final.returncode == 0, final.stdout


def test_ctrl_c_during_apply_orphans_nothing(example_copy: Path) -> None:
    """Ownership is recorded before the changes run: after an interrupted apply nothing plans
    as an adopt, and removing every definition deletes all that the apply had created."""
    env = {**os.environ, "NO_COLOR": "1", "CI": "true"}
    proc = subprocess.Popen(_cioctl("apply", "-w", str(example_copy), "--auto-approve"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    audit = example_copy / ".cioctl" / "audit.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not audit.exists() or
                                           len(audit.read_text().splitlines()) < 5):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    created = {line["change"] for line in map(json.loads, audit.read_text().splitlines())
               if line["result"] == "applied"}
    assert created, "nothing was applied before the interrupt: the test proves nothing"
    after = _plan_json(example_copy, env)
    assert [c["kind"] + ":" + c["key"] for c in after["changes"] if "adopt" in c["flags"]] == []
    for path in example_copy.rglob("*.yaml"):
        if path.name != "workspace.yaml":
            path.unlink()
    removal = _plan_json(example_copy, env)
    assert removal["unmanaged"] == []
    handled = {c["kind"] + ":" + c["key"].split("#")[0]: c["action"] for c in removal["changes"]}
    for address in created:
        kind = address.split(":")[0]
        expected = "unsupported" if kind in ("attribute", "event") else "delete"
        assert handled.get(address) == expected, address


def _plan_json(root: Path, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(_cioctl("plan", "-w", str(root), "--format", "json"),
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data
