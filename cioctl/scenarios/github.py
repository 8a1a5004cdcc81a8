"""``cioctl test`` in a pull request: the job summary and the line for the sticky plan comment."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from cioctl.errors import ConfigError
from cioctl.render.markdown import cell
from cioctl.scenarios.coverage import Coverage
from cioctl.scenarios.run import ScenarioResult


def changed_flows(plan_file: Path) -> frozenset[str]:
    """The keys of the flows a saved plan (``cioctl plan --out``) creates, updates or replaces."""
    try:
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        changes = plan["changes"]
        return frozenset(str(c["key"]) for c in changes
                         if c.get("kind") == "flow" and c.get("action") != "no-op")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"cannot read the flows a plan changes from {plan_file}: {error}",
                          hint="pass a plan saved with 'cioctl plan --out FILE'") from None


def summary_line(results: Sequence[ScenarioResult], coverage: Coverage,
                 changed: frozenset[str] | None) -> str:
    """One Markdown line: scenarios passed, branch coverage, uncovered arms of changed flows."""
    passed = sum(r.passed for r in results)
    mark = "✅" if passed == len(results) else "❌"
    line = (f"{mark} **cioctl test**: {passed}/{len(results)} scenarios passed · branch "
            f"coverage {coverage.percent:g}% ({len(coverage.reached)}/{coverage.total})")
    if changed is not None:
        missed = [f"`{flow} {arm}`" for flow, arm in coverage.missed if flow in changed]
        line += (" · not reached in flows this PR changes: " + ", ".join(missed) if missed
                 else " · every branch of the flows this PR changes is reached")
    return line + "\n"


def summary_markdown(results: Sequence[ScenarioResult], coverage: Coverage) -> str:
    """The job summary: a table of scenarios, failures, and the arms not reached."""
    lines = ["## cioctl test", "", "| Scenario | File | Expectations | Result |",
             "|---|---|---|---|"]
    for result in results:
        held = sum(r.passed for r in result.results)
        verdict = "passed" if result.passed else "**failed**"
        lines.append(f"| {cell(result.scenario.scenario)} | `{result.path.name}` | "
                     f"{held}/{len(result.results)} | {verdict} |")
    failures = [(r, e) for r in results for e in r.results if not e.passed]
    if failures:
        lines += ["", "### Failed expectations", ""]
        lines += [f"- `{r.path.name}:{e.where.line}` {cell(e.message)}" for r, e in failures]
    lines += ["", f"Branch coverage: **{coverage.percent:g}%** ({len(coverage.reached)}/"
              f"{coverage.total} arms)"]
    lines += [f"- not reached: `{arm}`" for arm in coverage.missed_text()]
    return "\n".join(lines) + "\n"


