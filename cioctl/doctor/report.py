"""Doctor's findings and their two renderings (text for people, JSON for tools)."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field


class Status(enum.StrEnum):
    """How a check ended; only ``fail`` makes doctor exit 1."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    INFO = "info"


MARKS = {Status.OK: "✓", Status.WARN: "!", Status.FAIL: "✗", Status.INFO: "·"}
_STYLES = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "bold red", Status.INFO: "dim"}


@dataclass(frozen=True, slots=True)
class Check:
    """One finding: what was checked, how it ended, what was seen, and how to fix it."""

    name: str
    status: Status
    detail: str
    hint: str | None = None
    group: str = "environment"


@dataclass(slots=True)
class Report:
    """Every check of one doctor run, in order."""

    environment: str
    checks: list[Check] = field(default_factory=list)

    def add(self, name: str, status: Status, detail: str, hint: str | None = None,
            group: str = "environment") -> Check:
        """Append a check and return it."""
        check = Check(name, status, detail, hint, group)
        self.checks.append(check)
        return check

    def count(self, status: Status) -> int:
        """How many checks ended with ``status``."""
        return sum(1 for c in self.checks if c.status is status)

    @property
    def ok(self) -> bool:
        """True when no check failed (warnings are fine)."""
        return self.count(Status.FAIL) == 0


def render_text(report: Report) -> str:
    """Rich markup: one line per check (mark, name, detail), its hint below, then a summary."""
    lines: list[str] = [f"[bold]cioctl doctor[/] -e {_esc(report.environment)}"]
    group = "environment"
    for check in report.checks:
        if check.group != group:
            group = check.group
            lines.append(f"\n[bold]{_esc(group)}[/]")
        style = _STYLES[check.status]
        mark = f"[{style}]{MARKS[check.status]}[/]"
        lines.append(f"{mark} {_esc(check.name)}: {_esc(check.detail)}")
        if check.hint:
            lines.append(f"    hint: {_esc(check.hint)}")
    lines.append("\n" + _summary(report))
    style = "bold green" if report.ok else "bold red"
    lines.append(f"[{style}]{_esc(next_step(report))}[/]")
    return "\n".join(lines)


def next_step(report: Report) -> str:
    """The one line doctor ends with: ready to plan, or the first thing to fix (checks run
    in the order a first plan needs them, so the first failure is the one to fix first)."""
    failed = next((c for c in report.checks if c.status is Status.FAIL), None)
    if failed is None:
        return f"ready: run cioctl plan -e {report.environment}"
    if failed.name.startswith("credentials: "):  # name every missing variable, in order
        fixes = [c.hint or c.detail for c in report.checks
                 if c.status is Status.FAIL and c.name.startswith("credentials: ")]
        return "fix first: " + "; ".join(fixes)
    return f"fix first: {failed.name}: {failed.hint or failed.detail}"


def _summary(report: Report) -> str:
    failed, warned = report.count(Status.FAIL), report.count(Status.WARN)
    warnings = f" ({warned} warning{'s' if warned != 1 else ''})" if warned else ""
    if failed:
        return f"[bold red]{failed} check{'s' if failed != 1 else ''} failed[/]{warnings}"
    return f"[green]all checks passed[/]{warnings}"


def render_json(report: Report) -> str:
    """``{"environment", "ok", "checks": [{name, status, detail, hint, group}]}``."""
    document = {
        "environment": report.environment,
        "ok": report.ok,
        "next": next_step(report),
        "checks": [
            {"name": c.name, "status": c.status.value, "detail": c.detail, "hint": c.hint,
             "group": c.group}
            for c in report.checks
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _esc(text: str) -> str:
    return text.replace("[", r"\[")
