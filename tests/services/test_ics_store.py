"""The iCalendar store with files other apps wrote: kept byte for byte, read once, written only
when something changed; hostile content is reported in one line each, never a traceback."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from rolebot.events import new_event
from rolebot.models import NewEvent
from rolebot.services.local.ics_store import IcsCalendar
from tests.helpers import ADA, BRUNO, CHEN, DANA, FACILITATOR, TRIAGER, listed

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def vevent(*lines: str) -> str:
    return "".join(f"{line}\r\n" for line in ("BEGIN:VEVENT", *lines, "END:VEVENT"))


def calendar(*events: str) -> str:
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other app//EN\r\n" + "".join(events) + "END:VCALENDAR\r\n"


LUNCH = vevent("UID:lunch1", "DTSTAMP:20260101T000000Z", "SUMMARY:Team lunch", "DTSTART;VALUE=DATE:20261203")


class Store:
    """An IcsCalendar on a file in the test's directory, with its warnings and log kept."""

    def __init__(self, path: Path, zone: str = "UTC") -> None:
        self.path = path
        self.warnings: list[str] = []
        self.log: list[str] = []
        self.calendar = IcsCalendar(
            path, zone, "state/calendar.ics", warn=self.warnings.append, log=self.log.append, clock=lambda: NOW
        )

    def write(self, text: str) -> None:
        self.path.write_bytes(text.encode())

    def text(self) -> str:
        return self.path.read_bytes().decode()

    def listed(self, start: date = date(2026, 1, 1), end: date | None = None) -> list[tuple[str, str, date, date]]:
        return [(e.id, e.summary, e.start, e.end) for e in self.calendar.list_events(start, end)]

    def create(self, *events: NewEvent) -> tuple[int, int]:
        report = self.calendar.create_events(events, lambda n: None)
        assert report.ok
        return len(report.done), len(report.already)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "calendar.ics")


def without(text: str, *ids: str) -> str:
    """The text with rolebot's VEVENTs of these IDs cut out."""
    for ident in ids:
        text = re.sub(rf"BEGIN:VEVENT\r\nUID:{ident}@rolebot\r\n.*?END:VEVENT\r\n", "", text, flags=re.DOTALL)
    return text


# --- read once, write only when something changed, keep the rest byte for byte -----------------------


def test_the_file_is_parsed_once_and_rewritten_only_when_something_changed(store: Store) -> None:
    store.write(calendar(LUNCH))
    turn = new_event(TRIAGER, ADA, date(2026, 12, 2))
    assert [e[1] for e in store.listed()] == ["Team lunch"]
    assert store.create(turn) == (1, 0)
    assert store.log == ["state/calendar.ics: parsed 1 events", "state/calendar.ics: written (1 changed)"]
    inode = store.path.stat().st_ino
    assert store.create(turn) == (0, 1)
    assert store.calendar.delete_events([listed(new_event(TRIAGER, BRUNO, date(2026, 12, 9)))], lambda n: None).already
    assert len(store.listed()) == 2
    assert store.path.stat().st_ino == inode  # never replaced: nothing changed
    assert len(store.log) == 2  # and never parsed again: what was written is what was remembered


def test_a_change_by_another_program_is_read_again(store: Store) -> None:
    store.write(calendar(LUNCH))
    assert len(store.listed()) == 1
    store.write(calendar(LUNCH, vevent("UID:x", "SUMMARY:Offsite", "DTSTART;VALUE=DATE:20261210")))
    assert [e[0] for e in store.listed()] == ["lunch1", "x"]
    assert store.log == ["state/calendar.ics: parsed 1 events", "state/calendar.ics: parsed 2 events"]


def test_events_rolebot_does_not_own_stay_byte_for_byte(store: Store) -> None:
    theirs = (
        "BEGIN:VCALENDAR\nPRODID:-//Thunderbird//EN\nVERSION:2.0\n"
        "BEGIN:VTIMEZONE\nTZID:Europe/Berlin\nBEGIN:STANDARD\nDTSTART:19701025T030000\nTZOFFSETFROM:+0200\n"
        "TZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE\n"
        'BEGIN:VEVENT\nCREATED:20260101T000000Z\nUID:a\nSUMMARY:Long\n  folded\\, escaped\nX-APP;X-P="1:2":v\n'
        "DTSTART;TZID=Europe/Berlin:20261204T090000\nDTEND;TZID=Europe/Berlin:20261204T100000\n"
        "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nEND:VALARM\nEND:VEVENT\n"
        "X-CALENDAR-PROPERTY:after the event\n"
        "END:VCALENDAR\n"
    )
    store.write(theirs)
    turns = [new_event(TRIAGER, ADA, date(2026, 12, 2)), new_event(TRIAGER, BRUNO, date(2026, 12, 9))]
    store.create(*turns)
    written = store.text()
    assert "\r" not in written  # the file's own line ends
    assert without(written.replace("\n", "\r\n"), *(t.id for t in turns)).replace("\r\n", "\n") == theirs
    store.calendar.delete_events([listed(turns[0])], lambda n: None)
    store.calendar.update_events([new_event(TRIAGER, CHEN, date(2026, 12, 9))], lambda n: None)
    store.calendar.delete_events([listed(turns[1])], lambda n: None)
    assert store.text() == theirs


def test_a_new_file_and_an_empty_one(store: Store) -> None:
    store.write("")
    assert store.listed() == []
    store.create(new_event(TRIAGER, ADA, date(2026, 12, 2)))
    text = store.text()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rolebot//team roles//EN\r\n")
    assert text.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")


def test_a_symlinked_calendar_stays_a_link(tmp_path: Path) -> None:
    target = tmp_path / "shared" / "team.ics"
    target.parent.mkdir()
    target.write_text(calendar(LUNCH))
    link = tmp_path / "calendar.ics"
    link.symlink_to(target)
    Store(link).create(new_event(TRIAGER, ADA, date(2026, 12, 2)))
    assert link.is_symlink()
    assert target.read_text().count("BEGIN:VEVENT") == 2
    assert (target.parent / ".team.ics.lock").exists()


# --- private properties ----------------------------------------------------------------------------


def test_every_private_key_is_written_and_read_back(store: Store) -> None:
    class Pinned(NewEvent):
        @property
        def private(self) -> dict[str, str]:
            return {**super().private, "rolebot_pinned": "swap", "rolebot_swap_with": "2026-12-09, Bruno; ok"}

    base = new_event(TRIAGER, ADA, date(2026, 12, 2))
    pinned = Pinned(base.id, base.role, base.member, base.summary, base.description, base.start, base.end)
    store.create(pinned)
    text = store.text()
    assert "X-ROLEBOT-ROLE:support-triager\r\n" in text
    assert f"X-ROLEBOT-MEMBER:{ADA.id}\r\n" in text
    assert "X-ROLEBOT-PINNED:swap\r\nX-ROLEBOT-ROLE" in text
    assert "X-ROLEBOT-SWAP-WITH:2026-12-09\\, Bruno\\; ok\r\n" in text
    (event,) = store.calendar.list_events(date(2026, 12, 1), None)
    assert event.private == pinned.private


# --- update_events ----------------------------------------------------------------------------------


def test_update_rewrites_in_place_and_keeps_the_rest_of_the_event(store: Store) -> None:
    turn = new_event(TRIAGER, ADA, date(2026, 12, 2))
    store.create(turn)
    text = store.text().replace("TRANSP:TRANSPARENT\r\n", "TRANSP:OPAQUE\r\nX-APP:kept\r\nSEQUENCE:4\r\n")
    store.write(text.replace("END:VEVENT", "BEGIN:VALARM\r\nTRIGGER:-PT1H\r\nEND:VALARM\r\nEND:VEVENT"))
    replanned = new_event(TRIAGER, DANA, date(2026, 12, 2))
    report = store.calendar.update_events([replanned], lambda n: None)
    assert (report.done, report.already, report.failed) == ([turn.id], [], [])
    after = store.text()
    assert after.count(f"UID:{turn.id}@rolebot") == 1
    assert "SUMMARY:Support Triager: Dana" in after
    assert f"X-ROLEBOT-MEMBER:{DANA.id}" in after
    assert "SEQUENCE:5\r\n" in after
    for kept in ("TRANSP:OPAQUE", "X-APP:kept", "BEGIN:VALARM\r\nTRIGGER:-PT1H\r\nEND:VALARM"):
        assert kept in after
    (event,) = store.calendar.list_events(date(2026, 12, 1), None)
    assert (event.id, event.summary, event.private) == (turn.id, "Support Triager: Dana", replanned.private)


def test_update_changes_dates_and_drops_private_keys_the_new_event_lacks(store: Store) -> None:
    turn = new_event(FACILITATOR, ADA, date(2027, 1, 1))
    store.write(
        calendar(
            vevent(
                f"UID:{turn.id}@rolebot",
                "SUMMARY:Meeting Facilitator: Ada",
                "DTSTART;TZID=Europe/Berlin:20270101T090000",
                "DURATION:PT1H",
                "X-ROLEBOT-ROLE:meeting-facilitator",
                "X-ROLEBOT-PINNED:cover",
            )
        )
    )
    assert store.calendar.update_events([turn], lambda n: None).done == [turn.id]
    after = store.text()
    assert "DTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270201\r\n" in after
    assert "DURATION" not in after
    assert "PINNED" not in after
    assert store.calendar.update_events([turn], lambda n: None).already == [turn.id]


def test_update_reports_already_and_writes_nothing_when_nothing_differs(store: Store) -> None:
    turn = new_event(TRIAGER, ADA, date(2026, 12, 2))
    store.create(turn)
    before = store.path.stat().st_ino
    report = store.calendar.update_events([turn], lambda n: None)
    assert (report.done, report.already) == ([], [turn.id])
    assert store.path.stat().st_ino == before


def test_an_event_deleted_meanwhile_is_failed_and_never_recreated(store: Store) -> None:
    gone, cancelled = new_event(TRIAGER, ADA, date(2026, 12, 2)), new_event(TRIAGER, BRUNO, date(2026, 12, 9))
    store.write(calendar(LUNCH, vevent(f"UID:{cancelled.id}@rolebot", "STATUS:CANCELLED", "DTSTART:20261209")))
    before = store.text()
    progress: list[int] = []
    report = store.calendar.update_events([gone, cancelled], progress.append)
    assert report.done == report.already == []
    assert [(i, reason) for i, reason in report.failed] == [
        (gone.id, "it is no longer in state/calendar.ics (deleted meanwhile), so rolebot does not re-create it"),
        (cancelled.id, "it is no longer in state/calendar.ics (deleted meanwhile), so rolebot does not re-create it"),
    ]
    assert sum(progress) == 2
    assert store.text() == before


def test_a_private_key_rolebot_cannot_name_is_a_bug_not_a_file(store: Store) -> None:
    class Odd(NewEvent):
        @property
        def private(self) -> dict[str, str]:
            return {"Pinned": "x"}

    base = new_event(TRIAGER, ADA, date(2026, 12, 2))
    with pytest.raises(ValueError, match="private key 'Pinned'"):
        store.create(Odd(base.id, base.role, base.member, base.summary, base.description, base.start, base.end))
    assert not store.path.exists()


# --- duplicate UIDs ----------------------------------------------------------------------------------


def test_copies_of_one_event_are_read_once_and_deleted_together(store: Store) -> None:
    turn = new_event(TRIAGER, ADA, date(2026, 12, 2))
    store.create(turn)
    one = store.text()
    copy = one[one.index("BEGIN:VEVENT") : one.index("END:VCALENDAR")]
    store.write(one.replace("END:VCALENDAR", LUNCH + copy + "END:VCALENDAR"))
    assert [e[0] for e in store.listed()] == [turn.id, "lunch1"]
    assert store.warnings == [
        f"state/calendar.ics lines 5, 24: 2 events have the ID '{turn.id}'; rolebot reads the first, "
        "and deletes or updates them together"
    ]
    report = store.calendar.delete_events([listed(turn)], lambda n: None)
    assert (report.done, report.already) == ([turn.id], [])
    assert "Support Triager" not in store.text()
    assert [e[0] for e in store.listed()] == ["lunch1"]


def test_copies_are_updated_together(store: Store) -> None:
    turn = new_event(TRIAGER, ADA, date(2026, 12, 2))
    store.write(calendar(vevent(f"UID:{turn.id}@rolebot", "SUMMARY:Support Triager: Ada", "DTSTART:20261202")) * 1)
    text = store.text()
    block = text[text.index("BEGIN:VEVENT") : text.index("END:VCALENDAR")]
    store.write(text.replace("END:VCALENDAR", block + "END:VCALENDAR"))
    assert store.calendar.update_events([turn], lambda n: None).done == [turn.id]
    assert store.text().count("SUMMARY:Support Triager: Ada\r\n") == 2
    assert store.text().count("DTSTART;VALUE=DATE:20261202\r\n") == 2
    assert store.calendar.update_events([turn], lambda n: None).already == [turn.id]
