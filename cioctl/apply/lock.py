"""The apply lock. For the embedded workspace it is a row in its SQLite state; for real
workspaces cioctl relies on CI concurrency groups (one ``concurrency:`` group per environment),
as Customer.io offers nothing to lock with."""

from __future__ import annotations

import os
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cioctl.errors import CioctlError

STALE_AFTER_SECONDS = 3600


class ApplyLockedError(CioctlError):
    """Another apply holds the lock."""


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def embedded_lock(db_path: Path) -> Iterator[None]:
    """Hold the embedded workspace's apply lock for the duration of the block."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db_path, timeout=30, isolation_level=None) as db:
        db.execute("CREATE TABLE IF NOT EXISTS cioctl_apply_lock "
                   "(id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT, acquired REAL)")
        db.execute("BEGIN IMMEDIATE")
        row = db.execute("SELECT holder, acquired FROM cioctl_apply_lock").fetchone()
        if row and time.time() - row[1] < STALE_AFTER_SECONDS:
            db.execute("ROLLBACK")
            raise ApplyLockedError(
                f"another apply is running on this workspace (held by {row[0]})",
                hint="wait for it to finish; if it died, the lock expires after an hour or "
                "'cioctl emulator reset' clears the embedded workspace")
        db.execute("INSERT OR REPLACE INTO cioctl_apply_lock VALUES (1, ?, ?)",
                   (_holder(), time.time()))
        db.execute("COMMIT")
    try:
        yield
    finally:
        with sqlite3.connect(db_path, timeout=30) as db:
            db.execute("DELETE FROM cioctl_apply_lock")
