"""The real CLI with the live Google Calendar backend: every listing bounded by the plan's dates,
and a date whose event ID Google keeps reserved after a purge. Slack and Geekbot stay local."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from rolebot.events import event_id, second_event_id
from tests.conftest import Invoke, one_error_line
from tests.fakes.google import FakeGoogle, seed_busy_calendar, seed_team_calendar
from tests.fakes.server import FakeRequest
from tests.fakes.trickle import TricklingServer

TODAY = date(2026, 11, 30)  # a Monday; the coming handoff is Wednesday 2 December
HANDOFF = date(2026, 12, 2)
HORIZON_END = HANDOFF + timedelta(weeks=51)  # the 52nd handoff from the coming one
WEEK = timedelta(weeks=1)


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    fake = FakeGoogle()
    seed_team_calendar(fake)
    with fake.serve():
        yield fake


@pytest.fixture
def env(google: FakeGoogle, tmp_path: Path) -> dict[str, str]:
    key = tmp_path / "keys" / "rolebot-test-service-account.json"
    key.parent.mkdir()
    key.write_text(json.dumps(google.key_for()))
    return {
        "ROLEBOT_BACKEND": "auto",
        "ROLEBOT_GOOGLE_API_URL": google.server.url,  # type: ignore[union-attr]
        "ROLEBOT_CALENDAR_ID": google.calendar_id,
        "ROLEBOT_GOOGLE_CREDENTIALS": str(key),
    }


def listings(google: FakeGoogle, since: int = 0) -> list[FakeRequest]:
    requests = google.server.requests[since:]  # type: ignore[union-attr]
    return [r for r in requests if r.method == "GET" and r.path.endswith("/events")]


def triager_starts(google: FakeGoogle) -> list[date]:
    return sorted(
        date.fromisoformat(e["start"]["date"])
        for e in google.events()
        if e.get("extendedProperties", {}).get("private", {}).get("rolebot_role") == "support-triager"
    )


def bound(request: FakeRequest) -> tuple[str, str]:
    return request.query["timeMin"][0], request.query["timeMax"][0]


@pytest.mark.parametrize(
    ("args", "window"),
    [
        # rotate: from the start of the previous turn to the horizon's last handoff, included
        (("rotate", "support-triager", "--dry-run"), ("2026-11-18", "2027-11-25")),
        (("calendar", "next", "support-triager", "--dry-run"), ("2026-11-25", "2027-11-25")),
        # schedule -n 8: from a turn before the handoff to the 8th handoff, included
        (("schedule", "support-triager", "-n", "8"), ("2026-11-18", "2027-01-21")),
        # bulk from --start: the N handoffs from there, and the state's turns before it
        (
            ("calendar", "bulk", "support-triager", "-n", "10", "--start", "2027-03-03", "--dry-run"),
            ("2026-11-25", "2027-05-13"),
        ),
        # delete with --to: the range, included
        (
            ("calendar", "delete", "support-triager", "--from", "2027-01-01", "--to", "2027-03-31", "--dry-run"),
            ("2027-01-01", "2027-04-01"),
        ),
        # delete without --to: as far as rolebot plans (the horizon and one bulk -n 520 past it)
        (("calendar", "delete", "support-triager", "--from", "2027-01-01", "--dry-run"), ("2027-01-01", "2037-12-19")),
    ],
    ids=["rotate", "next", "schedule", "bulk", "delete-range", "delete-open"],
)
def test_every_command_lists_only_the_dates_its_plan_needs(
    demo: Path, rolebot: Invoke, google: FakeGoogle, env: dict[str, str], args: tuple[str, ...], window: tuple[str, str]
) -> None:
    result = rolebot("--today", TODAY.isoformat(), *args, env=env)
    assert result.exit_code == 0, result.output
    [listing] = listings(google)
    assert bound(listing) == (f"{window[0]}T00:00:00+00:00", f"{window[1]}T00:00:00+00:00")
    assert "items(" in listing.query["fields"][0]


@pytest.mark.slow  # several whole jobs
def test_bulk_after_a_series_past_the_horizon_reads_on_and_adds_after_its_end(
    demo: Path, rolebot: Invoke, google: FakeGoogle, env: dict[str, str]
) -> None:
    today = ("--today", TODAY.isoformat())
    long = rolebot(*today, "calendar", "bulk", "support-triager", "-n", "61", "--start", "2026-11-25", "--yes", env=env)
    assert long.exit_code == 0, long.output
    last = HANDOFF + 59 * WEEK  # 2028-01-19, past the horizon
    since = len(google.server.requests)  # type: ignore[union-attr]

    more = rolebot(*today, "calendar", "bulk", "support-triager", "-n", "3", "--yes", env=env)

    assert more.exit_code == 0, more.output
    assert "✓ calendar: 3 created" in more.stderr
    assert triager_starts(google)[-4:] == [last, last + WEEK, last + 2 * WEEK, last + 3 * WEEK]
    first, second = listings(google, since)  # the first window ended before the series did
    assert bound(first)[1] == bound(second)[0]


@pytest.mark.slow  # several whole jobs
def test_bulk_fills_gaps_past_the_first_window_too(
    demo: Path, rolebot: Invoke, google: FakeGoogle, env: dict[str, str]
) -> None:
    """A series that reaches past what was read may have gaps there as well: bulk reads on."""
    today = ("--today", TODAY.isoformat())
    long = rolebot(*today, "calendar", "bulk", "support-triager", "-n", "61", "--start", "2026-11-25", "--yes", env=env)
    assert long.exit_code == 0, long.output
    near, far = HANDOFF + 3 * WEEK, HANDOFF + 56 * WEEK  # 23 December 2026, 29 December 2027
    for day in (near, far):
        deleted = rolebot(
            "calendar", "delete", "support-triager", "--from", str(day), "--to", str(day), "--yes", env=env
        )
        assert "✓ calendar: 1 deleted" in deleted.stderr

    result = rolebot(*today, "calendar", "bulk", "support-triager", "-n", "3", "--yes", env=env)

    assert result.exit_code == 0, result.output
    assert "✓ calendar: 2 created" in result.stderr
    assert triager_starts(google) == [HANDOFF + n * WEEK for n in range(-1, 60)]


@pytest.mark.slow
def test_rotate_against_a_20000_event_calendar_lists_at_most_two_pages(
    demo: Path, rolebot: Invoke, google: FakeGoogle, env: dict[str, str]
) -> None:
    seed_busy_calendar(google, 20_000)
    result = rolebot("--today", TODAY.isoformat(), "rotate", "support-triager", env=env)
    assert result.exit_code == 0, result.output
    assert "✓ calendar: 53 created" in result.stderr
    assert len(listings(google)) <= 2
    assert google.batch_sizes == [53]


@pytest.mark.slow  # several whole jobs
def test_a_date_whose_id_google_keeps_reserved_gets_its_event_under_the_second_id(
    demo: Path, rolebot: Invoke, google: FakeGoogle, env: dict[str, str]
) -> None:
    purged = HANDOFF + 3 * WEEK
    google.purge(event_id("support-triager", purged))  # deleted and purged from the bin, some time ago

    first = rolebot("--today", TODAY.isoformat(), "rotate", "support-triager", env=env)
    again = rolebot("--today", TODAY.isoformat(), "rotate", "support-triager", env=env)

    assert first.exit_code == 0, first.output
    assert "✓ calendar: 53 created" in first.stderr
    assert again.exit_code == 0, again.output
    assert "✓ calendar: nothing to create" in again.stderr
    starts = triager_starts(google)
    assert starts == [HANDOFF + n * WEEK for n in range(-1, 52)]  # one event per date, none missing
    ids = {e["id"] for e in google.events()}
    assert second_event_id("support-triager", purged) in ids
    assert event_id("support-triager", purged) not in ids


@pytest.mark.slow  # waits out a real time limit
def test_a_trickling_google_ends_the_command_at_its_time_limit(
    demo: Path, rolebot: Invoke, google: FakeGoogle, env: dict[str, str]
) -> None:
    """ROLEBOT_TIMEOUT reaches every Google request: a byte every 20 ms cannot hold the command."""
    with TricklingServer(b'{"items": []}' * 50, 0.02) as slow:
        env = {**env, "ROLEBOT_GOOGLE_API_URL": slow.url, "ROLEBOT_TIMEOUT": "1"}
        result = rolebot("--today", TODAY.isoformat(), "calendar", "next", "support-triager", env=env)
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith(
        "Error: the command ran out of time (1 s) while waiting for Google Calendar — "
    )
    assert slow.requests == 1
