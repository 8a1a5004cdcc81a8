"""``cioctl emulator serve`` / ``reset``: help, clean errors, state, and a real served process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from cioctl.emulator import FAULTS_HELP, LOCAL_APP_API_KEY
from tests.cli.conftest import Cli
from tests.conftest import REPO

SMOKE_TIMEOUT = 30.0


def test_serve_help_shows_the_fault_grammar(cli: Cli) -> None:
    code, out = cli("emulator", "serve", "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert "latency=10-80ms" in flat and "lost=RATE" in flat and "Retry-After" in flat
    assert " ".join(FAULTS_HELP.split()[:6]) in flat


def test_bad_faults_is_a_clean_config_error(cli: Cli, example_copy: Path) -> None:
    code, out = cli("emulator", "serve", "-w", str(example_copy), "--faults", "latency=abc")
    assert code == 1
    assert "--faults" in out and "latency" in out and "Traceback" not in out
    assert not (example_copy / ".cioctl").exists()


def test_serve_needs_a_workspace(cli: Cli, tmp_path: Path) -> None:
    code, out = cli("emulator", "serve", "-w", str(tmp_path / "missing"))
    assert code == 1 and "does not exist" in out


def test_busy_port_is_a_clean_error(cli: Cli, example_copy: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out = cli("emulator", "serve", "-w", str(example_copy), "--port", str(port))
    assert code == 1 and f"127.0.0.1:{port}" in out and "--port" in out


def test_reset_removes_the_state(cli: Cli, example_copy: Path) -> None:
    state = example_copy / ".cioctl"
    state.mkdir()
    for name in ("embedded.sqlite3", "embedded.sqlite3-wal"):
        (state / name).write_text("x")
    code, out = cli("emulator", "reset", "-w", str(example_copy))
    assert code == 0 and "removed" in out
    assert not (state / "embedded.sqlite3").exists()
    assert not (state / "embedded.sqlite3-wal").exists()
    code, out = cli("emulator", "reset", "-w", str(example_copy))
    assert code == 0 and "nothing to remove" in out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_up(base: str, process: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + SMOKE_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            return httpx.get(f"{base}/v1/info/ip_addresses", timeout=1.0)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the served emulator did not come up in time")


def test_serve_in_a_real_process(cli: Cli, example_copy: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "cioctl", "emulator", "serve", "-w", str(example_copy),
               "--port", str(port), "--no-limits"]
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, cwd=REPO, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        response = _wait_up(base, process)
        assert response.status_code == 200 and response.headers.get("date")
        segments = httpx.get(f"{base}/v1/segments", timeout=5,
                             headers={"Authorization": f"Bearer {LOCAL_APP_API_KEY}"})
        assert segments.status_code == 200
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=SMOKE_TIMEOUT)
    assert base in out and LOCAL_APP_API_KEY in out and f"endpoint: {base}" in out
    assert (example_copy / ".cioctl" / "embedded.sqlite3").exists()
    assert (example_copy / ".cioctl" / ".gitignore").read_text().strip() == "*"
