"""Judging a scenario's expectations against a run's trace and final people."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cioctl.errors import Location
from cioctl.scenarios.model import Expectation, Scenario, StepRef, resolve
from cioctl.semantics.flows import Outcome
from cioctl.semantics.flows_trace import TraceEntry, iso
from cioctl.semantics.segments import SegmentWorld, is_member


@dataclass(frozen=True)
class ExpectationResult:
    """One expectation's verdict, where it is written and the instant it is about."""

    expectation: Expectation
    passed: bool
    message: str
    where: Location
    focus: datetime | None


@dataclass(frozen=True)
class _Window:
    start: datetime | None
    end: datetime | None

    def holds(self, at: datetime) -> bool:
        return (self.start is None or at >= self.start) and (self.end is None or at <= self.end)

    def text(self) -> str:
        if self.start is None:
            return "at any time"
        if self.start == self.end:
            return f"at {iso(self.start)}"
        return f"between {iso(self.start)} and {iso(self.end or self.start)}"


def _window(expectation: Expectation, origin: datetime) -> _Window:
    if expectation.at is not None:
        at = resolve(expectation.at, origin)
        return _Window(at, at)
    if expectation.between is not None:
        return _Window(resolve(expectation.between[0], origin),
                       resolve(expectation.between[1], origin))
    return _Window(None, None)


def _entries(outcome: Outcome, person: str, kind: str, flow: str,
             step: str | None = None) -> list[TraceEntry]:
    return [e for e in outcome.trace if e.person == person and e.kind == kind
            and e.flow == flow and (step is None or e.step == step)]


def _times(entries: list[TraceEntry]) -> str:
    return ", ".join(iso(e.at) for e in entries[:5]) or "never"


def check_expectations(scenario: Scenario, outcome: Outcome, world: SegmentWorld,
                       path: Path) -> Iterator[ExpectationResult]:
    """One result per expectation, in file order."""
    origin = scenario.origin
    for expectation in scenario.expect:
        where = expectation.source or Location(path)
        window = _window(expectation, origin)
        passed, message, focus = _judge(expectation, outcome, world, window)
        yield ExpectationResult(expectation, passed, message, where, focus)


def _judge(expectation: Expectation, outcome: Outcome, world: SegmentWorld,
           window: _Window) -> tuple[bool, str, datetime | None]:
    person = expectation.person
    subject = expectation.subject
    focus = window.start
    if isinstance(value := getattr(expectation, subject), StepRef) and subject != "rendered":
        kind = "failed" if subject == "failed" else "sent"
        found = _entries(outcome, person, kind, value.flow, value.step)
        hits = [e for e in found if window.holds(e.at)]
        name = f"{value.flow}/{value.step}"
        if subject == "not_sent":
            return (not hits, f"{person} must not be sent {name} {window.text()}; sent at "
                    f"{_times(hits)}", hits[0].at if hits else focus)
        verb = "fail" if subject == "failed" else "be sent"
        return (bool(hits), f"{person} should {verb} {name} {window.text()}; {kind} at "
                f"{_times(found)}", focus or (found[0].at if found else None))
    if subject in ("entered", "not_entered"):
        flow = str(value)
        hits = [e for e in _entries(outcome, person, "entered", flow) if window.holds(e.at)]
        if subject == "not_entered":
            return not hits, f"{person} must not enter {flow} {window.text()}; entered at " \
                f"{_times(hits)}", hits[0].at if hits else focus
        return bool(hits), f"{person} should enter {flow} {window.text()}; entered at " \
            f"{_times(_entries(outcome, person, 'entered', flow))}", focus
    at = window.start or outcome.end
    history = outcome.people.get(person)
    if subject in ("in_segment", "not_in_segment"):
        member = history is not None and is_member(str(value), history, at, world)
        want = subject == "in_segment"
        state = "a member" if member else "not a member"
        return member == want, f"{person} should {'' if want else 'not '}be in segment " \
            f"{value} at {iso(at)}; {state}", at
    if subject == "attribute" and expectation.attribute is not None:
        name, expected = next(iter(expectation.attribute.items()))
        actual = history.attributes_at(at).get(name) if history is not None else None
        return _same(actual, expected), f"{person}'s {name} should be {expected!r} at " \
            f"{iso(at)}; it is {actual!r}", at
    return _rendered(expectation, outcome, window)


def _same(actual: object, expected: object) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    return actual == expected


def _rendered(expectation: Expectation, outcome: Outcome,
              window: _Window) -> tuple[bool, str, datetime | None]:
    check = expectation.rendered
    assert check is not None
    name = f"{check.flow}/{check.step}"
    sent = [e for e in _entries(outcome, expectation.person, "sent", check.flow, check.step)
            if window.holds(e.at)]
    if not sent:
        failed = _entries(outcome, expectation.person, "failed", check.flow, check.step)
        why = f"it failed: {failed[0].get('reason')}" if failed else "it was never sent"
        return False, f"{expectation.person}'s {name} {check.field} cannot be checked: {why}", \
            failed[0].at if failed else window.start
    text = dict(sent[0].rendered).get(check.field)
    if text is None:
        return False, f"{name} has no field '{check.field}' (it has " + \
            ", ".join(k for k, _ in sent[0].rendered) + ")", sent[0].at
    if check.contains is not None and check.contains not in text:
        return False, f"{name} {check.field} should contain {check.contains!r}: {text!r}", \
            sent[0].at
    if check.not_contains is not None and check.not_contains in text:
        return False, f"{name} {check.field} should not contain {check.not_contains!r}: " \
            f"{text!r}", sent[0].at
    if check.equals is not None and text != check.equals:
        return False, f"{name} {check.field} should be {check.equals!r}: {text!r}", sent[0].at
    return True, f"{name} {check.field} rendered as expected", sent[0].at
