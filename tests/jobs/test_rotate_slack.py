"""The rotate job's Slack steps — on-call group, announcement, direct message — run from the command
line against the fake Slack on a real socket, for a role without Geekbot (`standup.enabled = false`).

The members come from the fake Slack too; the calendar is the local file (a short horizon keeps the
runs quick).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import Result

from rolebot.context import AppContext
from rolebot.jobs.rotate import RotateOptions, RotateRun, run_rotate
from rolebot.settings import GlobalOptions
from tests.conftest import Invoke, Sleeps, read_json
from tests.fakes.server import FakeServer
from tests.fakes.slack import ALL_SCOPES, BOT_USER, ONCALL, TOKEN, FakeSlack, oncall_workspace

MONDAY = date(2026, 11, 30)  # the demo state was rotated for Wed 25 Nov: this run rotates for Wed 2 Dec
CHANNEL = "C05FRESH01"  # #support-freshdesk, with the app in it
ORDER = ["U05ADA1234", "U05BRU5678", "U05CHE9012", "U05DAN3456", "U05EME7890", "U05FAR2345"]
CONFIG = """\
[roles.meeting-facilitator]  # the demo state holds both roles

[roles.support-triager]
horizon = 4

[roles.support-triager.slack]
announce_channel = "#support-freshdesk"
dm = {dm}
oncall_usergroup = "{oncall}"

[roles.support-triager.standup]
enabled = false
"""


@dataclass
class Workspace:
    slack: FakeSlack
    server: FakeServer
    env: dict[str, str]
    state: Path

    def run(self, rolebot: Invoke, *args: str, today: date = MONDAY) -> Result:
        return rolebot("--today", today.isoformat(), "rotate", "support-triager", *args, env=self.env)

    def channel_posts(self) -> list[str]:
        return [p.text for p in self.slack.posts if p.channel == CHANNEL]

    def dms(self) -> list[tuple[str, str]]:
        """(user ID, text) of each direct message, in order."""
        return [("U" + p.channel[1:], p.text) for p in self.slack.posts if p.channel.startswith("D")]

    def oncall(self) -> list[str]:
        return next(g for g in self.slack.groups if g.handle == ONCALL).users

    def notified(self) -> dict[str, str]:
        return read_json(self.state).get("notified", {}).get("support_triager", {})


def write_config(tmp_path: Path, oncall: str = ONCALL, dm: bool = True) -> None:
    (tmp_path / "rolebot.toml").write_text(CONFIG.format(oncall=oncall, dm=str(dm).lower()))


@pytest.fixture
def workspace(demo: Path, tmp_path: Path) -> Iterator[Workspace]:
    write_config(tmp_path)
    slack = oncall_workspace()
    with FakeServer(slack) as server:
        env = {"ROLEBOT_SLACK_TOKEN": TOKEN, "ROLEBOT_SLACK_API_URL": f"{server.url}/api/"}
        yield Workspace(slack, server, env, demo / "team-roles.json")


def step_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line[:2] in {"✓ ", "✗ "}]


def test_a_run_sets_the_group_announces_and_sends_the_dm_and_a_rerun_sends_nothing(
    workspace: Workspace, rolebot: Invoke
) -> None:
    first = workspace.run(rolebot)
    assert first.exit_code == 0, first.output
    assert "messenger: Slack (127.0.0.1" in first.stderr
    [post] = [p for p in workspace.slack.posts if p.channel == CHANNEL]
    assert step_lines(first)[1:] == [
        "✓ standup: none: Support Triager runs without Geekbot (standup.enabled = false)",
        "✓ calendar: 5 created; the series reaches 2026-12-23",
        "✓ on-call group: @support-triager-oncall set to Chen Wei, Bruno Silva (1 added, 1 removed)",
        f"✓ announce: posted the announcement for Wednesday 2 December 2026 to #support-freshdesk (ts {post.ts})",
        "✓ dm: sent Chen Wei the direct message for Wednesday 2 December 2026",
        "✓ dates moved: nobody's turns changed: no messages",
    ]
    assert workspace.oncall() == ["U05CHE9012", "U05BRU5678"]
    assert workspace.channel_posts() == [
        "From Wednesday 2 December 2026, <@U05CHE9012> is our Support Triager, with Bruno Silva staying on as buddy."
    ]
    [(to, text)] = workspace.dms()
    assert to == "U05CHE9012"
    assert text.startswith("Hi Chen! :wave: Your turn as Support Triager starts on Wednesday 2 December 2026")
    assert workspace.notified() == {"announce": "2026-12-02", "dm": "2026-12-02"}

    calls = len(workspace.slack.calls)
    state = workspace.state.read_bytes()
    again = workspace.run(rolebot)
    assert again.exit_code == 0, again.output
    assert step_lines(again)[3:] == [
        "✓ on-call group: @support-triager-oncall already has Chen Wei, Bruno Silva: nothing sent",
        "✓ announce: the announcement for Wednesday 2 December 2026 was sent already: nothing sent",
        "✓ dm: the direct message for Wednesday 2 December 2026 was sent already: nothing sent",
        "✓ dates moved: nobody's turns changed: no messages",
    ]
    assert len(workspace.slack.posts) == 2
    assert len(workspace.slack.updates) == 1
    assert workspace.state.read_bytes() == state
    # The re-run read the members and the group, and wrote nothing.
    assert sorted(workspace.slack.calls[calls:]) == ["usergroups.list", "usergroups.list", "users.list"]


def test_a_group_that_already_has_the_members_is_left_alone(workspace: Workspace, rolebot: Invoke) -> None:
    workspace.oncall()[:] = ["U05BRU5678", "U05CHE9012"]
    result = workspace.run(rolebot)
    assert result.exit_code == 0, result.output
    assert "✓ on-call group: @support-triager-oncall already has Chen Wei, Bruno Silva: nothing sent" in result.stderr
    assert "usergroups.users.update" not in workspace.slack.calls
    assert workspace.slack.updates == []


def test_a_dry_run_shows_each_message_and_the_members_and_sends_nothing(workspace: Workspace, rolebot: Invoke) -> None:
    state = workspace.state.read_bytes()
    preview = workspace.run(rolebot, "--dry-run")
    assert preview.exit_code == 0, preview.output
    out = " ".join(preview.stdout.split())
    assert "Slack user group @support-triager-oncall: 2 members" in out
    assert "Chen Wei (U05CHE9012) │ │ Bruno Silva (U05BRU5678)" in out
    assert "Slack post to #support-freshdesk" in out
    assert "<@U05CHE9012> is our Support Triager" in out
    assert "Slack direct message to Chen Wei (U05CHE9012)" in out
    assert "would send the announcement for Wednesday 2 December 2026, once: the state records it" in preview.stderr
    assert workspace.slack.posts == []
    assert workspace.slack.updates == []
    assert "chat.postMessage" not in workspace.slack.calls
    assert workspace.state.read_bytes() == state


@pytest.mark.slow
def test_ten_weeks_with_reruns_and_a_failure_post_each_message_once(
    workspace: Workspace, rolebot: Invoke, tmp_path: Path
) -> None:
    channel = next(c for c in workspace.slack.channels if c.id == CHANNEL)
    for week in range(10):
        today = MONDAY + timedelta(weeks=week)
        if week == 4:  # the app was taken out of the channel: the post fails, the rest is done
            channel.members.discard(BOT_USER)
            broken = workspace.run(rolebot, today=today)
            assert broken.exit_code == 1
            assert [line[:12] for line in step_lines(broken) if line.startswith("✗")] == ["✗ announce: "]
            channel.members.add(BOT_USER)
        for _ in range(2):
            result = workspace.run(rolebot, today=today)
            assert result.exit_code == 0, result.output
        incoming, current = ORDER[(week + 2) % 6], ORDER[(week + 1) % 6]
        assert workspace.oncall() == [incoming, current]
        handoff = (date(2026, 12, 2) + timedelta(weeks=week)).isoformat()
        assert workspace.notified() == {"announce": handoff, "dm": handoff}
    starters = [ORDER[(week + 2) % 6] for week in range(10)]
    posts = workspace.channel_posts()
    assert len(posts) == 10
    assert [p.split("<@")[1].split(">")[0] for p in posts] == starters
    assert [to for to, _ in workspace.dms()] == starters
    assert len(workspace.slack.updates) == 10  # the group changes every week, once


def test_an_unknown_group_fails_that_step_only(workspace: Workspace, rolebot: Invoke, tmp_path: Path) -> None:
    write_config(tmp_path, oncall="triage-oncall")
    result = workspace.run(rolebot)
    assert result.exit_code == 1
    lines = step_lines(result)
    assert lines[3] == (
        "✗ on-call group: Slack: no user group @triage-oncall in this workspace (user groups: "
        f"@meeting-facilitators, @{ONCALL}, @support-triagers) — check the handle (Slack → People → User groups) "
        "or the role's slack.oncall_usergroup in rolebot.toml"
    )
    assert [line[:2] for line in lines] == ["✓ ", "✓ ", "✓ ", "✗ ", "✓ ", "✓ ", "✓ "]
    assert len(workspace.slack.posts) == 2
    assert "Error: 1 of 7 steps failed (on-call group)" in result.stderr


def test_a_missing_scope_names_it(workspace: Workspace, rolebot: Invoke) -> None:
    workspace.slack.tokens[TOKEN] = ALL_SCOPES - {"usergroups:write"}
    result = workspace.run(rolebot)
    assert result.exit_code == 1
    [failed] = [line for line in step_lines(result) if line.startswith("✗")]
    assert failed.startswith(
        "✗ on-call group: Slack: the Slack app lacks the usergroups:write scope that usergroups.users.update needs"
    )
    assert "add usergroups:write under OAuth & Permissions → Bot Token Scopes" in failed
    assert workspace.oncall() == ["U05ADA1234", "U05BRU5678"]
    assert len(workspace.slack.posts) == 2


def test_not_in_channel_says_to_invite_the_app_and_the_next_run_posts_once(
    workspace: Workspace, rolebot: Invoke
) -> None:
    channel = next(c for c in workspace.slack.channels if c.id == CHANNEL)
    channel.members.discard(BOT_USER)
    result = workspace.run(rolebot)
    assert result.exit_code == 1
    [failed] = [line for line in step_lines(result) if line.startswith("✗")]
    assert failed == (
        "✗ announce: Slack: the Slack app is not in #support-freshdesk, so it cannot post there (not_in_channel) "
        "— invite the app to #support-freshdesk (type /invite @the-app-name in the channel), then run the command "
        "again"
    )
    assert workspace.notified() == {"dm": "2026-12-02"}  # the failed post is not recorded as sent
    channel.members.add(BOT_USER)
    fixed = workspace.run(rolebot)
    assert fixed.exit_code == 0, fixed.output
    assert "✓ dm: the direct message for Wednesday 2 December 2026 was sent already: nothing sent" in fixed.stderr
    assert len(workspace.channel_posts()) == 1
    assert len(workspace.dms()) == 1
    assert workspace.notified() == {"announce": "2026-12-02", "dm": "2026-12-02"}


def test_a_429_is_waited_out_and_each_message_goes_once(workspace: Workspace, rolebot: Invoke, sleeps: Sleeps) -> None:
    workspace.slack.rate_limit(times=2, retry_after=3, methods=["chat.postMessage"])
    workspace.slack.rate_limit(times=1, retry_after=2, methods=["usergroups.users.update"])
    result = workspace.run(rolebot)
    assert result.exit_code == 0, result.output
    assert len(workspace.channel_posts()) == 1
    assert len(workspace.dms()) == 1
    assert workspace.slack.calls.count("chat.postMessage") == 4  # two 429s, then one post each
    assert workspace.slack.calls.count("usergroups.users.update") == 2
    assert workspace.oncall() == ["U05CHE9012", "U05BRU5678"]
    assert sorted(s for s in sleeps.calls if s >= 2) == [2.0, 3.0, 3.0]


def test_a_post_whose_answer_is_lost_is_never_sent_twice(workspace: Workspace, rolebot: Invoke, tmp_path: Path) -> None:
    write_config(tmp_path, dm=False)
    workspace.slack.server_error(503, times=1, methods=["chat.postMessage"])
    result = workspace.run(rolebot)
    assert result.exit_code == 1
    [failed] = [line for line in step_lines(result) if line.startswith("✗")]
    assert failed.startswith("✗ announce: Slack: chat.postMessage got HTTP 503")
    assert "may have been posted all the same, so it stays recorded as sent" in failed
    assert 'remove "announce" under "notified" → "support_triager" in the state file' in failed
    assert workspace.notified() == {"announce": "2026-12-02"}
    again = workspace.run(rolebot)
    assert again.exit_code == 0
    assert workspace.channel_posts() == []  # the 503 took nothing, but rolebot cannot know: no second try


def test_with_no_state_nothing_is_sent_because_nothing_could_be_recorded(workspace: Workspace, rolebot: Invoke) -> None:
    result = workspace.run(rolebot, "--no-state")
    assert result.exit_code == 0, result.output
    assert (
        "✓ announce: the announcement for Wednesday 25 November 2026 not sent: with --no-state nothing is "
        "recorded in the state, and the state is what keeps it from being sent twice"
    ) in result.stderr
    assert workspace.slack.posts == []
    assert "✓ on-call group: @support-triager-oncall already has Bruno Silva, Ada Okafor: nothing sent" in (
        result.stderr
    )  # the group follows the state as it is


def test_without_slack_features_the_steps_are_not_there(workspace: Workspace, rolebot: Invoke, tmp_path: Path) -> None:
    (tmp_path / "rolebot.toml").write_text("[roles.support-triager]\nhorizon = 4\n[roles.meeting-facilitator]\n")
    result = rolebot("--today", MONDAY.isoformat(), "rotate", "support-triager", env=workspace.env)
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in step_lines(result)] == ["✓ state", "✓ standup", "✓ calendar"]
    assert "messenger" not in result.stderr
    assert workspace.slack.posts == []
    assert set(workspace.slack.calls) == {"usergroups.list", "users.list"}


def test_a_state_write_that_fails_stops_the_slack_steps_too(workspace: Workspace, demo: Path) -> None:
    def block_the_state_directory(run: RotateRun) -> None:  # after the reads, before the writes
        for path in demo.iterdir():
            path.unlink()
        demo.rmdir()
        demo.write_text("a file where the state directory was")

    app = AppContext(options=GlobalOptions(today=MONDAY.isoformat()), environ=workspace.env, sleep=Sleeps())
    try:
        run = run_rotate(RotateOptions("support-triager"), app, on_planned=block_the_state_directory)
    finally:
        app.close()
    assert [step.line() for step in run.steps][3:] == [
        "✗ on-call group: not done: same problem as the state step",
        "✗ announce: not done: same problem as the state step",
        "✗ dm: not done: same problem as the state step",
        "✗ dates moved: not done: same problem as the state step",
    ]
    assert workspace.slack.posts == []
    assert workspace.slack.updates == []


def test_nobody_serving_is_a_clear_line_and_no_empty_list_is_sent(workspace: Workspace, rolebot: Invoke) -> None:
    state = read_json(workspace.state)
    state["support_triager"] = None
    workspace.state.write_text(json.dumps(state))
    result = workspace.run(rolebot, "--no-state")
    assert result.exit_code == 1
    assert [line for line in step_lines(result) if line.startswith("✗")] == [
        "✗ on-call group: Slack: nobody would be left in @support-triager-oncall, and Slack cannot empty a user "
        "group — check who serves the role (the state file); to retire the group, disable it in Slack (People → "
        "User groups) and remove it from rolebot.toml",
        "✗ announce: nobody serves as Support Triager in the state yet, so there is nobody to tell — run `rolebot "
        "rotate support-triager` or `rolebot init support-triager` first",
        "✗ dm: nobody serves as Support Triager in the state yet, so there is nobody to tell — run `rolebot "
        "rotate support-triager` or `rolebot init support-triager` first",
    ]
    assert "usergroups.users.update" not in workspace.slack.calls
    assert workspace.slack.posts == []
