"""``cioctl init``'s scaffold sends nothing on its first apply: its flows are drafts."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli


def test_the_scaffold_creates_its_flows_as_drafts(cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "new"
    assert cli("init", str(root))[0] == 0
    code, out = cli("plan", "-w", str(root), "--format", "json")
    assert code == 0, out
    flows = [c for c in json.loads(out)["changes"] if c["kind"] == "flow"]
    assert flows and all(c["action"] == "create" for c in flows)
    assert [c["after"]["state"] for c in flows] == ["draft"] * len(flows)
    code, out = cli("apply", "-w", str(root), "--auto-approve")
    assert code == 0, out
    assert cli("plan", "-w", str(root), "--detailed-exitcode")[0] == 0
