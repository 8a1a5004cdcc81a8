"""A plan as GitHub Markdown for the sticky PR comment and the step summary.

Summary table first, then one ``<details>`` block per resource. GitHub rejects comments over
65,536 characters: past the budget the remaining resources are listed one line each, and if even
that does not fit, only the counts are given — always saying so and pointing at the plan JSON.
Long text fields get a unified diff in a ``diff`` fence of their own ``<details>``: each diff is
capped, and a resource whose block still does not fit is shown without its diffs before it is
folded.
"""

from __future__ import annotations

import html
import re

from cioctl.plan.change import SYMBOLS, Action, Change, FieldChange
from cioctl.plan.value import Plan
from cioctl.render.markdown import cell
from cioctl.render.plan_common import (
    ACTION_VERB,
    SURFACE_LABEL,
    lock_note,
    notes,
    ownership_notes,
    ownership_summary,
    short,
    shown_fields,
    where,
)
from cioctl.render.text_diff import TextDiff, is_long_text, text_diff

COMMENT_LIMIT = 65_536
MARKER = "<!-- cioctl-plan -->"
_RESERVE = 2_000
MAX_FIELD_ROWS = 60
MAX_DIFF_CHARS = 12_000  # per resource: one big template edit must not crowd out the rest
_MIN_DIFF_ROOM = 400
_JSON_POINTER = "the plan JSON artifact has the full before and after"


def _row(change: Change, field: FieldChange) -> str:
    if is_long_text(change, field):
        diff = text_diff(field)
        return (f"| `{cell(where(field))}` | _text, {diff.before_chars:,} chars_ | "
                f"_text, {diff.after_chars:,} chars ({diff.stats}): diff below_ |")
    if change.action is Action.CREATE:
        return f"| `{cell(where(field))}` | | `{cell(short(field.after, 120))}` |"
    if change.action is Action.DELETE:
        return f"| `{cell(where(field))}` | `{cell(short(field.before, 120))}` | |"
    return (f"| `{cell(where(field))}` | `{cell(short(field.before, 120))}` | "
            f"`{cell(short(field.after, 120))}` |")


def _headline(change: Change) -> str:
    extra = f" — ⚠️ {'; '.join(notes(change))}" if notes(change) else ""
    return (f"<code>{SYMBOLS[change.action]}</code> <b>{change.kind}</b> "
            f"<code>{change.key}</code> ({change.action}, {SURFACE_LABEL[change.surface]})"
            f"{extra}")


def _diff_block(diff: TextDiff, room: int) -> list[str]:
    """One field's diff in its own (open) ``<details>``, cut to ``room`` characters."""
    shown: list[str] = []
    used = 0
    for line in diff.lines:
        if used + len(line) + 1 > room:
            break
        shown.append(line)
        used += len(line) + 1
    fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", "\n".join(shown))),
                                 default=0))
    lines = ["<details open>", f"<summary>diff of <code>{html.escape(diff.label)}</code> "
             f"({diff.stats}, {diff.sizes()})</summary>", "", f"{fence}diff", *shown, fence]
    if len(shown) < len(diff.lines):
        lines.append(f"\n_… {len(diff.lines) - len(shown)} more diff line(s) not shown; "
                     f"{_JSON_POINTER}._")
    return [*lines, "", "</details>"]


def _diffs(change: Change, fields: list[FieldChange], with_diffs: bool) -> list[str]:
    long = [f for f in fields[:MAX_FIELD_ROWS] if is_long_text(change, f)]
    if not long:
        return []
    if not with_diffs:
        return ["", f"_Text diffs left out to stay under the comment limit; {_JSON_POINTER}._"]
    lines: list[str] = []
    room = MAX_DIFF_CHARS
    for field in long:
        if room < _MIN_DIFF_ROOM:
            lines += ["", f"_Diff of `{cell(where(field))}` left out (size); {_JSON_POINTER}._"]
            continue
        block = _diff_block(text_diff(field), room)
        room -= sum(len(x) + 1 for x in block)
        lines += ["", *block]
    return lines


def _details(plan: Plan, change: Change, with_diffs: bool = True) -> str:
    fields = shown_fields(change)
    lines = ["<details>", f"<summary>{_headline(change)}</summary>", ""]
    if fields:
        lines += ["| field | before | after |", "|---|---|---|"]
        lines += [_row(change, f) for f in fields[:MAX_FIELD_ROWS]]
        if len(fields) > MAX_FIELD_ROWS:
            lines.append(f"| … {len(fields) - MAX_FIELD_ROWS} more fields | | |")
        lines += _diffs(change, fields, with_diffs)
    if change.depends_on:
        lines += ["", "after: " + ", ".join(f"`{d}`" for d in change.depends_on)]
    if owned := ownership_notes(plan, change):
        lines += ["", "↳ " + "; ".join(_code_entries(n) for n in owned)]
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
    if ownership := ownership_summary(plan):
        lines += ["", f"Ownership: apply {_code_entries(ownership)}."]
    return [*lines, ""]


def _code_entries(text: str) -> str:
    """Ledger names, addresses and tags in a note as code."""
    return re.sub(r"(cioctl_managed|cioctl:[^\s,;]+|\b[a-z_]+:[A-Za-z0-9_.-]+)", r"`\1`", text)


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
        block = _details(plan, change)
        if used + len(block) > budget:
            block = _details(plan, change, with_diffs=False)
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
