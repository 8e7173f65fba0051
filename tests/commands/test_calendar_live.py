"""The real CLI with the live Google Calendar backend, against the fake Google.

Slack and Geekbot stay local (no credentials for them: ROLEBOT_BACKEND=auto), the calendar
is live: ROLEBOT_GOOGLE_API_URL points at the fake, ROLEBOT_CALENDAR_ID names its
calendar and ROLEBOT_GOOGLE_CREDENTIALS a copy of the test key whose token_uri is the fake.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import Result

from rolebot.events import event_id
from rolebot.redaction import MASK
from tests.conftest import Invoke, Sleeps, one_error_line, read_json
from tests.fakes.google import FakeGoogle, load_test_key, seed_team_calendar
from tests.fakes.server import closed_port_url

ORDER = ["Ada Okafor", "Bruno Silva", "Chen Wei", "Dana Kowalski", "Emeka Nwosu", "Farah Haddad"]
TODAY = date(2026, 11, 30)  # a Monday; the coming handoff is Wednesday 2 December
HANDOFF = date(2026, 12, 2)
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


def triager_events(google: FakeGoogle) -> list[tuple[date, str]]:
    """(start, summary) of every live support-triager event, by start date."""
    found = []
    for event in google.events():
        role = event.get("extendedProperties", {}).get("private", {}).get("rolebot_role")
        legacy = role is None and event.get("summary", "").startswith(("Support Triager:", "Support Steward:"))
        if role == "support-triager" or legacy:
            found.append((date.fromisoformat(event["start"]["date"]), event["summary"]))
    return sorted(found)


def inserts(google: FakeGoogle) -> int:
    return len(google.calls_of("POST", in_batch=True))


def first_name(name: str) -> str:
    return name.split()[0]


def secrets_of(google: FakeGoogle) -> list[str]:
    key = load_test_key()
    lines = [line for line in key["private_key"].splitlines() if "PRIVATE KEY" not in line]
    return [google.calendar_id, key["private_key_id"], *lines, *google.tokens]


def assert_clean_failure(result: Result, google: FakeGoogle, before: dict[str, bytes], after: dict[str, bytes]) -> None:
    """Exit 1, exactly one `Error:` line, no traceback, files untouched, no secret shown."""
    assert result.exit_code == 1, result.output
    assert [line for line in result.output.splitlines() if line.startswith("Error:")] == [one_error_line(result.stderr)]
    assert "Traceback" not in result.output
    assert after == before
    for secret in secrets_of(google):
        assert secret not in result.output
    assert MASK not in result.output  # nothing even needed redacting


# --- the weekly job -----------------------------------------------------------------------


@pytest.mark.slow
def test_ten_weekly_rotations_keep_the_horizon_filled(
    demo: Path, rolebot: Invoke, google: FakeGoogle, env: dict[str, str]
) -> None:
    for week in range(10):
        today = TODAY + week * WEEK
        handoff = HANDOFF + week * WEEK
        incoming = ORDER[(2 + week) % len(ORDER)]  # Bruno came in on 25 November
        buddy = ORDER[(1 + week) % len(ORDER)]

        result = rolebot("--today", today.isoformat(), "rotate", "support-triager", env=env)

        assert result.exit_code == 0, result.output
        assert f"rotated for {handoff:%A} {handoff.day} {handoff:%B %Y}: {incoming} comes in, {buddy} stays on" in (
            result.stderr
        )
        created = 53 if week == 0 else 1  # 25 November (Bruno) to the horizon, then one a week
        last = handoff + 51 * WEEK
        assert f"✓ calendar: {created} created; the series reaches {last}" in result.stderr
        events = triager_events(google)
        starts = [start for start, _ in events]
        assert len(starts) == len(set(starts)), "a duplicate event"
        assert [s for s in starts if s >= handoff - WEEK] == [handoff + n * WEEK for n in range(-1, 52)], "a gap"
        assert dict(events)[handoff] == f"Support Triager: {first_name(incoming)}"
        assert read_json(demo / "team-roles.json")["support_triager"]["incoming"]["name"] == incoming

        before = inserts(google)
        again = rolebot("--today", today.isoformat(), "rotate", "support-triager", env=env)

        assert again.exit_code == 0, again.output
        assert f"✓ calendar: nothing to create; the series reaches {last}" in again.stderr
        assert "already rotated" in again.stderr
        assert inserts(google) == before
        assert triager_events(google) == events
    assert google.batch_sizes == [53] + [1] * 9  # one batch request each time


@pytest.mark.slow  # several whole jobs
def test_a_swap_made_in_the_calendar_is_honoured(
    demo: Path, rolebot: Invoke, google: FakeGoogle, env: dict[str, str]
) -> None:
    assert rolebot("--today", TODAY.isoformat(), "rotate", "support-triager", env=env).exit_code == 0
    swapped = HANDOFF + WEEK  # Dana's turn, by the rotation
    assert dict(triager_events(google))[swapped] == "Support Triager: Dana"
    google.edit_event(event_id("support-triager", swapped), summary="Support Triager: Farah")

    result = rolebot("--today", (TODAY + WEEK).isoformat(), "rotate", "support-triager", env=env)

    assert result.exit_code == 0, result.output
    assert "Farah Haddad comes in, Chen Wei stays on" in result.stderr
    assert read_json(demo / "team-roles.json")["support_triager"]["incoming"] == {
        "name": "Farah Haddad",
        "id": "U05FAR2345",
    }
    later = rolebot("--today", (TODAY + 2 * WEEK).isoformat(), "rotate", "support-triager", env=env)
    assert "Emeka Nwosu comes in, Farah Haddad stays on" in later.stderr
    starts = [start for start, _ in triager_events(google)]
    assert len(starts) == len(set(starts))


# --- calendar next / bulk / delete ----------------------------------------------------


def test_calendar_next_adds_one_event_after_the_last(
    demo: Path, rolebot: Invoke, google: FakeGoogle, env: dict[str, str]
) -> None:
    # The last event in the calendar is the hand-made "Support Triager: Ada" of 18 November.
    first = rolebot("--today", TODAY.isoformat(), "calendar", "next", "support-triager", env=env)
    second = rolebot("--today", TODAY.isoformat(), "calendar", "next", "support-triager", env=env)

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "✓ calendar: 1 created" in first.stderr
    assert triager_events(google) == [
        (date(2026, 11, 11), "Support Steward: Farah"),
        (date(2026, 11, 18), "Support Triager: Ada"),
        (date(2026, 11, 25), "Support Triager: Bruno"),
        (date(2026, 12, 2), "Support Triager: Chen"),
    ]
    [bruno] = [e for e in google.events() if e["id"] == event_id("support-triager", date(2026, 11, 25))]
    assert bruno["extendedProperties"]["private"] == {"rolebot_role": "support-triager", "rolebot_member": "U05BRU5678"}
    assert bruno["end"] == {"date": "2026-12-09"}
    assert bruno["transparency"] == "transparent"


@pytest.mark.slow  # several whole jobs
def test_calendar_bulk_twice_creates_each_event_once(
    demo: Path, rolebot: Invoke, google: FakeGoogle, env: dict[str, str], sleeps: Sleeps
) -> None:
    args = ("--today", TODAY.isoformat(), "calendar", "bulk", "support-triager", "-n", "10", "--yes")
    first = rolebot(*args, "--start", "2026-12-02", env=env)
    second = rolebot(*args, "--start", "2026-12-02", env=env)

    assert first.exit_code == 0, first.output
    assert "✓ calendar: 10 created" in first.stderr
    assert second.exit_code == 0, second.output
    assert "nothing to create: every date already has its event" in second.stderr
    starts = [start for start, _ in triager_events(google)]
    assert starts == [date(2026, 11, 11), date(2026, 11, 18)] + [HANDOFF + n * WEEK for n in range(10)]

    # Without --start a run first fills the series' gaps (here 25 November, the current pair's
    # start), and only a series without gaps is extended after its last event: still one per date.
    third = rolebot(*args, env=env)
    assert "filling 1 gap(s) from 2026-11-25 to 2026-11-25" in " ".join(third.stderr.split())
    fourth = rolebot(*args, env=env)
    assert (third.exit_code, fourth.exit_code) == (0, 0)
    starts = [start for start, _ in triager_events(google)]
    assert starts[2:] == [HANDOFF - WEEK] + [HANDOFF + n * WEEK for n in range(20)]
    assert sleeps.calls == []


@pytest.mark.slow  # several whole jobs
def test_delete_then_bulk_again_restores_without_duplicates(
    demo: Path, rolebot: Invoke, google: FakeGoogle, env: dict[str, str]
) -> None:
    bulk = ("--today", TODAY.isoformat(), "calendar", "bulk", "support-triager", "-n", "10", "--start", "2026-12-02")
    assert rolebot(*bulk, "--yes", env=env).exit_code == 0
    deleted = rolebot("calendar", "delete", "support-triager", "--from", "2027-01-01", "--yes", env=env)
    assert "✓ calendar: 5 deleted" in deleted.stderr

    result = rolebot(*bulk, "--yes", env=env)

    assert result.exit_code == 0, result.output
    assert "✓ calendar: 5 created" in result.stderr
    assert [s for s, _ in triager_events(google)][2:] == [HANDOFF + n * WEEK for n in range(10)]
    ours = [
        e for e in google.events(include_cancelled=True) if e["id"].startswith("rolebot") and "Triager" in e["summary"]
    ]
    assert len(ours) == 10
    assert all(e["status"] == "confirmed" for e in ours)


@pytest.mark.slow  # several whole jobs
def test_calendar_delete_removes_only_this_roles_events_in_the_range(
    demo: Path, rolebot: Invoke, google: FakeGoogle, env: dict[str, str]
) -> None:
    assert rolebot("--today", TODAY.isoformat(), "rotate", "support-triager", env=env).exit_code == 0
    before = {e["id"]: e for e in google.events(include_cancelled=True)}
    deletes = ("calendar", "delete", "support-triager", "--from", "2027-01-01", "--to", "2027-03-31")

    preview = rolebot(*deletes, "--dry-run", env=env)
    assert preview.exit_code == 0
    assert google.calls_of("DELETE") == []

    result = rolebot("-v", *deletes, "--yes", env=env)

    assert result.exit_code == 0, result.output
    assert "✓ calendar: 13 deleted" in result.stderr
    after = {e["id"]: e for e in google.events(include_cancelled=True)}
    gone = {i for i, e in after.items() if e["status"] == "cancelled"}
    assert gone == {event_id("support-triager", date(2027, 1, 6) + n * WEEK) for n in range(13)}
    assert {i: e for i, e in after.items() if i not in gone} == {i: e for i, e in before.items() if i not in gone}
    # --verbose: one line per HTTP request, never the calendar ID
    assert "Google Calendar: POST /batch/calendar/v3 200" in result.stderr
    assert "Google Calendar: GET /calendar/v3/calendars/{calendarId}/events 200" in result.stderr
    assert google.calendar_id not in result.output
    # Deleting the same range again: nothing left to delete.
    again = rolebot(*deletes, "--yes", env=env)
    assert again.exit_code == 0
    assert "nothing to delete" in again.stderr


# --- failures -------------------------------------------------------------------------

COMMANDS = {
    "rotate": ("rotate", "support-triager"),
    "bulk": ("calendar", "bulk", "support-triager", "-n", "3", "--yes"),
    "next": ("calendar", "next", "support-triager"),
    "delete": ("calendar", "delete", "support-triager", "--from", "2026-11-01", "--yes"),
}


def _reject(google: FakeGoogle, env: dict[str, str]) -> None:
    google.reject_tokens = True


def _unshare(google: FakeGoogle, env: dict[str, str]) -> None:
    google.unshare(load_test_key()["client_email"])


def _revoke(google: FakeGoogle, env: dict[str, str]) -> None:
    google.revoke(load_test_key()["client_email"])


def _unreachable(google: FakeGoogle, env: dict[str, str]) -> None:
    env["ROLEBOT_GOOGLE_API_URL"] = closed_port_url()


def _rate_limited(google: FakeGoogle, env: dict[str, str]) -> None:
    google.rate_limit(1000, 429)


def _failing(google: FakeGoogle, env: dict[str, str]) -> None:
    google.server_errors(1000, 503)


TOKEN = ("POST", "/token")
LIST = ("GET", "/calendar/v3/calendars/*/events")
BATCH = ("POST", "/batch/calendar/v3")
Requests = tuple[tuple[tuple[str, str], int | None], ...]

FAILURES: dict[str, tuple[Callable[[FakeGoogle, dict[str, str]], None], str, Requests]] = {
    # What reaches the fake: every command lists first and never writes after a failure. A 401
    # is retried only by google-auth's own token refresh, so its counts are google-auth's.
    "rejected": (
        _reject,
        "the service account's credentials were rejected (HTTP 401 authError)",
        ((TOKEN, None), (LIST, None)),
    ),
    "not shared": (
        _unshare,
        "calendar not found, or not shared with the service account (HTTP 404 notFound)",
        ((TOKEN, 1), (LIST, 1)),
    ),
    "revoked": (_revoke, "Google's token endpoint refused the service account key (invalid_grant)", ((TOKEN, 1),)),
    "unreachable": (_unreachable, "(connection refused) after 5 tries to list the calendar's events", ((TOKEN, 1),)),
    "rate limited": (
        _rate_limited,
        "rate limit hit (HTTP 429 rateLimitExceeded) and still in force after 60 s of retries",
        ((TOKEN, 1), (LIST, None)),  # as many tries as 60 s of jittered backoff hold
    ),
    "failing": (_failing, "Google is failing (HTTP 503) after 5 tries", ((TOKEN, 1), (LIST, 5))),
}


def expect(google: FakeGoogle, requests: Requests) -> None:
    """The requests that must reach the fake Google, and no other: checked when the test ends."""
    assert google.server is not None
    for (method, path), times in requests:
        google.server.expect(method, path, times)
    google.server.expect_nothing_else()


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("failure", FAILURES)
def test_failures_are_one_clear_error_line(
    demo: Path,
    rolebot: Invoke,
    google: FakeGoogle,
    env: dict[str, str],
    snapshot_files: Callable[[Path], dict[str, bytes]],
    command: str,
    failure: str,
) -> None:
    setup, expected, requests = FAILURES[failure]
    setup(google, env)
    expect(google, requests)
    before = snapshot_files(demo)

    result = rolebot("--today", TODAY.isoformat(), *COMMANDS[command], env=env)

    assert_clean_failure(result, google, before, snapshot_files(demo))
    assert expected in result.stderr
    assert triager_events(google) == [
        (date(2026, 11, 11), "Support Steward: Farah"),
        (date(2026, 11, 18), "Support Triager: Ada"),
    ]


def test_an_event_that_cannot_be_created_is_named_and_a_rerun_finishes(
    demo: Path,
    rolebot: Invoke,
    google: FakeGoogle,
    env: dict[str, str],
    sleeps: Sleeps,
    snapshot_files: Callable[[Path], dict[str, bytes]],
) -> None:
    stuck = date(2026, 12, 9)
    google.server_errors(5, 500, event_id=event_id("support-triager", stuck))
    # Each run: a token and a listing; then five batches (the stuck event tried five times),
    # and one on the re-run.
    expect(google, ((TOKEN, 2), (LIST, 2), (BATCH, 5 + 1)))
    bulk = ("--today", TODAY.isoformat(), "calendar", "bulk", "support-triager", "-n", "3", "--start", "2026-12-02")
    before = snapshot_files(demo)

    result = rolebot(*bulk, "--yes", env=env)

    assert_clean_failure(result, google, before, snapshot_files(demo))
    assert (
        "Error: calendar: 1 event(s) not created (2026-12-09 Support Triager: Dana: HTTP 500 backendError "
        "(Backend Error), 5 tries); 2 created — re-run the same command: what exists is skipped, so it finishes the job"
    ) in result.stderr
    assert len(sleeps.calls) == 4
    assert [s for s, _ in triager_events(google)][2:] == [date(2026, 12, 2), date(2026, 12, 16)]

    again = rolebot(*bulk, "--yes", env=env)

    assert again.exit_code == 0, again.output
    assert "✓ calendar: 1 created" in again.stderr
    assert [s for s, _ in triager_events(google)][2:] == [date(2026, 12, 2), date(2026, 12, 9), date(2026, 12, 16)]
