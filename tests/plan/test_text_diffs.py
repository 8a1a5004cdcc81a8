"""Long text fields (template bodies) are shown as unified line diffs, masked first, and the
Markdown stays under GitHub's comment limit however large the diff."""

from __future__ import annotations

import os
from pathlib import Path

from rich.console import Console

from cioctl.plan.value import Plan
from cioctl.render.plan_markdown import COMMENT_LIMIT, render_plan_markdown
from cioctl.render.plan_text import render_plan_text
from tests.plan.engine_helpers import apply, edit, plan

URL_CANARY = "CANARYurl7f3a9"
ENV_CANARY = "CANARYenv51c2d"
VERIFY_BODY = """\
                  <p>Hi {{ customer.first_name }},</p>
                  <p>Confirm your address to keep your projects safe:"""


def _text(value: Plan) -> str:
    console = Console(width=100, no_color=True, record=True, file=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    console.print(render_plan_text(value))
    return console.export_text()


def _with_secrets(root: Path) -> dict[str, str]:
    """The verify email's body carries a credential in a link and an ``${env:...}`` value."""
    edit(root / "flows/onboarding.yaml", VERIFY_BODY,
         f"{VERIFY_BODY}\n                  <a href=\"https://acme.test/v?token={URL_CANARY}\">"
         "verify</a>\n                  Your code: ${env:PROMO_CODE}")
    environ = {"PROMO_CODE": ENV_CANARY}
    assert apply(root, environ=environ).result.ok
    return environ


def test_a_body_edit_is_a_line_diff_that_never_shows_a_secret(example_copy: Path) -> None:
    environ = _with_secrets(example_copy)
    edit(example_copy / "flows/onboarding.yaml", "to keep your projects safe:",
         "so that your projects stay safe:")
    planned = plan(example_copy, environ=environ)
    for shown in (_text(planned), render_plan_markdown(planned)):
        assert URL_CANARY not in shown and ENV_CANARY not in shown
        assert "-<p>Confirm your address to keep your projects safe:" in shown
        assert "+<p>Confirm your address so that your projects stay safe:" in shown
        assert '<a href="https://acme.test/v?token=***">verify</a>' in shown
        assert "Your code: ${env:PROMO_CODE}" in shown
    assert "```diff\n@@ " in render_plan_markdown(planned)


def test_an_edit_inside_a_masked_value_shows_nothing_of_it(example_copy: Path) -> None:
    environ = _with_secrets(example_copy)
    edit(example_copy / "flows/onboarding.yaml", URL_CANARY, "CANARYurlROTATED")
    planned = plan(example_copy, environ=environ)
    for shown in (_text(planned), render_plan_markdown(planned)):
        assert "only masked (secret-looking) values differ" in shown
        assert URL_CANARY not in shown and "CANARYurlROTATED" not in shown


def _huge(root: Path) -> Plan:
    assert apply(root).result.ok
    for name in ("tips", "welcome"):
        lines = [f"<p>{name} paragraph {i}: ``` fenced? no, {'long words ' * 6}</p>"
                 for i in range(2_000)]
        (root / f"templates/{name}.html").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return plan(root)


def test_huge_diffs_are_cut_with_a_note_and_fit_the_comment(example_copy: Path) -> None:
    planned = _huge(example_copy)
    markdown = render_plan_markdown(planned)
    assert len(markdown) <= COMMENT_LIMIT
    assert "````diff\n@@ " in markdown  # a fence longer than any backtick run in the text
    assert "more diff line(s) not shown; the plan JSON artifact has the full before" in markdown
    assert "left out (size); the plan JSON artifact" in markdown  # the second body
    text = _text(planned)
    assert "more diff line(s); see --format json for the full text" in text
    assert len(render_plan_text(planned).splitlines()) < 2 * 200 + 20  # 200 lines per diff


def test_a_resource_whose_diffs_do_not_fit_is_shown_without_them(example_copy: Path) -> None:
    planned = _huge(example_copy)
    small = render_plan_markdown(planned, limit=6_000)
    assert len(small) <= 6_000
    assert "Text diffs left out to stay under the comment limit" in small
    assert "| `steps › email welcome › body` |" in small
    tiny = render_plan_markdown(planned, limit=2_400)
    assert len(tiny) <= 2_400 and "not shown in full" in tiny


def test_an_edit_in_a_long_single_line_shows_as_the_piece_it_changed(example_copy: Path) -> None:
    items = "".join(f"<li>Tip number {i}: do the thing.</li>" for i in range(12))
    (example_copy / "templates/tips.html").write_text(f"<ol>{items}</ol>", encoding="utf-8")
    assert apply(example_copy).result.ok
    edit(example_copy / "templates/tips.html", "Tip number 6: do", "Tip number 6: skip")
    text = render_plan_text(plan(example_copy))
    changed = [line.strip() for line in text.splitlines()
               if line.strip().startswith(("[red]-", "[green]+"))]
    assert changed == ["[red]-Tip number 6: do the thing.</li>[/]",
                       "[green]+Tip number 6: skip the thing.</li>[/]"]
