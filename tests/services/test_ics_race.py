"""Two processes writing calendar.ics at once never lose each other's events.

Each writer is a real process. They start together (a barrier) and each reads the calendar
first, as `rotate` does; then each writes with a slow progress callback, which runs while the
writer holds what it read: without the lock, both would write what they read plus their own
events, and the last one would win (issue 10 saw it in 5 of 5 trials)."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest

from rolebot.events import new_event
from rolebot.models import CalendarEvent, NewEvent
from rolebot.services.local.ics_store import IcsCalendar
from tests.helpers import ADA, BRUNO, CHEN, DANA, FACILITATOR, TRIAGER, listed

pytestmark = pytest.mark.slow
FORK = multiprocessing.get_context("fork")
TRIALS = 5


def weekly(count: int) -> list[NewEvent]:
    return [new_event(TRIAGER, (ADA, BRUNO)[i % 2], date(2026, 12, 2) + timedelta(weeks=i)) for i in range(count)]


def monthly(count: int) -> list[NewEvent]:
    return [new_event(FACILITATOR, (CHEN, DANA)[i % 2], date(2027, 1 + i, 1)) for i in range(count)]


def _write(path: str, kind: str, events: Sequence[NewEvent | CalendarEvent], start: object) -> None:
    store = IcsCalendar(Path(path), "UTC", "state/calendar.ics")
    store.list_events(date(2026, 1, 1), None)  # read first, as rotate does
    start.wait(10)  # type: ignore[attr-defined]
    slowly = lambda n: time.sleep(0.02)  # noqa: E731 - the writer holds what it read meanwhile
    if kind == "create":
        report = store.create_events(events, slowly)  # type: ignore[arg-type]
    elif kind == "update":
        report = store.update_events(events, slowly)  # type: ignore[arg-type]
    else:
        report = store.delete_events(events, slowly)  # type: ignore[arg-type]
    if not report.ok or not report.done:
        raise SystemExit(f"{kind}: {report}")


def race(path: Path, *writers: tuple[str, Sequence[NewEvent | CalendarEvent]]) -> None:
    start = FORK.Barrier(len(writers))
    processes = [FORK.Process(target=_write, args=(str(path), kind, events, start)) for kind, events in writers]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0] * len(writers)


def summaries(path: Path) -> dict[str, str]:
    return {e.id: e.summary for e in IcsCalendar(path, "UTC").list_events(date(2026, 1, 1), None)}


@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_roles_created_at_once_are_both_kept(tmp_path: Path, trial: int) -> None:
    path = tmp_path / "calendar.ics"
    race(path, ("create", weekly(8)), ("create", monthly(6)))
    assert set(summaries(path)) == {e.id for e in weekly(8) + monthly(6)}
    assert path.read_text().count("BEGIN:VEVENT") == 14


@pytest.mark.parametrize("trial", range(TRIALS))
def test_updates_deletes_and_creates_at_once_each_land(tmp_path: Path, trial: int) -> None:
    path = tmp_path / "calendar.ics"
    IcsCalendar(path, "UTC").create_events(weekly(8), lambda n: None)
    replanned = [new_event(TRIAGER, CHEN, e.start) for e in weekly(8)[:4]]
    gone = [listed(e) for e in weekly(8)[4:]]
    race(path, ("update", replanned), ("delete", gone), ("create", monthly(6)))
    after = summaries(path)
    assert set(after) == {e.id for e in weekly(8)[:4] + monthly(6)}
    assert all(after[e.id] == "Support Triager: Chen" for e in replanned)
