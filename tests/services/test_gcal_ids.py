"""Events rewritten in place (`update_events`), and each date's second ID for when Google keeps
the first reserved after a purge. Driven for real against the fake Google."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from rolebot.errors import ServiceError
from rolebot.events import event_id, new_event, second_event_id
from rolebot.models import NewEvent, WriteReport
from rolebot.services.gcal import GoogleCalendar
from tests.conftest import Sleeps
from tests.fakes.google import FakeGoogle, load_test_key
from tests.helpers import TRIAGER, listed
from tests.services.gcal_support import (
    ADA,
    BRUNO,
    FIRST,
    YEAR_LATER,
    Progress,
    api_calls,
    batch_posts,
    confirmed,
    connect,
    rolebots,
)


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    fake = FakeGoogle()
    with fake.serve():
        yield fake


def moved(events: list[NewEvent]) -> list[NewEvent]:
    """The same turns (same IDs), each now served by the other member: what a replan writes."""
    return [replace(new_event(TRIAGER, BRUNO if e.member == ADA else ADA, e.start), id=e.id) for e in events]


def stored(google: FakeGoogle) -> dict[str, dict[str, object]]:
    return {e["id"]: e for e in google.events(include_cancelled=True)}


# --- update_events ----------------------------------------------------------------------------


def test_a_replan_of_50_moved_events_is_one_batch_request(google: FakeGoogle, sleeps: Sleeps) -> None:
    calendar = connect(google, sleeps)
    events = rolebots(50)
    calendar.create_events(events, Progress())
    calendar.list_events(FIRST, YEAR_LATER)
    before, progress = batch_posts(google), Progress()

    report = calendar.update_events(moved(events), progress)

    assert sorted(report.done) == sorted(e.id for e in events)
    assert report.ok
    assert batch_posts(google) - before == 1
    assert progress.total == 50
    after = stored(google)
    assert sorted(after) == sorted(e.id for e in events)  # the same IDs: rewritten in place
    for new in moved(events):
        event = after[new.id]
        assert event["summary"] == new.summary
        assert event["description"] == new.description
        assert event["start"] == {"date": new.start.isoformat()}
        assert event["end"] == {"date": new.end.isoformat()}
        assert event["transparency"] == "transparent"
        assert event["extendedProperties"] == {"private": dict(new.private)}
        assert event["status"] == "confirmed"
    assert len(google.calls_of("PUT", in_batch=True)) == 50


def test_an_update_that_changes_nothing_is_already_done_without_a_call(google: FakeGoogle, sleeps: Sleeps) -> None:
    calendar = connect(google, sleeps)
    events = rolebots(3)
    calendar.create_events(events, Progress())
    calendar.list_events(FIRST, YEAR_LATER)
    changed = [events[0], *moved(events[1:])]
    first = calendar.update_events(changed, Progress())
    requests = calendar.requests

    again = calendar.update_events(changed, Progress())

    assert sorted(first.done) == sorted(e.id for e in events[1:])
    assert first.already == [events[0].id]
    assert again == WriteReport(already=[e.id for e in changed])
    assert calendar.requests == requests  # nothing sent


def test_an_event_deleted_meanwhile_is_failed_and_never_recreated(google: FakeGoogle, sleeps: Sleeps) -> None:
    calendar = connect(google, sleeps)
    events = rolebots(3)
    calendar.create_events(events, Progress())
    calendar.list_events(FIRST, YEAR_LATER)
    connect(google, sleeps).delete_events([listed(events[1])], Progress())  # someone else, meanwhile

    report = calendar.update_events(moved(events), Progress())

    assert sorted(report.done) == sorted([events[0].id, events[2].id])
    assert report.failed == [
        (events[1].id, "it no longer exists (deleted meanwhile): not re-created (it is in the calendar's bin)")
    ]
    assert stored(google)[events[1].id]["status"] == "cancelled"
    assert [e["id"] for e in confirmed(google)] == [events[0].id, events[2].id]


def test_an_event_gone_for_good_is_failed_after_trying_both_its_ids(google: FakeGoogle, sleeps: Sleeps) -> None:
    calendar = connect(google, sleeps)
    [gone, kept] = rolebots(2)
    calendar.create_events([gone, kept], Progress())
    google.purge(gone.id)
    since = len(google.calls)

    report = calendar.update_events(moved([gone, kept]), Progress())

    assert report.done == [kept.id]
    assert report.failed == [(gone.id, "it no longer exists (deleted meanwhile): not re-created")]
    second = second_event_id(TRIAGER.key, gone.start)
    assert sorted(c for c in api_calls(google, since) if c[0] == "PUT") == sorted(
        [("PUT", gone.id, 404), ("PUT", kept.id, 200), ("PUT", second, 404)]
    )
    assert ("GET", None, 200) in api_calls(google, since)  # the probe: the calendar itself is there
    assert second not in stored(google)


def test_an_update_under_the_first_id_reaches_the_event_under_its_second(google: FakeGoogle, sleeps: Sleeps) -> None:
    [new] = rolebots(1)
    google.purge(new.id)
    calendar = connect(google, sleeps)
    calendar.create_events([new], Progress())  # made under the second ID

    report = calendar.update_events(moved([new]), Progress())

    assert report == WriteReport(done=[new.id])
    second = second_event_id(TRIAGER.key, new.start)
    assert stored(google)[second]["summary"] == "Support Triager: Bruno"


def test_an_update_google_refuses_for_that_event_is_failed_not_the_whole_run(
    google: FakeGoogle, sleeps: Sleeps
) -> None:
    """Some report a 403 on updating a deleted event: that event fails, the others are written."""
    calendar = connect(google, sleeps)
    events = rolebots(2)
    calendar.create_events(events, Progress())
    google.fail(1, 403, "forbidden", "Forbidden", method="PUT", event_id=events[0].id)
    report = calendar.update_events(moved(events), Progress())
    assert report.done == [events[1].id]
    assert report.failed == [
        (events[0].id, "Google refuses to update it (HTTP 403 forbidden (Forbidden)): it may have been deleted")
    ]


def test_updating_a_calendar_not_shared_is_one_clear_error(google: FakeGoogle, sleeps: Sleeps) -> None:
    calendar = connect(google, sleeps)
    events = rolebots(2)
    calendar.create_events(events, Progress())
    google.unshare(load_test_key()["client_email"])
    with pytest.raises(ServiceError, match=r"calendar not found, or not shared with the service account \(HTTP 404"):
        calendar.update_events(moved(events), Progress())


def test_updates_are_retried_like_inserts(google: FakeGoogle, sleeps: Sleeps) -> None:
    calendar = connect(google, sleeps)
    events = rolebots(3)
    calendar.create_events(events, Progress())
    google.rate_limit(1, 403, method="PUT", event_id=events[1].id)
    google.server_errors(1, 503, method="PUT", event_id=events[2].id)
    report = calendar.update_events(moved(events), Progress())
    assert sorted(report.done) == sorted(e.id for e in events)
    assert len(sleeps.calls) == 1


# --- a second ID when Google keeps the first reserved after a purge ------------------------------


def test_a_purged_id_is_replaced_by_the_dates_second_id(google: FakeGoogle, sleeps: Sleeps) -> None:
    calendar = connect(google, sleeps)
    events = rolebots(3)
    calendar.create_events(events, Progress())
    calendar.delete_events([listed(events[1])], Progress())
    assert google.empty_bin() == [events[1].id]
    since = len(google.calls)

    report = calendar.create_events(events, Progress())

    assert report.done == [events[1].id]  # reported under the event asked for
    assert sorted(report.already) == sorted([events[0].id, events[2].id])
    second = second_event_id(TRIAGER.key, events[1].start)
    assert [c for c in api_calls(google, since) if c[1] in (events[1].id, second)] == [
        ("POST", events[1].id, 409),
        ("GET", events[1].id, 404),
        ("POST", second, 200),
    ]
    listing = sorted(calendar.list_events(FIRST, YEAR_LATER), key=lambda e: e.start)
    assert [(e.id, e.start) for e in listing] == [
        (events[0].id, events[0].start),
        (second, events[1].start),
        (events[2].id, events[2].start),
    ]
    assert listing[1].private == events[1].private


def test_rerunning_after_a_purge_finds_the_second_id_and_adds_nothing(google: FakeGoogle, sleeps: Sleeps) -> None:
    [new] = rolebots(1)
    google.purge(new.id)
    calendar = connect(google, sleeps)
    assert calendar.create_events([new], Progress()) == WriteReport(done=[new.id])

    again = calendar.create_events([new], Progress())

    assert again == WriteReport(already=[new.id])
    assert [e["id"] for e in confirmed(google)] == [second_event_id(TRIAGER.key, new.start)]


def test_concurrent_runs_after_a_purge_make_one_event(google: FakeGoogle, sleeps: Sleeps) -> None:
    events = rolebots(8)
    google.purge(*(e.id for e in events))
    calendars = [connect(google, sleeps), connect(google, sleeps)]
    start = threading.Barrier(2)
    reports: list[WriteReport] = []

    def run(calendar: GoogleCalendar) -> None:
        start.wait()
        reports.append(calendar.create_events(events, Progress()))

    threads = [threading.Thread(target=run, args=(c,)) for c in calendars]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    seconds = sorted(second_event_id(TRIAGER.key, e.start) for e in events)
    assert sorted(e["id"] for e in google.events(include_cancelled=True)) == seconds
    assert sorted(reports[0].done + reports[1].done) == sorted(e.id for e in events)
    assert all(r.ok for r in reports)


def test_a_deleted_second_id_event_is_restored_under_it(google: FakeGoogle, sleeps: Sleeps) -> None:
    [new] = rolebots(1)
    google.purge(new.id)
    calendar = connect(google, sleeps)
    calendar.create_events([new], Progress())
    [made] = calendar.list_events(FIRST, YEAR_LATER)
    calendar.delete_events([made], Progress())

    report = calendar.create_events([new], Progress())

    assert report == WriteReport(done=[new.id])
    [restored] = confirmed(google)
    assert (restored["id"], restored["status"]) == (made.id, "confirmed")


def test_both_ids_reserved_is_a_clear_failure_of_that_event(google: FakeGoogle, sleeps: Sleeps) -> None:
    events = rolebots(2)
    google.purge(events[0].id, second_event_id(TRIAGER.key, events[0].start))
    report = connect(google, sleeps).create_events(events, Progress())
    assert report.done == [events[1].id]
    assert report.failed == [
        (
            events[0].id,
            "Google keeps its ID reserved although the event is gone (HTTP 409 on insert, 404 on get), "
            "and so is its second ID",
        )
    ]


def test_deleting_by_the_first_id_deletes_the_event_under_its_second(google: FakeGoogle, sleeps: Sleeps) -> None:
    [new, other] = rolebots(2)
    google.purge(new.id)
    calendar = connect(google, sleeps)
    calendar.create_events([new, other], Progress())

    report = calendar.delete_events([listed(new), listed(other)], Progress())

    assert sorted(report.done) == sorted([new.id, other.id])
    assert confirmed(google) == []


def test_an_id_rolebot_does_not_make_has_no_second(google: FakeGoogle, sleeps: Sleeps) -> None:
    new = replace(rolebots(1)[0], id="handmadeid00001")
    google.purge(new.id)
    report = connect(google, sleeps).create_events([new], Progress())
    assert report.failed == [
        (new.id, "Google keeps its ID reserved although the event is gone (HTTP 409 on insert, 404 on get)")
    ]
    assert event_id(TRIAGER.key, new.start) not in stored(google)


def test_the_first_id_freed_again_is_not_a_second_event_for_the_date(google: FakeGoogle, sleeps: Sleeps) -> None:
    """If Google ever frees a purged ID, the date still has its event (under the second ID): a
    run that lists before it plans sees it, and makes none under the first."""
    [new] = rolebots(1)
    google.purge(new.id)
    calendar = connect(google, sleeps)
    calendar.create_events([new], Progress())
    google.calendars[google.calendar_id].reserved.discard(new.id)
    [listed_event] = calendar.list_events(FIRST - timedelta(days=1), FIRST + timedelta(days=1))
    assert listed_event.id == second_event_id(TRIAGER.key, new.start)
    assert listed_event.private == new.private
