"""Reading scenario files: YAML with locations → validated :class:`Scenario` + problems.

Every problem is a :class:`~cioctl.errors.DefinitionError` at the file and line the user
wrote; nothing here raises on bad input except through that root.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from cioctl.definitions.discover import SCENARIO_DIR
from cioctl.definitions.located import LocatedDict
from cioctl.definitions.problems import problems_from_validation
from cioctl.definitions.yaml_loader import load_yaml, read_text
from cioctl.errors import CioctlError, ConfigError, DefinitionError, Location
from cioctl.model.workspace import Workspace
from cioctl.scenarios.checks import scenario_problems
from cioctl.scenarios.model import Scenario

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ScenarioFile:
    """One scenario file that parsed and validated."""

    path: Path
    scenario: Scenario


@dataclass(frozen=True)
class LoadedScenarios:
    """The scenarios that can run, and every problem found in the others."""

    files: tuple[ScenarioFile, ...]
    problems: tuple[CioctlError, ...]


def scenario_paths(root: Path, chosen: list[Path]) -> list[Path]:
    """The files to run: the ones named, or every ``scenarios/*.yaml`` of the workspace."""
    if chosen:
        missing = [str(p) for p in chosen if not p.is_file()]
        if missing:
            raise ConfigError("scenario file not found: " + ", ".join(missing),
                              hint=f"name files such as {root / SCENARIO_DIR / 'signup.yaml'}")
        return chosen
    folder = root / SCENARIO_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file()
                  and not p.name.startswith("."))


def load_scenario(path: Path, workspace: Workspace) -> tuple[Scenario | None, list[CioctlError]]:
    """Parse, validate and check one file against the workspace."""
    try:
        data = load_yaml(path, read_text(path))
    except DefinitionError as error:
        return None, [error]
    if not isinstance(data, LocatedDict):
        return None, [DefinitionError(
            "a scenario file is a mapping with 'scenario:', 'start:', 'people:', 'timeline:' "
            "and 'expect:'", location=Location(path),
            hint="see schemas/scenario.schema.json, or workspaces/example/scenarios")]
    try:
        scenario = Scenario.model_validate(data, context={"base_dir": str(path.parent)})
    except ValidationError as exc:
        return None, list(problems_from_validation(exc, data, path))
    problems = scenario_problems(scenario, workspace, path)
    return (None if problems else scenario), problems


def load_scenarios(workspace: Workspace, chosen: list[Path]) -> LoadedScenarios:
    """Every scenario file, loaded; a broken file does not stop the others from loading."""
    files: list[ScenarioFile] = []
    problems: list[CioctlError] = []
    for path in scenario_paths(workspace.root, chosen):
        scenario, found = load_scenario(path, workspace)
        problems.extend(found)
        if scenario is not None:
            files.append(ScenarioFile(path, scenario))
    return LoadedScenarios(tuple(files), tuple(problems))
