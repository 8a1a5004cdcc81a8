"""The TypeScript target: ``tsc --strict --noEmit`` over the generated module with
customerio-node's TrackClient, and the example web app sending through that client."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from cioctl.codegen.model import CodegenModel
from cioctl.codegen.typescript import render_typescript
from tests.codegen.conftest import NODE_MODULES, REPO, TSC, needs_node_tools

WEB_APP = REPO / "workspaces" / "example" / "apps" / "web"
GOOD_USE = """\
import { RegionEU, TrackClient } from "customerio-node";
import { RecordingTracker, Tracker, TrackingValidationError, type Call } from "./tracking.js";

const tracker = new Tracker(new TrackClient("site", "key", { region: RegionEU }));
void tracker.signedUp("1", { method: "google", plan: "pro" }, { timestamp: 1700000000 });
tracker.orderPlaced("1", { "total amount": 2, class: "x", itemCount: 3, flag: true,
                          timestamp: "2024-01-01T00:00:00Z", person_id: "p", tags: [1] });
tracker.orderPlaced2("1");
tracker.track_("1");
tracker.e1stLogin("1");
tracker.import_("1", { from: "x" });
tracker.identify("1", { email: "a@b.c", plan: "pro", class: "c", seen_at: 5 });
tracker.track("1", "Order Placed", { "total amount": 1 });
const minimal = new Tracker({ track: (id: string, body: { name: string }) => [id, body.name] });
minimal.e1stLogin("2");
const fn = new Tracker((call: Call) => call.name, { validation: "off" });
const recorder = new RecordingTracker();
recorder.signedUp("1", { method: "email" });
try { recorder.track("1", "signed_up", JSON.parse('{"method": "fax"}')); }
catch (error) { if (!(error instanceof TrackingValidationError)) throw error; }
export { fn, recorder };
"""
BAD_USE = """\
import { Tracker } from "./tracking.js";
declare const tracker: Tracker;
tracker.signedUp("1", { method: "fax" });
tracker.signedUp("1", {});
tracker.orderPlaced("1", { "total amount": 1, itemCount: 7 });
tracker.noSuchEvent("1");
tracker.track("1", "no such event", {});
"""


def _tsc(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["node", str(TSC), *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


@needs_node_tools
def test_generated_module_passes_tsc_strict(awkward_model: CodegenModel,
                                            tmp_path: Path) -> None:
    """~5 s: one tsc run over the generated module, correct and incorrect callers."""
    (tmp_path / "node_modules").symlink_to(NODE_MODULES)
    (tmp_path / "tracking.ts").write_text(render_typescript(awkward_model), encoding="utf-8")
    (tmp_path / "good.ts").write_text(GOOD_USE, encoding="utf-8")
    (tmp_path / "bad.ts").write_text(BAD_USE, encoding="utf-8")
    result = _tsc(tmp_path, "--strict", "--noEmit", "--skipLibCheck", "--target", "es2022",
                  "--module", "nodenext", "--moduleResolution", "nodenext", "tracking.ts",
                  "good.ts", "bad.ts")
    errors = [line for line in result.stdout.splitlines() if ": error TS" in line]
    assert not [e for e in errors if not e.startswith("bad.ts")], result.stdout
    assert {int(e.split("(")[1].split(",")[0]) for e in errors} == {3, 4, 5, 6, 7}, \
        result.stdout


@needs_node_tools
def test_example_web_app_type_checks_and_sends_through_customerio_node(
        tmp_path: Path, track_server: tuple[str, list[dict[str, Any]]]) -> None:
    """~5 s: tsc -p (strict, emitting), then the app run against a local Track stand-in."""
    app = tmp_path / "web"
    shutil.copytree(WEB_APP, app, ignore=shutil.ignore_patterns("node_modules", "dist"))
    (app / "node_modules").symlink_to(NODE_MODULES)
    compiled = _tsc(app, "-p", ".")
    assert compiled.returncode == 0, compiled.stdout
    url, received = track_server
    run = subprocess.run(["node", "dist/main.js"], cwd=app, capture_output=True, text=True,
                         check=False, env={**os.environ, "CIO_TRACK_URL": url,
                                           "CIO_SITE_ID": "site", "CIO_TRACK_API_KEY": "key"})
    assert run.returncode == 0, run.stderr
    assert [(r["method"], r["path"]) for r in received] == [
        ("PUT", "/api/v1/customers/42"), ("POST", "/api/v1/customers/42/events")]
    assert received[1]["body"] == {"name": "signed_up",
                                   "data": {"method": "github", "plan": "free"}}
