"""An environment comparison as text, Markdown or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

from rich.markup import escape

from cioctl.compare import EnvironmentDiff
from cioctl.render.plan_common import short, where

_LABEL = {"only_in_from": "only in {source}", "only_in_to": "only in {target}",
          "differs": "differs"}
_SYMBOL = {"only_in_from": "<", "only_in_to": ">", "differs": "~"}


def _title(diff: EnvironmentDiff) -> str:
    return f"{diff.source} → {diff.target}"


def render_env_diff_text(diff: EnvironmentDiff) -> str:
    """One line per resource, field lines under the ones that differ."""
    lines = [f"[bold]Differences[/] {escape(_title(diff))}", ""]
    lines += [f"[yellow]warning:[/] {escape(u)}" for u in diff.unreadable]
    for item in diff.differences:
        label = _LABEL[item.status].format(source=diff.source, target=diff.target)
        lines.append(f"  {_SYMBOL[item.status]} [bold]{item.kind}[/] {escape(item.key)}  "
                     f"[dim]{escape(label)}[/]")
        lines += [f"      {escape(where(f))}: {escape(short(f.before, 60))} [dim]→[/] "
                  f"{escape(short(f.after, 60))}" for f in item.fields]
    if not diff.differences:
        lines.append("  [green]No differences.[/]")
    lines += ["", f"{len(diff.differences)} resource(s) differ."]
    return "\n".join(lines)


def render_env_diff_markdown(diff: EnvironmentDiff) -> str:
    """A table of differing resources and their fields."""
    lines = [f"### cioctl diff · {_title(diff)}", ""]
    lines += [f"> ⚠️ {u}" for u in diff.unreadable]
    if not diff.differences:
        return "\n".join([*lines, "✅ No differences.", ""])
    lines += ["| resource | state | field | " + f"{diff.source} | {diff.target} |",
              "|---|---|---|---|---|"]
    for item in diff.differences:
        label = _LABEL[item.status].format(source=diff.source, target=diff.target)
        if not item.fields:
            lines.append(f"| `{item.address}` | {label} | | | |")
        for f in item.fields:
            lines.append(f"| `{item.address}` | {label} | `{where(f)}` | "
                         f"`{short(f.before, 80)}` | `{short(f.after, 80)}` |")
    return "\n".join(lines) + "\n"


def render_env_diff_json(diff: EnvironmentDiff) -> str:
    """Stable JSON."""
    return json.dumps(asdict(diff), indent=2, sort_keys=True, default=str) + "\n"
