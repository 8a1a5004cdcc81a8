"""String formats of event properties, checked as JSON Schema validators check them.

The predicates agree with ``jsonschema``'s format checker (with its ``format-nongpl`` extra):
``email`` needs an ``@``; ``date`` is an RFC 3339 full-date; ``date-time`` an RFC 3339
date-time (``T`` and ``Z`` in either case); ``uri`` an absolute URI by RFC 3986's grammar.
Like the JSON Schema checkers, ``date-time`` and ``uri`` tolerate one trailing newline.
Values that are not strings pass: a format only constrains strings.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date

FormatTest = Callable[[object], bool]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_DATE_TIME = re.compile(
    r"^(\d{4})-(0[1-9]|1[0-2])-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$", re.ASCII)


def _uri_pattern() -> re.Pattern[str]:
    unreserved_sub = r"A-Za-z0-9\-._~!$&'()*+,;="
    pct = r"%[0-9A-Fa-f]{2}"
    pchar = rf"(?:[{unreserved_sub}:@]|{pct})"
    h16 = r"[0-9A-Fa-f]{1,4}"
    octet = r"(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)"
    ipv4 = rf"(?:{octet}\.){{3}}{octet}"
    ls32 = rf"(?:{h16}:{h16}|{ipv4})"
    ipv6 = "|".join([
        rf"(?:{h16}:){{6}}{ls32}",
        rf"::(?:{h16}:){{5}}{ls32}",
        rf"(?:{h16})?::(?:{h16}:){{4}}{ls32}",
        rf"(?:(?:{h16}:){{0,1}}{h16})?::(?:{h16}:){{3}}{ls32}",
        rf"(?:(?:{h16}:){{0,2}}{h16})?::(?:{h16}:){{2}}{ls32}",
        rf"(?:(?:{h16}:){{0,3}}{h16})?::{h16}:{ls32}",
        rf"(?:(?:{h16}:){{0,4}}{h16})?::{ls32}",
        rf"(?:(?:{h16}:){{0,5}}{h16})?::{h16}",
        rf"(?:(?:{h16}:){{0,6}}{h16})?::",
    ])
    ip_literal = rf"\[(?:{ipv6}|v[0-9A-Fa-f]+\.[{unreserved_sub}:]+)\]"
    reg_name = rf"(?:[{unreserved_sub}]|{pct})*"
    userinfo = rf"(?:[{unreserved_sub}:]|{pct})*"
    authority = rf"(?:{userinfo}@)?(?:{ip_literal}|{ipv4}|{reg_name})(?::[0-9]*)?"
    segments = rf"(?:/{pchar}*)*"
    hier = rf"(?://{authority}{segments}|/(?:{pchar}+{segments})?|{pchar}+{segments}|)"
    query = rf"(?:{pchar}|[/?])*"
    return re.compile(rf"^[A-Za-z][A-Za-z0-9+\-.]*:{hier}(?:\?{query})?(?:#{query})?$")


_URI = _uri_pattern()


def is_email(value: object) -> bool:
    """An ``@`` somewhere (what JSON Schema validators check)."""
    return not isinstance(value, str) or "@" in value


def is_date(value: object) -> bool:
    """RFC 3339 full-date: YYYY-MM-DD, a real day."""
    if not isinstance(value, str):
        return True
    if _DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_date_time(value: object) -> bool:
    """RFC 3339 date-time with a real day, seconds fraction optional, Z or an offset."""
    if not isinstance(value, str):
        return True
    match = _DATE_TIME.match(value.upper())
    if match is None:
        return False
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    return year != 0 and 1 <= day <= calendar.monthrange(year, month)[1]


def is_uri(value: object) -> bool:
    """An absolute URI (scheme ``:`` hier-part, query and fragment optional) by RFC 3986."""
    return not isinstance(value, str) or _URI.match(value) is not None


FORMAT_TESTS: dict[str, FormatTest] = {
    "email": is_email,
    "uri": is_uri,
    "date-time": is_date_time,
    "date": is_date,
}
