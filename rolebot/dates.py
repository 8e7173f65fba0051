"""Dates for rolebot: handoff days, period arithmetic, the one ISO date parser, and dates for people.

A role hands over on a weekday (weekly) or a day of the month (monthly). Everything here takes
and returns `datetime.date` — calendar dates in the team's time zone, never times — so daylight
saving can never move a handoff. Week and month arithmetic is pendulum's; pendulum is imported
inside the functions that use it, so `rolebot --help` and `rolebot members` never load it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rolebot.config import WEEKDAYS
from rolebot.errors import RolebotError, UsageError

if TYPE_CHECKING:
    import pendulum

    from rolebot.config import RoleConfig

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

FIRST = date(1900, 1, 1)
LAST = date(2999, 12, 31)
"""The dates rolebot plans with. Planning reaches at most a few decades from a date people give
(the longest horizon is 520 months), so no date arithmetic from a date in this range can leave
the calendar `datetime` knows (years 1 to 9999)."""


def out_of_range(day: date) -> str | None:
    """Why `day` cannot be planned with, or None when it can."""
    if FIRST <= day <= LAST:
        return None
    return f"{day.isoformat()} is out of range: rolebot plans with dates from {FIRST} to {LAST}"


def iso_date(value: object) -> date | None:
    """`value` as a date if it is a string written exactly YYYY-MM-DD, else None.

    The one parser for dates people write: in the state file, in `--today` / `ROLEBOT_TODAY`
    and in every date option (through `parse_date`).
    """
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:  # a month or day out of range
        return None


def parse_date(value: str, option: str) -> date:
    """A date given on the command line; anything but YYYY-MM-DD, or a date out of range, is a
    usage error naming the option."""
    return checked_date(value, option, UsageError, "give a date in that range")


def checked_date(value: object, where: str, error: type[RolebotError], fix: str) -> date:
    """`value` as a date, YYYY-MM-DD and in range; else `error` (saying `where`, and `fix` for a
    date out of range)."""
    parsed = iso_date(value)
    if parsed is None:
        raise error(f"{where}: {value!r} is not a date", "write it as YYYY-MM-DD")
    problem = out_of_range(parsed)
    if problem is not None:
        raise error(f"{where}: {problem}", fix)
    return parsed


def _pendulum(day: date) -> pendulum.Date:
    import pendulum

    return pendulum.date(day.year, day.month, day.day)


def _plain(day: date) -> date:
    return date(day.year, day.month, day.day)


def today_in(timezone: str) -> date:
    import pendulum

    return _plain(pendulum.today(timezone))


def shift(day: date, role: RoleConfig, periods: int) -> date:
    """Move a handoff date by whole periods of the role (weeks or months; negative: earlier)."""
    moved = _pendulum(day)
    moved = moved.add(weeks=periods) if role.cadence == "weekly" else moved.add(months=periods)
    return _plain(moved)


def handoff_on_or_after(day: date, role: RoleConfig) -> date:
    """The first handoff day on or after `day`."""
    if role.cadence == "weekly":
        target = WEEKDAYS.index(role.weekday or "monday")
        return day + timedelta(days=(target - day.weekday()) % 7)
    dom = role.day_of_month or 1
    month = day if day.day <= dom else _plain(_pendulum(day).add(months=1))
    return month.replace(day=dom)


def handoff_on_or_before(day: date, role: RoleConfig) -> date:
    """The last handoff day on or before `day`: where a date that is not a handoff day (one from
    the state, the calendar, or an older handoff day of the config) belongs."""
    if role.cadence == "weekly":
        target = WEEKDAYS.index(role.weekday or "monday")
        return day - timedelta(days=(day.weekday() - target) % 7)
    dom = role.day_of_month or 1
    month = day if day.day >= dom else _plain(_pendulum(day).subtract(months=1))
    return month.replace(day=dom)


def is_handoff(day: date, role: RoleConfig) -> bool:
    return handoff_on_or_before(day, role) == day


def human(day: date) -> str:
    """'Wednesday 2 December 2026'."""
    return _pendulum(day).format("dddd D MMMM YYYY")
