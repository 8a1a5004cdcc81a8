"""``make demo``: the whole journey on the embedded workspace with the bundled example.

Validate the example, plan and apply it to a fresh embedded workspace, plan again (zero
changes), then edit a copy — change a subject, add a segment, remove a snippet — and show that
plan. Every step runs the real ``cioctl`` command line; nothing touches the repository's files
(the demo works on a copy in a temporary folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.rule import Rule

EXAMPLE = Path(__file__).resolve().parents[1] / "workspaces" / "example"
NEW_SEGMENT = """  - name: Mobile users
    description: Signed in from a phone five times this month.
    conditions:
      event: logged_in
      at_least: 5
      within: 30d
      where: [{property: device, operator: in, value: [ios, android]}]
"""


class Demo:
    """Runs and narrates the steps."""

    def __init__(self, console: Console, workspace: Path) -> None:
        self.console = console
        self.workspace = workspace
        self.failures = 0

    def run(self, title: str, *args: str, expect: tuple[int, ...] = (0,)) -> None:
        """Show a command, run it, show its output and exit code."""
        self.console.print(Rule(f"[bold]{title}"))
        shown = " ".join(a.replace(str(self.workspace), "$DEMO") for a in args)
        self.console.print(f"[dim]$ cioctl {shown}[/]")
        done = subprocess.run([sys.executable, "-m", "cioctl", *args], check=False,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.failures += done.returncode not in expect
        self.console.print(f"[dim]exit code {done.returncode}[/]\n")

    def say(self, text: str) -> None:
        """A line of narration."""
        self.console.print(f"[cyan]▸[/] {text}")


def edit_copy(root: Path) -> None:
    """The three edits: a subject, a new segment, a removed snippet."""
    onboarding = root / "flows" / "onboarding.yaml"
    onboarding.write_text(onboarding.read_text().replace(
        "Three tips for your first week", "Three tips for week one"))
    engagement = root / "segments" / "engagement.yaml"
    engagement.write_text(engagement.read_text() + NEW_SEGMENT)
    snippets = root / "content" / "snippets.yaml"
    snippets.write_text(snippets.read_text().replace(
        '  - name: sms_signature\n    value: "Acme:"\n', ""))
    winback = root / "flows" / "winback.yaml"
    winback.write_text(winback.read_text().replace("{{ snippets.sms_signature }} ", "Acme: "))


def main() -> None:
    """Run the demo; exit non-zero if a step did not do what it should."""
    console = Console(highlight=False)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cioctl-demo-") as tmp:
        root = Path(tmp) / "example"
        shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cioctl"))
        demo = Demo(console, root)
        ws = str(root)
        demo.say(f"working on a copy of workspaces/example in {tmp} ($DEMO)")
        demo.run("1. Validate the definitions", "validate", "-w", ws)
        saved = str(root / "plan.json")
        demo.run("2. Plan against a fresh embedded workspace (-e local, no credentials)",
                 "plan", "-w", ws, "--out", saved)
        demo.run("3. Apply exactly that plan", "apply", "-w", ws, "--auto-approve", saved)
        demo.run("4. Plan again: nothing left to do", "plan", "-w", ws, "--detailed-exitcode")
        demo.say("editing the copy: a new email subject, a new segment, one snippet removed")
        edit_copy(root)
        demo.run("5. The plan a reviewer would see for those edits", "plan", "-w", ws,
                 "--detailed-exitcode", expect=(2,))
        demo.run("6. The same plan as the Markdown of a pull-request comment", "plan", "-w",
                 ws, "--format", "markdown", expect=(0,))
        demo.say("the example ships people and events (estimate-data/, Parquet): how large is "
                 "each audience?")
        demo.run("7. Every segment's audience on the team's own data (DuckDB)", "estimate",
                 "-w", ws, "--format", "markdown")
        demo.run("8. Who is in one segment, and which conditions put them there", "estimate",
                 "-w", ws, "--segment", "power_users")
        demo.run("9. The same query for a warehouse (Snowflake)", "estimate", "-w", ws,
                 "--segment", "promoters", "--sql", "--dialect", "snowflake")
    console.print(Rule("[bold]done"))
    console.print(f"Finished in {time.monotonic() - started:.0f} s. Next: 'make test', or try "
                  "'cioctl --help' on your own copy of workspaces/example.")
    sys.exit(1 if demo.failures else 0)


if __name__ == "__main__":
    main()
