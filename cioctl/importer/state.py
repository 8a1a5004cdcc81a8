"""Carrying the embedded workspace's state along with an import of ``-e local``.

The embedded workspace lives in ``DIR/.cioctl/embedded.sqlite3``; definitions imported from it
into a new folder are only "the same workspace" if that folder has the same state, so that
``plan -e local`` there shows no changes.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from cioctl.environments import EMBEDDED_DB, embedded_db
from cioctl.errors import ConfigError


def _state_file(folder: Path) -> Path:
    return folder / ".cioctl" / EMBEDDED_DB


def check_state_overwrite(target: Path, force: bool) -> None:
    """Refuse to replace the target's own embedded state unless ``force``."""
    if _state_file(target).exists() and not force:
        raise ConfigError(
            f"{target} already has an embedded workspace state ({_state_file(target)})",
            hint="pass --force to replace it with the imported workspace's state, or import "
            "into a new folder with -o DIR")


def copy_embedded_state(root: Path, target: Path) -> bool:
    """Copy the state with SQLite's backup API (a consistent snapshot, journal included);
    False when the source has none."""
    source = _state_file(root)
    if not source.exists():
        return False
    destination = embedded_db(target)
    for stale in destination.parent.glob(f"{EMBEDDED_DB}*"):
        stale.unlink()
    with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as read, \
            closing(sqlite3.connect(destination)) as write:
        read.backup(write)
    return True
