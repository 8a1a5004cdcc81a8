"""SQLite state of the embedded workspace.

Every resource is one JSON document in ``docs`` keyed by ``(kind, id)``; ids come from per-kind
sequences. Each write runs in one ``BEGIN IMMEDIATE`` transaction, so a crash never leaves half a
resource, and the database uses WAL with a busy timeout so several processes can share it.
Transactions never span an ``await``: the app runs them synchronously inside a request.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Doc = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
  kind TEXT NOT NULL, id INTEGER NOT NULL, name TEXT, parent INTEGER,
  pos INTEGER NOT NULL DEFAULT 0, body TEXT NOT NULL, PRIMARY KEY (kind, id));
CREATE INDEX IF NOT EXISTS docs_name ON docs (kind, name);
CREATE INDEX IF NOT EXISTS docs_parent ON docs (kind, parent, pos);
CREATE TABLE IF NOT EXISTS seq (kind TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
  token TEXT PRIMARY KEY, scope TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Tx:
    """One open transaction; all reads and writes of a request go through it."""

    def __init__(self, conn: sqlite3.Connection, now: int) -> None:
        self._conn = conn
        self.now = now

    def next_id(self, kind: str) -> int:
        row = self._conn.execute(
            "INSERT INTO seq (kind, value) VALUES (?, 1) "
            "ON CONFLICT(kind) DO UPDATE SET value = value + 1 RETURNING value",
            (kind,),
        ).fetchone()
        return int(row[0])

    def get(self, kind: str, id_: int) -> Doc | None:
        row = self._conn.execute(
            "SELECT body FROM docs WHERE kind = ? AND id = ?", (kind, id_)
        ).fetchone()
        return _load(row[0]) if row else None

    def get_by_name(self, kind: str, name: str) -> Doc | None:
        row = self._conn.execute(
            "SELECT body FROM docs WHERE kind = ? AND name = ? ORDER BY id LIMIT 1", (kind, name)
        ).fetchone()
        return _load(row[0]) if row else None

    def docs(self, kind: str, parent: int | None = None) -> list[Doc]:
        if parent is None:
            rows = self._conn.execute("SELECT body FROM docs WHERE kind = ? ORDER BY id", (kind,))
        else:
            rows = self._conn.execute(
                "SELECT body FROM docs WHERE kind = ? AND parent = ? ORDER BY pos, id",
                (kind, parent),
            )
        return [_load(r[0]) for r in rows]

    def count(self, kind: str) -> int:
        row = self._conn.execute("SELECT count(*) FROM docs WHERE kind = ?", (kind,)).fetchone()
        return int(row[0])

    def page(self, kind: str, offset: int, limit: int) -> list[Doc]:
        rows = self._conn.execute(
            "SELECT body FROM docs WHERE kind = ? ORDER BY id LIMIT ? OFFSET ?",
            (kind, limit, offset),
        )
        return [_load(r[0]) for r in rows]

    def put(
        self, kind: str, doc: Doc, *, name: str | None = None,
        parent: int | None = None, pos: int = 0,
    ) -> Doc:
        """Insert or replace ``doc`` (which carries its ``id``)."""
        self._conn.execute(
            "INSERT OR REPLACE INTO docs (kind, id, name, parent, pos, body) VALUES (?,?,?,?,?,?)",
            (kind, doc["id"], name, parent, pos, json.dumps(doc)),
        )
        return doc

    def delete(self, kind: str, id_: int) -> bool:
        cur = self._conn.execute("DELETE FROM docs WHERE kind = ? AND id = ?", (kind, id_))
        return cur.rowcount > 0

    def add_token(self, token: str, scope: str, expires_at: float) -> None:
        self._conn.execute("INSERT INTO tokens VALUES (?, ?, ?)", (token, scope, expires_at))

    def token(self, token: str) -> tuple[str, float] | None:
        row = self._conn.execute(
            "SELECT scope, expires_at FROM tokens WHERE token = ?", (token,)
        ).fetchone()
        return (str(row[0]), float(row[1])) if row else None

    def meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def _load(text: str) -> Doc:
    doc: Doc = json.loads(text)
    return doc


class Store:
    """The database of one embedded workspace, shared by every request of an app."""

    def __init__(self, db_path: Path, clock: Callable[[], float]) -> None:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self.path = db_path
        self._conn = sqlite3.connect(
            db_path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self.clock = clock

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """One write transaction (``BEGIN IMMEDIATE``): all or nothing."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._conn, int(self.clock()))
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read transaction: one consistent snapshot."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield Tx(self._conn, int(self.clock()))
            finally:
                self._conn.execute("ROLLBACK")

    def close(self) -> None:
        self._conn.close()


def reset(db_path: Path) -> None:
    """Delete the embedded workspace's database (and its WAL files); the next open re-seeds."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
