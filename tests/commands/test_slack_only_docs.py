"""The README's *Slack only: no Geekbot* set-up runs as written: its `rolebot.toml` and its commands,
unchanged, against the fake Slack and Google on real sockets, with the credentials in the environment
and no Geekbot key. Geekbot is served too, and must hear nothing.

The samples the section shows are what its commands print, in a terminal as wide as the README's
samples; *The commands* shows `rotate` on the second week of this set-up, and that runs here too.
`uv run` is played by a stand-in that runs its command from this environment (tests/docs.py);
`ROLEBOT_TODAY` pins the date."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import read_json
from tests.docs import (
    BASH,
    Block,
    assert_shows,
    command_lines,
    in_terminal,
    readme_blocks,
    stand_in_for_uv,
    transcript,
)
from tests.fakes.geekbot import FakeGeekbot
from tests.fakes.google import FakeGoogle
from tests.fakes.server import FakeServer
from tests.fakes.slack import TOKEN, FakeSlack, oncall_workspace

pytestmark = pytest.mark.slow

SECTION = "Slack only: no Geekbot"
ROTATE = "`rolebot rotate ROLE [--dry-run [--full]] [--force] [--no-standup] [--no-calendar] [--no-state] [--json]`"


def block(language: str) -> Block:
    """The section's block in `language` (`""`: its transcript)."""
    [found] = readme_blocks(SECTION, language)
    return found


@dataclass
class Team:
    """The folder the set-up runs in, its environment, and the fake services it reaches."""

    path: Path
    env: dict[str, str]
    slack: FakeSlack
    geekbot: FakeServer
    hosts: dict[str, str]
    """Each fake's URL → the real host it stands for."""


@pytest.fixture
def team(tmp_path: Path) -> Iterator[Team]:
    """The section's `rolebot.toml` in an empty folder, the fake Slack, Google and Geekbot on real
    sockets, and the credentials of the first two in the environment."""
    (tmp_path / "rolebot.toml").write_text(block("toml").text)
    tools = tmp_path / "tools"
    stand_in_for_uv(tools)
    slack, google, geekbot = oncall_workspace(), FakeGoogle(), FakeGeekbot()
    with FakeServer(slack) as slack_server, google.serve() as google_server, FakeServer(geekbot) as geekbot_server:
        key = tmp_path / "service-account.json"
        key.write_text(json.dumps(google.key_for(google_server)))
        env = {
            "PATH": f"{tools}:/usr/bin:/bin",
            "HOME": str(tmp_path / "home"),
            "COLUMNS": "100",
            "NO_COLOR": "1",
            "ROLEBOT_TODAY": "2026-11-30",
            "ROLEBOT_SLACK_TOKEN": TOKEN,
            "ROLEBOT_SLACK_API_URL": f"{slack_server.url}/api/",
            "ROLEBOT_CALENDAR_ID": google.calendar_id,
            "ROLEBOT_GOOGLE_CREDENTIALS": str(key),
            "ROLEBOT_GOOGLE_API_URL": google_server.url,
            "ROLEBOT_GEEKBOT_API_URL": geekbot_server.url,
        }
        hosts = {slack_server.url: "slack.com", google_server.url: "www.googleapis.com"}
        yield Team(tmp_path, env, slack, geekbot_server, hosts)
    assert geekbot_server.recorder.requests == []


def test_the_slack_only_setup_runs_as_written_and_asks_geekbot_nothing(team: Team) -> None:
    done = subprocess.run(
        [BASH, "-e", "-o", "pipefail", "-c", block("bash").text],
        cwd=team.path,
        env=team.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert team.geekbot.recorder.requests == []
    slack = team.slack
    assert "Error" not in done.stderr
    assert "✓ standup: none: Support Triager runs without Geekbot (standup.enabled = false)" in done.stderr
    state = read_json(team.path / "state" / "team-roles.json")
    assert "standup_manager" not in state
    assert state["support_triager"]["incoming"]["name"] == "Emeka Nwosu"
    assert state["notified"] == {"support_triager": {"announce": "2026-12-02", "dm": "2026-12-02"}}
    assert next(g for g in slack.groups if g.handle == "support-triager-oncall").users == ["U05EME7890", "U05DAN3456"]
    assert [p.asked for p in slack.posts] == ["#support-freshdesk", "U05EME7890"] or [p.asked for p in slack.posts] == [
        "U05EME7890",
        "#support-freshdesk",
    ]
    assert TOKEN not in done.stdout + done.stderr


def run_as_shown(team: Team) -> None:
    """The section's commands one by one, in a terminal; each exits 0 and prints what its sample shows."""
    commands = command_lines(block("bash"))
    shown = {sample.command: sample.output for sample in transcript(block(""))}
    assert set(shown) <= {command.removeprefix("uv run ") for command in commands}
    for command in commands:
        ran = in_terminal(command, team.path, team.env, hosts=team.hosts)
        assert ran.returncode == 0, ran
        if command.removeprefix("uv run ") in shown:
            assert_shows(ran, shown[command.removeprefix("uv run ")], block("").where)


def test_the_samples_are_what_the_set_up_prints(team: Team) -> None:
    run_as_shown(team)


def test_the_second_week_is_what_the_rotate_sample_shows(team: Team) -> None:
    """*The commands* shows `rotate` live "on the second week of a Slack-only setup": this one."""
    run_as_shown(team)
    [live] = [b for b in readme_blocks(ROTATE) if b.text.startswith("$ rolebot --backend live rotate")]
    week = {**team.env, "ROLEBOT_TODAY": "2026-12-07", "PATH": f"{Path(sys.executable).parent}:{team.env['PATH']}"}
    for sample in transcript(live):
        ran = in_terminal(sample.command, team.path, week, hosts=team.hosts)
        assert ran.returncode == 0, ran
        assert_shows(ran, sample.output, live.where)
