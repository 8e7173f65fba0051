"""calendar.ics as the store holds it: the file as read (its events by ID), and edits to it.

An edit removes, replaces or adds event segments; every other segment of the file is kept as the
same object, so what rolebot writes is the file as it was, byte for byte, apart from the events
it changed (`ics_text`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rolebot.services.local.ics_event import IcsEvent
from rolebot.services.local.ics_text import Document, EventText, Segment, split
from rolebot.services.local.recurrence import instance_id


@dataclass(frozen=True)
class Record:
    """A VEVENT of the file: where it is, its ID, and what rolebot reads of it (None: unreadable)."""

    position: int
    id: str | None
    text: EventText
    event: IcsEvent | None


@dataclass
class ParsedFile:
    """The file as read: its bytes (None: no file yet), its segments and its events by ID."""

    data: bytes | None
    doc: Document
    records: list[Record]
    by_id: dict[str, list[Record]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for record in self.records:
            if record.id is not None:
                self.by_id.setdefault(record.id, []).append(record)

    def occurrence(self, ident: str) -> tuple[IcsEvent | None, list[Record]]:
        """For an occurrence's ID (`<series ID>_<start>`): its series, if in the file, and its overrides."""
        base, _, _ = ident.rpartition("_")
        records = self.by_id.get(base, [])
        series = next((r.event for r in masters(records) if r.event is not None and r.event.repeats), None)
        overrides = [
            r
            for r in records
            if r.event is not None
            and r.event.recurrence_id is not None
            and instance_id(base, r.event.recurrence_id) == ident
        ]
        return series, overrides


def masters(records: Iterable[Record]) -> list[Record]:
    """The copies of an event itself, not overrides of one of its occurrences."""
    return [r for r in records if r.event is None or r.event.recurrence_id is None]


class Edit:
    """Changes to a document's segments: events removed, replaced, or added before the last
    END:VCALENDAR. Every other segment is kept as it is (the same object)."""

    def __init__(self, doc: Document) -> None:
        self._doc = doc
        self._removed: set[int] = set()
        self._replaced: dict[int, Segment] = {}
        self._added: list[Segment] = []
        self.added: set[str] = set()
        """IDs of the events added."""

    @property
    def changed(self) -> bool:
        return bool(self._removed or self._replaced or self._added)

    def add(self, ident: str, text: str) -> None:
        self._added.append(event_segment(text))
        self.added.add(ident)

    def replace(self, position: int, text: str) -> None:
        if text != self._doc.segments[position].text:
            self._replaced[position] = event_segment(text)

    def remove(self, position: int) -> None:
        self._removed.add(position)

    def segments(self) -> list[Segment]:
        closing = max(i for i, s in enumerate(self._doc.segments) if s.closes_calendar)
        out: list[Segment] = []
        for position, segment in enumerate(self._doc.segments):
            if position == closing:
                out.extend(self._added)
            if position not in self._removed:
                out.append(self._replaced.get(position, segment))
        return out


def event_segment(text: str) -> Segment:
    """The segment of a VEVENT rolebot wrote, parsed as the file's own are."""
    (segment,) = (s for s in split(f"BEGIN:VCALENDAR\n{text}END:VCALENDAR\n").segments if s.event is not None)
    return segment
