"""The audit log: one JSON line per change apply attempted (never a secret)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from cioctl.apply.runner import ChangeResult


class AuditLog:
    """Appends to ``.cioctl/audit.jsonl`` in the workspace."""

    def __init__(self, path: Path, environment: str, workspace_id: int | None) -> None:
        self.path = path
        self.environment = environment
        self.workspace_id = workspace_id

    def record(self, result: ChangeResult) -> None:
        """Append one result."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "environment": self.environment, "workspace_id": self.workspace_id,
            "change": result.address, "action": result.action, "result": result.status,
            "detail": result.detail or None, "request_id": result.request_id,
            "live_id": result.live_id,
        }
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, sort_keys=True) + "\n")
