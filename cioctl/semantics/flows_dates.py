"""When a date-attribute trigger fires (docs/semantics.md section 5.1).

``once`` fires at ``at`` (HH:MM) on the attribute's date, ``monthly`` on its day of each month,
``yearly`` on its month and day of each year, all in the trigger's time zone (``customer``: the
person's ``timezone``, then ``cio_timezone``, then UTC). A day the month lacks fires on the
month's last day; an occurrence already past when the value becomes known does not fire.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cioctl.model.flows import DateTrigger

MAX_YEARS = 3


def zone_of(trigger: DateTrigger, attributes: Mapping[str, object]) -> tzinfo:
    """The zone the trigger's ``at`` is read in, for one person."""
    names = ([attributes.get("timezone"), attributes.get("cio_timezone")]
             if trigger.timezone == "customer" else [trigger.timezone])
    for name in names:
        if isinstance(name, str) and name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue  # an invalid zone counts as missing
    return UTC


def attribute_instant(value: object) -> datetime | None:
    """A timestamp attribute's value: Unix seconds or ISO 8601 (a bare date is midnight UTC)."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(float(value), UTC)
        if isinstance(value, str):
            text = value.strip()
            if text.lstrip("-").replace(".", "", 1).isdigit():
                return datetime.fromtimestamp(float(text), UTC)
            parsed = datetime.fromisoformat(text)
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
    except (ValueError, OverflowError, OSError):
        return None
    return None


def _at_day(year: int, month: int, day: int, clock: time, zone: tzinfo) -> datetime:
    last = calendar.monthrange(year, month)[1]
    local = datetime.combine(date(year, month, min(day, last)), clock, zone)
    return local.astimezone(UTC)


def next_fire(trigger: DateTrigger, attributes: Mapping[str, object],
              not_before: datetime) -> datetime | None:
    """The first instant ``>= not_before`` at which the trigger fires for this person."""
    value = attribute_instant(attributes.get(trigger.date_attribute))
    if value is None:
        return None
    zone = zone_of(trigger, attributes)
    hour, minute = (int(part) for part in trigger.at.split(":"))
    clock = time(hour, minute)
    local = value.astimezone(zone)
    if trigger.repeat == "once":
        fire = _at_day(local.year, local.month, local.day, clock, zone)
        return fire if fire >= not_before else None
    start = not_before.astimezone(zone)
    if trigger.repeat == "monthly":
        year, month = start.year, start.month
        for _ in range(12 * MAX_YEARS + 1):
            fire = _at_day(year, month, local.day, clock, zone)
            if fire >= not_before:
                return fire
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return None
    for year in range(start.year, start.year + MAX_YEARS + 1):
        fire = _at_day(year, local.month, local.day, clock, zone)
        if fire >= not_before:
            return fire
    return None


def after(instant: datetime) -> datetime:
    """The earliest instant after a firing at which the next one may be looked for."""
    return instant + timedelta(seconds=1)
