"""Repeating events in calendar.ics are read as their occurrences, as the live calendar lists them
(`singleEvents=true`), and are never edited: a write to an occurrence says why it was not done."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from rolebot.events import new_event
from rolebot.models import CalendarEvent
from rolebot.services.local.recurrence import MAX_STEPS
from tests.helpers import ADA, TRIAGER
from tests.services.test_ics_store import Store, calendar, vevent

ADA_WEEKLY = vevent(
    "UID:series1",
    "SUMMARY:Support Triager: Ada",
    "DTSTART;VALUE=DATE:20261202",
    "DTEND;VALUE=DATE:20261203",
    "RRULE:FREQ=WEEKLY;COUNT=5",
    "EXDATE;VALUE=DATE:20261216",
)
BRUNO_INSTEAD = vevent(
    "UID:series1",
    "RECURRENCE-ID;VALUE=DATE:20261209",
    "SUMMARY:Support Triager: Bruno",
    "DTSTART;VALUE=DATE:20261210",
    "DTEND;VALUE=DATE:20261211",
)
CANCELLED = vevent("UID:series1", "RECURRENCE-ID;VALUE=DATE:20261230", "STATUS:CANCELLED", "DTSTART:20261230")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "calendar.ics")


def test_a_series_is_its_occurrences_with_exceptions_and_overrides(store: Store) -> None:
    store.write(calendar(ADA_WEEKLY, BRUNO_INSTEAD, CANCELLED))
    assert store.listed() == [
        ("series1_20261202", "Support Triager: Ada", date(2026, 12, 2), date(2026, 12, 3)),
        ("series1_20261209", "Support Triager: Bruno", date(2026, 12, 10), date(2026, 12, 11)),
        ("series1_20261223", "Support Triager: Ada", date(2026, 12, 23), date(2026, 12, 24)),
    ]
    assert store.listed(date(2026, 12, 5), date(2026, 12, 24)) == store.listed()[1:]
    assert store.warnings == []


def test_rdates_add_occurrences_and_a_period_counts_from_its_start(store: Store) -> None:
    store.write(
        calendar(
            vevent(
                "UID:r",
                "SUMMARY:Offsite",
                "DTSTART:20261201T090000Z",
                "DURATION:PT2H",
                "RDATE;VALUE=PERIOD:20261215T090000Z/PT2H,20270105T090000Z/20270105T110000Z",
            )
        )
    )
    assert [(i, s) for i, _, s, _ in store.listed()] == [
        ("r_20261201T090000Z", date(2026, 12, 1)),
        ("r_20261215T090000Z", date(2026, 12, 15)),
        ("r_20270105T090000Z", date(2027, 1, 5)),
    ]


def test_a_timed_series_keeps_its_local_time_across_a_daylight_saving_change(store: Store) -> None:
    # 19:30 in New York is 23:30 UTC in summer time and 00:30 UTC, the next day, in winter time.
    store.write(
        calendar(
            vevent(
                "UID:call",
                "SUMMARY:Call",
                "DTSTART;TZID=America/New_York:20261030T193000",
                "DTEND;TZID=America/New_York:20261030T200000",
                "RRULE:FREQ=DAILY;COUNT=4",
            )
        )
    )
    assert [(s, e) for _, _, s, e in store.listed()] == [
        (date(2026, 10, 30), date(2026, 10, 31)),
        (date(2026, 10, 31), date(2026, 11, 1)),
        (date(2026, 11, 2), date(2026, 11, 2)),
        (date(2026, 11, 3), date(2026, 11, 3)),
    ]


def test_an_endless_series_reaches_past_any_horizon_or_to_the_listings_end(store: Store) -> None:
    store.write(calendar(vevent("UID:w", "SUMMARY:Weekly", "DTSTART;VALUE=DATE:20200101", "RRULE:FREQ=WEEKLY")))
    everything = store.calendar.list_events(date(2026, 12, 1), None)
    assert everything[0].start == date(2026, 12, 2)
    assert date(2076, 11, 1) < everything[-1].start < date(2077, 2, 1)  # 50 years: beyond 520 monthly turns
    assert len(store.calendar.list_events(date(2026, 12, 1), date(2027, 1, 1))) == 5


@pytest.mark.slow
def test_a_series_that_repeats_too_often_is_cut_with_a_warning(store: Store) -> None:
    store.write(calendar(vevent("UID:s", "SUMMARY:Tick", "DTSTART:20261202T000000Z", "RRULE:FREQ=SECONDLY")))
    events = store.calendar.list_events(date(2026, 12, 2), None)
    assert len(events) == MAX_STEPS
    assert store.warnings == [
        "state/calendar.ics line 4: the event 'Tick' (UID 's') repeats more than 50,000 times: "
        "rolebot reads its occurrences until 2026-12-02 only"
    ]


def test_an_occurrence_is_never_edited_and_says_why(store: Store) -> None:
    original = calendar(ADA_WEEKLY, BRUNO_INSTEAD)
    store.write(original)
    first, moved, *_ = store.calendar.list_events(date(2026, 12, 1), None)
    deleted = store.calendar.delete_events([first, moved], lambda n: None)
    why = (
        "it is an occurrence of the repeating event 'Support Triager: Ada' (UID 'series1') (line 4), which rolebot "
        "does not change — change the series in a calendar app, or replace it with single events"
    )
    assert deleted.failed == [(first.id, why), (moved.id, why)]
    assert deleted.done == deleted.already == []
    as_occurrence = replace(new_event(TRIAGER, ADA, date(2026, 12, 2)), id=first.id)
    assert store.calendar.update_events([as_occurrence], lambda n: None).failed == [(first.id, why)]
    assert store.text() == original


def test_an_override_without_its_series_stands_alone_and_can_be_deleted(store: Store) -> None:
    store.write(calendar(BRUNO_INSTEAD, vevent("UID:lunch", "SUMMARY:Lunch", "DTSTART;VALUE=DATE:20261211")))
    (moved, lunch) = store.calendar.list_events(date(2026, 12, 1), None)
    assert (moved.id, moved.summary, moved.start) == ("series1_20261209", "Support Triager: Bruno", date(2026, 12, 10))
    assert store.calendar.delete_events([moved], lambda n: None).done == [moved.id]
    assert [e.id for e in store.calendar.list_events(date(2026, 12, 1), None)] == [lunch.id]
    assert isinstance(lunch, CalendarEvent)
