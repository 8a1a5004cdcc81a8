"""The one error root of cioctl.

Every error a user can cause or meet derives from :class:`CioctlError`. It carries where the
user wrote the problem (``file:line:col``) when there is such a place, and a hint saying how to
fix it. The CLI boundary (``cioctl.cli.boundary``) is the only place that turns these into exit
codes and printed messages; the core never prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple


class Location(NamedTuple):
    """A place in a definitions file; line and column are 1-based."""

    file: Path
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class CioctlError(Exception):
    """Root of every error cioctl reports to a user (its exit code is chosen only at the CLI
    boundary, :func:`cioctl.cli.boundary.exit_code_of`)."""

    def __init__(
        self, message: str, *, location: Location | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        suffix = f"\n  hint: {self.hint}" if self.hint else ""
        return f"{prefix}{self.message}{suffix}"


class DefinitionError(CioctlError):
    """A problem in the user's definitions (YAML syntax, shape, values)."""


class ReferenceCheckError(DefinitionError):
    """A name that refers to something not declared."""


class ConfigError(CioctlError):
    """A problem with how cioctl was invoked or configured (flags, environments, credentials)."""


class ApiError(CioctlError):
    """An API call failed; carries the HTTP status, the request id and the API's detail."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        detail: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.request_id = request_id
        self.detail = detail


class ValidationFailedError(CioctlError):
    """Raised at the boundary when validation found one or more problems."""

    def __init__(self, problems: Sequence[CioctlError]) -> None:
        super().__init__(f"{len(problems)} problem(s) found")
        self.problems = list(problems)


class OperationInterruptedError(CioctlError):
    """Ctrl-C (SIGINT) stopped the command; the message says what was left as it was."""
