"""Apply's refusals say that nothing was changed."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec

from cioctl.errors import CioctlError, ValidationFailedError

NOTHING_CHANGED = "nothing was changed"
Params = ParamSpec("Params")


class NothingChangedError(CioctlError):
    """Apply stopped before its first change (preflight, lock, refusal): says so."""

    def __init__(self, cause: CioctlError) -> None:
        super().__init__(f"{cause.message}; {NOTHING_CHANGED}", location=cause.location,
                         hint=cause.hint)


def refusals_change_nothing(command: Callable[Params, None]) -> Callable[Params, None]:
    """Apply's errors say "nothing was changed". Every failure after the first change starts
    is contained in that change's result (the runner and the ledger write report them), so
    an error escaping apply means nothing was touched. Invalid definitions are left as they
    are: they list their problems, and apply never began."""

    @functools.wraps(command)
    def guarded(*args: Params.args, **kwargs: Params.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except ValidationFailedError:
            raise
        except CioctlError as error:
            if NOTHING_CHANGED in error.message:
                raise
            raise NothingChangedError(error) from error

    return guarded
