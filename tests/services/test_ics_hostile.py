"""Hostile calendar.ics content: each case gives a correct result with one clear warning per
problem, or one clear error line — never a traceback, never lost content."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolebot.errors import LocalDataError
from rolebot.events import new_event
from tests.helpers import ADA, TRIAGER
from tests.services.test_ics_store import Store, calendar, vevent, without

GOOD = vevent("UID:good", "SUMMARY:Support Triager: Chen", "DTSTART;VALUE=DATE:20261209", "DTEND;VALUE=DATE:20261223")
LEFT_OUT = " — rolebot leaves it out, and keeps it in the file as it is"


def lunch(*dates: str, uid: str = "lunch9") -> str:
    return vevent(f"UID:{uid}", "SUMMARY:Team lunch", *dates)


@pytest.mark.parametrize(
    ("event", "zone", "warning"),
    [
        (
            lunch("DTSTART:20261399"),
            "UTC",
            "line 4: the event 'Team lunch' (UID 'lunch9') cannot be read: DTSTART '20261399' is not a valid "
            "date or date-time",
        ),
        (
            lunch("DTSTART:99991231T230000Z", "DTEND:99991231T233000Z"),
            "Asia/Tokyo",
            "line 4: the event 'Team lunch' (UID 'lunch9') cannot be read: 9999-12-31 is too close to the ends "
            "of the calendar",
        ),
        (
            lunch("DTSTART:00010101T000000Z"),
            "America/New_York",
            "cannot be read: 0001-01-01 is too close to the ends of the calendar",
        ),
        (lunch("DTSTART;VALUE=DATE:99991231"), "UTC", "cannot be read: its end is beyond the ends of the calendar"),
        (lunch("DTSTART;VALUE=DATE:20261203", "DTEND;VALUE=DATE:100000101"), "UTC", "DTEND '100000101' is not"),
        (
            lunch("DTSTART;TZID=Mars/Olympus:20261203T120000"),
            "UTC",
            "cannot be read: its DTSTART names the time zone 'Mars/Olympus', neither in the zone database nor "
            "defined in the file",
        ),
        (lunch("DTSTART;VALUE=DATE:20261203", "DTEND:20261203T130000Z"), "UTC", "are not of the same kind"),
        (lunch("DTSTART:20261203T120000Z", "DURATION:P1Y"), "UTC", "DURATION 'P1Y' is not a duration"),
        (lunch("DTSTART:20261203T120000", "DTEND;TZID=Europe/Paris:20261203T130000"), "UTC", "same kind"),
        (vevent("SUMMARY:Team lunch", "DTSTART:20261203T120000Z"), "UTC", "'Team lunch' cannot be read: it has no UID"),
        (lunch(), "UTC", "the event 'Team lunch' (UID 'lunch9') cannot be read: it has no DTSTART"),
        (
            lunch("DTSTART:20261203T120000Z", "RRULE:FREQ=SOMETIMES"),
            "UTC",
            "the repeating event 'Team lunch' (UID 'lunch9') cannot be read: its recurrence cannot be followed "
            "(invalid 'FREQ': SOMETIMES)",
        ),
        (
            lunch("DTSTART;TZID=Europe/Paris:20261203T120000", "RRULE:FREQ=WEEKLY;UNTIL=20270101"),
            "UTC",
            "its recurrence cannot be followed (RRULE UNTIL values must be specified in UTC",
        ),
        (
            lunch("DTSTART;VALUE=DATE:20261203", "RRULE:FREQ=WEEKLY;COUNT=2", "EXDATE:20261210T120000Z"),
            "UTC",
            "EXDATE '20261210T120000Z' is not of the same kind as its DTSTART",
        ),
    ],
)
def test_an_event_that_cannot_be_read_is_reported_left_out_and_kept(
    tmp_path: Path, event: str, zone: str, warning: str
) -> None:
    store = Store(tmp_path / "calendar.ics", zone)
    original = calendar(event, GOOD)
    store.write(original)
    assert [e[0] for e in store.listed()] == ["good"]
    (said,) = store.warnings
    assert said.startswith("state/calendar.ics line ")
    assert warning in said
    assert said.endswith(LEFT_OUT)
    turn = new_event(TRIAGER, ADA, date(2026, 12, 2))
    store.create(turn)
    assert without(store.text(), turn.id) == original
    assert store.warnings == [said]  # once per run


@pytest.mark.parametrize(
    ("lines", "warning"),
    [
        (["this line is not iCalendar"], "line 4: cannot read 'this line is not iCalendar' — kept as it is"),
        (["END:VTODO"], "line 4: END:VTODO closes nothing — kept as it is"),
        (["BEGIN:VEVENT", "UID:x"], "line 4: BEGIN:VEVENT has no END:VEVENT (lines 4–11 are ignored) — kept as it is"),
        (["BEGIN:VTODO", "SUMMARY:x"], "line 4: BEGIN:VTODO has no END:VTODO (lines 4–11 are ignored) — kept as it is"),
    ],
)
def test_a_line_that_cannot_be_read_is_reported_and_kept(tmp_path: Path, lines: list[str], warning: str) -> None:
    store = Store(tmp_path / "calendar.ics")
    original = calendar("".join(f"{line}\r\n" for line in lines), GOOD)
    store.write(original)
    listed = [e[0] for e in store.listed()]
    assert store.warnings == [f"state/calendar.ics {warning}"]
    turn = new_event(TRIAGER, ADA, date(2026, 12, 2))
    store.create(turn)
    assert without(store.text(), turn.id) == original
    assert listed == ([] if lines[0].startswith("BEGIN") else ["good"])  # an open component runs to END:VCALENDAR


def test_a_line_that_cannot_be_read_inside_an_event_keeps_the_event(tmp_path: Path) -> None:
    store = Store(tmp_path / "calendar.ics")
    store.write(calendar(GOOD.replace("SUMMARY", "garbage \x00 here\r\nSUMMARY")))
    assert [e[1] for e in store.listed()] == ["Support Triager: Chen"]
    assert store.warnings == ["state/calendar.ics line 6: cannot read 'garbage \\x00 here' — kept as it is"]
    turn = new_event(TRIAGER, ADA, date(2027, 1, 6))
    store.calendar.update_events([new_event(TRIAGER, ADA, date(2026, 12, 9))], lambda n: None)  # another ID
    store.create(turn)
    assert "garbage \x00 here\r\n" in store.text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"BEGIN:VCALENDAR\r\n\xff\xfe\r\nEND:VCALENDAR\r\n", "state/calendar.ics is not UTF-8 text (byte 0xff at "),
        (b"this is not a calendar", "state/calendar.ics is not a valid iCalendar file (no BEGIN:VCALENDAR)"),
        (b"BEGIN:VCALENDAR\rVERSION:2.0\rEND:VCALENDAR\r", "is not a valid iCalendar file (no BEGIN:VCALENDAR)"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n",
            "is not a valid iCalendar file (BEGIN:VCALENDAR on line 1 has no END:VCALENDAR)",
        ),
        (bytes(range(256)) * 4, "is not UTF-8 text"),
    ],
)
def test_a_file_that_is_no_calendar_is_one_clear_line_and_never_written(
    tmp_path: Path, content: bytes, message: str
) -> None:
    store = Store(tmp_path / "calendar.ics")
    store.path.write_bytes(content)
    for attempt in (lambda: store.listed(), lambda: store.create(new_event(TRIAGER, ADA, date(2026, 12, 2)))):
        with pytest.raises(LocalDataError) as caught:
            attempt()
        assert message in str(caught.value)
        assert "\n" not in str(caught.value)
    assert store.path.read_bytes() == content


def test_deeply_nested_components_are_no_problem(tmp_path: Path) -> None:
    store = Store(tmp_path / "calendar.ics")
    nested = "BEGIN:X\r\n" * 5000 + "END:X\r\n" * 5000
    original = calendar(nested, GOOD)
    store.write(original)
    assert [e[0] for e in store.listed()] == ["good"]
    store.create(new_event(TRIAGER, ADA, date(2026, 12, 2)))
    assert without(store.text(), new_event(TRIAGER, ADA, date(2026, 12, 2)).id) == original


HOSTILE = st.sampled_from(
    [
        GOOD,
        lunch("DTSTART:20261203T120000Z"),
        lunch("DTSTART:20261399"),
        lunch("DTSTART;TZID=Nowhere:20261203T120000"),
        lunch("DTSTART;VALUE=DATE:20261203", "RRULE:FREQ=WEEKLY;COUNT=3"),
        lunch("DTSTART;VALUE=DATE:20261203", "RRULE:FREQ=YEARLY;BYMONTH=13"),
        lunch("DTSTART;VALUE=DATE:99991231"),
        lunch("RECURRENCE-ID;VALUE=DATE:20261210", "DTSTART;VALUE=DATE:20261211", uid="lunch9"),
        "BEGIN:VEVENT\r\nUID:open\r\n",
        "END:VEVENT\r\n",
        "BEGIN:VALARM\r\n",
        "not a line\r\n",
        " folded continuation\r\n",
        'X-Y;Z="unclosed:quote\r\n',
        "\r\n",
        "BEGIN:VTIMEZONE\r\nTZID:Nowhere\r\nEND:VTIMEZONE\r\n",
        "DTSTART:20261203\r\n",
    ]
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.lists(HOSTILE, max_size=8), st.sampled_from(["UTC", "Asia/Tokyo", "America/New_York"]))
def test_fuzzed_calendars_give_a_result_or_one_line_and_lose_nothing(parts: list[str], zone: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        store = Store(Path(scratch) / "calendar.ics", zone)
        original = calendar(*parts)
        store.write(original)
        try:
            store.listed()
        except LocalDataError as error:
            problem: LocalDataError | None = error
        else:
            problem = None
        if problem is not None:
            assert "\n" not in str(problem)
            return
        assert all("\n" not in warning for warning in store.warnings)
        turn = new_event(TRIAGER, ADA, date(2026, 12, 2))
        report = store.calendar.create_events([turn], lambda n: None)
        if report.done:
            assert without(store.text(), turn.id) == original
            assert turn.id in [e[0] for e in store.listed()]
        else:
            assert store.text() == original
