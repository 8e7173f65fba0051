"""VEVENTs as rolebot reads and writes them.

Reading takes what rolebot needs from an event — its UID, summary, description, dates, status,
recurrence and rolebot's private properties — and reduces its dates to calendar dates in the
team's time zone, as the live calendar does. A value that cannot be read makes the event
unreadable (`Unreadable`, a message naming the value), never a guess.

Writing makes a whole VEVENT for a new event, and rewrites an existing one in place: only the
properties rolebot owns change (summary, description, dates, stamp, sequence and `X-ROLEBOT-*`);
every other line — alarms, attendees, a line nobody can read — stays exactly as it was.

Private properties: each key of `NewEvent.private`, `rolebot_<name>`, is written as
`X-ROLEBOT-<NAME>` (underscores become hyphens, which iCalendar names allow), and every
`X-ROLEBOT-*` property is read back under its key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from rolebot.models import CalendarEvent, NewEvent
from rolebot.services.local.ics_text import ContentLine, EventText, escape, fold, shown, unescape
from rolebot.services.local.zones import UnknownZone, Zones

UID_SUFFIX = "@rolebot"
"""rolebot's events have the UID `<event ID>@rolebot`; any other UID is the event's ID as it is."""
PRIVATE_PREFIX = "X-ROLEBOT-"
_KEY_PREFIX = "rolebot_"
_KEY = re.compile(r"rolebot_[a-z0-9]+(?:_[a-z0-9]+)*")
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
_DATE_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)", re.ASCII)
_DURATION = re.compile(
    r"([+-]?)P(?:(\d+)W|(?=\d|T\d)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?)", re.ASCII
)


class Unreadable(ValueError):
    """An event rolebot cannot read; the message says which value and why."""


def private_name(key: str) -> str:
    """The property for a private key: `rolebot_pinned` → `X-ROLEBOT-PINNED`."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"private key {key!r} is not rolebot_<lowercase words joined by _>")
    return PRIVATE_PREFIX + key.removeprefix(_KEY_PREFIX).upper().replace("_", "-")


def private_key(name: str) -> str:
    """The private key of an `X-ROLEBOT-*` property: `X-ROLEBOT-PINNED` → `rolebot_pinned`."""
    return _KEY_PREFIX + name.removeprefix(PRIVATE_PREFIX).lower().replace("-", "_")


def event_id(uid: str) -> str:
    return uid.removesuffix(UID_SUFFIX)


Moment = date | datetime
"""A DATE, or a DATE-TIME: aware (UTC or with a TZID), or floating (naive)."""


@dataclass(frozen=True)
class IcsEvent:
    """What rolebot reads from one VEVENT."""

    id: str
    summary: str
    description: str
    start: Moment
    end: Moment
    """DTEND, or DTSTART + DURATION, or what RFC 5545 implies without either (a day; an instant)."""
    private: Mapping[str, str]
    cancelled: bool
    recurrence_id: Moment | None
    """Set on an override of one occurrence of a series."""
    text: EventText
    days: tuple[date, date]
    """Its first and last dates in the team's time zone (the end exclusive for an all-day event)."""

    @property
    def length(self) -> timedelta:
        return self.end - self.start  # type: ignore[operator]  # both dates, or both date-times of one kind

    @property
    def line(self) -> int:
        return self.text.line

    @property
    def repeats(self) -> bool:
        return self.text.first("RRULE") is not None or self.text.first("RDATE") is not None

    def shown(self) -> str:
        return describe(self.text)

    def calendar_event(self, zone: tzinfo, start: Moment | None = None, ident: str | None = None) -> CalendarEvent:
        """As the services report events (an occurrence of a series: its own start and ID)."""
        first, last = self.days if start is None else _days(start, start + self.length, zone)
        return CalendarEvent(
            id=self.id if ident is None else ident,
            summary=self.summary,
            start=first,
            end=last,
            private=dict(self.private),
        )

    def says(self, new: NewEvent) -> bool:
        """Whether the event already is `new`: summary, description, all-day dates and private properties."""
        return (
            self.summary == new.summary
            and self.description == new.description
            and _is_day(self.start, new.start)
            and _is_day(self.end, new.end)
            and dict(self.private) == dict(new.private)
        )


def describe(text: EventText) -> str:
    """An event for people, readable or not: its summary and UID."""
    summary, uid = text.first("SUMMARY"), text.first("UID")
    name = shown(unescape(summary.value)) if summary else "(no summary)"
    return f"{name} (UID {shown(unescape(uid.value.strip()))})" if uid else name


def uid_of(text: EventText) -> str | None:
    uid = text.first("UID")
    return unescape(uid.value.strip()) if uid is not None and uid.value.strip() else None


def _is_day(value: Moment, day: date) -> bool:
    return not isinstance(value, datetime) and value == day


def day_in(value: Moment, zone: tzinfo) -> date:
    """A moment's calendar date in the team's time zone (a floating time is taken as local there)."""
    if not isinstance(value, datetime):
        return value
    try:
        return (value.astimezone(zone) if value.tzinfo else value).date()
    except OverflowError:
        raise Unreadable(f"{_iso(value)} is too close to the ends of the calendar") from None


def _iso(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _days(start: Moment, end: Moment, zone: tzinfo) -> tuple[date, date]:
    first = day_in(start, zone)
    return first, max(day_in(end, zone), first)


def read_event(text: EventText, zones: Zones, zone: tzinfo) -> IcsEvent:
    """The event, its dates in the team's time zone `zone`; or `Unreadable` saying why not."""
    uid = uid_of(text)
    if uid is None:
        raise Unreadable("it has no UID")
    begins = text.first("DTSTART")
    if begins is None:
        raise Unreadable("it has no DTSTART")
    start = read_moment(begins, zones)
    ends, lasts = text.first("DTEND"), text.first("DURATION")
    if ends is not None:
        end = read_moment(ends, zones)
    elif lasts is not None:
        end = _add(start, read_duration(lasts))
    else:
        end = _add(start, timedelta(days=1)) if not isinstance(start, datetime) else start
    if isinstance(start, datetime) != isinstance(end, datetime) or (
        isinstance(start, datetime) and isinstance(end, datetime) and (start.tzinfo is None) != (end.tzinfo is None)
    ):
        raise Unreadable(f"DTSTART {shown(begins.value)} and its end are not of the same kind")
    recurrence = text.first("RECURRENCE-ID")
    summary, description, status = text.first("SUMMARY"), text.first("DESCRIPTION"), text.first("STATUS")
    return IcsEvent(
        id=event_id(uid),
        summary=unescape(summary.value) if summary else "",
        description=unescape(description.value) if description else "",
        start=start,
        end=end,
        private={
            private_key(p.name): unescape(p.value) for p in text.properties() if p.name.startswith(PRIVATE_PREFIX)
        },
        cancelled=status is not None and status.value.strip().upper() == "CANCELLED",
        recurrence_id=read_moment(recurrence, zones) if recurrence else None,
        text=text,
        days=_days(start, end, zone),
    )


def read_moment(prop: ContentLine, zones: Zones, value: str | None = None) -> Moment:
    """A DATE or DATE-TIME property: `value`, or its first value (for a list)."""
    text = (prop.value.split(",", 1)[0] if value is None else value).strip()
    is_date = prop.params.get("VALUE", "").upper() == "DATE" or len(text) == 8
    found = (_DATE if is_date else _DATE_TIME).fullmatch(text)
    if found and is_date:
        with suppress(ValueError):
            return date(*map(int, found.groups()))
    elif found:
        zone = _zone(prop, found[7], zones)
        y, mo, d, h, mi, s = map(int, found.groups()[:6])
        with suppress(ValueError):
            return datetime(y, mo, d, h, mi, min(s, 59), tzinfo=zone)  # 60: a leap second
    raise Unreadable(f"{prop.name} {shown(text)} is not a valid date or date-time")


def _zone(prop: ContentLine, utc: str, zones: Zones) -> tzinfo | None:
    if utc:
        return UTC
    if "TZID" not in prop.params:
        return None  # floating: local time wherever the calendar is read
    try:
        return zones.get(prop.params["TZID"])
    except UnknownZone as error:
        raise Unreadable(f"its {prop.name} names {error}") from None


def read_duration(prop: ContentLine) -> timedelta:
    found = _DURATION.fullmatch(prop.value.strip())
    if found is None:
        raise Unreadable(f"DURATION {shown(prop.value)} is not a duration")
    weeks, days, hours, minutes, seconds = (int(n) if n else 0 for n in found.groups()[1:])
    try:
        length = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        raise Unreadable(f"DURATION {shown(prop.value)} is too long") from None
    return -length if found[1] == "-" else length


def _add(start: Moment, length: timedelta) -> Moment:
    try:
        return start + length
    except OverflowError:
        raise Unreadable("its end is beyond the ends of the calendar") from None


# --- writing -----------------------------------------------------------------------------------


def _day(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _stamp(now: datetime) -> str:
    return f"{_day(now)}T{now:%H%M%S}Z"


def _owned(new: NewEvent, now: datetime) -> dict[str, list[str]]:
    """The lines rolebot writes for `new`, by the property (or family of properties) they replace."""
    return {
        "DTSTAMP": [f"DTSTAMP:{_stamp(now)}"],
        "DTSTART": [f"DTSTART;VALUE=DATE:{_day(new.start)}"],
        "DTEND": [f"DTEND;VALUE=DATE:{_day(new.end)}"],
        "SUMMARY": [f"SUMMARY:{escape(new.summary)}"],
        "DESCRIPTION": [f"DESCRIPTION:{escape(new.description)}"],
        PRIVATE_PREFIX: [f"{private_name(k)}:{escape(v)}" for k, v in sorted(new.private.items())],
    }


def new_event_text(new: NewEvent, now: datetime, newline: str) -> str:
    """A VEVENT for `new`: all day, marked free, its UID `<id>@rolebot`."""
    owned = _owned(new, now)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape(new.id + UID_SUFFIX)}",
        *owned["DTSTAMP"],
        *owned["DTSTART"],
        *owned["DTEND"],
        *owned["SUMMARY"],
        *owned["DESCRIPTION"],
        "TRANSP:TRANSPARENT",
        *owned[PRIVATE_PREFIX],
        "END:VEVENT",
    ]
    return "".join(fold(line, newline) for line in lines)


def rewritten_text(event: EventText, new: NewEvent, now: datetime, newline: str) -> str:
    """The event rewritten in place to say `new`: each property rolebot owns is replaced where it
    stood (added before END:VEVENT if it was missing), SEQUENCE goes up by one, the rest is kept."""
    owned = _owned(new, now)
    sequence = event.first("SEQUENCE")
    number = int(sequence.value.strip()) if sequence and sequence.value.strip().isdecimal() else 0
    owned["SEQUENCE"] = [f"SEQUENCE:{number + 1}"]
    parts = event.parts
    out: list[str] = [parts[0] if isinstance(parts[0], str) else parts[0].raw]
    for part in parts[1:-1]:
        if isinstance(part, str):
            out.append(part)
            continue
        slot = _slot(part.name)
        if slot is None:
            out.append(part.raw)
        elif slot in owned:
            out.extend(fold(line, newline) for line in owned.pop(slot))
    for lines in owned.values():
        out.extend(fold(line, newline) for line in lines)
    last = parts[-1]
    out.append(last if isinstance(last, str) else last.raw)
    return "".join(out)


def _slot(name: str) -> str | None:
    if name.startswith(PRIVATE_PREFIX):
        return PRIVATE_PREFIX
    if name == "DURATION":
        return "DTEND"
    return name if name in ("DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "SEQUENCE") else None
