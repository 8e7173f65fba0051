"""The live Google Calendar client within Google's limits and its own: rate limits waited out for
a minute, quotas told apart, every listing bounded, every request bounded in time and size,
batches of up to 1,000 sent side by side. Driven for real against the fake Google."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from rolebot.deadline import Deadline
from rolebot.errors import BusyError, ServiceError
from rolebot.services.gcal.wire import LIST_FIELDS
from rolebot.services.retry import RetryPolicy
from tests.conftest import Sleeps
from tests.fakes.google import FakeGoogle, seed_busy_calendar, seed_team_calendar
from tests.fakes.server import FakeRequest, FakeResponse, FakeServer
from tests.fakes.trickle import TricklingServer
from tests.services.gcal_support import FIRST, YEAR_LATER, Progress, batch_posts, confirmed, connect, weekly


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    fake = FakeGoogle()
    with fake.serve():
        yield fake


def list_requests(server: FakeServer) -> list[FakeRequest]:
    return [r for r in server.requests if r.method == "GET" and r.path.endswith("/events")]


# --- rate limits: a minute of backing off; quotas: said as they are ----------------------


def test_a_batch_item_still_rate_limited_after_a_minute_is_reported_and_the_rest_done(
    google: FakeGoogle, sleeps: Sleeps
) -> None:
    events = weekly(5)
    google.fail(1000, 403, "userRateLimitExceeded", "User Rate Limit Exceeded", event_id=events[1].id)
    progress = Progress()

    report = connect(google, sleeps).create_events(events, progress)

    assert sorted(report.done) == sorted(e.id for i, e in enumerate(events) if i != 1)
    assert report.failed == [
        (events[1].id, "HTTP 403 userRateLimitExceeded (User Rate Limit Exceeded), still limited after 60 s of retries")
    ]
    assert sum(sleeps.calls) == pytest.approx(60.0)  # waited a minute in all, the last wait cut to fit
    assert len(sleeps.calls) > 5  # not bounded by the 5 tries a 5xx gets
    assert 1.0 <= sleeps.calls[0] <= 2.0
    assert google.batch_sizes == [5] + [1] * len(sleeps.calls)  # only the limited call goes again
    assert progress.total == 5


def test_a_batch_item_rate_limited_for_a_while_gets_through(google: FakeGoogle, sleeps: Sleeps) -> None:
    """Five rate-limited answers in a row: a 5xx would have had its five tries; a rate limit has a minute."""
    events = weekly(3)
    google.fail(5, 429, event_id=events[2].id)
    report = connect(google, sleeps).create_events(events, Progress())
    assert report.ok
    assert sorted(report.done) == sorted(e.id for e in events)
    assert len(sleeps.calls) == 5  # the sixth try got through
    assert sum(sleeps.calls) <= 60


def test_a_5xx_still_gives_up_after_five_tries(google: FakeGoogle, sleeps: Sleeps) -> None:
    google.server_errors(100, 503, method="GET")
    with pytest.raises(ServiceError, match=r"Google is failing \(HTTP 503\) after 5 tries"):
        connect(google, sleeps).list_events(FIRST, YEAR_LATER)
    assert len(sleeps.calls) == 4
    assert sum(sleeps.calls) <= 0.5 + 1 + 2 + 4  # the shorter backoff


def test_abuse_protection_is_said_to_clear_within_hours(google: FakeGoogle, sleeps: Sleeps) -> None:
    google.fail(1, 403, "quotaExceeded", "Calendar usage limits exceeded.", method="POST")
    with pytest.raises(ServiceError) as caught:
        connect(google, sleeps).create_events(weekly(3), Progress())
    assert str(caught.value) == (
        "Google Calendar: Google Calendar's abuse protection stopped the calendar's changes (HTTP 403 quotaExceeded: "
        "too many in a short time) when trying to create events — it lifts on its own within a few hours: run the "
        "command again then; re-running is safe: what is already done is not done twice"
    )
    assert sleeps.calls == []  # not retried


def test_the_daily_quota_is_said_to_reset_at_midnight_pacific(google: FakeGoogle, sleeps: Sleeps) -> None:
    google.fail(1, 403, "dailyLimitExceeded", "Daily Limit Exceeded", method="GET")
    with pytest.raises(ServiceError) as caught:
        connect(google, sleeps).list_events(FIRST, YEAR_LATER)
    assert str(caught.value) == (
        "Google Calendar: the Google Cloud project's daily Calendar API quota is used up (HTTP 403 "
        "dailyLimitExceeded) when trying to list the calendar's events — it resets at midnight Pacific time: run "
        "the command again then, or raise the quota in the Google Cloud console (APIs & Services, Quotas); "
        "re-running is safe: what is already done is not done twice"
    )
    assert sleeps.calls == []


# --- every listing bounded, and asking only for what rolebot reads ------------------------


def test_a_listing_is_bounded_and_asks_only_for_the_fields_rolebot_reads(sleeps: Sleeps) -> None:
    google = FakeGoogle()
    seed_team_calendar(google)
    with google.serve() as server:
        events = connect(google, sleeps).list_events(date(2026, 11, 1), date(2027, 1, 1))
    [request] = list_requests(server)
    assert request.query["timeMax"] == ["2027-01-01T00:00:00+00:00"]
    assert request.query["fields"] == [LIST_FIELDS]
    assert {e.summary for e in events} >= {"Support Triager: Ada", "Team meeting", "Meeting Facilitator: Chen"}


def test_the_fake_answers_with_only_the_fields_asked_for(sleeps: Sleeps) -> None:
    google = FakeGoogle()
    seed_team_calendar(google)
    seen: list[dict[str, object]] = []

    def spy(request: FakeRequest) -> FakeResponse:
        response = google(request)
        if request.method == "GET":
            seen.append(json.loads(response.body))
        return response

    with FakeServer(spy) as server:
        google.server = server
        connect(google, sleeps).list_events(date(2026, 11, 1), date(2027, 1, 1))
    [page] = seen
    assert set(page) == {"items"}  # no nextPageToken on the last page; no calendar metadata
    keys = set().union(*(item.keys() for item in page["items"]))  # type: ignore[union-attr]
    assert keys <= {"id", "status", "summary", "description", "transparency", "start", "end", "extendedProperties"}
    assert "htmlLink" not in keys
    assert "creator" not in keys


def test_an_endless_recurring_meeting_is_not_listed_past_the_bound(sleeps: Sleeps) -> None:
    google = FakeGoogle(page_size=50)
    google.add_event(
        {
            "summary": "Daily stand-up",
            "start": {"dateTime": "2025-01-06T09:30:00+00:00"},
            "end": {"dateTime": "2025-01-06T09:45:00+00:00"},
            "recurrence": ["RRULE:FREQ=DAILY"],
        }
    )
    with google.serve() as server:
        events = connect(google, sleeps).list_events(FIRST, FIRST + timedelta(weeks=4))
    assert len(events) == 28
    assert len(list_requests(server)) == 1


@pytest.mark.slow
def test_a_20000_event_calendar_lists_a_years_window_in_at_most_two_pages(sleeps: Sleeps) -> None:
    google = FakeGoogle()
    seed_team_calendar(google)
    seed_busy_calendar(google, 20_000)
    with google.serve() as server:
        events = connect(google, sleeps).list_events(date(2026, 11, 18), date(2027, 11, 25))
    assert len(list_requests(server)) <= 2
    assert any(e.summary == "Support Triager: Ada" for e in events)
    assert all(e.end >= date(2026, 11, 18) and e.start < date(2027, 11, 25) for e in events)


def test_a_page_token_sent_twice_ends_the_listing_with_a_clear_error(google: FakeGoogle, sleeps: Sleeps) -> None:
    def looping(request: FakeRequest) -> FakeResponse:
        if request.path == "/token":
            return google(request)
        return FakeResponse.json({"items": [], "nextPageToken": "same-token-again"})

    with FakeServer(looping) as proxy:
        key = {**google.key_for(), "token_uri": f"{proxy.url}/token"}
        calendar = connect(google, sleeps, api_url=proxy.url, key=key)
        with pytest.raises(ServiceError) as caught:
            calendar.list_events(FIRST, YEAR_LATER)
    host = proxy.url.removeprefix("http://")
    assert str(caught.value) == (
        f"Google Calendar: {host} sent the same page token twice when trying to list the calendar's events "
        "(listing would never end) — check ROLEBOT_GOOGLE_API_URL (or a proxy in the way); "
        "re-running is safe: what is already done is not done twice"
    )
    assert len(list_requests(proxy)) == 2


# --- every request bounded in time and size -------------------------------------------------

PAGE = json.dumps({"items": [{"id": "e1", "summary": "x" * 300}]}).encode()


@pytest.mark.slow  # waits out a real time limit
@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_server_trickling_bytes_is_cut_off_by_the_request_timeout(
    google: FakeGoogle, sleeps: Sleeps, headers_too: bool
) -> None:
    """A byte every 20 ms never trips a per-read timeout; the whole request is bounded."""
    with TricklingServer(PAGE, 0.02, headers_too=headers_too) as slow:
        calendar = connect(google, sleeps, api_url=slow.url, request_timeout=0.3, policy=RetryPolicy(attempts=2))
        with pytest.raises(ServiceError) as caught:
            calendar.list_events(FIRST, YEAR_LATER)
    host = slow.url.removeprefix("http://")
    assert str(caught.value).startswith(
        f"Google Calendar: cannot reach {host} (timed out) after 2 tries to list the calendar's events — "
    )
    assert slow.requests == 2


@pytest.mark.slow  # waits out a real time limit
def test_a_trickling_server_cannot_outlast_the_commands_deadline(google: FakeGoogle, sleeps: Sleeps) -> None:
    with TricklingServer(PAGE, 0.02) as slow:
        calendar = connect(google, sleeps, api_url=slow.url, deadline=Deadline(0.5))
        with pytest.raises(BusyError) as caught:
            calendar.list_events(FIRST, YEAR_LATER)
    assert str(caught.value).startswith(
        "the command ran out of time (0.5 s) while waiting for Google Calendar — a service is answering very slowly"
    )
    assert slow.requests == 1  # the one request took the rest of the time; no other started


def test_no_request_starts_once_the_commands_time_is_up(google: FakeGoogle, sleeps: Sleeps) -> None:
    calendar = connect(google, sleeps, deadline=Deadline(0.0))
    with pytest.raises(BusyError, match="ran out of time"):
        calendar.create_events(weekly(2), Progress())
    assert google.server.requests == []  # type: ignore[union-attr]


def test_an_answer_larger_than_the_cap_is_refused(google: FakeGoogle, sleeps: Sleeps) -> None:
    huge = json.dumps({"items": [{"id": f"e{n}", "summary": "x" * 1000} for n in range(3000)]}).encode()

    def bloated(request: FakeRequest) -> FakeResponse:
        if request.path == "/token":
            return google(request)
        return FakeResponse(200, huge, {"Content-Type": "application/json"})

    with FakeServer(bloated) as proxy:
        key = {**google.key_for(), "token_uri": f"{proxy.url}/token"}
        calendar = connect(google, sleeps, api_url=proxy.url, key=key, max_response_bytes=1024 * 1024)
        with pytest.raises(ServiceError) as caught:
            calendar.list_events(FIRST, YEAR_LATER)
        with pytest.raises(ServiceError, match="larger than 1 MiB when trying to send a batch"):
            calendar.create_events(weekly(2), Progress())
    host = proxy.url.removeprefix("http://")
    assert str(caught.value).startswith(
        f"Google Calendar: {host} sent an answer larger than 1 MiB when trying to list the calendar's events — "
    )
    assert sleeps.calls == []  # not retried


@pytest.mark.slow
def test_a_token_endpoint_outage_is_googles_not_the_keys(google: FakeGoogle, sleeps: Sleeps) -> None:
    """google-auth itself tries the token endpoint three times (about 3 s) before giving up."""
    google.token_outage(3, 503)
    with pytest.raises(ServiceError) as caught:
        connect(google, sleeps).list_events(FIRST, YEAR_LATER)
    message = str(caught.value)
    assert message == (
        "Google Calendar: Google's token endpoint is failing or overloaded, even after 3 tries: an outage at Google, "
        "not a problem with the key — try again in a few minutes; re-running is safe: what is already done is "
        "not done twice"
    )
    assert "JSON key" not in message
    assert sum(1 for r in google.server.requests if r.path == "/token") == 3  # type: ignore[union-attr]


# --- batches of up to 1,000, side by side ---------------------------------------------------


def test_the_fake_takes_1000_calls_in_a_batch_as_the_current_guide_says() -> None:
    assert FakeGoogle().max_batch == 1000


@pytest.mark.slow  # 520 events through the fake
def test_a_years_events_and_more_go_in_one_batch_request(google: FakeGoogle, sleeps: Sleeps) -> None:
    events = weekly(520)
    report = connect(google, sleeps).create_events(events, Progress())
    assert len(report.done) == 520
    assert google.batch_sizes == [520]
    assert batch_posts(google) == 1


def test_independent_batches_are_sent_at_the_same_time(google: FakeGoogle, sleeps: Sleeps) -> None:
    """Each batch request waits at the fake until the other has arrived: sent one after the
    other, the first would wait in vain (and fail)."""
    arrived = threading.Barrier(2, timeout=10)

    def together(request: FakeRequest) -> FakeResponse:
        if request.path == "/batch/calendar/v3":
            arrived.wait()
        return google(request)

    with FakeServer(together) as server:
        google.server = server
        progress = Progress()
        report = connect(google, sleeps, batch_size=10).create_events(weekly(20), progress)
    assert report.ok
    assert len(report.done) == 20
    assert google.batch_sizes == [10, 10]
    assert progress.steps == [10, 10]
    assert len(confirmed(google)) == 20
