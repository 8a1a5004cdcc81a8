"""Running one scenario: its people and timeline through the engine, then its expectations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cioctl.errors import CioctlError, Location
from cioctl.model.workspace import Workspace
from cioctl.scenarios.expectations import ExpectationResult, check_expectations
from cioctl.scenarios.load import ScenarioFile
from cioctl.scenarios.model import Scenario, resolve
from cioctl.semantics.flows import Input, Outcome, simulate
from cioctl.semantics.people import (
    AttributeChange,
    ManualMembership,
    PersonHistory,
    TimedEvent,
)
from cioctl.semantics.segments import SegmentWorld


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario's run and the verdict of each expectation."""

    path: Path
    scenario: Scenario
    outcome: Outcome
    results: tuple[ExpectationResult, ...]

    @property
    def passed(self) -> bool:
        """Every expectation held."""
        return all(r.passed for r in self.results)


def starting_people(scenario: Scenario) -> list[PersonHistory]:
    """The people listed under ``people``, as they are at ``start``."""
    start = scenario.origin
    return [PersonHistory(
        id=p.id, added_at=start,
        changes=tuple(AttributeChange(at=start, name=k, value=v)
                      for k, v in p.attributes.items()),
        manual=tuple(ManualMembership(at=start, segment=s, member=True) for s in p.segments),
    ) for p in scenario.people]


def timeline_inputs(scenario: Scenario) -> list[Input]:
    """The timeline as engine inputs, each at the instant it is applied (an event's arrival)."""
    start = scenario.origin
    inputs: list[Input] = []
    for entry in scenario.timeline:
        at = resolve(entry.at, start)
        if entry.event is not None:
            arrives = resolve(entry.arrives, start) if entry.arrives is not None else at
            event = TimedEvent(name=entry.event, data=dict(entry.data or {}), timestamp=at,
                               arrived=arrives)
            inputs.append(Input(at=arrives, person=entry.person, event=event))
        elif entry.identify is not None:
            inputs.append(Input(at=at, person=entry.person, attributes=dict(entry.identify)))
        else:
            segment = entry.add_to_segment or entry.remove_from_segment or ""
            member = entry.add_to_segment is not None
            inputs.append(Input(at=at, person=entry.person,
                                manual=ManualMembership(at=at, segment=segment, member=member)))
    return inputs


def run_scenario(file: ScenarioFile, workspace: Workspace, world: SegmentWorld, *,
                 explain: bool = False) -> ScenarioResult:
    """Simulate and judge one scenario."""
    scenario = file.scenario
    start = scenario.origin
    until = resolve(scenario.until, start) if scenario.until is not None else None
    try:
        outcome = simulate(workspace, start, until, starting_people(scenario),
                           timeline_inputs(scenario), world=world, explain=explain)
    except CioctlError as error:
        error.location = error.location or Location(file.path)
        raise
    results = check_expectations(scenario, outcome, world, file.path)
    return ScenarioResult(file.path, scenario, outcome, tuple(results))
