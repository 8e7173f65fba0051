"""A role's handoff day changed in the config: `schedule` and `rotate` say the series moves, and
read the dates the state and the calendar hold as the handoff on or before each."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Invoke, read_json


@pytest.fixture
def rotated(demo: Path, rolebot: Invoke) -> Path:
    """The demo team rotated for Wednesday 2 December, with a year of Wednesday events."""
    assert rolebot("--today", "2026-11-30", "rotate", "support-triager").exit_code == 0
    assert rolebot("--today", "2026-11-30", "calendar", "bulk", "meeting-facilitator", "--yes").exit_code == 0
    return demo


def flat(text: str) -> str:
    return " ".join(text.split())


def test_weekly_role_moved_to_mondays(rotated: Path, tmp_path: Path, rolebot: Invoke) -> None:
    (tmp_path / "rolebot.toml").write_text('[roles.support-triager]\nweekday = "monday"\n[roles.meeting-facilitator]\n')
    schedule = rolebot("--today", "2026-12-03", "schedule", "support-triager", "-n", "2")
    assert schedule.exit_code == 0, schedule.output
    assert "2026-12-07   Dana Kowalski (U05DAN3456)   Chen Wei (U05CHE9012)" in schedule.stdout
    assert "the series moves to Mondays" in flat(schedule.stderr)
    assert "the state was last rotated for 2026-12-02, not a handoff day: read as Monday 30 November 2026" in flat(
        schedule.stderr
    )
    rotate = rolebot("--today", "2026-12-03", "rotate", "support-triager")
    assert rotate.exit_code == 0, rotate.output
    assert "the series moves to Mondays" in flat(rotate.stderr)
    assert "✓ state: rotated for Monday 7 December 2026: Dana Kowalski comes in, Chen Wei stays on" in rotate.stderr
    assert read_json(rotated / "team-roles.json")["last_rotated"]["support_triager"] == "2026-12-07"
    again = rolebot("--today", "2026-12-03", "rotate", "support-triager")
    assert "✓ state: already rotated for 2026-12-07" in again.stderr


def test_monthly_role_moved_to_the_15th(rotated: Path, tmp_path: Path, rolebot: Invoke) -> None:
    (tmp_path / "rolebot.toml").write_text("[roles.meeting-facilitator]\nday_of_month = 15\n[roles.support-triager]\n")
    schedule = rolebot("--today", "2026-12-03", "schedule", "meeting-facilitator", "-n", "2")
    assert schedule.exit_code == 0, schedule.output
    assert "2026-12-15" in schedule.stdout
    assert "2027-01-15" in schedule.stdout
    assert "the series moves to the 15th" in flat(schedule.stderr)
    rotate = rolebot("--today", "2026-12-03", "rotate", "meeting-facilitator", "--dry-run")
    assert rotate.exit_code == 0, rotate.output
    assert "handoff Tuesday 15 December 2026" in rotate.stdout
