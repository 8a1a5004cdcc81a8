"""The one-paragraph summary of a validated workspace."""

from __future__ import annotations

from rich.markup import escape

from cioctl.pipeline import ValidationReport

_LABELS = {
    "events": "events", "attributes": "attributes", "segments": "segments", "flows": "flows",
    "snippets": "snippets", "reporting_webhooks": "reporting webhooks",
    "collections": "collections",
}


def render_summary(report: ValidationReport) -> str:
    """``✓ acme (local): 17 events, … — valid`` or the problem count."""
    ws = report.workspace
    counts = ", ".join(f"{n} {_LABELS[k]}" for k, n in ws.counts().items())
    head = f"{escape(ws.config.workspace)} [dim]({escape(ws.environment_name)}, " \
           f"{len(ws.files)} files)[/]: {counts}"
    if report.ok:
        return f"[green]✓[/] {head} — valid"
    return f"[red]✗[/] {head} — {len(report.problems)} problem(s)"
