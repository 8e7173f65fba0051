"""The local calendar: events kept in an iCalendar file (`state/calendar.ics`).

- **Read once.** The file is parsed once per run. Later reads and writes reuse that parse for as
  long as the file holds the same bytes, and parse it again only if another program changed it.
- **Never lose a write.** Creating, updating and deleting each hold the file's lock
  (`rolebot.files.locked`), re-read the file under it, and replace it atomically (through a
  symlink, to its target), so two runs at once take turns, each adding to what the other wrote.
  Nothing is written when nothing changes.
- **Keep what is not ours.** A write changes only the events it creates, updates or deletes;
  every other byte of the file stays as it was (`ics_text`).
- **Say what cannot be read.** A line or an event rolebot cannot read is left out, kept in the
  file, and reported once through `warn`, naming the file, the line and the event. So are
  several events sharing one UID: rolebot reads the first, and deletes or updates them together.
- **Repeating events** are read as their occurrences, as the live calendar lists them
  (`recurrence`); rolebot never edits one, and says so when asked to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from rolebot.errors import LocalDataError
from rolebot.files import locked, write_atomic
from rolebot.models import CalendarEvent, NewEvent, WriteReport
from rolebot.services.base import Advance
from rolebot.services.local.ics_event import (
    IcsEvent,
    Unreadable,
    describe,
    event_id,
    new_event_text,
    read_event,
    rewritten_text,
    uid_of,
)
from rolebot.services.local.ics_file import Edit, ParsedFile, Record, masters
from rolebot.services.local.ics_text import Document, Segment, split
from rolebot.services.local.recurrence import MAX_STEPS, expand, instance_id
from rolebot.services.local.zones import Zones

NEW_CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rolebot//team roles//EN\r\n"
    "X-WR-CALNAME:Team Roles\r\nEND:VCALENDAR\r\n"
)
_LEFT_OUT = " — rolebot leaves it out, and keeps it in the file as it is"
_START_AFRESH = "fix it, or move it aside and let rolebot start a new one with `rolebot calendar bulk`"


class IcsCalendar:
    """A calendar kept in an iCalendar file; each event's UID is its ID plus `@rolebot`."""

    def __init__(
        self,
        path: Path,
        team_timezone: str,
        shown_as: str | None = None,
        *,
        warn: Callable[[str], None] | None = None,
        log: Callable[[str], None] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """`warn` tells people about what cannot be read; `log` (--verbose) says when the file is
        parsed and written; `clock` gives the time stamped on what is written."""
        self.path = path
        self.name = shown_as or str(path)
        self.zone: tzinfo = ZoneInfo(team_timezone)
        self.description = f"local calendar {self.name}"
        self._warn = warn or (lambda message: None)
        self._log = log or (lambda line: None)
        self._warned: set[str] = set()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._mutex = threading.Lock()
        self._parsed: ParsedFile | None = None

    # --- reading ----------------------------------------------------------------------------

    def list_events(self, start: date, end: date | None) -> list[CalendarEvent]:
        parsed = self._read()
        zones = Zones(parsed.doc.timezones)
        events: list[CalendarEvent] = []
        for ident, records in parsed.by_id.items():
            readable = [r.event for r in records if r.event is not None and not r.event.cancelled]
            masters = [e for e in readable if e.recurrence_id is None]
            if not masters:  # overrides of a series that is not in the file: each stands alone
                events.extend(
                    e.calendar_event(self.zone, ident=instance_id(ident, e.recurrence_id))
                    for e in readable
                    if e.recurrence_id is not None
                )
            elif masters[0].repeats:
                events.extend(self._occurrences(masters[0], records, zones, start, end))
            else:
                events.append(masters[0].calendar_event(self.zone))
        return [
            e
            for e in events
            if (e.end > start or (e.end == e.start and e.start >= start)) and (end is None or e.start < end)
        ]

    def _occurrences(
        self, series: IcsEvent, records: list[Record], zones: Zones, start: date, end: date | None
    ) -> list[CalendarEvent]:
        overrides = [r.event for r in records if r.event is not None and r.event.recurrence_id is not None]
        try:
            expansion = expand(series, overrides, zones, self.zone, start, end)
        except Unreadable as error:
            self._report(series.line, f"the repeating event {series.shown()} cannot be read: {error}{_LEFT_OUT}")
            return []
        if expansion.cut_at is not None:
            self._report(
                series.line,
                f"the event {series.shown()} repeats more than {MAX_STEPS:,} times: "
                f"rolebot reads its occurrences until {expansion.cut_at} only",
            )
        return expansion.events

    def _read(self) -> ParsedFile:
        """The file as it is now: the parse already made if its bytes have not changed."""
        try:
            data: bytes | None = self.path.read_bytes()
        except FileNotFoundError:
            data = None
        except OSError as exc:
            raise LocalDataError(f"cannot read {self.name}: {exc.strerror}", "check the file") from None
        with self._mutex:
            if self._parsed is None or self._parsed.data != data:
                self._parsed = self._parse(data)
            return self._parsed

    def _parse(self, data: bytes | None) -> ParsedFile:
        try:
            text = (data or b"").decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LocalDataError(
                f"{self.name} is not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})",
                "save it as UTF-8",
            ) from None
        doc = split(text if text.strip() else NEW_CALENDAR)
        if doc.calendars == 0:
            raise LocalDataError(f"{self.name} is not a valid iCalendar file (no BEGIN:VCALENDAR)", _START_AFRESH)
        if doc.unclosed is not None:
            raise LocalDataError(
                f"{self.name} is not a valid iCalendar file (BEGIN:VCALENDAR on line {doc.unclosed} "
                "has no END:VCALENDAR)",
                _START_AFRESH,
            )
        for problem in doc.problems:
            self._report(problem.line, f"{problem.text} — kept as it is")
        parsed = ParsedFile(data, doc, self._records(doc.segments, doc, {}))
        self._log(f"{self.name}: parsed {len(parsed.records)} events" if data else f"{self.name}: no file yet")
        self._report_duplicates(parsed)
        return parsed

    def _records(self, segments: Sequence[Segment], doc: Document, known: dict[int, Record]) -> list[Record]:
        """A record for each VEVENT segment (reusing `known` ones, by segment identity)."""
        zones = Zones(doc.timezones)
        records = []
        for position, segment in enumerate(segments):
            if segment.event is None:
                continue
            record = known.get(id(segment))
            if record is None:
                uid = uid_of(segment.event)
                try:
                    event: IcsEvent | None = read_event(segment.event, zones, self.zone)
                except Unreadable as error:
                    event = None
                    text = f"the event {describe(segment.event)} cannot be read: {error}{_LEFT_OUT}"
                    self._report(segment.event.line, text)
                record = Record(position, None if uid is None else event_id(uid), segment.event, event)
            records.append(Record(position, record.id, record.text, record.event))
        return records

    def _report_duplicates(self, parsed: ParsedFile) -> None:
        for ident, records in parsed.by_id.items():
            copies = masters(records)
            if len(copies) > 1:
                lines = ", ".join(str(r.text.line) for r in copies)
                self._warn_once(
                    f"{self.name} lines {lines}: {len(copies)} events have the ID {ident!r}; rolebot reads the "
                    "first, and deletes or updates them together"
                )

    def _report(self, line: int, text: str) -> None:
        self._warn_once(f"{self.name} line {line}: {text}")

    def _warn_once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self._warn(message)

    # --- writing ----------------------------------------------------------------------------

    def create_events(self, events: Sequence[NewEvent], advance: Advance) -> WriteReport:
        def create(parsed: ParsedFile, edit: Edit) -> WriteReport:
            report = WriteReport()
            now = self._clock()
            for new in events:
                if new.id in parsed.by_id or new.id in edit.added:
                    report.already.append(new.id)
                else:
                    edit.add(new.id, new_event_text(new, now, parsed.doc.newline))
                    report.done.append(new.id)
                advance(1)
            return report

        return self._change(create)

    def update_events(self, events: Sequence[NewEvent], advance: Advance) -> WriteReport:
        """Rewrite existing events in place, each by its `id` (a replan, a swap, a cover): the
        summary, description, dates and rolebot's private properties become the NewEvent's; the
        event keeps its ID. One that already says exactly that is reported as `already`; one
        that no longer exists (deleted meanwhile) is reported in `failed`, never re-created."""

        def update(parsed: ParsedFile, edit: Edit) -> WriteReport:
            report = WriteReport()
            now = self._clock()
            for new in events:
                copies = masters(parsed.by_id.get(new.id, ()))
                refusal = self._refusal(parsed, new.id, copies)
                if refusal is not None:
                    report.failed.append((new.id, refusal))
                elif all(r.event is not None and r.event.says(new) for r in copies):
                    report.already.append(new.id)
                else:
                    for record in copies:
                        edit.replace(record.position, rewritten_text(record.text, new, now, parsed.doc.newline))
                    report.done.append(new.id)
                advance(1)
            return report

        return self._change(update)

    def delete_events(self, events: Sequence[CalendarEvent], advance: Advance) -> WriteReport:
        def delete(parsed: ParsedFile, edit: Edit) -> WriteReport:
            report = WriteReport()
            for ident in dict.fromkeys(e.id for e in events):
                records = parsed.by_id.get(ident, [])
                series, overrides = parsed.occurrence(ident) if not records else (None, [])
                if series is not None:
                    report.failed.append((ident, self._repeating(series)))
                elif records or overrides:
                    for record in records or overrides:  # every copy (and a series' overrides, with it)
                        edit.remove(record.position)
                    report.done.append(ident)
                else:
                    report.already.append(ident)
                advance(1)
            return report

        return self._change(delete)

    def _refusal(self, parsed: ParsedFile, ident: str, copies: list[Record]) -> str | None:
        """Why an event cannot be updated, if it cannot."""
        series, overrides = parsed.occurrence(ident) if not copies else (None, [])
        occurrence = series or next((r.event for r in overrides if r.event is not None), None)
        if occurrence is not None:
            return self._repeating(occurrence)
        if not copies or all(r.event is not None and r.event.cancelled for r in copies):
            return f"it is no longer in {self.name} (deleted meanwhile), so rolebot does not re-create it"
        repeating = next((r.event for r in copies if r.event is not None and r.event.repeats), None)
        return None if repeating is None else self._repeating(repeating)

    def _repeating(self, series: IcsEvent) -> str:
        return (
            f"it is an occurrence of the repeating event {series.shown()} (line {series.line}), which rolebot "
            "does not change — change the series in a calendar app, or replace it with single events"
        )

    def _change(self, change: Callable[[ParsedFile, Edit], WriteReport]) -> WriteReport:
        """Apply `change` to the file as it is under the lock; write it if anything changed."""
        with locked(self.path, shown_as=self.name):
            parsed = self._read()
            edit = Edit(parsed.doc)
            report = change(parsed, edit)
            if edit.changed:
                segments = edit.segments()
                text = "".join(segment.text for segment in segments)
                try:
                    write_atomic(self.path, text)
                except OSError as exc:
                    raise LocalDataError(
                        f"cannot write {self.name}: {exc.strerror or exc}", "check the directory and its permissions"
                    ) from None
                self._log(f"{self.name}: written ({len(report.done)} changed)")
                self._remember(parsed, segments, text)
        return report

    def _remember(self, before: ParsedFile, segments: list[Segment], text: str) -> None:
        """Keep what was written as the file's parse, re-reading only the events that are new."""
        doc = Document(segments, before.doc.newline, [], before.doc.timezones, before.doc.calendars)
        known = {id(before.doc.segments[r.position]): r for r in before.records}
        with self._mutex:
            self._parsed = ParsedFile(text.encode("utf-8"), doc, self._records(segments, doc, known))
