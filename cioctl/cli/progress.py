"""Progress for long work: a live display on a terminal, plain lines in CI, nothing when quiet."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.status import Status


def interactive() -> bool:
    """A person at a terminal (not CI, not a pipe)."""
    return sys.stderr.isatty() and os.environ.get("CI") != "true"


@contextmanager
def progress_reporter(title: str) -> Iterator[Callable[[str], None]]:
    """A callback taking progress messages: a spinner on a terminal, silence otherwise."""
    if not interactive():
        yield lambda _message: None
        return
    console = Console(stderr=True, no_color="NO_COLOR" in os.environ)
    with Status(title, console=console) as status:
        yield lambda message: status.update(f"{title} · {message}")
