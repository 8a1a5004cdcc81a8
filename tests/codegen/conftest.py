"""Shared by the codegen tests: a workspace with awkward names, the node tools, and a local
HTTP server that records what the official clients send."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from cioctl.cli import app
from cioctl.cli.boundary import run_cli
from cioctl.codegen.load import load_codegen_model
from cioctl.codegen.model import CodegenModel

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / ".venv" / "node" / "node_modules"
TSC = NODE_MODULES / "typescript" / "bin" / "tsc"
needs_node_tools = pytest.mark.skipif(
    shutil.which("node") is None or not TSC.is_file()
    or not (NODE_MODULES / "customerio-node").is_dir(),
    reason="the TypeScript target's tests need node and the typescript, customerio-node and "
    "@types/node packages that .ci/node-tools installs with npm (npm not found or offline)")

# Names chosen to collide: keywords, a leading digit, the trackers' own members and
# parameters, keys that are not identifiers, two events with the same snake_case name.
AWKWARD = """\
events:
  - name: signed_up
    description: A person created an account ("quoted" \\ backslash */ */).
    properties:
      method: {type: string, enum: [google, email, github], required: true}
      plan: {type: string, enum: [free, pro, enterprise]}
      referrer: {type: string}
  - name: Order Placed
    properties:
      total amount: {type: number, required: true}
      class: {type: string}
      timestamp: {type: timestamp}
      person_id: {type: string}
      itemCount: {type: integer, enum: [1, 2, 3]}
      rating: {type: number, enum: [1.5, 2.5]}
      flag: {type: boolean, enum: [true]}
      tags: {type: array}
      meta: {type: object}
      day: {type: string, format: date}
      at: {type: string, format: date-time}
      email: {type: string, format: email}
      url: {type: string, format: uri}
      count: {type: integer}
  - name: order.placed
  - name: track
  - name: 1st-login
  - name: import
    properties:
      from: {type: string, required: true}
attributes:
  - {name: email, type: string, format: email}
  - {name: plan, type: string, enum: [free, pro]}
  - {name: score, type: integer}
  - {name: class, type: string}
  - {name: phone, type: string, format: phone}
  - {name: seen_at, type: timestamp}
"""


def cli(*args: str) -> tuple[int, str]:
    """Run cioctl in process through the real boundary: (exit code, printed text)."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = run_cli(lambda: app(list(args), prog_name="cioctl"), False)
    return code, out.getvalue()


@pytest.fixture
def awkward(write_workspace: Any) -> Path:
    """A workspace whose names collide in every way codegen must handle."""
    root: Path = write_workspace({"data/events.yaml": AWKWARD})
    return root


@pytest.fixture
def awkward_model(awkward: Path) -> CodegenModel:
    """The codegen model of :func:`awkward`."""
    return load_codegen_model(awkward, "local", {})[2]


class _Recorder(BaseHTTPRequestHandler):
    received: list[dict[str, Any]]

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"null")
        self.received.append({"method": self.command, "path": self.path, "body": body})
        payload = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_POST = do_PUT = _record  # noqa: N815 — the names http.server dispatches to

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def track_server() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A local Track API stand-in: its base URL and the requests it received."""
    received: list[dict[str, Any]] = []
    handler = type("Recorder", (_Recorder,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v1", received
    finally:
        server.shutdown()
        server.server_close()


def node_env() -> dict[str, str]:
    """The environment for node processes: NODE_PATH reaches the installed tools."""
    return {**os.environ, "NODE_PATH": str(NODE_MODULES)}
