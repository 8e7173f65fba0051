"""What the tests of the live Google Calendar client share: connecting to the fake Google,
events to write, and counting what reached the fake."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rolebot.events import new_event
from rolebot.models import Member, NewEvent
from rolebot.redaction import Secret
from rolebot.services.gcal import GoogleCalendar
from tests.conftest import Sleeps
from tests.fakes.google import FakeGoogle, load_test_key
from tests.fakes.server import FakeServer
from tests.helpers import TRIAGER

ADA = Member("U05ADA1234", "Ada Okafor")
BRUNO = Member("U05BRU5678", "Bruno Silva")
FIRST = date(2027, 1, 6)  # a Wednesday
YEAR_LATER = date(2028, 1, 6)


def connect(google: FakeGoogle, sleeps: Sleeps, **options: Any) -> GoogleCalendar:
    settings: dict[str, Any] = {"team_timezone": "UTC", "sleep": sleeps, "log": None}
    settings.update(options)
    api_url = settings.pop("api_url", None) or google.server.url  # type: ignore[union-attr]
    key = settings.pop("key", None) or google.key_for()
    return GoogleCalendar.connect(api_url, Secret(google.calendar_id), key, **settings)


def weekly(count: int, *, start: date = FIRST, role: str = "support-triager") -> list[NewEvent]:
    """`count` consecutive weekly two-week events with rolebot's deterministic-style IDs."""
    events = []
    for n in range(count):
        day = start + timedelta(weeks=n)
        member = ADA if n % 2 == 0 else BRUNO
        events.append(
            NewEvent(
                id=f"rolebottest{role[:4].replace('-', '')}{day:%Y%m%d}",
                role=role,
                member=member,
                summary=f"Support Triager: {member.first_name}",
                description=f"{member.name} serves as Support Triager.",
                start=day,
                end=day + timedelta(weeks=2),
            )
        )
    return events


class Progress:
    def __init__(self) -> None:
        self.steps: list[int] = []

    def __call__(self, n: int) -> None:
        self.steps.append(n)

    @property
    def total(self) -> int:
        return sum(self.steps)


def confirmed(google: FakeGoogle) -> list[dict[str, Any]]:
    return google.events()


def batch_posts(google: FakeGoogle) -> int:
    return sum(1 for r in google.server.requests if r.path == "/batch/calendar/v3")  # type: ignore[union-attr]


def token_posts(google: FakeGoogle) -> int:
    return sum(1 for r in google.server.requests if r.path == "/token")  # type: ignore[union-attr]


TOKEN = ("POST", "/token")
LIST = ("GET", "/calendar/v3/calendars/*/events")
BATCH = ("POST", "/batch/calendar/v3")


def expect(server: FakeServer | None, *requests: tuple[tuple[str, str], int | None]) -> None:
    """The HTTP requests ((method, path), times) this test must make, and no other: checked when it ends."""
    assert server is not None
    for (method, path), times in requests:
        server.expect(method, path, times)
    server.expect_nothing_else()


def secrets_of(google: FakeGoogle) -> list[str]:
    key = load_test_key()
    lines = [line for line in key["private_key"].splitlines() if "PRIVATE KEY" not in line]
    return [google.calendar_id, key["private_key_id"], *lines, *google.tokens]


def assert_no_secret(text: str, google: FakeGoogle) -> None:
    for secret in secrets_of(google):
        assert secret not in text
    assert "c_0f1e2d3c4b5a6978fakecalendar" not in text  # not even part of the calendar ID


def rolebots(count: int, *, start: date = FIRST) -> list[NewEvent]:
    """`count` consecutive support-triager events as rolebot makes them (its real IDs)."""
    return [new_event(TRIAGER, ADA if n % 2 == 0 else BRUNO, start + timedelta(weeks=n)) for n in range(count)]


def api_calls(google: FakeGoogle, since: int = 0) -> list[tuple[str, str | None, int]]:
    """(method, event ID, status) of the Calendar API calls the fake answered, from `since` on."""
    return [(c.method, c.event_id, c.status) for c in google.calls[since:]]
