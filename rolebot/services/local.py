"""The embedded local backend: a roster file, an iCalendar file and the terminal.

It lets rolebot run end to end without credentials: members come from
`state/roster.json`, the calendar lives in `state/calendar.ics` (all-day VEVENTs with
the same identity rules as the live calendar), and standups go to the outbox, to be shown
rather than sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import StrictStr, TypeAdapter, ValidationError

from rolebot.errors import LocalDataError
from rolebot.files import write_atomic
from rolebot.models import (
    CalendarEvent,
    CreatedStandup,
    ExistingStandup,
    Member,
    NewEvent,
    StandupSearch,
    StandupSpec,
    WriteReport,
)
from rolebot.services.base import Advance
from rolebot.validation import Strict, describe


class _RosterEntry(Strict):
    id: StrictStr
    name: StrictStr


_ROSTER = TypeAdapter(dict[str, list[_RosterEntry]])


class LocalRoster:
    """User groups from a JSON file: `{"<handle>": [{"id": "U…", "name": "…"}, …]}`."""

    def __init__(self, path: Path, shown_as: str | None = None) -> None:
        self.path = path
        self.name = shown_as or str(path)
        self.description = f"local roster {self.name}"

    def _groups(self) -> dict[str, list[_RosterEntry]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise LocalDataError(
                f"roster file {self.name} does not exist",
                'create it as {"<usergroup>": [{"id": "U…", "name": "…"}]} or use --backend live',
            ) from None
        except json.JSONDecodeError as exc:
            raise LocalDataError(
                f"{self.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", "fix the file"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise LocalDataError(f"cannot read roster file {self.name}: {exc}", "check the file") from None
        except RecursionError:
            raise LocalDataError(f"{self.name} nests objects or lists too deeply", "fix the file") from None
        if not isinstance(raw, dict):
            raise LocalDataError(f"{self.name}: expected an object of user groups", 'write {"<usergroup>": [...]}')
        for handle, entries in raw.items():
            if not isinstance(entries, list):
                raise LocalDataError(f"{self.name}: {handle}: expected a list of members", "fix the file")
        try:
            return _ROSTER.validate_python(raw, strict=True)
        except ValidationError as exc:
            raise LocalDataError(f"{self.name}: {describe(exc)}", 'each member is {"id": "U…", "name": "…"}') from None

    def members(self, usergroup: str) -> list[Member]:
        groups = self._groups()
        if usergroup not in groups:
            known = ", ".join(sorted(groups)) or "none"
            raise LocalDataError(
                f"{self.name} has no user group {usergroup!r} (groups: {known})", "add it to the roster file"
            )
        return [Member(e.id, e.name) for e in groups[usergroup]]


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


class TerminalNotifier:
    """Records the standup it would send (in the outbox, for the command to show) instead of sending it."""

    description = "terminal (standups are shown, not sent)"

    def __init__(self, record: Callable[[StandupSpec], None]) -> None:
        self._record = record

    def find_standup(self, name: str, known_id: str | None = None) -> StandupSearch:
        return StandupSearch()  # the terminal keeps no standups: each run shows the whole of it

    def create_standup(self, spec: StandupSpec) -> CreatedStandup:
        self._record(spec)
        return CreatedStandup(_as_existing(spec))

    def update_standup(self, existing: ExistingStandup, spec: StandupSpec) -> ExistingStandup:
        self._record(spec)
        return _as_existing(spec)

    def delete_standup(self, standup: ExistingStandup) -> bool:
        return False  # nothing to delete: the terminal keeps no standups


def _as_existing(spec: StandupSpec) -> ExistingStandup:
    return ExistingStandup(
        id="terminal",
        name=spec.name,
        channel=spec.channel,
        days=spec.days,
        time=spec.time,
        timezone=spec.timezone,
        questions=(spec.question,),
        participants=spec.participants,
    )
