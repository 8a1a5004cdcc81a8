"""Consoles for command output."""

from __future__ import annotations

import os

from rich.console import Console


def stdout_console() -> Console:
    """stdout, coloured only on a terminal and when NO_COLOR is unset."""
    return Console(no_color="NO_COLOR" in os.environ, highlight=False, soft_wrap=True)
