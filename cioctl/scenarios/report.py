"""``cioctl test`` output: text for people, JSON for tools, JUnit XML for CI, trace files.

Trace files (``*.trace.json`` beside each scenario) are byte-stable: sorted keys, two-space
indent, UTF-8, one trailing newline, instants as ``...Z`` — so a behaviour change shows up as a
reviewable diff.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import quoteattr

from cioctl.scenarios.coverage import Coverage
from cioctl.scenarios.expectations import ExpectationResult
from cioctl.scenarios.run import ScenarioResult
from cioctl.semantics.flows_trace import TraceEntry

CONTEXT_LINES = 4


def trace_path(scenario: Path) -> Path:
    """``signup.yaml`` → ``signup.trace.json``."""
    return scenario.with_name(scenario.stem + ".trace.json")


def trace_document(result: ScenarioResult) -> str:
    """The full trace of one run as stable JSON text."""
    data = {
        "scenario": result.scenario.scenario,
        "file": result.path.name,
        "trace": [entry.to_json() for entry in result.outcome.trace],
        "expectations": [{"line": r.where.line, "passed": r.passed, "message": r.message}
                         for r in result.results],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _around(trace: Sequence[TraceEntry], person: str, focus: datetime | None) -> list[TraceEntry]:
    mine = [e for e in trace if e.person == person]
    if focus is None or not mine:
        return mine[: CONTEXT_LINES * 2]
    index = next((i for i, e in enumerate(mine) if e.at >= focus), len(mine))
    return mine[max(0, index - CONTEXT_LINES): index + CONTEXT_LINES]


def _entry_lines(entry: TraceEntry, explain: bool, indent: str) -> list[str]:
    lines = [indent + entry.describe()]
    if explain:
        lines += [f"{indent}    {line}" for line in entry.explain]
    return lines


def _failure_lines(result: ScenarioResult, failed: ExpectationResult, explain: bool) -> list[str]:
    lines = [f"  {failed.where}: {failed.message}", "    trace around it:"]
    around = _around(result.outcome.trace, failed.expectation.person, failed.focus)
    for entry in around:
        lines += _entry_lines(entry, explain, "      ")
    if not around:
        lines.append("      (nothing happened to this person)")
    return lines


def render_text(results: Sequence[ScenarioResult], coverage: Coverage, *,
                explain: bool) -> str:
    """Each scenario's verdict, failures with the trace around them, coverage, the tally."""
    lines: list[str] = []
    for result in results:
        held = sum(r.passed for r in result.results)
        mark = "PASS" if result.passed else "FAIL"
        lines.append(f"{mark} {result.scenario.scenario} ({result.path.name}): "
                     f"{held}/{len(result.results)} expectations")
        for failed in (r for r in result.results if not r.passed):
            lines += _failure_lines(result, failed, explain)
        if explain:
            lines.append("  trace:")
            for entry in result.outcome.trace:
                lines += _entry_lines(entry, True, "    ")
    lines.append(f"branch coverage: {len(coverage.reached)}/{coverage.total} arms "
                 f"({coverage.percent:g}%)")
    lines += [f"  not reached: {arm}" for arm in coverage.missed_text()]
    passed = sum(r.passed for r in results)
    lines.append(f"{passed} passed, {len(results) - passed} failed")
    return "\n".join(lines) + "\n"


def render_json(results: Sequence[ScenarioResult], coverage: Coverage) -> str:
    """The same as JSON."""
    passed = sum(r.passed for r in results)
    data = {
        "scenarios": [{
            "file": str(r.path), "scenario": r.scenario.scenario, "passed": r.passed,
            "expectations": [{"line": e.where.line, "passed": e.passed, "message": e.message}
                             for e in r.results],
        } for r in results],
        "passed": passed, "failed": len(results) - passed,
        "branch_coverage": {"percent": coverage.percent, "reached": len(coverage.reached),
                            "total": coverage.total, "not_reached": coverage.missed_text()},
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def render_junit(results: Sequence[ScenarioResult], coverage: Coverage) -> str:
    """JUnit XML: a test suite per scenario, a test case per expectation."""
    total = sum(len(r.results) for r in results)
    failures = sum(not e.passed for r in results for e in r.results)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="cioctl test" tests="{total}" failures="{failures}">']
    for result in results:
        bad = sum(not e.passed for e in result.results)
        out.append(f'  <testsuite name={quoteattr(result.scenario.scenario)} '
                   f'tests="{len(result.results)}" failures="{bad}" '
                   f'file={quoteattr(str(result.path))}>')
        for e in result.results:
            name = quoteattr(f"line {e.where.line}: {e.expectation.person} "
                             f"{e.expectation.subject}")
            out.append(f'    <testcase name={name} classname={quoteattr(result.path.stem)} '
                       f'file={quoteattr(str(result.path))} line="{e.where.line}">')
            if not e.passed:
                trace = "\n".join(_failure_lines(result, e, explain=True))
                out.append(f'      <failure message={quoteattr(e.message)}>'
                           f'{_text(trace)}</failure>')
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append(f"  <!-- branch coverage {coverage.percent:g}% -->")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
