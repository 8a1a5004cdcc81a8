"""A credential that never shows itself.

Every credential cioctl holds (App API keys, service-account tokens, exchanged JWTs) is a
:class:`Secret`. Its ``repr``, ``str`` and ``format`` print ``***`` followed by at most the last
two characters (only for values long enough that two characters reveal nothing useful), so a
secret that slips into a log line, an exception or a plan stays masked. :meth:`Secret.reveal`
is the one way to get the value, used only where it is put on the wire.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

_MASK = "***"
_MIN_LEN_FOR_TAIL = 12


class Secret:
    """A string value that masks itself everywhere but :meth:`reveal`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        self._value = value

    def reveal(self) -> str:
        """The plain value, for putting on the wire only."""
        return self._value

    @property
    def masked(self) -> str:
        """``***`` plus the last two characters when the value is long enough."""
        if len(self._value) >= _MIN_LEN_FOR_TAIL:
            return _MASK + self._value[-2:]
        return _MASK

    def __repr__(self) -> str:
        return f"Secret({self.masked!r})"

    def __str__(self) -> str:
        return self.masked

    def __format__(self, format_spec: str) -> str:
        return format(self.masked, format_spec)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")


def scrub(text: str, secrets: Iterable[Secret | None]) -> str:
    """Replace every occurrence of any of ``secrets`` in ``text`` by its masked form."""
    for secret in secrets:
        if secret and len(secret.reveal()) >= 4:
            text = text.replace(secret.reveal(), secret.masked)
    return text
