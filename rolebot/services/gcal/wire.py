"""Google's event resources, as rolebot reads and writes them.

Reading: Google is asked for only the fields rolebot uses (`LIST_FIELDS`, `ANSWER_FIELDS`),
and only those are declared (`Tolerant`); events with a time of day are reduced to their
dates in the team's time zone, and cancelled events are left out. An all-day event is also
kept as `Written`, what it says in the terms rolebot writes, to tell whether an update has
anything to change. Writing: every event rolebot makes is all-day, free (transparent) and
carries rolebot's private extended properties.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any, NamedTuple

from pydantic import Field, ValidationError

from rolebot.models import CalendarEvent, NewEvent
from rolebot.validation import Tolerant

LIST_FIELDS = "nextPageToken,items(id,status,summary,description,transparency,start,end,extendedProperties/private)"
"""The partial answer `events.list` is asked for: what rolebot reads, nothing else."""
ANSWER_FIELDS = "id,status"
"""The partial answer of an insert, get or update: that the event exists, and whether it is cancelled."""


class Access(Tolerant):
    """`events.list` asked only for `accessRole`: the caller's access to the calendar."""

    accessRole: str  # Google's name


class Written(NamedTuple):
    """What an all-day event says, in the terms rolebot writes (to compare with a NewEvent)."""

    summary: str
    description: str
    start: date
    end: date
    transparency: str
    private: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, new: NewEvent) -> Written:
        return cls(new.summary, new.description, new.start, new.end, "transparent", frozenset(new.private.items()))


class _When(Tolerant):
    day: date | None = Field(None, alias="date")
    moment: datetime | None = Field(None, alias="dateTime")

    def in_zone(self, zone: tzinfo) -> date | None:
        """The calendar date: an all-day date as it is, a moment's date in `zone`."""
        if self.day is not None:
            return self.day
        if self.moment is not None:
            moment = self.moment if self.moment.tzinfo else self.moment.replace(tzinfo=zone)
            return moment.astimezone(zone).date()
        return None


class _Properties(Tolerant):
    private: dict[str, str] = Field(default_factory=dict)


class _Event(Tolerant):
    id: str
    status: str = "confirmed"
    summary: str = ""
    description: str = ""
    transparency: str = "opaque"
    start: _When | None = None
    end: _When | None = None
    extendedProperties: _Properties | None = None  # Google's field name


class Page(Tolerant):
    """One page of `events.list`."""

    items: list[dict[str, Any]] = Field(default_factory=list)
    nextPageToken: str | None = None  # Google's field name

    def read(self, zone: tzinfo, written: dict[str, Written]) -> list[CalendarEvent]:
        """The page's events that rolebot can read, reduced to dates in `zone` (cancelled ones
        left out); what each all-day one says goes into `written`, by ID."""
        found = []
        for item in self.items:
            try:
                event = _Event.model_validate(item)
            except ValidationError:
                continue
            seen = _calendar_event(event, zone)
            if seen is None:
                continue
            found.append(seen)
            all_day = event.start is not None and event.start.day is not None
            if all_day and event.end is not None and event.end.day is not None:
                private = frozenset(seen.private.items())
                kept = Written(event.summary, event.description, seen.start, seen.end, event.transparency, private)
                written[event.id] = kept
        return found


def _calendar_event(event: _Event, zone: tzinfo) -> CalendarEvent | None:
    """The event as rolebot sees it; None for a cancelled one, or one without a readable start."""
    if event.status == "cancelled" or event.start is None:
        return None
    start = event.start.in_zone(zone)
    if start is None:
        return None
    end = event.end.in_zone(zone) if event.end is not None else None
    private = event.extendedProperties.private if event.extendedProperties else {}
    return CalendarEvent(
        id=event.id, summary=event.summary, start=start, end=max(end or start, start), private=dict(private)
    )


def midnight(day: date, zone: tzinfo) -> str:
    """The start of `day` in `zone`, as RFC 3339 (for `timeMin`/`timeMax`)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).isoformat()


def event_body(new: NewEvent, event_id: str | None = None) -> dict[str, Any]:
    """The full Google event for a NewEvent: all-day, free (transparent), with rolebot's properties
    (under `event_id` if given: the NewEvent's other ID). No `status`: an update leaves a
    cancelled event cancelled, and only a restore says otherwise."""
    return {
        "id": event_id or new.id,
        "summary": new.summary,
        "description": new.description,
        "start": {"date": new.start.isoformat()},
        "end": {"date": new.end.isoformat()},
        "transparency": "transparent",
        "extendedProperties": {"private": dict(new.private)},
    }
