"""Handoff dates: calendar dates in the team's time zone, never times.

A role hands over on a weekday (weekly) or a day of the month (monthly). Everything here
works on `datetime.date`, so daylight saving can never move a handoff.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from rolebot.config import WEEKDAYS
from rolebot.errors import UsageError

if TYPE_CHECKING:
    from rolebot.config import RoleConfig


# pendulum is imported where it is used: most date arithmetic here needs only `datetime`.


def today_in(timezone: str) -> date:
    import pendulum

    now = pendulum.now(timezone)
    return date(now.year, now.month, now.day)


def parse_date(value: str, option: str) -> date:
    """Parse YYYY-MM-DD strictly; anything else is a usage error naming the option."""
    import pendulum

    try:
        parsed = pendulum.from_format(value, "YYYY-MM-DD")
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date", "write it as YYYY-MM-DD") from None
    return date(parsed.year, parsed.month, parsed.day)


def _month_start_shift(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def handoff_on_or_after(day: date, role: RoleConfig) -> date:
    """The first handoff day on or after `day`."""
    if role.cadence == "weekly":
        target = WEEKDAYS.index(role.weekday or "monday")
        return day + timedelta(days=(target - day.weekday()) % 7)
    dom = role.day_of_month or 1
    if day.day <= dom:
        return day.replace(day=dom)
    return _month_start_shift(day, 1).replace(day=dom)


def handoff_on_or_before(day: date, role: RoleConfig) -> date:
    """The last handoff day on or before `day`."""
    after = handoff_on_or_after(day, role)
    return after if after == day else shift(after, role, -1)


def shift(day: date, role: RoleConfig, periods: int) -> date:
    """Move a handoff date by whole periods (weeks or months)."""
    if role.cadence == "weekly":
        return day + timedelta(weeks=periods)
    return _month_start_shift(day, periods).replace(day=day.day)


def human(day: date) -> str:
    """'Wednesday 2 December 2026'."""
    import pendulum

    return pendulum.date(day.year, day.month, day.day).format("dddd D MMMM YYYY")
