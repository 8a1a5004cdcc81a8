"""The apply lock. For the embedded workspace it is a row in its SQLite state; for real
workspaces cioctl relies on CI concurrency groups (one ``concurrency:`` group per environment),
as Customer.io offers nothing to lock with.

A lock left by an apply that died (killed, machine lost) can be released by its ID
(``cioctl unlock ID`` or ``apply --force-unlock ID``), the way Terraform's ``force-unlock``
works; one whose holder is a dead process on this machine can be released without the ID.
"""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cioctl.errors import CioctlError

STALE_AFTER_SECONDS = 3600
_TABLE = ("CREATE TABLE IF NOT EXISTS cioctl_apply_lock "
          "(id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT, acquired REAL)")


class ApplyLockedError(CioctlError):
    """Another apply holds the lock."""


class UnlockError(CioctlError):
    """The lock asked to be released is not the one held."""


@dataclass(frozen=True)
class HeldLock:
    """Who holds the lock, since when, and the ID that releases it."""

    holder: str
    acquired: float

    @property
    def lock_id(self) -> str:
        """Derived from the row, so locks written before IDs existed have one too."""
        return hashlib.sha256(f"{self.holder}|{self.acquired!r}".encode()).hexdigest()[:12]

    @property
    def holder_is_dead(self) -> bool:
        """The holder is a process of this machine that no longer runs."""
        host, _, pid = self.holder.rpartition(":")
        if host != socket.gethostname() or not pid.isdigit():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, another user's
            return False
        return False

    def describe(self) -> str:
        """``held by HOST:PID for 5 min (lock ID abc)``."""
        minutes = max(0, int((time.time() - self.acquired) // 60))
        dead = ", which is no longer running," if self.holder_is_dead else ""
        return f"held by {self.holder}{dead} for {minutes} min (lock ID {self.lock_id})"


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _connect(db_path: Path) -> sqlite3.Connection:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    db.execute(_TABLE)
    return db


def _held(db: sqlite3.Connection) -> HeldLock | None:
    row = db.execute("SELECT holder, acquired FROM cioctl_apply_lock").fetchone()
    return HeldLock(str(row[0]), float(row[1])) if row else None


def held_lock(db_path: Path) -> HeldLock | None:
    """The lock currently held, if any."""
    with _connect(db_path) as db:
        return _held(db)


def release(db_path: Path, lock_id: str | None) -> HeldLock | None:
    """Release the held lock: the one with ``lock_id``, or (no ID) one whose holder is a dead
    process on this machine. Returns what was released (None: no lock was held)."""
    with _connect(db_path) as db:
        db.execute("BEGIN IMMEDIATE")
        held = _held(db)
        refusal = None if held is None else _refusal(held, lock_id)
        if refusal is not None:
            db.execute("ROLLBACK")
            raise refusal
        db.execute("DELETE FROM cioctl_apply_lock")
        db.execute("COMMIT")
        return held


def _refusal(held: HeldLock, lock_id: str | None) -> UnlockError | None:
    if lock_id == held.lock_id or (lock_id is None and held.holder_is_dead):
        return None
    if lock_id is None:
        return UnlockError(
            f"the apply lock is {held.describe()}; it may still be running",
            hint=f"if that apply is no longer running, release the lock: cioctl unlock "
            f"{held.lock_id}")
    return UnlockError(f"lock ID {lock_id} is not the lock held: it is {held.describe()}",
                       hint="check that apply is no longer running, then unlock with its ID")


@contextmanager
def embedded_lock(db_path: Path, *, force_unlock: str | None = None) -> Iterator[None]:
    """Hold the embedded workspace's apply lock for the duration of the block.
    ``force_unlock`` first releases a (stale) lock with that ID."""
    with _connect(db_path) as db:
        db.execute("BEGIN IMMEDIATE")
        held = _held(db)
        if held and force_unlock is not None and force_unlock != held.lock_id:
            db.execute("ROLLBACK")
            raise UnlockError(f"--force-unlock {force_unlock} is not the lock held: it is "
                              f"{held.describe()}", hint="pass the lock ID shown here")
        if held and force_unlock is None and time.time() - held.acquired < STALE_AFTER_SECONDS:
            db.execute("ROLLBACK")
            what = ("an apply that died left its lock on this workspace" if held.holder_is_dead
                    else "another apply is running on this workspace")
            raise ApplyLockedError(
                f"{what}: the lock is {held.describe()}",
                hint="wait for it to finish; if it died, release the lock with 'cioctl unlock "
                f"{held.lock_id}' or apply with --force-unlock {held.lock_id} (it also "
                "expires after an hour)")
        db.execute("INSERT OR REPLACE INTO cioctl_apply_lock VALUES (1, ?, ?)",
                   (_holder(), time.time()))
        db.execute("COMMIT")
    try:
        yield
    finally:  # only our own row: a lock force-released meanwhile may now be another apply's
        with sqlite3.connect(db_path, timeout=30) as db:
            db.execute("DELETE FROM cioctl_apply_lock WHERE holder = ?", (_holder(),))
