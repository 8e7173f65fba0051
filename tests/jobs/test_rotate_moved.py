"""Rotate's "dates moved" step: after the calendar step, each member whose turns its replan moved gets
one direct message — against the fake Slack on a real socket (members and messages), with the local
calendar file, for a role without Geekbot. And on the local backend, where the messages are shown.

The oracle is the calendar itself: whoever serves a handoff before and after the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from rolebot.context import AppContext
from rolebot.jobs.rotate import CALENDAR, RotateOptions, RotateRun, run_rotate
from rolebot.services.local.ics_store import IcsCalendar
from rolebot.settings import GlobalOptions
from tests.conftest import Invoke, Sleeps
from tests.fakes.server import FakeServer
from tests.fakes.slack import TOKEN, FakeSlack, demo_workspace

MONDAY = date(2026, 11, 30)  # the demo state was rotated for Wed 25 Nov: this run rotates for Wed 2 Dec
TRIAGERS = "S05TRIAGE"
NAMES = {
    "U05ADA1234": "Ada Okafor",
    "U05BRU5678": "Bruno Silva",
    "U05CHE9012": "Chen Wei",
    "U05DAN3456": "Dana Kowalski",
    "U05EME7890": "Emeka Nwosu",
    "U05FAR2345": "Farah Haddad",
}
ORDER = list(NAMES)  # rotation order
EMEKA = "U05EME7890"
CONFIG = """\
[roles.meeting-facilitator]  # the demo state holds both roles

[roles.support-triager]
horizon = 8

[roles.support-triager.slack]
dm = {dm}

[roles.support-triager.standup]
enabled = false
"""


@dataclass
class Workspace:
    slack: FakeSlack
    env: dict[str, str]
    state: Path

    def run(self, rolebot: Invoke, *args: str) -> Result:
        return rolebot("--today", MONDAY.isoformat(), "rotate", "support-triager", *args, env=self.env)

    def leaves(self, user_id: str) -> None:
        """Someone is taken out of the support-triagers group in Slack."""
        group = next(g for g in self.slack.groups if g.id == TRIAGERS)
        group.users.remove(user_id)

    def servers(self) -> dict[date, str]:
        """Who serves each handoff in the calendar file, by Slack ID."""
        events = IcsCalendar(self.state / "calendar.ics", "UTC").list_events(date(2026, 1, 1), date(2028, 1, 1))
        return {e.start: e.private.get("rolebot_server") or e.private["rolebot_member"] for e in events}

    def dms(self, since: int = 0) -> dict[str, list[str]]:
        """The direct messages from post number `since` on: their texts, by recipient."""
        found: dict[str, list[str]] = {}
        for post in self.slack.posts[since:]:
            if post.channel.startswith("D"):
                found.setdefault(post.asked, []).append(post.text)
        return found


def write_config(tmp_path: Path, dm: bool = True) -> None:
    (tmp_path / "rolebot.toml").write_text(CONFIG.format(dm=str(dm).lower()))


@pytest.fixture
def workspace(demo: Path, tmp_path: Path) -> Iterator[Workspace]:
    write_config(tmp_path)
    slack = demo_workspace()
    with FakeServer(slack) as server:
        env = {"ROLEBOT_SLACK_TOKEN": TOKEN, "ROLEBOT_SLACK_API_URL": f"{server.url}/api/"}
        yield Workspace(slack, env, demo)


def step_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line[:2] in {"✓ ", "✗ "}]


def moved(before: dict[date, str], after: dict[date, str], *, gone: str = EMEKA) -> dict[str, set[date]]:
    """Per member still in the group, the handoffs whose server changed to or from them."""
    touched: dict[str, set[date]] = {}
    for day, server in after.items():
        if before.get(day) not in (None, server):
            for member in (before[day], server):
                touched.setdefault(member, set()).add(day)
    touched.pop(gone, None)
    return touched


def filled(workspace: Workspace, rolebot: Invoke) -> dict[date, str]:
    first = workspace.run(rolebot)
    assert first.exit_code == 0, first.output
    assert step_lines(first)[-1] == "✓ dates moved: nobody's turns changed: no messages"  # new events only
    return workspace.servers()


def test_a_replan_that_moves_turns_tells_each_member_moved_once_and_not_the_leaver(
    workspace: Workspace, rolebot: Invoke
) -> None:
    before = filled(workspace, rolebot)
    workspace.leaves(EMEKA)
    posts = len(workspace.slack.posts)
    result = workspace.run(rolebot)
    assert result.exit_code == 0, result.output
    after = workspace.servers()
    expected = moved(before, after)
    assert len(expected) >= 3  # Emeka's turns went to others, and the round robin after the window moved
    told = workspace.dms(posts)
    assert set(told) == set(expected)
    assert EMEKA not in told
    assert all(len(texts) == 1 for texts in told.values())  # one message each, every change in it
    for member, days in expected.items():
        text = told[member][0]
        assert text.startswith(f"Hi {NAMES[member].split()[0]}! Your turns as Support Triager have changed.")
        for day in days:
            assert f"{day.day} {day:%B %Y}" in text
    names = ", ".join(NAMES[m] for m in ORDER if m in expected)
    assert step_lines(result)[-1] == f"✓ dates moved: told {names} of their changed turns"
    assert [line[:2] for line in step_lines(result)] == ["✓ "] * 5

    again = workspace.run(rolebot)
    assert again.exit_code == 0, again.output
    assert step_lines(again)[-1] == "✓ dates moved: nobody's turns changed: no messages"
    assert workspace.dms(posts) == told  # the re-run sent nothing


def test_a_dry_run_shows_each_message_and_sends_nothing(workspace: Workspace, rolebot: Invoke) -> None:
    before = filled(workspace, rolebot)
    workspace.leaves(EMEKA)
    posts, calendar = len(workspace.slack.posts), (workspace.state / "calendar.ics").read_bytes()
    preview = workspace.run(rolebot, "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert workspace.slack.posts[posts:] == []
    assert (workspace.state / "calendar.ics").read_bytes() == calendar
    out = " ".join(preview.stdout.split())
    result = workspace.run(rolebot)
    assert result.exit_code == 0, result.output
    expected = moved(before, workspace.servers())
    assert set(workspace.dms(posts)) == set(expected)
    for member in ORDER:  # the preview showed exactly the messages the run then sent
        assert (f"Slack direct message to {NAMES[member]} ({member})" in out) == (member in expected), member
    assert (
        f"would tell {len(expected)} member(s) of their changed turns, once the calendar is written" in preview.stderr
    )


def test_with_direct_messages_off_there_is_no_step_and_nothing_is_sent(
    workspace: Workspace, rolebot: Invoke, tmp_path: Path
) -> None:
    write_config(tmp_path, dm=False)
    first = workspace.run(rolebot)
    assert first.exit_code == 0, first.output
    workspace.leaves(EMEKA)
    result = workspace.run(rolebot)
    assert result.exit_code == 0, result.output
    assert "turns moved" in result.stderr
    assert [line.split(":")[0] for line in step_lines(result)] == ["✓ state", "✓ standup", "✓ calendar"]
    assert workspace.slack.posts == []
    assert "chat.postMessage" not in workspace.slack.calls


def test_a_message_slack_refuses_is_a_failed_line_naming_who_was_not_told(
    workspace: Workspace, rolebot: Invoke
) -> None:
    before = filled(workspace, rolebot)
    workspace.leaves(EMEKA)
    workspace.slack.dms_refused["U05FAR2345"] = "restricted_action"
    posts = len(workspace.slack.posts)
    result = workspace.run(rolebot)
    assert result.exit_code == 1
    expected = moved(before, workspace.servers())
    assert "U05FAR2345" in expected
    lines = step_lines(result)
    assert [line[:2] for line in lines] == ["✓ ", "✓ ", "✓ ", "✓ ", "✗ "]
    others = ", ".join(NAMES[m] for m in ORDER if m in expected and m != "U05FAR2345")
    assert lines[-1] == (
        f"✗ dates moved: 1 of {len(expected)} messages about moved dates not sent (Farah Haddad (U05FAR2345)): "
        "Slack: the workspace does not let the app post to a direct message to Farah Haddad (U05FAR2345) "
        f"(restricted_action); told {others} — the calendar has the change already, so a re-run will not send "
        "them: tell them yourself"
    )
    assert set(workspace.dms(posts)) == set(expected) - {"U05FAR2345"}
    assert "Error: 1 of 5 steps failed (dates moved)" in result.stderr


def test_without_the_calendar_step_nobody_is_told(workspace: Workspace, rolebot: Invoke) -> None:
    filled(workspace, rolebot)
    workspace.leaves(EMEKA)
    posts = len(workspace.slack.posts)
    result = workspace.run(rolebot, "--no-calendar")
    assert result.exit_code == 0, result.output
    assert step_lines(result)[-1] == "✓ dates moved: nothing sent (--no-calendar)"
    assert workspace.dms(posts) == {}


def test_only_the_writes_that_went_through_are_told(workspace: Workspace, rolebot: Invoke, demo: Path) -> None:
    before = filled(workspace, rolebot)
    workspace.leaves(EMEKA)
    lost: list[date] = []

    def delete_one_moved_event(run: RotateRun) -> None:  # after the plans, before the writes
        plan = run.plan(CALENDAR)
        assert plan is not None
        turn = next(t for t in plan.moves if t.moved and t.before is not None and t.before.id != EMEKA)
        store = IcsCalendar(demo / "calendar.ics", "UTC")
        event = next(
            e for e in store.list_events(turn.day, turn.day.replace(year=turn.day.year + 1)) if e.start == turn.day
        )
        store.delete_events([event], lambda n: None)  # someone deletes it in their calendar app meanwhile
        lost.append(turn.day)

    posts = len(workspace.slack.posts)
    app = AppContext(options=GlobalOptions(today=MONDAY.isoformat()), environ=workspace.env, sleep=Sleeps())
    try:
        run = run_rotate(RotateOptions("support-triager"), app, on_planned=delete_one_moved_event)
    finally:
        app.close()
    lines = {step.name: step for step in run.steps}
    assert not lines["calendar"].ok
    assert "1 event(s) not updated in place" in lines["calendar"].text
    assert lines["dates moved"].ok, lines["dates moved"].text
    after = workspace.servers()
    written = {day: server for day, server in after.items() if day not in lost}
    expected = moved(before, written)
    assert set(workspace.dms(posts)) == set(expected)
    for member, texts in workspace.dms(posts).items():
        assert all(f"{day.day} {day:%B %Y}" not in texts[0] for day in lost), member


def test_the_local_backend_shows_the_messages_and_sends_nothing(demo: Path, rolebot: Invoke, tmp_path: Path) -> None:
    import json

    write_config(tmp_path)
    first = rolebot("--today", MONDAY.isoformat(), "rotate", "support-triager")
    assert first.exit_code == 0, first.output
    roster = demo / "roster.json"
    groups = json.loads(roster.read_text())
    groups["support-triagers"] = [m for m in groups["support-triagers"] if m["id"] != EMEKA]
    roster.write_text(json.dumps(groups))
    result = rolebot("--today", MONDAY.isoformat(), "rotate", "support-triager")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Slack direct message to Ada Okafor (U05ADA1234)" in out
    assert "Slack direct message to Emeka Nwosu" not in out
    assert "Your turns as Support Triager have changed." in out
    [line] = [line for line in step_lines(result) if line.startswith("✓ dates moved")]
    assert line.endswith("message(s) about moved dates shown above (local backend: nothing sent)")
