"""The local calendar: events kept in an iCalendar file (`state/calendar.ics`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rolebot.errors import LocalDataError
from rolebot.files import write_atomic
from rolebot.models import CalendarEvent, NewEvent, WriteReport
from rolebot.services.base import Advance

UID_SUFFIX = "@rolebot"


class IcsCalendar:
    """A calendar kept in an iCalendar file; each event's UID is its ID plus `@rolebot`."""

    def __init__(self, path: Path, team_timezone: str, shown_as: str | None = None) -> None:
        self.path = path
        self.name = shown_as or str(path)
        self.zone: tzinfo = ZoneInfo(team_timezone)
        self.description = f"local calendar {self.name}"

    def _load(self) -> Any:
        import icalendar

        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            calendar = icalendar.Calendar()
            calendar.add("prodid", "-//rolebot//team roles//EN")
            calendar.add("version", "2.0")
            calendar.add("x-wr-calname", "Team Roles")
            return calendar
        except OSError as exc:
            raise LocalDataError(f"cannot read {self.name}: {exc.strerror}", "check the file") from None
        try:
            return icalendar.Calendar.from_ical(data)
        except ValueError as exc:
            raise LocalDataError(
                f"{self.name} is not a valid iCalendar file ({exc})",
                "fix it, or move it aside and let rolebot start a new one with `rolebot calendar bulk`",
            ) from None

    def _save(self, calendar: Any) -> None:
        try:
            write_atomic(self.path, calendar.to_ical().decode("utf-8"))
        except OSError as exc:
            raise LocalDataError(
                f"cannot write {self.name}: {exc.strerror or exc}", "check the directory and its permissions"
            ) from None

    def _as_date(self, value: date | datetime) -> date:
        if isinstance(value, datetime):
            return (value.astimezone(self.zone) if value.tzinfo else value).date()
        return value

    def _event(self, component: Any) -> CalendarEvent | None:
        if str(component.get("status", "")).upper() == "CANCELLED":
            return None
        try:
            start = component.decoded("dtstart")
            end = component.decoded("dtend") if "dtend" in component else None
        except (KeyError, ValueError) as exc:
            uid = component.get("uid", "?")
            raise LocalDataError(f"{self.name}: event {uid} has an invalid date ({exc})", "fix the event") from None
        start_day = self._as_date(start)
        end_day = self._as_date(end) if end is not None else start_day
        uid = str(component.get("uid", ""))
        private = {
            key: str(component[prop])
            for key, prop in (("rolebot_role", "x-rolebot-role"), ("rolebot_member", "x-rolebot-member"))
            if prop in component
        }
        return CalendarEvent(
            id=uid.removesuffix(UID_SUFFIX),
            summary=str(component.get("summary", "")),
            start=start_day,
            end=max(end_day, start_day),
            private=private,
        )

    def list_events(self, start: date, end: date | None) -> list[CalendarEvent]:
        events = [e for c in self._load().walk("VEVENT") if (e := self._event(c)) is not None]
        return [
            e
            for e in events
            if (e.end > start or (e.end == e.start and e.start >= start)) and (end is None or e.start < end)
        ]

    def create_events(self, events: Sequence[NewEvent], advance: Advance) -> WriteReport:
        import icalendar

        calendar = self._load()
        existing = {str(c.get("uid", "")).removesuffix(UID_SUFFIX) for c in calendar.walk("VEVENT")}
        report = WriteReport()
        stamp = datetime.now(UTC).replace(microsecond=0)
        for new in events:
            if new.id in existing:
                report.already.append(new.id)
            else:
                component = icalendar.Event()
                component.add("uid", new.id + UID_SUFFIX)
                component.add("dtstamp", stamp)
                component.add("dtstart", new.start)
                component.add("dtend", new.end)
                component.add("summary", new.summary)
                component.add("description", new.description)
                component.add("transp", "TRANSPARENT")
                component.add("x-rolebot-role", new.role)
                component.add("x-rolebot-member", new.member.id)
                calendar.add_component(component)
                existing.add(new.id)
                report.done.append(new.id)
            advance(1)
        if report.done:
            self._save(calendar)
        return report

    def delete_events(self, events: Sequence[CalendarEvent], advance: Advance) -> WriteReport:
        calendar = self._load()
        wanted = {e.id for e in events}
        report = WriteReport()
        kept = []
        for component in calendar.subcomponents:
            uid = str(component.get("uid", "")).removesuffix(UID_SUFFIX)
            if component.name == "VEVENT" and uid in wanted:
                report.done.append(uid)
                wanted.discard(uid)
                advance(1)
            else:
                kept.append(component)
        for missing in sorted(wanted):
            report.already.append(missing)
            advance(1)
        if report.done:
            calendar.subcomponents[:] = kept
            self._save(calendar)
        return report
