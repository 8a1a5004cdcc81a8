"""A stale apply lock is released by its ID (``cioctl unlock``, ``apply --force-unlock``);
refusals before the first change and Ctrl-C while planning say that nothing was changed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cioctl.apply.lock import embedded_lock
from cioctl.emulator import FaultSpec, running_emulator
from cioctl.environments import embedded_db
from tests.cli.conftest import Cli
from tests.served import KEYS, add_environments, served_environment


@pytest.fixture
def stale_lock(example_copy: Path) -> Iterator[str]:
    """The lock of an apply that never finished (entered, never left); yields the workspace."""
    held = embedded_lock(embedded_db(example_copy))
    held.__enter__()
    yield str(example_copy)
    held.__exit__(None, None, None)


def _lock_id(out: str) -> str:
    found = re.search(r"lock ID (\w+)", out)
    assert found, out
    return found.group(1)


def test_a_stale_lock_is_released_by_its_id(cli: Cli, stale_lock: str) -> None:
    code, out = cli("apply", "-w", stale_lock, "--auto-approve")
    assert code == 1 and "another apply is running" in out, out
    assert "nothing was changed" in out
    lock_id = _lock_id(out)
    assert f"cioctl unlock {lock_id}" in out and f"--force-unlock {lock_id}" in out
    # Its holder (this process) still runs: without the ID, unlock refuses and shows it.
    code, out = cli("unlock", "-w", stale_lock)
    assert code == 1 and f"cioctl unlock {lock_id}" in out, out
    code, out = cli("unlock", "not-the-id", "-w", stale_lock)
    assert code == 1 and "not the lock held" in out, out
    code, out = cli("unlock", lock_id, "-w", stale_lock)
    assert code == 0 and f"released the apply lock {lock_id}" in out, out
    code, out = cli("unlock", "-w", stale_lock)
    assert code == 0 and "no apply lock is held" in out, out
    code, out = cli("apply", "-w", stale_lock, "--auto-approve")
    assert code == 0, out


def test_apply_force_unlock_takes_over_a_stale_lock(cli: Cli, stale_lock: str) -> None:
    lock_id = _lock_id(cli("apply", "-w", stale_lock, "--auto-approve")[1])
    code, out = cli("apply", "-w", stale_lock, "--auto-approve", "--force-unlock", "wrong")
    assert code == 1 and "not the lock held" in out and "nothing was changed" in out, out
    code, out = cli("apply", "-w", stale_lock, "--auto-approve", "--force-unlock", lock_id)
    assert code == 0, out
    code, out = cli("plan", "-w", stale_lock, "--detailed-exitcode")
    assert code == 0, out


def test_unlock_without_id_releases_the_lock_of_a_dead_process(cli: Cli,
                                                               example_copy: Path) -> None:
    # An apply killed outright (SIGKILL: no cleanup) leaves its lock behind.
    script = ("import os, signal, sys\nfrom pathlib import Path\n"
              "from cioctl.apply.lock import embedded_lock\n"
              "held = embedded_lock(Path(sys.argv[1]))\nheld.__enter__()\n"
              "os.kill(os.getpid(), signal.SIGKILL)\n")
    died = subprocess.run([sys.executable, "-c", script, str(embedded_db(example_copy))],
                          check=False, timeout=60)
    assert died.returncode == -signal.SIGKILL
    code, out = cli("apply", "-w", str(example_copy), "--auto-approve")
    assert code == 1 and "no longer running" in out, out
    code, out = cli("unlock", "-w", str(example_copy))
    assert code == 0 and "released the apply lock" in out, out
    code, out = cli("apply", "-w", str(example_copy), "--auto-approve")
    assert code == 0, out


def test_a_refused_saved_plan_says_nothing_was_changed(cli: Cli, example_copy: Path,
                                                      tmp_path: Path) -> None:
    saved = str(tmp_path / "plan.json")
    assert cli("plan", "-w", str(example_copy), "--out", saved)[0] == 0
    assert cli("apply", "-w", str(example_copy), "--auto-approve", saved)[0] == 0
    code, out = cli("apply", "-w", str(example_copy), "--auto-approve", saved)  # now stale
    assert code == 1 and "changed since this plan was made" in out, out
    assert "nothing was changed" in out


def _has_socket(pid: int) -> bool:
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(str(fd.readlink()).startswith("socket:") for fd in fds.iterdir())
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see sockets")
def test_ctrl_c_while_planning_says_nothing_was_changed(example_copy: Path,
                                                        tmp_path: Path) -> None:
    slow = FaultSpec.parse("latency=4s")
    with running_emulator(tmp_path / "served.sqlite3", rate_limit=False, faults=slow) as url:
        add_environments(example_copy, served_environment("served", url))
        proc = subprocess.Popen(
            [sys.executable, "-m", "cioctl", "plan", "-w", str(example_copy), "-e", "served"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **KEYS, "NO_COLOR": "1", "CI": "true"})
        deadline = time.monotonic() + 60
        # A socket means the event loop runs (its self-pipe) or a request is open: reading.
        while not _has_socket(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert "interrupted while reading the live workspace" in err
    assert "nothing was changed" in err and "Traceback" not in err
