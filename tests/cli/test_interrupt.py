"""Ctrl-C during apply stops cleanly, reports what was and wasn't applied, and re-running
converges."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


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
    again = subprocess.run(_cioctl("apply", "-w", str(example_copy), "--auto-approve"),
                           capture_output=True, text=True, env=env, timeout=120, check=False)
    assert again.returncode == 0, again.stdout + again.stderr
    final = subprocess.run(_cioctl("plan", "-w", str(example_copy), "--detailed-exitcode"),
                           capture_output=True, text=True, env=env, timeout=60, check=False)
    assert final.returncode == 0, final.stdout
