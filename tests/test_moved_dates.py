"""Messages about moved dates, applied (`rolebot.notify.send_moved_dates`, which any command that moves
turns calls): one direct message per member whose turns changed, none to a leaver; live against the
fake Slack on a socket, and shown in the terminal by the local backend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from rolebot.config import RoleConfig, build_config
from rolebot.context import AppContext
from rolebot.errors import RolebotError
from rolebot.messaging import DirectMessage
from rolebot.models import Member
from rolebot.notices import MovedDates, plan_moved_dates
from rolebot.notify import send_moved_dates
from rolebot.render_messages import unsent
from rolebot.settings import GlobalOptions
from tests.fakes.server import FakeServer
from tests.fakes.slack import TOKEN, FakeSlack, demo_workspace

ADA = Member("U05ADA1234", "Ada Okafor")
BRUNO = Member("U05BRU5678", "Bruno Silva")
CHEN = Member("U05CHE9012", "Chen Wei")
DANA = Member("U05DAN3456", "Dana Kowalski")
ORDER = (ADA, BRUNO, CHEN, DANA)
LEAVER = "U05LEFT0009"
DEC_9, DEC_16, DEC_23 = date(2026, 12, 9), date(2026, 12, 16), date(2026, 12, 23)


def role(dm: bool = True) -> RoleConfig:
    return build_config({"roles": {"support-triager": {"slack": {"dm": dm}}}}, "t").role("support-triager")


def moved(dm: bool = True) -> MovedDates:
    """Dana left the 9th to Chen and took the 16th from Bruno; the leaver's 23rd went to Ada."""
    changes = {
        DANA.id: ([DEC_16], [DEC_9]),
        CHEN.id: ([DEC_9], []),
        BRUNO.id: ([], [DEC_16]),
        ADA.id: ([DEC_23], []),
        LEAVER: ([], [DEC_23]),
    }
    return plan_moved_dates(role(dm), changes, ORDER)


@pytest.fixture
def slack() -> Iterator[tuple[FakeSlack, AppContext]]:
    fake = demo_workspace()
    with FakeServer(fake) as server:
        environ = {"ROLEBOT_SLACK_TOKEN": TOKEN, "ROLEBOT_SLACK_API_URL": f"{server.url}/api/"}
        app = AppContext(environ=environ, cwd=Path.cwd(), sleep=lambda seconds: None)
        try:
            yield fake, app
        finally:
            app.close()


def test_each_affected_member_gets_one_message_and_the_leaver_none(slack: tuple[FakeSlack, AppContext]) -> None:
    fake, app = slack
    said = send_moved_dates(app, moved())
    assert said == (
        "told Ada Okafor, Bruno Silva, Chen Wei, Dana Kowalski of their changed turns; 1 who left the group not told"
    )
    assert [p.channel for p in fake.posts] == ["D05ADA1234", "D05BRU5678", "D05CHE9012", "D05DAN3456"]
    assert [p.asked for p in fake.posts] == [m.id for m in ORDER]
    dana = fake.posts[3].text
    assert "New: the turn starting Wednesday 16 December 2026." in dana
    assert "No longer yours: the turn starting Wednesday 9 December 2026." in dana
    assert "New:" not in fake.posts[1].text  # Bruno only lost a turn
    assert fake.calls == ["chat.postMessage"] * 4


def test_a_refused_message_names_who_was_not_told_and_the_others_are_still_told(
    slack: tuple[FakeSlack, AppContext],
) -> None:
    fake, app = slack
    next(u for u in fake.users if u.id == BRUNO.id).deleted = True  # Slack: channel_not_found
    with pytest.raises(RolebotError) as caught:
        send_moved_dates(app, moved())
    assert str(caught.value) == (
        "1 of 4 messages about moved dates not sent (Bruno Silva (U05BRU5678)): Slack: Slack knows no channel a "
        "direct message to Bruno Silva (U05BRU5678) that the app can see (channel_not_found); told Ada Okafor, "
        "Chen Wei, Dana Kowalski — the calendar has the change already, so a re-run will not send them: tell them "
        "yourself"
    )
    assert [p.asked for p in fake.posts] == [ADA.id, CHEN.id, DANA.id]


def test_with_direct_messages_off_nothing_is_sent(slack: tuple[FakeSlack, AppContext]) -> None:
    fake, app = slack
    assert send_moved_dates(app, moved(dm=False)) == (
        "4 member(s) have changed turns; no messages (slack.dm is off for support-triager)"
    )
    assert fake.calls == []


def test_nothing_moved_sends_nothing(slack: tuple[FakeSlack, AppContext]) -> None:
    fake, app = slack
    assert send_moved_dates(app, plan_moved_dates(role(), {}, ORDER)) == "nobody's turns changed: no messages"
    assert fake.calls == []


def test_the_local_backend_shows_each_message_in_the_terminal() -> None:
    app = AppContext(options=GlobalOptions(backend="local"), environ={}, cwd=Path.cwd())
    said = send_moved_dates(app, moved())
    assert (
        said
        == "4 message(s) about moved dates shown above (local backend: nothing sent); 1 who left the group not told"
    )
    held = app.services.outbox.take()
    assert [m.member for m in held if isinstance(m, DirectMessage)] == list(ORDER)
    console = Console(width=100, record=True, color_system=None)
    console.print(unsent(held[3]))
    shown = console.export_text()
    assert "Slack direct message to Dana Kowalski (U05DAN3456)" in shown
    assert "No longer yours: the turn starting Wednesday 9 December 2026." in shown
    assert "shown here; the local backend sends nothing" in shown
