"""Running plan and apply in process against a workspace's embedded environment."""

from __future__ import annotations

import os
from pathlib import Path

import anyio

from cioctl.apply.audit import AuditLog
from cioctl.engine import ApplyOutcome, execute_plan, load_valid_workspace, make_plan
from cioctl.environments import open_client
from cioctl.plan.safety import Overrides
from cioctl.plan.value import Plan


def plan(root: Path, env: str = "local", targets: tuple[str, ...] = (),
         environ: dict[str, str] | None = None) -> Plan:
    """A fresh plan of ``env``."""
    environ = {**os.environ, **(environ or {})}
    ws = load_valid_workspace(root, env, environ)

    async def run() -> Plan:
        async with open_client(root, ws.config, env, environ, throttle=False) as client:
            return await make_plan(ws, client, targets=targets)

    return anyio.run(run)


def apply(root: Path, saved: Plan | None = None, env: str = "local",
          environ: dict[str, str] | None = None, concurrency: int = 8,
          safety: Overrides = Overrides()) -> ApplyOutcome:
    """Plan (unless given) and apply ``env``."""
    environ = {**os.environ, **(environ or {})}
    ws = load_valid_workspace(root, env, environ)
    the_plan = saved or plan(root, env, environ=environ)

    async def run() -> ApplyOutcome:
        async with open_client(root, ws.config, env, environ, throttle=False) as client:
            audit = AuditLog(root / ".cioctl" / "audit.jsonl", env, 1)
            return await execute_plan(the_plan, ws, client, audit=audit,
                                      concurrency=concurrency, safety=safety)

    return anyio.run(run)


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a file, failing loudly if ``old`` is absent."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
