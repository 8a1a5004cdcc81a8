"""Finding a workspace's files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cioctl.errors import ConfigError, DefinitionError, Location

WORKSPACE_FILE = "workspace.yaml"
SUFFIXES = (".yaml", ".yml")
SCENARIO_DIR = "scenarios"
"""``DIR/scenarios/*.yaml`` are scenario files for ``cioctl test``, not definitions."""


def find_root(start: Path) -> Path:
    """The workspace folder: ``start`` itself, which must hold ``workspace.yaml``."""
    if not start.exists():
        raise ConfigError(
            f"workspace folder {start} does not exist",
            hint="pass the folder that holds workspace.yaml with -w DIR, or run 'cioctl init DIR'",
        )
    if not start.is_dir():
        raise ConfigError(f"{start} is not a folder", hint="pass a folder with -w DIR")
    if not (start / WORKSPACE_FILE).is_file():
        raise ConfigError(
            f"{start} has no {WORKSPACE_FILE}",
            hint="pass the folder that holds workspace.yaml with -w DIR, or create one with "
            "'cioctl init DIR'",
        )
    return start


@dataclass(frozen=True)
class Discovery:
    """The definitions files of a workspace, and every ``*.yaml`` path that cannot be read.

    An unreadable path is an error, never skipped: a file that silently drops out of the
    definitions would make apply delete everything it defined.
    """

    files: tuple[Path, ...]
    problems: tuple[DefinitionError, ...]


def definition_files(root: Path) -> list[Path]:
    """Every readable ``*.yaml`` / ``*.yml`` under ``root`` except ``workspace.yaml``, sorted."""
    return list(scan_definitions(root).files)


NOT_DEFINITIONS = frozenset({"node_modules"})
"""Folders never read: an app kept beside the definitions (``codegen`` targets, e.g. the
example's ``apps/web``) installs packages whose own YAML files are not definitions."""


def scan_definitions(root: Path) -> Discovery:
    """Walk ``root`` (hidden folders such as ``.cioctl`` and ``.git``, ``node_modules``, and the
    top-level ``scenarios`` folder, are skipped; linked folders are followed once) and sort what
    is found into files and problems."""
    files: list[Path] = []
    problems: list[DefinitionError] = []
    seen_dirs: set[tuple[int, int]] = set()

    def unreadable_dir(error: OSError) -> None:
        where = Path(error.filename) if error.filename else root
        problems.append(_problem(where, f"cannot read folder: {error.strerror}"))

    for folder, dirs, names in os.walk(root, onerror=unreadable_dir, followlinks=True):
        here = Path(folder)
        stat = here.stat()
        if (stat.st_dev, stat.st_ino) in seen_dirs:  # a linked folder seen before: a loop
            dirs[:] = []
            continue
        seen_dirs.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in NOT_DEFINITIONS
                         and not (here == root and d == SCENARIO_DIR))
        for name in dirs:
            if name.endswith(SUFFIXES):
                problems.append(_problem(here / name, "is a folder, not a definitions file",
                                         "rename the folder: names ending in .yaml or .yml are "
                                         "read as definitions files"))
        for name in sorted(names):
            path = here / name
            if name.startswith("."):
                continue
            if not name.endswith(SUFFIXES):
                # A link without a suffix may have been a linked folder of definitions: if it
                # no longer resolves, what it held would drop out silently (and be deleted).
                dangling = not path.suffix and path.is_symlink() and not path.exists()
                problem = _unreadable(path) if dangling else None
                if problem is not None:
                    problems.append(problem)
                continue
            if path.relative_to(root) == Path(WORKSPACE_FILE):
                continue
            problem = _unreadable(path)
            if problem is None:
                files.append(path)
            else:
                problems.append(problem)
    return Discovery(tuple(sorted(files)), tuple(problems))


def _unreadable(path: Path) -> DefinitionError | None:
    """Why ``path`` cannot be read as a file (a dangling or looping link, not a regular file,
    no permission), or None."""
    try:
        if path.is_file():
            with path.open("rb"):
                return None
        if not path.is_symlink():
            return _problem(path, "is not a regular file")
        target = path.readlink()
        path.stat()  # raises for a dangling link or a loop
    except OSError as exc:
        if path.is_symlink() and exc.strerror and "many levels" in exc.strerror.lower():
            return _problem(path, "is a symbolic link in a loop (it never reaches a file)",
                            "point the link at a real file, or delete it")
        if path.is_symlink() and isinstance(exc, FileNotFoundError):
            return _problem(path, f"is a symbolic link to '{path.readlink()}', which does "
                            "not exist", "restore the file it points to, or delete the link")
        return _problem(path, f"cannot be read: {exc.strerror or exc}")
    return _problem(path, f"is a symbolic link to '{target}', which is not a regular file")


def _problem(path: Path, message: str,
             hint: str = "fix the path, or move it out of the workspace folder") -> DefinitionError:
    return DefinitionError(f"{path.name} {message}", location=Location(path), hint=hint)
