"""The console-script entry point (``cioctl`` and ``python -m cioctl``).

Importing the CLI takes a noticeable moment on a slow or busy machine; a Ctrl-C in that moment
must end like every other interrupt (exit 130, one line), not with an import traceback. This
module therefore imports nothing of cioctl until it is inside the guard.
"""

from __future__ import annotations

import sys

# The same code as cioctl.cli.boundary.EXIT_INTERRUPTED (a test holds them equal); it cannot be
# imported from there before the guard below is in place.
EXIT_INTERRUPTED = 130


def main() -> None:
    """Run the CLI; an interrupt while it is still loading exits 130 quietly."""
    try:
        from cioctl.cli import main as run_cioctl
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    run_cioctl()
