"""A plan for the terminal (rich markup; colours dropped with --no-color / NO_COLOR)."""

from __future__ import annotations

from rich.markup import escape

from cioctl.plan.change import SYMBOLS, Action, Change, FieldChange
from cioctl.plan.value import Plan
from cioctl.render.plan_common import (
    SURFACE_LABEL,
    lock_note,
    notes,
    ownership_notes,
    ownership_summary,
    short,
    shown_fields,
    summary_line,
    where,
)
from cioctl.render.text_diff import is_long_text, text_diff

STYLE = {Action.CREATE: "green", Action.UPDATE: "yellow", Action.REPLACE: "magenta",
         Action.DELETE: "red", Action.MANUAL: "cyan", Action.UNSUPPORTED: "cyan"}
MAX_FIELDS = 40
MAX_DIFF_LINES = 200
_DIFF_STYLE = {"+": "green", "-": "red", "@": "cyan"}


def _field(change: Change, field: FieldChange, verbose: bool) -> str:
    if is_long_text(change, field):
        return _diff(field, verbose)
    name = escape(where(field, verbose))
    if change.action is Action.CREATE:
        return f"      [green]+[/] {name}: {escape(short(field.after))}"
    if change.action is Action.DELETE:
        return f"      [red]-[/] {name}: {escape(short(field.before))}"
    return (f"      [yellow]~[/] {name}: {escape(short(field.before, 60))} "
            f"[dim]→[/] {escape(short(field.after, 60))}")


def _diff(field: FieldChange, verbose: bool) -> str:
    """A long text field as a unified diff of its lines, + green and - red."""
    diff = text_diff(field)
    lines = [f"      [yellow]~[/] {escape(where(field, verbose))}: [dim]text, {diff.sizes()}, "
             f"{diff.stats}[/]"]
    for line in diff.lines[:MAX_DIFF_LINES]:
        style = _DIFF_STYLE.get(line[:1], "dim")
        lines.append(f"          [{style}]{escape(line)}[/]")
    if len(diff.lines) > MAX_DIFF_LINES:
        lines.append(f"          [dim]… {len(diff.lines) - MAX_DIFF_LINES} more diff line(s); "
                     "see --format json for the full text[/]")
    return "\n".join(lines)


def _change(plan: Plan, change: Change, verbose: bool) -> list[str]:
    style = STYLE[change.action]
    label = f" {escape(repr(change.name))}" if change.name != change.key else ""
    head = (f"  [{style}]{escape(SYMBOLS[change.action]):>3}[/] [bold]{change.kind}[/] "
            f"{escape(change.key)}{label}  [dim]{SURFACE_LABEL[change.surface]}[/]")
    fields = shown_fields(change, verbose)
    inline = _inline(change, fields)
    remarks = [f"      [bold]![/] {escape(n)}" for n in notes(change)]
    remarks += [f"      [dim]↳ {escape(n)}[/]" for n in ownership_notes(plan, change)]
    if inline:
        return [f"{head}  {inline}", *remarks]
    lines = [head, *remarks]
    lines += [_field(change, f, verbose) for f in fields[:MAX_FIELDS]]
    if len(fields) > MAX_FIELDS:
        lines.append(f"      [dim]… {len(fields) - MAX_FIELDS} more field(s); see --format json[/]")
    return lines


def _inline(change: Change, fields: list[FieldChange]) -> str:
    """Small creates and deletes on one line: ``description="…" privacy_level=0``."""
    if change.action not in (Action.CREATE, Action.DELETE) or not 0 < len(fields) <= 3:
        return ""
    parts = [f"{where(f)}={short(f.after if change.action is Action.CREATE else f.before, 60)}"
             for f in fields]
    text = " ".join(parts)
    return escape(text) if len(text) <= 90 else ""


def render_plan_text(plan: Plan, verbose: bool = False) -> str:
    """The whole plan, ready for ``Console.print``; ``verbose`` adds each field's precise path
    (``steps[1].email.subject``, the form ``ignore_changes`` takes) to its words."""
    lines = [f"[bold]Plan[/] for {escape(plan.workspace)} · environment "
             f"[bold]{escape(plan.environment)}[/] ({plan.backend}"
             + (f", workspace {plan.workspace_id})" if plan.workspace_id else ")")]
    lines += [f"[yellow]warning:[/] {escape(w)}" for w in plan.warnings]
    if plan.targets:
        lines.append(f"[dim]narrowed to {', '.join(plan.targets)} and their dependencies[/]")
    lines.append("")
    for change in plan.changes:
        lines += _change(plan, change, verbose)
    if not plan.changes:
        lines.append("  [green]No changes.[/] The live workspace matches the definitions.")
    lines += ["", f"[bold]Plan:[/] {summary_line(plan.summary)}."]
    if ownership := ownership_summary(plan):
        lines.append(f"[bold]Ownership:[/] apply {escape(ownership)}.")
    if plan.unmanaged:
        names = ", ".join(str(u.address) for u in plan.unmanaged[:20])
        more = f" and {len(plan.unmanaged) - 20} more" if len(plan.unmanaged) > 20 else ""
        lines.append(f"[dim]Unmanaged (not in code, left alone): {escape(names)}{more}[/]")
    note = lock_note(plan)
    if note and plan.has_changes:
        lines.append(f"[dim]{escape(note)}[/]")
    return "\n".join(lines)
