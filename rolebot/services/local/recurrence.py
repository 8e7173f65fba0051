"""Repeating events, read as their occurrences.

The live calendar lists with `singleEvents=true`: a series comes back as one event per
occurrence. The iCalendar store does the same, so a hand-made repeating event means the same
thing on both backends. An occurrence's ID is the series' ID and its original start, as Google
names instances (`<id>_20261202`, or `<id>_20261202T090000Z` for a timed one). The rules are
RFC 5545's, through `dateutil` (RRULE, RDATE, EXDATE); an override — a VEVENT with the series'
UID and a RECURRENCE-ID — replaces the occurrence it names, and a cancelled one removes it.

An endless series listed with no end date is followed `OPEN_ENDED` past the listing's start,
beyond the longest horizon a role may have (520 monthly turns, 43⅓ years); and no series is
followed past `MAX_STEPS` occurrences from its start, so a rule that repeats every second
costs a warning, not the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from rolebot.models import CalendarEvent
from rolebot.services.local.ics_event import IcsEvent, Moment, Unreadable, day_in, read_moment
from rolebot.services.local.ics_text import shown
from rolebot.services.local.zones import Zones

if TYPE_CHECKING:
    from dateutil.rrule import rruleset

OPEN_ENDED = timedelta(days=366 * 50)
MAX_STEPS = 50_000


@dataclass(frozen=True)
class Expansion:
    events: list[CalendarEvent]
    cut_at: date | None = None
    """Where the series was cut off after `MAX_STEPS` occurrences (None: it was not)."""


def instance_id(series_id: str, start: Moment) -> str:
    if not isinstance(start, datetime):
        return f"{series_id}_{start.year:04d}{start.month:02d}{start.day:02d}"
    if start.tzinfo is None:
        return f"{series_id}_{start:%Y%m%dT%H%M%S}"
    return f"{series_id}_{start.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def expand(
    series: IcsEvent, overrides: Sequence[IcsEvent], zones: Zones, zone: tzinfo, first: date, last: date | None
) -> Expansion:
    """The occurrences of `series` (with its overrides) that start before `last` (or, with no
    `last`, within `OPEN_ENDED` of `first`); `Unreadable` if its rules cannot be followed."""
    bound = last or _shifted(first, OPEN_ENDED)
    reach = _shifted(first, -(abs(series.length) + timedelta(days=2)))
    replaced = {_key(o.recurrence_id): o for o in overrides if o.recurrence_id is not None}
    events: list[CalendarEvent] = []
    cut_at: date | None = None
    try:
        for step, start in enumerate(_starts(series, zones)):
            day = day_in(start, zone)
            if step >= MAX_STEPS:
                cut_at = day
                break
            if day >= bound:
                break
            override = replaced.pop(_key(start), None)
            if day < reach and override is None:
                continue  # over before the listing begins
            ident = instance_id(series.id, start)
            if override is None:
                events.append(series.calendar_event(zone, start, ident))
            elif not override.cancelled:
                events.append(override.calendar_event(zone, ident=ident))
    except (ValueError, TypeError, OverflowError) as error:  # dateutil's words for a rule it cannot follow
        raise Unreadable(f"its recurrence cannot be followed ({error})") from None
    events.extend(  # overrides of occurrences the rules do not give
        override.calendar_event(zone, ident=instance_id(series.id, override.recurrence_id))
        for override in replaced.values()
        if not override.cancelled and override.recurrence_id is not None
    )
    return Expansion(events, cut_at)


def _shifted(day: date, length: timedelta) -> date:
    try:
        return day + length
    except OverflowError:
        return date.max if length > timedelta(0) else date.min


def _key(moment: Moment | None) -> object:
    """What identifies an occurrence: its date, or its instant (a floating time as written)."""
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        return moment.astimezone(UTC)
    return moment


def _starts(series: IcsEvent, zones: Zones) -> Iterator[Moment]:
    """The starts of the series' occurrences, in order."""
    all_day = not isinstance(series.start, datetime)
    rules = _ruleset(series, zones, all_day)
    for start in rules:
        yield start.date() if all_day else start


def _ruleset(series: IcsEvent, zones: Zones, all_day: bool) -> rruleset:
    from dateutil.rrule import rruleset, rrulestr

    start = series.start
    begins = datetime.combine(start, time()) if not isinstance(start, datetime) else start
    rules = rruleset()
    for prop in series.text.properties():
        if prop.name == "RRULE":
            rules.rrule(rrulestr(prop.value.strip(), dtstart=begins))
        elif prop.name in ("RDATE", "EXDATE"):
            add = rules.rdate if prop.name == "RDATE" else rules.exdate
            for value in _values(prop.value):
                moment = read_moment(prop, zones, value.split("/", 1)[0])  # a PERIOD: its start
                if isinstance(moment, datetime) == all_day:
                    raise Unreadable(f"{prop.name} {shown(value)} is not of the same kind as its DTSTART")
                add(datetime.combine(moment, time()) if not isinstance(moment, datetime) else moment)
    rules.rdate(begins)  # DTSTART is always the first occurrence (RFC 5545), which dateutil does not assume
    return rules


def _values(value: str) -> Iterable[str]:
    return (part.strip() for part in value.split(",") if part.strip())
