"""A new team starts from `rolebot.example.toml` in an empty folder: its one weekly role runs on the
local backend — `init`, `rotate`, `schedule`, `history` — and every option the example leaves
commented out is valid as written once uncommented."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from rolebot.config import build_config
from tests.conftest import REPO, Invoke, read_json

EXAMPLE = REPO / "rolebot.example.toml"
ROSTER = {
    "oncall": [
        {"id": "U01AMA", "name": "Amara Diallo"},
        {"id": "U02BEN", "name": "Ben Carter"},
        {"id": "U03CLO", "name": "Chloé Martin"},
        {"id": "U04DEV", "name": "Dev Patel"},
    ]
}


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder with the example config and, for the local backend, the user group's roster.
    The state file is left to its default, as a new team leaves it."""
    monkeypatch.delenv("ROLEBOT_STATE")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "rolebot.toml").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "roster.json").write_text(json.dumps(ROSTER))
    return tmp_path


def flat(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


def test_a_one_role_team_from_the_example_runs_init_rotate_schedule_and_history(team: Path, rolebot: Invoke) -> None:
    check = rolebot("config", "check")
    assert check.stdout == "✓ rolebot.toml is valid: 1 role (on-call)\n"

    init = rolebot("--today", "2026-11-25", "init", "on-call", "--current", "Ben")
    assert init.exit_code == 0, init.output
    assert "member — Ben Carter (U02BEN)" in flat(init.stdout)
    assert "✓ state: written to state/team-roles.local.json" in init.stderr

    rotate = rolebot("--today", "2026-11-27", "rotate", "on-call")
    assert rotate.exit_code == 0, rotate.output
    assert [line for line in rotate.stderr.splitlines() if line[:1] in "✓✗"] == [
        "✓ state: rotated for Monday 30 November 2026: Chloé Martin comes in (written to state/team-roles.local.json)",
        "✓ standup: none: On-call engineer runs without Geekbot (no standup settings)",
        "✓ calendar: 26 created; the series reaches 2027-05-24",
        "✓ dm: the direct message for Monday 30 November 2026 shown above (local backend: nothing sent)",
        "✓ dates moved: nobody's turns changed: no messages",
    ]
    assert "Hi Chloé! :wave: Your turn as On-call engineer starts on Monday 30 November 2026." in " ".join(
        rotate.stdout.split()
    )
    assert read_json(team / "state" / "team-roles.local.json") == {
        "on_call": {"name": "Chloé Martin", "id": "U03CLO"},
        "last_rotated": {"on_call": "2026-11-30"},
    }
    assert (team / "state" / "calendar.ics").read_text().count("SUMMARY:On-call engineer: ") == 26

    schedule = rolebot("--today", "2026-11-27", "schedule", "on-call", "-n", "3")
    assert schedule.exit_code == 0, schedule.output
    rows = flat(schedule.stdout)
    assert rows[0] == "On-call engineer: the next 3 handoffs"
    assert rows[3:] == [
        "2026-11-30 Chloé Martin (U03CLO) from the state",
        "2026-12-07 Dev Patel (U04DEV) round robin (calendar)",
        "2026-12-14 Amara Diallo (U01AMA) round robin (calendar)",
    ]

    assert rolebot("--today", "2026-12-02", "rotate", "on-call").exit_code == 0
    history = rolebot("--today", "2026-12-09", "history", "on-call", "--since", "2026-11-30")
    assert history.exit_code == 0, history.output
    lines = flat(history.stdout)
    assert lines[0] == "On-call engineer: who served from 2026-11-30 to today (2026-12-09)"
    assert "2026-11-30 Chloé Martin" in lines
    assert "2026-12-07 Dev Patel serving now" in lines
    assert "fairness: each of the 4 members of @oncall has 7 turns (spread 0: balanced)" in lines


def test_every_option_the_example_comments_out_is_valid_once_uncommented() -> None:
    text = EXAMPLE.read_text()
    commented = re.compile(r"^# (\[roles\.[\w.-]+\]|\w+ = .*)$", flags=re.MULTILINE)
    assert len(commented.findall(text)) >= 9
    uncommented = commented.sub(r"\1", text)
    role = build_config(tomllib.loads(uncommented), "rolebot.example.toml").role("on-call")
    assert role.geekbot is not None
    assert role.slack.announce_channel == "#team"
    assert role.slack.oncall_usergroup == "oncall-now"
    assert role.question.startswith("Hi {first_name}! From {handoff}")
