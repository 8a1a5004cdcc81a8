"""Which files ``cioctl codegen`` writes, and whether those on disk are current.

Targets come from ``--lang``/``--out`` or from ``codegen:`` in workspace.yaml (paths there are
relative to the workspace folder). A file is only written when its bytes would change, so an
up-to-date tree is left untouched (mtimes included) and ``--check`` reads without writing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cioctl.codegen.model import CodegenModel
from cioctl.codegen.python import render_python
from cioctl.codegen.typescript import render_typescript
from cioctl.errors import ConfigError
from cioctl.model.config import WorkspaceConfig

RENDERERS: dict[str, Callable[[CodegenModel], str]] = {
    "python": render_python,
    "typescript": render_typescript,
}
SUFFIXES = {".py": "python", ".ts": "typescript", ".mts": "typescript", ".cts": "typescript"}


@dataclass(frozen=True)
class Target:
    """One file to generate."""

    lang: str
    path: Path


@dataclass(frozen=True)
class Outcome:
    """What happened to one target: ``written``, ``unchanged`` or ``stale`` (with --check)."""

    target: Target
    state: str


def resolve_targets(root: Path, config: WorkspaceConfig, lang: str | None,
                    out: Path | None) -> list[Target]:
    """The targets of this run: the command line's, else workspace.yaml's."""
    if out is not None:
        chosen = lang or SUFFIXES.get(out.suffix)
        if chosen is None:
            raise ConfigError(f"cannot tell the language of '{out}' from its suffix",
                              hint="add --lang python or --lang typescript")
        return [Target(chosen, out)]
    declared = [Target(t.lang, root / t.out) for t in config.codegen
                if lang is None or t.lang == lang]
    if not declared:
        which = f" for {lang}" if lang else ""
        raise ConfigError(
            f"no codegen target{which}: give --out PATH or declare one in workspace.yaml",
            hint="e.g. in workspace.yaml: codegen: [{lang: python, out: app/tracking.py}]")
    return declared


def generate(model: CodegenModel, targets: Sequence[Target], *, check: bool) -> list[Outcome]:
    """Render every target; write those that changed unless ``check``."""
    outcomes = []
    for target in targets:
        text = RENDERERS[target.lang](model).encode("utf-8")
        try:
            current = target.path.read_bytes()
        except OSError:
            current = None
        if current == text:
            outcomes.append(Outcome(target, "unchanged"))
        elif check:
            outcomes.append(Outcome(target, "stale"))
        else:
            try:
                target.path.parent.mkdir(parents=True, exist_ok=True)
                target.path.write_bytes(text)
            except OSError as error:
                raise ConfigError(f"cannot write {target.path}: {error.strerror}",
                                  hint="check the path and its permissions") from None
            outcomes.append(Outcome(target, "written"))
    return outcomes
