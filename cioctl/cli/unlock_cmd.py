"""``cioctl unlock``: release the embedded workspace's apply lock left by an apply that died."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cioctl.cli.options import WorkspaceOption


def unlock(
    lock_id: Annotated[str | None, typer.Argument(
        metavar="ID", help="The lock ID that apply's 'another apply is running' error "
        "shows.")] = None,
    workspace: WorkspaceOption = Path(),
) -> None:
    """Release the apply lock of the embedded workspace (environment 'local').

    Only for an apply that no longer runs (killed, its machine lost): pass the lock ID from
    the error. Without an ID the lock is released only when its holder is a process of this
    machine that has died. Real Customer.io workspaces have no lock: CI concurrency groups
    serialise their applies. Apply can also take over a stale lock: --force-unlock ID.
    """
    from cioctl.apply.lock import release
    from cioctl.definitions.discover import find_root
    from cioctl.environments import EMBEDDED_DB, STATE_DIR

    db = find_root(workspace) / STATE_DIR / EMBEDDED_DB
    released = release(db, lock_id) if db.exists() else None
    if released is None:
        typer.echo("no apply lock is held on this workspace; nothing to release")
        return
    typer.echo(f"released the apply lock {released.lock_id} (held by {released.holder})")
