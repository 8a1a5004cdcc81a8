"""Finding a workspace's files."""

from __future__ import annotations

from pathlib import Path

from cioctl.errors import ConfigError

WORKSPACE_FILE = "workspace.yaml"


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


def definition_files(root: Path) -> list[Path]:
    """Every ``*.yaml`` / ``*.yml`` under ``root`` except ``workspace.yaml``, sorted.

    Hidden folders (``.cioctl``, ``.git``) are skipped.
    """
    found: list[Path] = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix in (".yaml", ".yml") and path.is_file() and relative != Path(
            WORKSPACE_FILE
        ):
            found.append(path)
    return found
