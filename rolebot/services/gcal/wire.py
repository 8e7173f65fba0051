"""Google's event resources, as rolebot reads and writes them.

Reading: only the fields rolebot uses are declared (`Tolerant`); events with a time of
day are reduced to their dates in the team's time zone, and cancelled events are left
out. Writing: every event rolebot makes is all-day, free (transparent) and carries
rolebot's private extended properties.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from pydantic import Field, ValidationError

from rolebot.models import CalendarEvent, NewEvent
from rolebot.validation import Tolerant


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
    start: _When | None = None
    end: _When | None = None
    extendedProperties: _Properties | None = None  # Google's field name


class Page(Tolerant):
    """One page of `events.list`."""

    items: list[dict[str, Any]] = Field(default_factory=list)
    nextPageToken: str | None = None  # Google's field name

    def events(self, zone: tzinfo) -> list[CalendarEvent]:
        """The page's events that rolebot can read, reduced to dates in `zone` (cancelled ones left out)."""
        return [event for item in self.items if (event := _calendar_event(item, zone)) is not None]


def _calendar_event(item: dict[str, Any], zone: tzinfo) -> CalendarEvent | None:
    """The event as rolebot sees it; None for a cancelled one, or one without a readable start."""
    try:
        event = _Event.model_validate(item)
    except ValidationError:
        return None
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


def event_body(new: NewEvent) -> dict[str, Any]:
    """The full Google event for a NewEvent: all-day, free (transparent), with rolebot's properties."""
    return {
        "id": new.id,
        "summary": new.summary,
        "description": new.description,
        "start": {"date": new.start.isoformat()},
        "end": {"date": new.end.isoformat()},
        "transparency": "transparent",
        "extendedProperties": {"private": dict(new.private)},
    }
