"""`calendar replan`, `swap`, `cover` and `away` tell whoever's dates they moved — one message each,
nobody who left — through the real CLI: against the fake Slack on a real socket (members and
messages) with the local calendar file, and on the local backend, where the messages are shown."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import Result

from tests.conftest import Invoke
from tests.fakes.server import FakeServer
from tests.fakes.slack import TOKEN, FakeSlack, demo_workspace

TODAY = "2026-11-30"  # a Monday: rotate fills the calendar from Wednesday 2 December
# The filled calendar: 25 Nov Bruno, 2 Dec Chen, 9 Dec Dana, 16 Dec Emeka, 23 Dec Farah, 30 Dec Ada,
# 6 Jan Bruno, 13 Jan Chen, 20 Jan Dana. The facilitator's: 1 Dec Ada, 1 Jan Chen, 1 Feb Emeka, 1 Mar Gita.
ADA, BRUNO, CHEN, DANA, EMEKA, FARAH = (
    "U05ADA1234",
    "U05BRU5678",
    "U05CHE9012",
    "U05DAN3456",
    "U05EME7890",
    "U05FAR2345",
)
ROLE = """\
[roles.{key}]
horizon = {horizon}

[roles.{key}.slack]
dm = {dm}

[roles.{key}.standup]
enabled = false
"""


def write_config(tmp_path: Path, *, dm: bool = True, facilitator: bool = False) -> None:
    text = ROLE.format(key="support-triager", horizon=8, dm=str(dm).lower())
    if facilitator:
        text += "\n" + ROLE.format(key="meeting-facilitator", horizon=4, dm=str(dm).lower())
    else:
        text += "\n[roles.meeting-facilitator]  # the demo state holds both roles\n"
    (tmp_path / "rolebot.toml").write_text(text)


@dataclass
class Workspace:
    slack: FakeSlack
    env: dict[str, str]
    state: Path
    sent: int = 0
    """Posts made before the command under test."""

    def run(self, rolebot: Invoke, *args: str) -> Result:
        self.sent = len(self.slack.posts)
        return rolebot("--today", TODAY, *args, env=self.env)

    def dms(self) -> dict[str, list[str]]:
        """The direct messages the last command sent: their texts, by recipient."""
        found: dict[str, list[str]] = {}
        for post in self.slack.posts[self.sent :]:
            assert post.channel.startswith("D"), post
            found.setdefault(post.asked, []).append(post.text)
        return found


@pytest.fixture
def workspace(demo: Path, tmp_path: Path, rolebot: Invoke) -> Iterator[Workspace]:
    """The demo team in the fake Slack, its triager calendar filled by `rotate`."""
    write_config(tmp_path)
    slack = demo_workspace()
    with FakeServer(slack) as server:
        env = {"ROLEBOT_SLACK_TOKEN": TOKEN, "ROLEBOT_SLACK_API_URL": f"{server.url}/api/"}
        space = Workspace(slack, env, demo)
        filled = space.run(rolebot, "rotate", "support-triager")
        assert filled.exit_code == 0, filled.output
        yield space


def step_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line[:2] in {"✓ ", "✗ "}]


def test_a_swap_tells_the_two_people_once_and_a_rerun_tells_nobody(workspace: Workspace, rolebot: Invoke) -> None:
    preview = workspace.run(rolebot, "swap", "support-triager", "2026-12-30", "2027-01-13", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert workspace.dms() == {}
    out = " ".join(preview.stdout.split())
    assert "Slack direct message to Ada Okafor (U05ADA1234)" in out
    assert "Slack direct message to Chen Wei (U05CHE9012)" in out
    assert "would tell 2 member(s) of their changed turns, once the calendar is written" in preview.stderr

    done = workspace.run(rolebot, "swap", "support-triager", "2026-12-30", "2027-01-13")
    assert done.exit_code == 0, done.output
    assert "messenger: Slack (127.0.0.1" in done.stderr
    assert workspace.dms() == {
        ADA: [
            "Hi Ada! Your turns as Support Triager have changed.\n"
            "New: the turn starting Wednesday 13 January 2027.\n"
            "No longer yours: the turn starting Wednesday 30 December 2026.\n"
            "The team calendar has the whole rota. If a date does not suit you, arrange cover with a colleague."
        ],
        CHEN: [
            "Hi Chen! Your turns as Support Triager have changed.\n"
            "New: the turn starting Wednesday 30 December 2026.\n"
            "No longer yours: the turn starting Wednesday 13 January 2027.\n"
            "The team calendar has the whole rota. If a date does not suit you, arrange cover with a colleague."
        ],
    }
    assert step_lines(done) == [
        "✓ calendar: 2 updated in place",
        "✓ dates moved: told Ada Okafor, Chen Wei of their changed turns",
    ]
    again = workspace.run(rolebot, "swap", "support-triager", "2027-01-13", "2026-12-30")
    assert again.exit_code == 0, again.output
    assert "already swapped: nothing to do" in again.stderr
    assert workspace.dms() == {}


def test_a_cover_tells_the_member_covered_and_whoever_covers(workspace: Workspace, rolebot: Invoke) -> None:
    done = workspace.run(rolebot, "cover", "support-triager", "2026-12-16", "--by", "Chen")
    assert done.exit_code == 0, done.output
    told = workspace.dms()
    assert sorted(told) == [CHEN, EMEKA]
    assert "New: the turn starting Wednesday 16 December 2026." in told[CHEN][0]
    assert "No longer yours: the turn starting Wednesday 16 December 2026." in told[EMEKA][0]
    again = workspace.run(rolebot, "cover", "support-triager", "2026-12-16", "--by", "Chen")
    assert "already covers" in again.stderr
    assert workspace.dms() == {}


@pytest.mark.slow  # several whole jobs
def test_an_absence_tells_the_absent_member_and_their_trade_partner_only(workspace: Workspace, rolebot: Invoke) -> None:
    absence = ("away", "add", "Dana", "--from", "2026-12-10", "--to", "2026-12-20")
    preview = workspace.run(rolebot, *absence, "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert "Slack direct message to Dana Kowalski (U05DAN3456)" in " ".join(preview.stdout.split())
    assert workspace.dms() == {}

    done = workspace.run(rolebot, *absence)
    assert done.exit_code == 0, done.output
    told = workspace.dms()
    assert sorted(told) == [DANA, FARAH]  # her turn of 9 December trades with Farah's of 23 December
    assert told[DANA] == [
        "Hi Dana! Your turns as Support Triager have changed.\n"
        "New: the turn starting Wednesday 23 December 2026.\n"
        "No longer yours: the turn starting Wednesday 9 December 2026.\n"
        "The team calendar has the whole rota. If a date does not suit you, arrange cover with a colleague."
    ]
    assert step_lines(done)[-1] == "✓ dates moved: told Dana Kowalski, Farah Haddad of their changed turns"

    again = workspace.run(rolebot, *absence)
    assert "already recorded" in again.stderr
    assert step_lines(again)[-1] == "✓ dates moved: nobody's turns changed: no messages"
    assert workspace.dms() == {}

    back = workspace.run(rolebot, "away", "remove", "Dana")
    assert back.exit_code == 0, back.output
    restored = workspace.dms()
    assert sorted(restored) == [DANA, FARAH]
    assert "New: the turn starting Wednesday 9 December 2026." in restored[DANA][0]


def test_an_absence_in_two_roles_sends_each_member_one_message(
    workspace: Workspace, rolebot: Invoke, tmp_path: Path
) -> None:
    write_config(tmp_path, facilitator=True)
    filled = workspace.run(rolebot, "rotate", "meeting-facilitator")
    assert filled.exit_code == 0, filled.output
    # Chen's turns of 13 January (triager) and of January (facilitator) overlap it: each trades
    done = workspace.run(rolebot, "away", "add", "Chen", "--from", "2027-01-14", "--to", "2027-01-16")
    assert done.exit_code == 0, done.output
    told = workspace.dms()
    assert {member: len(texts) for member, texts in told.items()} == {CHEN: 1, DANA: 1, EMEKA: 1}
    assert told[CHEN][0] == (
        "Hi Chen! Your turns as Support Triager and Meeting Facilitator have changed.\n"
        "Support Triager: new: the turn starting Wednesday 20 January 2027; no longer yours: the turn starting "
        "Wednesday 13 January 2027.\n"
        "Meeting Facilitator: new: the turn starting Monday 1 February 2027; no longer yours: the turn starting "
        "Friday 1 January 2027.\n"
        "The team calendar has the whole rota. If a date does not suit you, arrange cover with a colleague."
    )
    assert told[DANA][0].startswith("Hi Dana! Your turns as Support Triager have changed.")
    assert told[EMEKA][0].startswith("Hi Emeka! Your turns as Meeting Facilitator have changed.")
    assert [line.split(":")[0] for line in step_lines(done)] == [
        "✓ state",
        "✓ calendar support-triager",
        "✓ calendar meeting-facilitator",
        "✓ dates moved",
    ]


def test_a_replan_tells_everyone_it_moved_but_not_the_leaver(workspace: Workspace, rolebot: Invoke) -> None:
    group = next(g for g in workspace.slack.groups if g.handle == "support-triagers")
    group.users.remove(EMEKA)
    done = workspace.run(rolebot, "calendar", "replan", "support-triager", "--yes", "--json")
    assert done.exit_code == 0, done.output
    plan = json.loads(done.stdout)  # stdout stays the JSON
    expected = {item["member"]["id"] for item in plan["dates"]}
    assert EMEKA not in expected
    assert len(expected) >= 3
    told = workspace.dms()
    assert set(told) == expected
    assert all(len(texts) == 1 for texts in told.values())
    again = workspace.run(rolebot, "calendar", "replan", "support-triager", "--yes")
    assert again.exit_code == 0, again.output
    assert workspace.dms() == {}


def test_with_direct_messages_off_nothing_is_sent(workspace: Workspace, rolebot: Invoke, tmp_path: Path) -> None:
    write_config(tmp_path, dm=False)
    done = workspace.run(rolebot, "swap", "support-triager", "2026-12-30", "2027-01-13")
    assert done.exit_code == 0, done.output
    assert step_lines(done) == ["✓ calendar: 2 updated in place"]
    assert workspace.dms() == {}
    assert "messenger" not in done.stderr


def test_a_message_slack_refuses_fails_its_line_and_the_swap_stands(workspace: Workspace, rolebot: Invoke) -> None:
    workspace.slack.dms_refused[CHEN] = "restricted_action"
    done = workspace.run(rolebot, "swap", "support-triager", "2026-12-30", "2027-01-13")
    assert done.exit_code == 1
    assert step_lines(done) == [
        "✓ calendar: 2 updated in place",
        "✗ dates moved: 1 of 2 messages about moved dates not sent (Chen Wei (U05CHE9012)): Slack: the workspace "
        "does not let the app post to a direct message to Chen Wei (U05CHE9012) (restricted_action); told Ada "
        "Okafor — the calendar has the change already, so a re-run will not send them: tell them yourself",
    ]
    assert "Error: 1 of 2 steps failed (dates moved)" in done.stderr
    assert sorted(workspace.dms()) == [ADA]
    again = workspace.run(rolebot, "swap", "support-triager", "2026-12-30", "2027-01-13")
    assert "already swapped" in again.stderr  # the swap itself was made


def test_the_local_backend_shows_the_messages(demo: Path, rolebot: Invoke, tmp_path: Path) -> None:
    write_config(tmp_path)
    filled = rolebot("--today", TODAY, "rotate", "support-triager")
    assert filled.exit_code == 0, filled.output
    done = rolebot("--today", TODAY, "swap", "support-triager", "2026-12-30", "2027-01-13")
    assert done.exit_code == 0, done.output
    out = " ".join(done.stdout.split())
    assert out.count("Slack direct message to") == 2
    assert "Slack direct message to Ada Okafor (U05ADA1234)" in out
    assert "New: the turn starting Wednesday 13 January 2027." in out
    assert step_lines(done)[-1] == (
        "✓ dates moved: 2 message(s) about moved dates shown above (local backend: nothing sent)"
    )
    replanned = rolebot("--today", TODAY, "calendar", "replan", "support-triager", "--yes", "--json")
    assert replanned.exit_code == 0, replanned.output
    json.loads(replanned.stdout)  # nothing but the JSON on stdout
