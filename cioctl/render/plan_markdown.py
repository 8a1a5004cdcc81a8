"""A plan as GitHub Markdown for the sticky PR comment and the step summary.

Summary table first, then one ``<details>`` block per resource. GitHub rejects comments over
65,536 characters: past the budget the remaining resources are listed one line each, and if even
that does not fit, only the counts are given — always saying so and pointing at the plan JSON.
"""

from __future__ import annotations

from cioctl.plan.change import SYMBOLS, Action, Change, FieldChange
from cioctl.plan.value import Plan
from cioctl.render.plan_common import (
    ACTION_VERB,
    SURFACE_LABEL,
    lock_note,
    notes,
    short,
    shown_fields,
)

COMMENT_LIMIT = 65_536
MARKER = "<!-- cioctl-plan -->"
_RESERVE = 2_000
MAX_FIELD_ROWS = 60


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(change: Change, field: FieldChange) -> str:
    if change.action is Action.CREATE:
        return f"| `{_cell(field.path)}` | | `{_cell(short(field.after, 120))}` |"
    if change.action is Action.DELETE:
        return f"| `{_cell(field.path)}` | `{_cell(short(field.before, 120))}` | |"
    return (f"| `{_cell(field.path)}` | `{_cell(short(field.before, 120))}` | "
            f"`{_cell(short(field.after, 120))}` |")


def _headline(change: Change) -> str:
    extra = f" — ⚠️ {'; '.join(notes(change))}" if notes(change) else ""
    return (f"<code>{SYMBOLS[change.action]}</code> <b>{change.kind}</b> "
            f"<code>{change.key}</code> ({change.action}, {SURFACE_LABEL[change.surface]})"
            f"{extra}")


def _details(change: Change) -> str:
    fields = shown_fields(change)
    lines = ["<details>", f"<summary>{_headline(change)}</summary>", ""]
    if fields:
        lines += ["| field | before | after |", "|---|---|---|"]
        lines += [_row(change, f) for f in fields[:MAX_FIELD_ROWS]]
        if len(fields) > MAX_FIELD_ROWS:
            lines.append(f"| … {len(fields) - MAX_FIELD_ROWS} more fields | | |")
    if change.depends_on:
        lines += ["", "after: " + ", ".join(f"`{d}`" for d in change.depends_on)]
    return "\n".join([*lines, "", "</details>", ""])


def _header(plan: Plan) -> list[str]:
    where = f"workspace {plan.workspace_id}" if plan.workspace_id else plan.backend
    lines = [MARKER, f"### cioctl plan · `{plan.workspace}` · **{plan.environment}** ({where})",
             ""]
    lines += [f"> ⚠️ {w}" for w in plan.warnings]
    if plan.warnings:
        lines.append("")
    if not plan.changes:
        return [*lines, "✅ **No changes.** The live workspace matches the definitions.", ""]
    lines += ["| action | count |", "|---|---|"]
    lines += [f"| {SYMBOLS[a]} {ACTION_VERB[a]} | {n} |" for a in Action
              if (n := plan.summary[str(a)])]
    return [*lines, ""]


def _footer(plan: Plan) -> list[str]:
    lines = [f"<sub>cioctl {plan.cioctl_version} · definitions `{plan.definitions_checksum[:19]}`"
             f" · live `{plan.live_fingerprint[:19]}`</sub>"]
    if plan.unmanaged:
        names = ", ".join(f"`{u.kind}:{u.key}`" for u in plan.unmanaged[:50])
        more = f" and {len(plan.unmanaged) - 50} more" if len(plan.unmanaged) > 50 else ""
        lines.insert(0, f"_Unmanaged (not in code, left alone): {names}{more}_\n")
    note = lock_note(plan)
    if note and plan.has_changes:
        lines.insert(0, f"_{note}_\n")
    return lines


def render_plan_markdown(plan: Plan, limit: int = COMMENT_LIMIT) -> str:
    """The comment text, never longer than ``limit`` characters."""
    head, foot = "\n".join(_header(plan)), "\n".join(_footer(plan))
    budget = limit - len(head) - len(foot) - _RESERVE
    body: list[str] = []
    used = 0
    for index, change in enumerate(plan.changes):
        block = _details(change)
        if used + len(block) > budget:
            body.append(_fold(plan.changes[index:], budget - used))
            break
        body.append(block)
        used += len(block)
    text = "\n".join([head, *body, foot]) + "\n"
    return text if len(text) <= limit else _counts_only(plan, head, foot, limit)


def _fold(rest: tuple[Change, ...], room: int) -> str:
    lines = [f"**{len(rest)} more change(s) not shown in full** — the comment limit is "
             f"{COMMENT_LIMIT:,} characters; the plan JSON artifact has every field.", ""]
    for change in rest:
        line = f"- `{SYMBOLS[change.action]}` {change.kind} `{change.key}`"
        if sum(len(x) + 1 for x in lines) + len(line) > room:
            lines.append(f"- … and {len(rest) - (len(lines) - 2)} more")
            break
        lines.append(line)
    return "\n".join(lines) + "\n"


def _counts_only(plan: Plan, head: str, foot: str, limit: int) -> str:
    note = (f"**{len(plan.changes)} changes — too many to list here.** See the plan JSON "
            "artifact for every change and field.")
    return f"{head}\n{note}\n\n{foot}\n"[:limit]
