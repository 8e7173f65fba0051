"""The state files the team really kept, in every shape (tests/fixtures/legacy/), through `rotate`,
`schedule`, `standup` and `init` on the local backend; and the switch-over from the old scripts,
whose weekly job wrote the file on Monday for the coming Wednesday."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import Invoke, read_json

LEGACY = Path(__file__).resolve().parent.parent / "fixtures" / "legacy"
FILES = sorted(p.stem for p in LEGACY.glob("*.json"))
MONDAY, WEDNESDAY, NEXT_MONDAY = "2026-11-30", "2026-12-02", "2026-12-07"


@pytest.fixture
def team(demo: Path) -> Path:
    """The demo roster and the old scripts' calendar; each test copies in its state file."""
    shutil.copy(LEGACY / "calendar.ics", demo / "calendar.ics")
    return demo


def use(team: Path, name: str) -> Path:
    state = team / "team-roles.json"
    shutil.copy(LEGACY / f"{name}.json", state)
    return state


def triager_key(raw: dict[str, object]) -> str:
    return "support_steward" if "support_steward" in raw else "support_triager"


def test_there_is_a_file_of_every_shape() -> None:
    assert FILES == [
        "2022-support-steward",
        "2024-monday",
        "first-names-only",
        "retired-everything",
        "unmatchable-current",
    ]


@pytest.mark.parametrize("name", FILES)
def test_every_legacy_file_rotates_and_keeps_its_shape(team: Path, rolebot: Invoke, name: str) -> None:
    state = use(team, name)
    original = read_json(state)
    key = triager_key(original)
    for day in (MONDAY, WEDNESDAY):  # the old job already rotated for 2 December
        result = rolebot("--today", day, "rotate", "support-triager")
        assert result.exit_code == 0, result.output
        assert read_json(state)[key] == original[key]
    assert read_json(state)["last_rotated"] == {key: WEDNESDAY}

    result = rolebot("--today", NEXT_MONDAY, "rotate", "support-triager")
    assert result.exit_code == 0, result.output
    assert "✓ state: rotated for Wednesday 9 December 2026: Dana Kowalski comes in, Chen Wei stays on" in result.stderr
    written = read_json(state)
    assert written[key] == {
        "incoming": {"name": "Dana Kowalski", "id": "U05DAN3456"},
        "current": {"name": "Chen Wei", "id": "U05CHE9012"},
    }
    assert written["meeting_facilitator"] == original["meeting_facilitator"]  # a null-named entry stays one
    assert written["last_rotated"] == {key: "2026-12-09"}
    assert list(written) == [*original, "last_rotated"]


@pytest.mark.parametrize("name", FILES)
def test_every_legacy_file_has_a_schedule_and_a_standup(team: Path, rolebot: Invoke, name: str) -> None:
    state = use(team, name)
    before = state.read_bytes()
    schedule = rolebot("--today", MONDAY, "schedule", "support-triager", "-n", "2", "--json")
    assert schedule.exit_code == 0, schedule.output
    rows = json.loads(schedule.stdout)
    assert [(r["handoff"], r["incoming"]["name"]) for r in rows] == [
        ("2026-12-02", "Chen Wei"),
        ("2026-12-09", "Dana Kowalski"),
    ]
    standup = rolebot("--today", MONDAY, "standup", "support-triager")
    assert standup.exit_code == 0, standup.output
    assert "Hi Chen!" in standup.stdout
    assert state.read_bytes() == before  # neither writes the state


@pytest.mark.parametrize("name", FILES)
def test_init_replaces_the_role_and_keeps_the_rest(team: Path, rolebot: Invoke, name: str) -> None:
    state = use(team, name)
    original = read_json(state)
    key = triager_key(original)
    result = rolebot("--today", WEDNESDAY, "init", "support-triager", "--current", "Chen", "--standup-manager", "Ada")
    assert result.exit_code == 0, result.output
    written = read_json(state)
    assert written[key] == {
        "incoming": {"name": "Dana Kowalski", "id": "U05DAN3456"},
        "current": {"name": "Chen Wei", "id": "U05CHE9012"},
    }
    assert written["standup_manager"] == {"name": "Ada Okafor", "id": "U05ADA1234"}
    assert written["meeting_facilitator"] == original["meeting_facilitator"]
    assert written["last_rotated"] == {key: WEDNESDAY}


def test_switching_over_on_the_wednesday_rotates_once_too(team: Path, rolebot: Invoke) -> None:
    state = use(team, "2024-monday")
    for day in (WEDNESDAY, WEDNESDAY, NEXT_MONDAY, NEXT_MONDAY):
        assert rolebot("--today", day, "rotate", "support-triager", "--no-calendar").exit_code == 0
    assert read_json(state)["support_triager"]["incoming"]["name"] == "Dana Kowalski"
    assert read_json(state)["last_rotated"] == {"support_triager": "2026-12-09"}


def test_the_switch_over_is_said_and_only_last_rotated_is_written(team: Path, rolebot: Invoke) -> None:
    state = use(team, "2024-monday")
    result = rolebot("--today", MONDAY, "rotate", "support-triager", "--no-calendar")
    assert (
        "✓ state: already rotated for 2026-12-02: the state has no last_rotated, and the calendar names its "
        "incoming member Chen Wei for that handoff (the old scripts wrote it ahead); recording that, nothing else "
        "to do"
    ) in result.stderr
    assert "a swap" not in result.output
    original = json.loads((LEGACY / "2024-monday.json").read_text())
    assert read_json(state) == {**original, "last_rotated": {"support_triager": WEDNESDAY}}


def test_a_legacy_file_the_calendar_does_not_confirm_describes_the_previous_handoff(
    team: Path, rolebot: Invoke
) -> None:
    # Written for 25 November (Bruno came in) and never updated: rolebot rotates for 2 December.
    state = use(team, "2024-monday")
    raw = read_json(state)
    raw["support_triager"] = {
        "incoming": {"name": "Bruno Silva", "id": "U05BRU5678"},
        "current": {"name": "Ada Okafor", "id": "U05ADA1234"},
    }
    state.write_text(json.dumps(raw, indent=4) + "\n")
    result = rolebot("--today", MONDAY, "rotate", "support-triager", "--no-calendar")
    assert result.exit_code == 0, result.output
    assert read_json(state)["support_triager"]["incoming"]["name"] == "Chen Wei"


def test_an_unmatchable_leaving_member_is_a_warning_shown_by_the_stored_name(team: Path, rolebot: Invoke) -> None:
    use(team, "unmatchable-current")
    warning = (
        "warning: the state's current member 'Yuvi' has no Slack ID and its name matches no single member of "
        "@support-triagers: shown as stored (rolebot needs neither to choose nor to notify them)"
    )
    schedule = rolebot("--today", MONDAY, "schedule", "support-triager", "-n", "1")
    assert schedule.exit_code == 0, schedule.output
    assert "2026-12-02   Chen Wei (U05CHE9012)   Yuvi (no Slack ID yet)   from the state" in schedule.stdout
    assert warning in " ".join(schedule.stderr.split())
    assert rolebot("--today", MONDAY, "rotate", "support-triager", "--no-calendar").exit_code == 0
    rotate = rolebot("--today", NEXT_MONDAY, "rotate", "support-triager", "--dry-run")
    assert rotate.exit_code == 0, rotate.output
    assert "current    Yuvi (no Slack ID yet)" in rotate.stdout
    assert warning in " ".join(rotate.stderr.split())
    assert "Error" not in rotate.stderr


def test_an_unmatchable_member_who_must_be_chosen_from_is_still_an_error(team: Path, rolebot: Invoke) -> None:
    state = use(team, "unmatchable-current")
    raw = read_json(state)
    raw["support_triager"]["incoming"] = {"name": "Yuvi", "id": None}
    raw["last_rotated"] = {"support_triager": "2026-11-25"}
    state.write_text(json.dumps(raw, indent=4) + "\n")
    (team / "calendar.ics").unlink()  # round robin must count from Yuvi
    result = rolebot("--today", MONDAY, "rotate", "support-triager", "--no-calendar")
    assert result.exit_code == 1
    assert "✗ state: the state names 'Yuvi' as incoming without a Slack ID" in result.stderr
