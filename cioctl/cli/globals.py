"""The root's global options: ``-e/-w/--format`` handed to the command, ``-v`` failure details.

The console script already moves ``-e/-w/--format`` after the command (``global_options_last``);
these options on the root exist so ``cioctl --help`` lists them, and so that a caller of the
``app`` object (tests, ``python -m cioctl`` embedders) gets the same meaning.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from pathlib import Path

import typer
from typer._click.core import Command
from typer._click.exceptions import UsageError

Given = Mapping[str, str | Path | None]


def _defaults(command: Command, given: Given, *, strict: bool) -> dict[str, object]:
    """``command``'s default map: each given option under its parameter name. A command that
    lacks one of them refuses it, as it would refuse it written after its name."""
    subcommands: dict[str, Command] | None = getattr(command, "commands", None)
    if subcommands is not None:  # a group (emulator, events): what each of its commands takes
        return {name: _defaults(sub, given, strict=False) for name, sub in subcommands.items()}
    names = {opt: param.name for param in command.params for opt in getattr(param, "opts", ())}
    unknown = [opt for opt in given if opt not in names]
    if unknown and strict:
        raise UsageError(f"cioctl {command.name} has no option {unknown[0]}")
    return {names[opt]: value for opt, value in given.items() if opt in names}


def forward_global_options(ctx: typer.Context, values: Given) -> None:
    """Give the invoked command the global options written before it, as its defaults
    (an option written after the command still wins)."""
    given = {opt: value for opt, value in values.items() if value is not None}
    name = ctx.invoked_subcommand
    commands: dict[str, Command] = getattr(ctx.command, "commands", {})
    if not given or name not in commands:
        return
    ctx.default_map = {name: _defaults(commands[name], given, strict=True)}


def show_failure_details(ctx: typer.Context) -> None:
    """``-v``: the API client's failure details (route, request id, masked response body, and
    retries) go to stderr for the rest of the command."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("  detail: %(message)s"))
    logger = logging.getLogger("cioctl")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)

    ctx.call_on_close(restore)
