"""The one place where errors become messages and exit codes.

Exit codes: 0 success or no changes · 1 error, invalid definitions or usage error (see
``cioctl.cli.group``) · 2 changes present (``plan --detailed-exitcode``, ``drift``) · 130
interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from rich.console import Console

from cioctl.errors import CioctlError, OperationInterruptedError, ValidationFailedError
from cioctl.render.problems import github_annotations, render_problems_text

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2
EXIT_INTERRUPTED = 130


def error_console() -> Console:
    """stderr, coloured only on a terminal and when NO_COLOR is unset."""
    return Console(stderr=True, no_color="NO_COLOR" in os.environ, highlight=False, soft_wrap=True)


def exit_code_of(error: CioctlError) -> int:
    """The exit code of an error: 130 for an interruption (also when a refusal wraps one),
    1 for everything else. The one place below the CLI where codes are chosen."""
    interrupted = (isinstance(error, OperationInterruptedError)
                   or isinstance(error.__cause__, OperationInterruptedError))
    return EXIT_INTERRUPTED if interrupted else EXIT_ERROR


def report(error: CioctlError, console: Console) -> int:
    """Print an error (and every problem it carries) and return its exit code."""
    problems = error.problems if isinstance(error, ValidationFailedError) else [error]
    console.print(render_problems_text(problems), end="")
    if os.environ.get("GITHUB_ACTIONS") == "true":
        sys.stdout.write(github_annotations(problems))
    return exit_code_of(error)


def _leaves(group: BaseExceptionGroup[BaseException]) -> list[BaseException]:
    found: list[BaseException] = []
    for error in group.exceptions:
        found += _leaves(error) if isinstance(error, BaseExceptionGroup) else [error]
    return found


def _report_group(group: BaseExceptionGroup[BaseException], console: Console,
                  verbose: bool) -> int:
    leaves = _leaves(group)
    if any(isinstance(e, KeyboardInterrupt) for e in leaves):
        console.print("interrupted")
        return EXIT_INTERRUPTED
    known = [e for e in leaves if isinstance(e, CioctlError)]
    if known and len(known) == len(leaves):
        return max(report(error, console) for error in known)
    bug = next(e for e in leaves if not isinstance(e, CioctlError))
    if verbose:
        console.print_exception()
    console.print(f"[bold red]internal error:[/] {type(bug).__name__}: {bug}\n"
                  "  hint: this is a bug in cioctl; run again with -v and report the output")
    return EXIT_ERROR


def run_cli(entry: Callable[[], object], verbose: bool) -> int:
    """Run the CLI; map every outcome to an exit code. Only unexpected bugs show a traceback,
    and only with ``-v``."""
    console = error_console()
    try:
        entry()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else EXIT_ERROR
    except CioctlError as error:
        return report(error, console)
    except BaseExceptionGroup as group:  # raised out of concurrent work (anyio task groups)
        return _report_group(group, console, verbose)
    except KeyboardInterrupt:
        console.print("interrupted")
        return EXIT_INTERRUPTED
    except Exception as bug:  # the boundary: nothing escapes as a raw traceback
        if verbose:
            console.print_exception()
        console.print(
            f"[bold red]internal error:[/] {type(bug).__name__}: {bug}\n"
            "  hint: this is a bug in cioctl; run again with -v and report the output"
        )
        return EXIT_ERROR
    return EXIT_OK
