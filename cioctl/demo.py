"""``make demo``: the main job on the embedded workspace with the bundled example.

Each step runs the real ``cioctl`` command line in a subprocess and shows what it prints.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.rule import Rule

EXAMPLE = Path(__file__).resolve().parents[1] / "workspaces" / "example"


def step(console: Console, title: str, *args: str) -> int:
    """Show a command, run it, show its output and return its exit code."""
    console.print(Rule(f"[bold]{title}"))
    console.print(f"[dim]$ cioctl {' '.join(args)}[/]")
    result = subprocess.run([sys.executable, "-m", "cioctl", *args], check=False,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    console.print(f"[dim]exit code {result.returncode}[/]\n")
    return result.returncode


def main() -> None:
    """Run the demo; exit non-zero if a step that should succeed did not."""
    console = Console(highlight=False)
    workspace = os.path.relpath(EXAMPLE)
    failures = 0
    failures += step(console, "1. Validate the bundled example", "validate", "-w", workspace) != 0
    failures += step(console, "2. The same definitions resolved for production",
                     "validate", "-w", workspace, "-e", "production") != 0
    console.print(Rule("[bold]done"))
    console.print("Next: edit a file under workspaces/example and run "
                  f"'cioctl validate -w {workspace}' again.")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
