"""The live Google Calendar client, driven for real (google-api-python-client, google-auth,
httplib2 over HTTP) against the fake Google in tests/fakes/google.py."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import httplib2
import pytest
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError

from rolebot.errors import ServiceError
from rolebot.models import CalendarEvent, NewEvent, WriteReport
from rolebot.services.gcal import GoogleCalendar
from rolebot.services.retry import RetryPolicy
from tests.conftest import Sleeps
from tests.fakes.google import CALENDAR_SCOPES, FakeGoogle, Token, load_test_key, seed_team_calendar
from tests.fakes.server import FakeRequest, FakeResponse, FakeServer, closed_port_url
from tests.helpers import listed
from tests.services.gcal_support import (
    ADA,
    BATCH,
    BRUNO,
    FIRST,
    LIST,
    TOKEN,
    YEAR_LATER,
    Progress,
    assert_no_secret,
    batch_posts,
    confirmed,
    connect,
    expect,
    token_posts,
    weekly,
)


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    fake = FakeGoogle()
    with fake.serve():
        yield fake


# --- listing ----------------------------------------------------------------------------


def test_listing_follows_every_page_and_reduces_times_to_dates(sleeps: Sleeps) -> None:
    google = FakeGoogle(page_size=4)
    ids = seed_team_calendar(google)
    with google.serve() as server:
        calendar = connect(google, sleeps)
        events = calendar.list_events(date(2026, 11, 1), date(2027, 1, 1))

    by_id = {e.id: e for e in events}
    lists = [r for r in server.requests if r.method == "GET"]
    assert len(lists) == -(-len(events) // 4)  # every page, 4 at a time
    first = lists[0].query
    assert first["timeMin"] == ["2026-11-01T00:00:00+00:00"]
    assert first["timeMax"] == ["2027-01-01T00:00:00+00:00"]
    assert first["singleEvents"] == ["true"]
    assert first["maxResults"] == ["2500"]
    assert all("pageToken" in r.query for r in lists[1:])

    ada = by_id[ids["ada"]]
    assert ada == CalendarEvent(ids["ada"], "Support Triager: Ada", date(2026, 11, 18), date(2026, 12, 2), {})
    assert by_id[ids["steward"]].summary == "Support Steward: Farah"
    facilitator = by_id[ids["facilitator-2026-12"]]
    assert facilitator.private == {"rolebot_role": "meeting-facilitator", "rolebot_member": "U05CHE9012"}
    # All-day: Google's dates as they are (the end exclusive).
    assert (facilitator.start, facilitator.end) == (date(2026, 12, 1), date(2027, 1, 1))
    # The weekly meeting comes as single instances (15:00 Berlin = 14:00 UTC), reduced to dates.
    meetings = sorted(e.start for e in events if e.summary == "Team meeting")
    assert meetings == [date(2026, 11, 3) + timedelta(weeks=n) for n in range(9)]
    assert all(e.end == e.start for e in events if e.summary == "Team meeting")  # an hour: one date
    # Out of office from midnight Berlin time: the 20th in UTC (read as all-day dates it would be the 21st).
    ooo = by_id[ids["ooo"]]
    assert (ooo.start, ooo.end) == (date(2026, 12, 20), date(2027, 1, 3))
    assert ids["facilitator-2027-01"] not in by_id  # starts at timeMax: outside


def test_listing_uses_the_team_time_zone_for_bounds_and_dates(sleeps: Sleeps) -> None:
    google = FakeGoogle()
    ids = seed_team_calendar(google)
    with google.serve() as server:
        events = connect(google, sleeps, team_timezone="Europe/Berlin").list_events(date(2026, 12, 1), YEAR_LATER)
    assert server.requests[-1].query["timeMin"] == ["2026-12-01T00:00:00+01:00"]
    assert server.requests[-1].query["timeMax"] == ["2028-01-06T00:00:00+01:00"]
    ooo = next(e for e in events if e.id == ids["ooo"])
    assert (ooo.start, ooo.end) == (date(2026, 12, 21), date(2027, 1, 4))


def test_listing_leaves_out_deleted_events_and_events_that_ended(google: FakeGoogle, sleeps: Sleeps) -> None:
    calendar = connect(google, sleeps)
    calendar.create_events(weekly(3), Progress())
    calendar.delete_events([listed(weekly(3)[1])], Progress())
    # The first event ends on FIRST + 2 weeks: a window starting then does not see it.
    assert [e.start for e in calendar.list_events(FIRST, YEAR_LATER)] == [FIRST, FIRST + timedelta(weeks=2)]
    assert [e.start for e in calendar.list_events(FIRST + timedelta(weeks=2), YEAR_LATER)] == [
        FIRST + timedelta(weeks=2)
    ]


# --- creating ---------------------------------------------------------------------------


def test_creates_all_day_free_events_with_rolebots_properties(google: FakeGoogle, sleeps: Sleeps) -> None:
    new = weekly(1)[0]
    report = connect(google, sleeps).create_events([new], Progress())
    assert report == WriteReport(done=[new.id])
    [stored] = confirmed(google)
    assert stored["id"] == new.id
    assert stored["summary"] == "Support Triager: Ada"
    assert stored["description"] == new.description
    assert stored["start"] == {"date": "2027-01-06"}
    assert stored["end"] == {"date": "2027-01-20"}
    assert stored["transparency"] == "transparent"
    assert stored["extendedProperties"] == {"private": {"rolebot_role": "support-triager", "rolebot_member": ADA.id}}


def test_52_events_take_one_batch_request_and_one_token(google: FakeGoogle, sleeps: Sleeps) -> None:
    progress = Progress()
    calendar = connect(google, sleeps)
    report = calendar.create_events(weekly(52), progress)
    assert len(report.done) == 52
    assert report.ok
    assert batch_posts(google) == 1
    assert google.batch_sizes == [52]
    assert token_posts(google) == 1
    assert calendar.requests == 2  # token + 1 batch
    assert progress.steps == [52]
    assert sleeps.calls == []


def test_creating_twice_makes_each_event_once(google: FakeGoogle, sleeps: Sleeps) -> None:
    events = weekly(52)
    calendar = connect(google, sleeps)
    first = calendar.create_events(events, Progress())
    again = calendar.create_events(events, Progress())
    assert sorted(first.done) == sorted(e.id for e in events)
    assert again.done == []
    assert sorted(again.already) == sorted(e.id for e in events)
    stored = [e["id"] for e in google.events(include_cancelled=True)]
    assert sorted(stored) == sorted(e.id for e in events)
    assert len(google.calls_of("POST", in_batch=True)) == 104  # each insert twice: made, then 409
    assert len(google.calls_of("PUT")) == 0


def test_an_existing_event_is_never_overwritten(google: FakeGoogle, sleeps: Sleeps) -> None:
    """A swap someone made by editing the event survives a re-run."""
    [new] = weekly(1)
    calendar = connect(google, sleeps)
    calendar.create_events([new], Progress())
    google.edit_event(new.id, summary="Support Triager: Bruno")
    report = calendar.create_events([new], Progress())
    assert report == WriteReport(already=[new.id])
    assert [e["summary"] for e in confirmed(google)] == ["Support Triager: Bruno"]


def test_a_deleted_event_is_restored_not_duplicated(google: FakeGoogle, sleeps: Sleeps) -> None:
    events = weekly(3)
    calendar = connect(google, sleeps)
    calendar.create_events(events, Progress())
    calendar.delete_events([listed(events[1])], Progress())
    assert [e["id"] for e in confirmed(google)] == [events[0].id, events[2].id]

    report = calendar.create_events(events, Progress())

    assert report.done == [events[1].id]  # restored: Google kept its ID as a cancelled event
    assert sorted(report.already) == sorted([events[0].id, events[2].id])
    stored = google.events(include_cancelled=True)
    assert [e["id"] for e in stored] == [e.id for e in events]
    assert all(e["status"] == "confirmed" for e in stored)
    restored = stored[1]
    assert restored["summary"] == events[1].summary
    assert restored["extendedProperties"]["private"]["rolebot_member"] == BRUNO.id
    assert [e.id for e in calendar.list_events(FIRST, YEAR_LATER)] == [e.id for e in events]
    # insert → 409 → get (cancelled) → update with status confirmed
    assert [c.method for c in google.calls if c.event_id == events[1].id][-3:] == ["POST", "GET", "PUT"]


def race(google: FakeGoogle, sleeps: Sleeps, events: list[NewEvent]) -> list[WriteReport]:
    """Two rolebot runs creating the same events at the same moment."""
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
    return reports


@pytest.mark.slow
def test_two_concurrent_creators_make_each_event_once(google: FakeGoogle, sleeps: Sleeps) -> None:
    events = weekly(60)
    reports = race(google, sleeps, events)

    wanted = sorted(e.id for e in events)
    assert sorted(e["id"] for e in google.events(include_cancelled=True)) == wanted
    one, two = reports
    assert sorted(one.done + two.done) == wanted  # each event made by exactly one of them
    for report in reports:
        assert report.ok
        assert sorted(report.done + report.already) == wanted


@pytest.mark.slow
def test_concurrent_restores_still_make_one_event(google: FakeGoogle, sleeps: Sleeps) -> None:
    events = weekly(5)
    first = connect(google, sleeps)
    first.create_events(events, Progress())
    first.delete_events([listed(e) for e in events], Progress())
    reports = race(google, sleeps, events)
    stored = google.events(include_cancelled=True)
    assert sorted(e["id"] for e in stored) == sorted(e.id for e in events)
    assert all(e["status"] == "confirmed" for e in stored)
    assert all(r.ok and sorted(r.done + r.already) == sorted(e.id for e in events) for r in reports)


def test_a_deleted_event_google_will_not_restore_is_reported(google: FakeGoogle, sleeps: Sleeps) -> None:
    events = weekly(2)
    calendar = connect(google, sleeps)
    calendar.create_events(events, Progress())
    calendar.delete_events([listed(e) for e in events], Progress())
    google.fail(1, 403, "forbidden", "Forbidden", method="PUT", event_id=events[0].id)

    report = calendar.create_events(events, Progress())

    assert report.done == [events[1].id]
    assert report.failed == [
        (
            events[0].id,
            "deleted earlier and Google refuses to restore it (HTTP 403 forbidden (Forbidden)): "
            "restore it from the bin",
        )
    ]


# --- deleting ---------------------------------------------------------------------------


def test_deleting_twice_reports_already_gone(google: FakeGoogle, sleeps: Sleeps) -> None:
    events = weekly(3)
    calendar = connect(google, sleeps)
    calendar.create_events(events, Progress())
    targets = [listed(e) for e in events[:2]]
    unknown = CalendarEvent("neverexisted00", "Support Triager: Ada", FIRST, FIRST)

    first = calendar.delete_events(targets, Progress())
    progress = Progress()
    second = calendar.delete_events([*targets, unknown], progress)

    assert first == WriteReport(done=[events[0].id, events[1].id])
    assert second == WriteReport(already=[events[0].id, events[1].id, "neverexisted00"])
    assert progress.total == 3
    statuses = [c.status for c in google.calls if c.method == "DELETE"]
    assert statuses == [204, 204, 410, 410, 404]
    assert [e["id"] for e in confirmed(google)] == [events[2].id]


# --- failures inside batches ----------------------------------------------------------


def test_failed_parts_are_retried_item_by_item(google: FakeGoogle, sleeps: Sleeps) -> None:
    events = weekly(52)
    google.server_errors(2, 503, event_id=events[3].id)
    google.rate_limit(1, 403, event_id=events[51].id)
    google.rate_limit(1, 429, event_id=events[10].id)
    expect(google.server, (TOKEN, 1), (BATCH, 3))

    report = connect(google, sleeps).create_events(events, Progress())

    assert report.ok
    assert sorted(report.done) == sorted(e.id for e in events)
    assert len(confirmed(google)) == 52
    # Round 1: 52 calls; round 2: the three that failed; round 3: the one that failed twice.
    assert google.batch_sizes == [52, 3, 1]
    assert len(sleeps.calls) == 2
    assert 1.0 <= sleeps.calls[0] <= 2.0  # the longest wait asked for: a rate limit's (a 5xx asks 0.25-0.5 s)
    assert 0.5 <= sleeps.calls[1] <= 1.0  # the 5xx's second backoff


def test_a_part_failing_for_good_is_reported_and_the_rest_is_done(google: FakeGoogle, sleeps: Sleeps) -> None:
    events = weekly(6)
    google.server_errors(100, 500, event_id=events[2].id)
    google.fail(1, 400, "invalid", "Invalid resource id value.", event_id=events[4].id)
    expect(google.server, (TOKEN, 1), (BATCH, 5))  # the 400 is not retried, the 500 is, four times
    progress = Progress()

    report = connect(google, sleeps).create_events(events, progress)

    assert sorted(report.done) == sorted(e.id for i, e in enumerate(events) if i not in (2, 4))
    assert report.failed == [
        (events[4].id, "HTTP 400 invalid (Invalid resource id value.)"),
        (events[2].id, "HTTP 500 backendError (Backend Error), 5 tries"),
    ]
    assert progress.total == 6
    assert len(sleeps.calls) == 4  # bounded by the policy: 5 tries
    assert sorted(e["id"] for e in confirmed(google)) == sorted(report.done)


def test_a_failing_batch_request_is_retried(google: FakeGoogle, sleeps: Sleeps) -> None:
    google.server_errors(2, 503, target="batch")
    expect(google.server, (TOKEN, 1), (BATCH, 3))
    report = connect(google, sleeps).create_events(weekly(4), Progress())
    assert len(report.done) == 4
    assert len(sleeps.calls) == 2
    assert batch_posts(google) == 3


def test_a_batch_request_failing_for_good_is_one_clear_error(google: FakeGoogle, sleeps: Sleeps) -> None:
    google.server_errors(100, 502, target="batch")
    expect(google.server, (TOKEN, 1), (BATCH, 5))
    with pytest.raises(ServiceError) as caught:
        connect(google, sleeps).create_events(weekly(4), Progress())
    assert str(caught.value) == (
        "Google Calendar: Google is failing (HTTP 502) after 5 tries to create events — "
        "try again later; re-running is safe: what is already done is not done twice"
    )
    assert len(sleeps.calls) == 4
    assert confirmed(google) == []


def test_deletes_are_retried_like_inserts(google: FakeGoogle, sleeps: Sleeps) -> None:
    events = weekly(3)
    calendar = connect(google, sleeps)
    calendar.create_events(events, Progress())
    google.rate_limit(2, 429, method="DELETE", retry_after="3")
    expect(google.server, (TOKEN, 1), (BATCH, 1 + 2))  # the create, then the deletes in two rounds
    report = calendar.delete_events([listed(e) for e in events], Progress())
    assert sorted(report.done) == sorted(e.id for e in events)
    assert sleeps.calls == [3.0]  # Retry-After honoured


# --- single requests: retries ---------------------------------------------------------


def test_listing_waits_out_rate_limits(google: FakeGoogle, sleeps: Sleeps) -> None:
    google.rate_limit(1, 403, method="GET")
    google.fail(1, 403, "userRateLimitExceeded", "User Rate Limit Exceeded", method="GET")
    google.rate_limit(1, 429, method="GET", retry_after="7")
    google.server_errors(1, 503, method="GET")
    expect(google.server, (TOKEN, 1), (LIST, 5))
    assert connect(google, sleeps).list_events(FIRST, YEAR_LATER) == []
    assert len(sleeps.calls) == 4
    assert 1.0 <= sleeps.calls[0] <= 2.0  # rate limits: the longer backoff, from 2 s
    assert 2.0 <= sleeps.calls[1] <= 4.0
    assert sleeps.calls[2] == 7.0  # Retry-After honoured
    assert 2.0 <= sleeps.calls[3] <= 4.0  # a 5xx: the usual backoff (0.5 s doubling) at its fourth try


def test_rate_limit_that_lasts_is_one_clear_error(google: FakeGoogle, sleeps: Sleeps) -> None:
    google.rate_limit(100, 403, method="GET")
    expect(google.server, (TOKEN, 1), (LIST, None))  # as many tries as 60 s of jittered backoff hold
    with pytest.raises(ServiceError) as caught:
        connect(google, sleeps).list_events(FIRST, YEAR_LATER)
    assert str(caught.value) == (
        "Google Calendar: rate limit hit (HTTP 403 rateLimitExceeded) and still in force after 60 s of retries to "
        "list the calendar's events — Google counts it per minute: run the command again in a few minutes; "
        "re-running is safe: what is already done is not done twice"
    )
    # Backed off for a minute in all (the window slides for a minute), not for 5 tries.
    assert sum(sleeps.calls) == pytest.approx(60.0)
    assert len(sleeps.calls) >= 5
    assert len(google.calls_of("GET")) == len(sleeps.calls) + 1


def test_a_smaller_policy_bounds_the_tries(google: FakeGoogle, sleeps: Sleeps) -> None:
    google.server_errors(100, 500)
    expect(google.server, (TOKEN, 1), (LIST, 2))
    with pytest.raises(ServiceError, match="after 2 tries"):
        connect(google, sleeps, policy=RetryPolicy(attempts=2)).list_events(FIRST, YEAR_LATER)
    assert len(sleeps.calls) == 1


# --- refusals -------------------------------------------------------------------------


def test_rejected_credentials(google: FakeGoogle, sleeps: Sleeps) -> None:
    google.reject_tokens = True
    # google-auth refreshes the token and sends the request again on a 401 (its own bounded
    # loop); rolebot's retry loop adds nothing.
    expect(google.server, (TOKEN, None), (LIST, None), (BATCH, None))
    calendar = connect(google, sleeps)
    with pytest.raises(ServiceError) as listing:
        calendar.list_events(FIRST, YEAR_LATER)
    with pytest.raises(ServiceError) as creating:
        calendar.create_events(weekly(2), Progress())
    assert str(listing.value) == (
        "Google Calendar: the service account's credentials were rejected (HTTP 401 authError) when trying to "
        "list the calendar's events — check ROLEBOT_GOOGLE_CREDENTIALS or secrets/gcp_service_account.json: "
        "the key may have been deleted or replaced"
    )
    assert "credentials were rejected (HTTP 401 authError) when trying to create events" in str(creating.value)
    assert sleeps.calls == []  # nothing to wait for
    for error in (listing.value, creating.value):
        assert_no_secret(str(error), google)


@pytest.mark.parametrize("operation", ["list", "create", "delete"])
def test_calendar_not_shared_with_the_service_account(google: FakeGoogle, sleeps: Sleeps, operation: str) -> None:
    calendar = connect(google, sleeps)
    events = weekly(2)
    calendar.create_events(events, Progress())
    google.unshare(load_test_key()["client_email"])
    # One token; the events created first; then the one refused request, not retried (a 404 on
    # a delete is told apart from an unknown event by one listing).
    refused = {"list": [(LIST, 1)], "create": [(BATCH, 1)], "delete": [(BATCH, 1), (LIST, 1)]}[operation]
    expect(google.server, (TOKEN, 1), *_merged([(BATCH, 1), *refused]))
    actions: dict[str, Callable[[], object]] = {
        "list": lambda: calendar.list_events(FIRST, YEAR_LATER),
        "create": lambda: calendar.create_events(weekly(2, start=FIRST + timedelta(weeks=10)), Progress()),
        "delete": lambda: calendar.delete_events([listed(e) for e in events], Progress()),
    }
    with pytest.raises(ServiceError) as caught:
        actions[operation]()
    message = str(caught.value)
    assert message.startswith("Google Calendar: calendar not found, or not shared with the service account (HTTP 404")
    assert "share the calendar with the service account's client_email (found in its key file)" in message
    assert "'Make changes to events'" in message
    assert "ROLEBOT_CALENDAR_ID or secrets/calendar_id.json" in message
    assert_no_secret(message, google)
    assert sleeps.calls == []


def _merged(requests: list[tuple[tuple[str, str], int]]) -> list[tuple[tuple[str, str], int]]:
    counts: dict[tuple[str, str], int] = {}
    for request, times in requests:
        counts[request] = counts.get(request, 0) + times
    return list(counts.items())


def test_calendar_shared_read_only(google: FakeGoogle, sleeps: Sleeps) -> None:
    google.share(load_test_key()["client_email"], "reader")
    expect(google.server, (TOKEN, 1), (LIST, 1), (BATCH, 1))  # the refused write is not retried
    calendar = connect(google, sleeps)
    assert calendar.list_events(FIRST, YEAR_LATER) == []
    with pytest.raises(ServiceError, match=r"not shared with the service account \(HTTP 403 requiredAccessLevel\)"):
        calendar.create_events(weekly(1), Progress())


def test_calendar_api_not_enabled(google: FakeGoogle, sleeps: Sleeps) -> None:
    google.fail(1, 403, "accessNotConfigured", "Google Calendar API has not been used in project 1 before.")
    expect(google.server, (TOKEN, 1), (LIST, 1))
    with pytest.raises(ServiceError, match="the Google Calendar API is not enabled for the service account's project"):
        connect(google, sleeps).list_events(FIRST, YEAR_LATER)


def test_revoked_key_is_refused_by_the_token_endpoint(google: FakeGoogle, sleeps: Sleeps) -> None:
    google.revoke(load_test_key()["client_email"])
    expect(google.server, (TOKEN, 2))  # once per connection; no API call without a token
    with pytest.raises(ServiceError) as caught:
        connect(google, sleeps).list_events(FIRST, YEAR_LATER)
    assert str(caught.value) == (
        "Google Calendar: Google's token endpoint refused the service account key (invalid_grant) — the key may "
        "be revoked, deleted or malformed: create a new JSON key for the service account and put it in "
        "ROLEBOT_GOOGLE_CREDENTIALS or secrets/gcp_service_account.json"
    )
    with pytest.raises(ServiceError, match=r"refused the service account key \(invalid_grant\)"):
        connect(google, sleeps).create_events(weekly(1), Progress())
    assert "Account not found" not in str(caught.value)  # Google's code only, not its description
    assert google.tokens == {}


def test_a_key_google_does_not_know_is_refused(google: FakeGoogle, sleeps: Sleeps) -> None:
    stranger = {**google.key_for(), "client_email": "someone-else@rolebot-fake-test-project.iam.gserviceaccount.com"}
    expect(google.server, (TOKEN, 1))
    with pytest.raises(ServiceError, match=r"\(invalid_grant\)"):
        connect(google, sleeps, key=stranger).list_events(FIRST, YEAR_LATER)


def test_a_malformed_key_is_refused_before_any_request(google: FakeGoogle, sleeps: Sleeps) -> None:
    key = google.key_for()
    with pytest.raises(ServiceError, match="the service account key has no client_email, private_key"):
        connect(google, sleeps, key={k: v for k, v in key.items() if k not in ("client_email", "private_key")})
    with pytest.raises(ServiceError, match="private key cannot be read"):
        connect(google, sleeps, key={**key, "private_key": "-----BEGIN PRIVATE KEY-----\nnope\n"})
    with pytest.raises(ServiceError, match="not a service account key"):
        connect(google, sleeps, key={**key, "type": "authorized_user"})
    with pytest.raises(ServiceError, match="ROLEBOT_GOOGLE_API_URL is not an http"):
        connect(google, sleeps, api_url="www.googleapis.com")
    assert google.server.requests == []  # type: ignore[union-attr]


def test_unreachable_api(google: FakeGoogle, sleeps: Sleeps) -> None:
    url = closed_port_url()
    host = url.removeprefix("http://")
    expect(google.server, (TOKEN, 1))  # the token comes from the fake; the API is out of reach
    calendar = connect(google, sleeps, api_url=url)
    with pytest.raises(ServiceError) as listing:
        calendar.list_events(FIRST, YEAR_LATER)
    assert str(listing.value) == (
        f"Google Calendar: cannot reach {host} (connection refused) after 5 tries to list the calendar's events — "
        "check the network, or ROLEBOT_GOOGLE_API_URL if you set it; "
        "re-running is safe: what is already done is not done twice"
    )
    assert len(sleeps.calls) == 4
    with pytest.raises(ServiceError, match=rf"cannot reach {host} \(connection refused\) after 5 tries to create"):
        calendar.create_events(weekly(3), Progress())
    assert calendar.description == f"Google Calendar ({host})"


def test_unreachable_token_endpoint(google: FakeGoogle, sleeps: Sleeps) -> None:
    url = closed_port_url()
    expect(google.server)  # nothing reaches the API without a token
    calendar = connect(google, sleeps, key={**google.key_for(), "token_uri": f"{url}/token"})
    with pytest.raises(ServiceError, match=rf"cannot reach {url.removeprefix('http://')} \(connection refused\)"):
        calendar.list_events(FIRST, YEAR_LATER)


def test_something_else_answering_is_a_clear_error(google: FakeGoogle, sleeps: Sleeps) -> None:
    def html(request: FakeRequest) -> FakeResponse:
        return FakeResponse(200, b"<html>Sign in to the proxy</html>", {"Content-Type": "text/html"})

    expect(google.server, (TOKEN, 1))
    with FakeServer(html) as proxy:
        expect(proxy, (LIST, 1), (BATCH, 1))  # an answer in a form Google does not use is not retried
        calendar = connect(google, sleeps, api_url=proxy.url)
        host = proxy.url.removeprefix("http://")
        with pytest.raises(ServiceError, match=rf"^Google Calendar: {host} answered in a form Google does not use"):
            calendar.list_events(FIRST, YEAR_LATER)
        with pytest.raises(ServiceError, match=rf"^Google Calendar: {host} answered in a form Google does not use"):
            calendar.create_events(weekly(2), Progress())


def test_a_page_in_an_unexpected_shape_is_an_error_naming_every_problem(google: FakeGoogle, sleeps: Sleeps) -> None:
    def odd_page(request: FakeRequest) -> FakeResponse:
        if request.path == "/token":
            return google(request)
        return FakeResponse.json({"kind": "calendar#events", "items": {"id": "x"}, "nextPageToken": 7})

    with FakeServer(odd_page) as proxy:
        key = {**google.key_for(), "token_uri": f"{proxy.url}/token"}
        calendar = connect(google, sleeps, api_url=proxy.url, key=key)
        with pytest.raises(ServiceError) as caught:
            calendar.list_events(FIRST, YEAR_LATER)
    host = proxy.url.removeprefix("http://")
    assert str(caught.value).startswith(
        f"Google Calendar: {host} answered in a form Google does not use "
        "(items: Input should be a valid list; nextPageToken: Input should be a valid string) — check "
    )
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in proxy.requests] == [("POST", "token"), ("GET", "events")]
    assert sleeps.calls == []  # an answer in the wrong shape is not retried


# --- what it logs ---------------------------------------------------------------------


def test_one_log_line_per_http_request_without_secrets(google: FakeGoogle, sleeps: Sleeps) -> None:
    lines: list[str] = []
    calendar = connect(google, sleeps, log=lines.append)
    calendar.create_events(weekly(3), Progress())
    calendar.list_events(FIRST, YEAR_LATER)
    calendar.delete_events([listed(weekly(3)[0])], Progress())
    shapes = [line.rsplit(" (", 1)[0] for line in lines]
    assert shapes == [
        "Google Calendar: POST /token 200",
        "Google Calendar: POST /batch/calendar/v3 200",
        "Google Calendar: GET /calendar/v3/calendars/{calendarId}/events 200",
        "Google Calendar: POST /batch/calendar/v3 200",
    ]
    assert all(line.endswith(" ms)") for line in lines)
    assert len(lines) == calendar.requests == len(google.server.requests)  # type: ignore[union-attr]
    assert_no_secret("\n".join(lines), google)


def test_each_hop_of_a_redirect_is_one_log_line_with_its_own_status(google: FakeGoogle, sleeps: Sleeps) -> None:
    def moved(request: FakeRequest) -> FakeResponse:
        if request.path.startswith("/moved/"):
            return FakeResponse.json({"kind": "calendar#events", "items": []})
        if request.path.startswith("/calendar/"):
            return FakeResponse(302, b"", {"Location": f"/moved{request.path}?{urlencode(request.query, doseq=True)}"})
        return google(request)

    lines: list[str] = []
    with FakeServer(moved) as proxy:
        calendar = connect(google, sleeps, api_url=proxy.url, key=google.key_for(proxy), log=lines.append)
        assert calendar.list_events(FIRST, YEAR_LATER) == []
    # httplib2 follows the redirect inside the first request: the inner hop is logged first.
    assert [line.rsplit(" (", 1)[0] for line in lines] == [
        "Google Calendar: POST /token 200",
        "Google Calendar: GET /moved/calendar/v3/calendars/{calendarId}/events 200",
        "Google Calendar: GET /calendar/v3/calendars/{calendarId}/events 302",
    ]
    assert calendar.requests == len(proxy.requests) == 3


def test_description_names_the_host_not_the_calendar(google: FakeGoogle, sleeps: Sleeps) -> None:
    calendar = connect(google, sleeps, api_url="https://www.googleapis.com")
    assert calendar.description == "Google Calendar (www.googleapis.com)"


# --- the fake itself, as the real client library sees it --------------------------------


def raw_service(google: FakeGoogle) -> tuple[Any, str]:
    """googleapiclient itself, pointed at the fake, with a token the fake knows."""
    google.tokens["ya29.test-only"] = Token(load_test_key()["client_email"], CALENDAR_SCOPES, time.time() + 600)
    document = json.loads(get_static_doc("calendar", "v3"))
    document["rootUrl"] = google.server.url + "/"  # type: ignore[union-attr]
    return build_from_document(document, http=httplib2.Http()), "Bearer ya29.test-only"


def run(request: Any, authorization: str) -> Any:
    request.headers["authorization"] = authorization
    return request.execute()


def test_the_fake_answers_long_list_urls_sent_as_post_with_method_override(google: FakeGoogle) -> None:
    """googleapiclient turns GETs over 2,048 characters into POST + x-http-method-override."""
    filters = {f"k{n:03d}": "v" * 30 for n in range(80)}
    day = {"start": {"date": "2027-01-06"}, "end": {"date": "2027-01-07"}}
    google.add_event({"summary": "match", **day, "extendedProperties": {"private": filters}})
    google.add_event({"summary": "other", **day})
    service, authorization = raw_service(google)
    request = service.events().list(
        calendarId=google.calendar_id, privateExtendedProperty=[f"{k}={v}" for k, v in filters.items()]
    )

    page = run(request, authorization)

    assert [e["summary"] for e in page["items"]] == ["match"]
    last = google.server.requests[-1]  # type: ignore[union-attr]
    assert (last.method, last.header("x-http-method-override")) == ("POST", "GET")


def test_the_fake_lists_patches_and_orders_like_google(google: FakeGoogle) -> None:
    service, authorization = raw_service(google)
    events = service.events()
    calendar_id = google.calendar_id
    later = run(events.insert(calendarId=calendar_id, body={"summary": "later", **_day("2027-02-03")}), authorization)
    gone = run(events.insert(calendarId=calendar_id, body={"summary": "gone", **_day("2027-01-06")}), authorization)
    run(events.delete(calendarId=calendar_id, eventId=gone["id"]), authorization)
    body = {"extendedProperties": {"private": {"a": "1"}}, "summary": "later, patched"}
    run(events.patch(calendarId=calendar_id, eventId=later["id"], body=body), authorization)
    run(
        events.patch(calendarId=calendar_id, eventId=later["id"], body={"extendedProperties": {"private": {"b": "2"}}}),
        authorization,
    )

    default = run(events.list(calendarId=calendar_id), authorization)
    with_deleted = run(
        events.list(calendarId=calendar_id, showDeleted=True, singleEvents=True, orderBy="startTime"), authorization
    )

    assert [e["summary"] for e in default["items"]] == ["later, patched"]
    assert default["items"][0]["extendedProperties"] == {"private": {"a": "1", "b": "2"}}  # objects merge
    assert [(e["summary"], e["status"]) for e in with_deleted["items"]] == [
        ("gone", "cancelled"),
        ("later, patched", "confirmed"),
    ]
    assert run(events.get(calendarId=calendar_id, eventId=gone["id"]), authorization)["status"] == "cancelled"
    with pytest.raises(HttpError) as unordered:
        run(events.list(calendarId=calendar_id, orderBy="startTime"), authorization)
    assert unordered.value.status_code == 400
    with pytest.raises(HttpError) as bad_id:
        run(events.insert(calendarId=calendar_id, body={"id": "UPPER_case!", **_day("2027-01-06")}), authorization)
    assert bad_id.value.reason == "Invalid resource id value."
    with pytest.raises(HttpError) as no_token:
        run(events.list(calendarId=calendar_id), "Bearer ya29.not-issued")
    assert no_token.value.status_code == 401


def test_an_update_without_status_leaves_a_deleted_event_deleted_and_rolebot_restores_it(
    google: FakeGoogle, sleeps: Sleeps
) -> None:
    """Google keeps a cancelled event cancelled unless an update sets `status`: rolebot's restore
    must send `status: confirmed` itself, and the fake must not do it for rolebot."""
    [new] = weekly(1)
    calendar = connect(google, sleeps)
    calendar.create_events([new], Progress())
    calendar.delete_events([listed(new)], Progress())
    service, authorization = raw_service(google)
    body = {"summary": new.summary, **_day(new.start.isoformat())}

    updated = run(service.events().update(calendarId=google.calendar_id, eventId=new.id, body=body), authorization)

    assert updated["status"] == "cancelled"
    assert google.events() == []
    assert calendar.list_events(FIRST, YEAR_LATER) == []

    report = calendar.create_events([new], Progress())

    assert report == WriteReport(done=[new.id])
    put = [c for c in google.calls if c.method == "PUT"]
    assert [(c.event_id, c.status, c.in_batch) for c in put] == [(new.id, 200, False), (new.id, 200, True)]
    [stored] = google.events()
    assert (stored["id"], stored["status"], stored["summary"]) == (new.id, "confirmed", new.summary)
    assert [e.id for e in calendar.list_events(FIRST, YEAR_LATER)] == [new.id]


def _day(day: str) -> dict[str, Any]:
    start = date.fromisoformat(day)
    return {"start": {"date": day}, "end": {"date": (start + timedelta(days=1)).isoformat()}}
