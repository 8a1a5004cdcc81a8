"""The model stage: located source documents → a :class:`Workspace` plus every problem found."""

from __future__ import annotations

from collections import defaultdict
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cioctl.definitions.load import LoadedSources, SourceDocument
from cioctl.definitions.located import EnvStr, LocatedList, location_of
from cioctl.definitions.problems import problems_from_validation
from cioctl.errors import CioctlError, DefinitionError, Location
from cioctl.model.base import Spec, slugify
from cioctl.model.workspace import KIND_MODELS, Workspace

_SINGULAR = {
    "events": "event", "attributes": "attribute", "segments": "segment", "flows": "flow",
    "snippets": "snippet", "reporting_webhooks": "reporting webhook", "collections": "collection",
}


def build_workspace(sources: LoadedSources) -> tuple[Workspace, list[CioctlError]]:
    """Validate every definition on its own so one mistake never hides another."""
    problems: list[CioctlError] = list(sources.problems)
    by_kind: dict[str, list[Spec]] = defaultdict(list)
    invalid: dict[str, set[str]] = defaultdict(set)
    for document in sources.documents:
        for kind, items in _kind_lists(document, problems):
            by_kind[kind].extend(_validate_items(kind, items, document, problems,
                                                 invalid[kind], sources.root))
    for kind, models in by_kind.items():
        problems.extend(_duplicate_keys(kind, models))
    workspace = Workspace(
        root=sources.root,
        config=sources.config,
        environment_name=sources.environment_name,
        environment=sources.environment,
        files=tuple(d.path for d in sources.documents),
        env_values=sources.env_values,
        invalid_keys={kind: frozenset(keys) for kind, keys in invalid.items() if keys},
        **{kind: tuple(models) for kind, models in by_kind.items()},  # type: ignore[arg-type]
    )
    return workspace, problems


def _kind_lists(
    document: SourceDocument, problems: list[CioctlError]
) -> list[tuple[str, LocatedList]]:
    found: list[tuple[str, LocatedList]] = []
    for key, value in document.data.items():
        where = document.data.key_locs[key]
        if key not in KIND_MODELS:
            close = get_close_matches(key, list(KIND_MODELS), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "valid keys: " + ", ".join(
                KIND_MODELS
            )
            problems.append(DefinitionError(f"unknown key '{key}'", location=where, hint=hint))
        elif value is None:
            continue
        elif not isinstance(value, LocatedList):
            problems.append(DefinitionError(
                f"'{key}' must be a list", location=location_of(value) or where,
                hint=f"write each {_SINGULAR[key]} as a list item starting with '- '",
            ))
        else:
            found.append((key, value))
    return found


def _validate_items(
    kind: str, items: LocatedList, document: SourceDocument, problems: list[CioctlError],
    invalid: set[str],
    root: Path,
) -> list[Spec]:
    model = KIND_MODELS[kind]
    context = {"base_dir": document.path.parent, "root": root}
    valid: list[Spec] = []
    for index, item in enumerate(items):
        try:
            valid.append(model.model_validate(item, context=context))
        except ValidationError as exc:
            prefix = f"{_SINGULAR[kind]} {_label(item, index)}: "
            problems.extend(problems_from_validation(exc, item, document.path, prefix))
            invalid.update(_intended_keys(item))
    return valid


def _intended_keys(item: Any) -> set[str]:
    """The key(s) an invalid definition was meant to have, so that references to it are not
    reported again as unknown: its error is the root cause, reported once at its line."""
    if not isinstance(item, dict):
        return set()
    found = {v for v in (item.get("key"), item.get("name")) if isinstance(v, str)}
    return found | {slugify(v) for v in found}


def _label(item: Any, index: int) -> str:
    name = item.get("name") if isinstance(item, dict) else None
    if isinstance(name, str) and not isinstance(name, EnvStr):
        return f"'{name}'"
    return f"#{index + 1}"


def _duplicate_keys(kind: str, models: list[Spec]) -> list[CioctlError]:
    seen: dict[str, Location | None] = {}
    problems: list[CioctlError] = []
    for model in models:
        key: str = getattr(model, "key", "")
        if key in seen:
            first = seen[key]
            problems.append(DefinitionError(
                f"{_SINGULAR[kind]} key '{key}' is defined twice"
                + (f" (first at {first})" if first else ""),
                location=model.source,
                hint="give one of them a different name or an explicit 'key:'",
            ))
        else:
            seen[key] = model.source
    return problems
