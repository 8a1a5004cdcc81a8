"""Where people and events come from: Parquet, CSV or JSON Lines; a file, a glob or a folder.

This module only *finds* the files and describes them; the engines (``cioctl.sql.engines``)
read them and ``cioctl.sql.canonical`` turns their columns into the one typed shape every
query is compiled against. JSON Lines are converted once to a Parquet file cached under the
workspace's ``.cioctl/cache`` and keyed by the input's content hash, so a second run (and the
Spark engine, which then reads Parquet) never re-parses the text.
"""

from __future__ import annotations

import enum
import glob
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cioctl.errors import ConfigError

SUFFIXES: Mapping[str, str] = {
    ".parquet": "parquet", ".pq": "parquet",
    ".csv": "csv",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
}
CACHE_FOLDER = Path(".cioctl") / "cache" / "estimate"


class FileFormat(enum.Enum):
    """A table's file format."""

    PARQUET = "parquet"
    CSV = "csv"
    JSONL = "jsonl"


class ColumnKind(enum.Enum):
    """What a column holds, as far as the canonical views care (engine types mapped onto it)."""

    TEXT = "text"
    JSON = "json"  # DuckDB's JSON type: a value still in JSON text (read from JSON Lines)
    NUMBER = "number"
    BOOLEAN = "boolean"
    TIMESTAMP = "timestamp"
    LIST = "list"
    STRUCT = "struct"
    OTHER = "other"


@dataclass(frozen=True)
class SourceFiles:
    """One table's files, all of one format, as the user named them (``label``)."""

    role: str
    label: str
    format: FileFormat
    files: tuple[Path, ...]

    def describe(self) -> str:
        """The user's words for errors: ``people (data/people.parquet)``."""
        return f"{self.role} ({self.label})"


def _expand(spec: str, root: Path) -> list[Path]:
    path = Path(spec).expanduser()
    if not path.is_absolute():
        path = root / path
    if glob.has_magic(str(path)):
        matches = glob.glob(str(path), recursive=True)  # noqa: PTH207 - absolute patterns
        return sorted(Path(p) for p in matches if Path(p).is_file())
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    return [path] if path.is_file() else []


def from_command_line(spec: str) -> str:
    """A path typed on the command line, made absolute against the current directory (as every
    command-line tool reads its arguments); paths under ``data:`` in workspace.yaml stay
    relative to the workspace, like every other path in that file."""
    return str(Path.cwd() / Path(spec).expanduser())


def resolve(spec: str, root: Path, role: str) -> SourceFiles:
    """The files ``spec`` names (a file, a glob or a folder, relative to ``root``), of one
    format; an empty match or mixed formats is a :class:`ConfigError` naming ``spec``."""
    files = _expand(spec, root)
    if not files:
        raise ConfigError(f"{role}: no Parquet, CSV or JSON Lines file at {spec}",
                          hint="name a file, a glob such as 'exports/*.parquet' or a folder "
                          "holding .parquet/.csv/.jsonl files (a path on the command line is "
                          "relative to the current directory, one in workspace.yaml to the "
                          "workspace)")
    formats = {SUFFIXES.get(f.suffix.lower()) for f in files}
    if None in formats:
        odd = next(f for f in files if f.suffix.lower() not in SUFFIXES)
        raise ConfigError(f"{role}: {odd} is not Parquet, CSV or JSON Lines",
                          hint="name files .parquet, .csv or .jsonl (.ndjson)")
    if len(formats) > 1:
        raise ConfigError(f"{role}: {spec} mixes formats ({', '.join(sorted(map(str, formats)))})",
                          hint="point at files of one format")
    return SourceFiles(role, spec, FileFormat(formats.pop()), tuple(files))


def content_hash(files: tuple[Path, ...]) -> str:
    """A SHA-256 over every file's name and bytes (streamed: exports can be large)."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode() + b"\0")
        with file.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def cached_parquet(source: SourceFiles, cache_root: Path) -> SourceFiles:
    """``source`` itself unless it is JSON Lines; then a Parquet copy made once per content
    hash (DuckDB converts it; the rename makes a half-written cache file impossible)."""
    if source.format is not FileFormat.JSONL:
        return source
    target = cache_root / CACHE_FOLDER / f"{content_hash(source.files)}.parquet"
    if not target.exists():
        _convert_jsonl(source, target)
    return SourceFiles(source.role, source.label, FileFormat.PARQUET, (target,))


def _convert_jsonl(source: SourceFiles, target: Path) -> None:
    import duckdb

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.partial")
    files = [str(f) for f in source.files]
    try:
        with duckdb.connect() as opened:
            connection: Any = opened  # the stubs omit the list-of-files form of read_json
            relation = connection.read_json(files, format="newline_delimited")
            relation.write_parquet(str(partial))
    except duckdb.Error as error:
        partial.unlink(missing_ok=True)
        raise ConfigError(f"{source.describe()}: cannot read JSON Lines: {error}",
                          hint="each line must be one JSON object") from None
    partial.replace(target)
