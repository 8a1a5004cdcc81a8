"""Checks of a validated scenario against the workspace: every name it uses must exist.

An expectation naming an unknown flow, step, segment or attribute, a timeline event whose
payload does not match the declared event (the rules of ``cioctl events check``) and times
that cannot happen (before ``start``, an event arriving before it happened) are errors at
their line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cioctl.checks.symbols import did_you_mean
from cioctl.errors import CioctlError, DefinitionError, Location
from cioctl.events.check import Checker
from cioctl.model.base import Spec
from cioctl.model.steps import message_of, walk_steps
from cioctl.model.workspace import Workspace
from cioctl.scenarios.model import Expectation, Scenario, StepRef, resolve
from cioctl.semantics.flows import MAX_SPAN


def _at(spec: Spec, key: str, path: Path) -> Location:
    return spec.field_source(key) or spec.source or Location(path)


def message_ids(workspace: Workspace) -> dict[str, dict[str, str]]:
    """flow key → message id → message kind."""
    found: dict[str, dict[str, str]] = {}
    for flow in workspace.flows:
        ids = found.setdefault(flow.key, {})
        for step in walk_steps(flow.steps):
            message = message_of(step)
            if message is not None:
                ids[message.id] = type(message).__name__.lower()
    return found


def scenario_problems(scenario: Scenario, workspace: Workspace, path: Path) -> list[CioctlError]:
    """Every problem of one scenario, in file order."""
    problems = [*_time_problems(scenario, path), *_people_problems(scenario, workspace, path),
                *_timeline_problems(scenario, workspace, path)]
    known_people = {p.id for p in scenario.people} | {e.person for e in scenario.timeline}
    flows = message_ids(workspace)
    for expectation in scenario.expect:
        problems.extend(_expectation_problems(expectation, workspace, flows, known_people, path))
    return sorted(problems, key=lambda p: p.location.line if p.location else 0)


def _time_problems(scenario: Scenario, path: Path) -> Iterator[CioctlError]:
    start = scenario.origin
    if scenario.until is not None:
        end = resolve(scenario.until, start)
        if not start <= end <= start + MAX_SPAN:
            yield DefinitionError(f"until {scenario.until} is outside 0 to 400 days after start",
                                  location=_at(scenario, "until", path),
                                  hint="give a time such as +30d (at most +400d)")
    for entry in scenario.timeline:
        at = resolve(entry.at, start)
        if not start <= at <= start + MAX_SPAN:
            yield DefinitionError(f"at {entry.at} is outside 0 to 400 days after start",
                                  location=_at(entry, "at", path),
                                  hint="timeline times are relative to start, e.g. +2d")
        if entry.arrives is not None and resolve(entry.arrives, start) < at:
            yield DefinitionError(
                f"the event arrives ({entry.arrives}) before it happens ({entry.at})",
                location=_at(entry, "arrives", path),
                hint="'arrives' is when Customer.io receives the event: at or after 'at' "
                "(docs/semantics.md section 4)")


def _manual(workspace: Workspace) -> set[str]:
    return {s.key for s in workspace.segments if s.manual}


def _segment_problem(key: str, workspace: Workspace, where: Location,
                     manual_only: bool) -> CioctlError | None:
    keys = [s.key for s in workspace.segments]
    if key not in keys:
        return DefinitionError(f"unknown segment '{key}'", location=where,
                               hint=did_you_mean(key, keys, "segments"))
    if manual_only and key not in _manual(workspace):
        return DefinitionError(f"segment '{key}' is data-driven: people enter it by matching "
                               "its conditions", location=where,
                               hint="only manual segments (manual: true) take explicit members")
    return None


def _people_problems(scenario: Scenario, workspace: Workspace,
                     path: Path) -> Iterator[CioctlError]:
    seen: set[str] = set()
    for person in scenario.people:
        if person.id in seen:
            yield DefinitionError(f"person '{person.id}' is listed twice",
                                  location=_at(person, "id", path), hint="give each an own id")
        seen.add(person.id)
        for key in person.segments:
            problem = _segment_problem(key, workspace, _at(person, "segments", path), True)
            if problem is not None:
                yield problem


def _timeline_problems(scenario: Scenario, workspace: Workspace,
                       path: Path) -> Iterator[CioctlError]:
    checker = Checker(workspace.events)
    for entry in scenario.timeline:
        if entry.event is not None:
            _, findings = checker.check({"name": entry.event, "data": entry.data or {}})
            for finding in findings:
                if finding.error:
                    key = "event" if finding.kind == "unknown_event" else "data"
                    yield DefinitionError(f"event '{entry.event}' {finding.path}: "
                                          f"{finding.message}", location=_at(entry, key, path),
                                          hint=finding.hint or "fix the payload to match the "
                                          "declared event (as 'cioctl events check' does)")
        for field in ("add_to_segment", "remove_from_segment"):
            key = getattr(entry, field)
            if isinstance(key, str):
                problem = _segment_problem(key, workspace, _at(entry, field, path), True)
                if problem is not None:
                    yield problem


def _step_problem(ref: StepRef, flows: dict[str, dict[str, str]],
                  where: Location) -> CioctlError | None:
    if ref.flow not in flows:
        return DefinitionError(f"unknown flow '{ref.flow}'", location=where,
                               hint=did_you_mean(ref.flow, list(flows), "flows"))
    if ref.step not in flows[ref.flow]:
        return DefinitionError(f"flow '{ref.flow}' has no message step '{ref.step}'",
                               location=where,
                               hint=did_you_mean(ref.step, list(flows[ref.flow]),
                                                 f"message ids of flow '{ref.flow}'"))
    return None


def _expectation_problems(expectation: Expectation, workspace: Workspace,
                          flows: dict[str, dict[str, str]], people: set[str],
                          path: Path) -> Iterator[CioctlError]:
    subject = expectation.subject
    where = _at(expectation, subject, path)
    if expectation.person not in people:
        yield DefinitionError(f"unknown person '{expectation.person}'",
                              location=_at(expectation, "person", path),
                              hint=did_you_mean(expectation.person, sorted(people), "people"))
    value = getattr(expectation, subject)
    problem: CioctlError | None = None
    if isinstance(value, StepRef):
        problem = _step_problem(value, flows, where)
    elif subject in ("entered", "not_entered") and value not in flows:
        problem = DefinitionError(f"unknown flow '{value}'", location=where,
                                  hint=did_you_mean(str(value), list(flows), "flows"))
    elif subject in ("in_segment", "not_in_segment"):
        problem = _segment_problem(str(value), workspace, where, False)
    elif subject == "attribute" and expectation.attribute is not None:
        name = next(iter(expectation.attribute))
        declared = [a.name for a in workspace.attributes]
        if name not in declared:
            problem = DefinitionError(f"unknown attribute '{name}'", location=where,
                                      hint=did_you_mean(name, declared, "attributes"))
    if problem is not None:
        yield problem
