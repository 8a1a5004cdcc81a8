"""The usage report as text (terminals), Markdown (the PR comment) and JSON (tools)."""

from __future__ import annotations

import json
from difflib import get_close_matches

from cioctl.codegen.usage import Site, UsageReport

MARKER = "<!-- cioctl-usage -->"
MAX_LISTED = 200  # a PR comment stays well under GitHub's size limit


def _hint(report: UsageReport, site: Site) -> str:
    close = get_close_matches(site.named, report.declared, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else "declare it, or remove the call"


def summary(report: UsageReport) -> str:
    """One line: how many events are used, unused, and undeclared calls."""
    declared = len(report.declared)
    return (f"{declared} declared event{'s' if declared != 1 else ''} in "
            f"{report.files} source file{'s' if report.files != 1 else ''}: "
            f"{len(report.used)} used, {len(report.unused)} declared but unused, "
            f"{len(report.undeclared)} call{'s' if len(report.undeclared) != 1 else ''} "
            "to undeclared events")


def render_text(report: UsageReport) -> str:
    """For a terminal."""
    lines = [summary(report)]
    if report.undeclared:
        lines.append("calls to undeclared events:")
        lines += [f"  {s.file}:{s.line}: {s.text}: no event '{s.named}'\n"
                  f"    hint: {_hint(report, s)}" for s in report.undeclared]
    if report.unused:
        lines.append("declared but unused:")
        lines += [f"  {name}" for name in report.unused]
    return "\n".join(lines) + "\n"


def render_markdown(report: UsageReport) -> str:
    """For the PR comment, next to the plan."""
    lines = [MARKER, "### cioctl codegen · event usage", "", summary(report) + "."]
    if report.undeclared:
        lines += ["", "**Calls to undeclared events**", ""]
        lines += [f"- `{s.file}:{s.line}` `{s.text}` — {_hint(report, s)}"
                  for s in report.undeclared[:MAX_LISTED]]
    if report.unused:
        lines += ["", "<details><summary>Declared but unused "
                  f"({len(report.unused)})</summary>", ""]
        lines += [f"- `{name}`" for name in report.unused[:MAX_LISTED]]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def render_json(report: UsageReport) -> str:
    """For tools."""
    data = {
        "files": report.files,
        "used": {name: len(sites) for name, sites in sorted(report.used.items())},
        "unused": report.unused,
        "undeclared": [{"file": s.file, "line": s.line, "call": s.text, "name": s.named,
                        "hint": _hint(report, s)} for s in report.undeclared],
    }
    return json.dumps(data, indent=2) + "\n"
