import json
from datetime import date
from pathlib import Path

import pytest

from rolebot.errors import StateError
from rolebot.models import Absence
from rolebot.state import Person, RoleState, load_state, render_state, save_state
from tests.helpers import CONFIG, FACILITATOR, TRIAGER

LEGACY = {
    "standup_manager": {"name": "Chen Wei", "id": "U03CHE"},
    "meeting_facilitator": None,
    "support_triager": {
        "incoming": {"name": "Bruno Silva", "id": None},
        "current": {"name": "Ada Okafor", "id": "U01ADA"},
    },
}


def write(path: Path, content: object) -> Path:
    path.write_text(json.dumps(content, indent=4) + "\n")
    return path


def test_the_existing_structure_loads_unchanged(tmp_path: Path) -> None:
    team = load_state(write(tmp_path / "team-roles.json", LEGACY), CONFIG)
    assert team.standup_manager == Person(name="Chen Wei", id="U03CHE")
    triager = team.role(TRIAGER)
    assert triager.slots == (Person(name="Bruno Silva", id=None), Person(name="Ada Okafor", id="U01ADA"))
    assert triager.last_rotated is None
    assert team.role(FACILITATOR).slots == (None,)


def test_a_file_written_by_the_old_scripts_renders_back_byte_for_byte(tmp_path: Path) -> None:
    path = write(tmp_path / "team-roles.json", LEGACY)
    assert render_state(load_state(path, CONFIG), CONFIG) == path.read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            {**LEGACY, "support_triager": {"incoming": {"name": "B", "id": 7}}},
            "support_triager.incoming.id: Input should be a valid string",
        ),
        (
            {**LEGACY, "support_triager": {"incoming": {"name": "B"}, "next": None}},
            "support_triager.next: Extra inputs are not permitted",
        ),
        ({**LEGACY, "standup_manager": {"id": "U1"}}, "standup_manager.name: Field required"),
        ({**LEGACY, "standup_manager": "Chen"}, "standup_manager: Input should be a valid dictionary"),
        ({**LEGACY, "on_call": None}, "on_call: unknown key"),
        (
            {**LEGACY, "last_rotated": {"support_triager": "next week"}},
            "last_rotated.support_triager: 'next week' is not a date",
        ),
        ({**LEGACY, "last_rotated": {"on_call": "2026-12-02"}}, "last_rotated.on_call: unknown role"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_invalid_content_is_an_error_naming_the_file_and_the_path(
    tmp_path: Path, content: object, message: str
) -> None:
    path = write(tmp_path / "team-roles.json", content)
    with pytest.raises(StateError) as caught:
        load_state(path, CONFIG)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_broken_json_and_a_missing_file_are_clear_errors(tmp_path: Path) -> None:
    broken = tmp_path / "team-roles.json"
    broken.write_text('{"standup_manager": {"name": "x",}}')
    with pytest.raises(StateError, match=r"is not valid JSON \(line 1, column 34"):
        load_state(broken, CONFIG)
    with pytest.raises(StateError, match="rolebot init"):
        load_state(tmp_path / "missing.json", CONFIG)
    assert load_state(tmp_path / "missing.json", CONFIG, missing_ok=True).roles == {}


def test_save_leaves_an_unchanged_file_alone_and_keeps_key_order(tmp_path: Path) -> None:
    path = write(tmp_path / "team-roles.json", LEGACY)
    before = path.stat().st_mtime_ns
    team = load_state(path, CONFIG)
    assert save_state(path, team, CONFIG, team) is False
    assert path.stat().st_mtime_ns == before

    rotated = team.with_role(
        TRIAGER,
        RoleState((Person(name="Chen Wei", id="U03CHE"), Person(name="Bruno Silva", id="U02BRU")), date(2026, 12, 2)),
    )
    assert save_state(path, rotated, CONFIG, team) is True
    written = json.loads(path.read_text())
    assert list(written) == ["standup_manager", "meeting_facilitator", "support_triager", "last_rotated"]
    assert written["last_rotated"] == {"support_triager": "2026-12-02"}
    assert written["support_triager"]["current"] == {"name": "Bruno Silva", "id": "U02BRU"}
    assert path.read_text().startswith('{\n    "standup_manager": {\n        "name"')
    assert load_state(path, CONFIG) == rotated.__class__(
        rotated.standup_manager, rotated.roles, rotated.last_rotated, tuple(written)
    )


def test_writes_are_atomic_no_temporary_file_is_left(tmp_path: Path) -> None:
    path = write(tmp_path / "team-roles.json", LEGACY)
    team = load_state(path, CONFIG)
    save_state(path, team.with_manager(Person(name="Ada Okafor", id="U01ADA")), CONFIG, team)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".team-roles.json.lock", "team-roles.json"]


def test_standup_ids_notifications_and_absences_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path / "team-roles.json", LEGACY)
    team = load_state(path, CONFIG)
    away = Absence("U01ADA", "Ada Okafor", date(2026, 12, 20), date(2027, 1, 3))
    changed = (
        team.with_standup_id(TRIAGER, "3221").with_notified(TRIAGER, "announce", date(2026, 12, 2)).with_away((away,))
    )
    assert save_state(path, changed, CONFIG, team)
    raw = json.loads(path.read_text())
    assert raw["standups"] == {"support_triager": "3221"}
    assert raw["notified"] == {"support_triager": {"announce": "2026-12-02"}}
    assert raw["away"] == [{"id": "U01ADA", "name": "Ada Okafor", "from": "2026-12-20", "to": "2027-01-03"}]
    again = load_state(path, CONFIG)
    assert again.standup_id(TRIAGER) == "3221"
    assert again.notified_for(TRIAGER, "announce") == date(2026, 12, 2)
    assert again.notified_for(TRIAGER, "dm") is None
    assert again.away == (away,)
    assert render_state(again, CONFIG) == path.read_text()
    assert not save_state(path, again, CONFIG, again)
    assert load_state(path, CONFIG).with_standup_id(TRIAGER, None).standup_id(TRIAGER) is None


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"standups": {"support_triager": 3221}}, "standups.support_triager: expected a standup ID"),
        ({"standups": {"nobody": "1"}}, "standups.nobody: unknown role"),
        ({"notified": {"support_triager": {"dm": "soon"}}}, "notified.support_triager.dm: 'soon' is not a date"),
        ({"away": {"id": "U01ADA"}}, "away: expected a list"),
        ({"away": [{"id": "U01ADA", "name": "Ada", "from": "2026-12-20"}]}, "away[0].to: Field required"),
        ({"away": [{"id": "U01ADA", "name": "Ada", "from": "2026-12-20", "to": "2026-12-1"}]}, "away[0].to:"),
        (
            {"away": [{"id": "U01ADA", "name": "Ada", "from": "2026-12-20", "to": "2026-12-01"}]},
            "away[0]: `to` 2026-12-01 is before `from` 2026-12-20",
        ),
    ],
)
def test_bad_added_keys_are_errors_naming_the_path(tmp_path: Path, extra: dict[str, object], expected: str) -> None:
    path = write(tmp_path / "team-roles.json", {**LEGACY, **extra})
    with pytest.raises(StateError) as caught:
        load_state(path, CONFIG)
    assert expected in str(caught.value)


NULL_NAMED = {
    "standup_manager": {"name": "Chen Wei", "id": "U03CHE"},
    "meeting_facilitator": {"name": None, "id": None},
    "support_steward": {"incoming": {"name": "Bruno", "id": None}, "current": {"name": None, "id": None}},
}


def test_null_named_entries_are_empty_slots_written_back_in_the_same_shape(tmp_path: Path) -> None:
    path = write(tmp_path / "team-roles.json", NULL_NAMED)
    team = load_state(path, CONFIG)
    assert team.role(FACILITATOR).slots == (None,)
    assert team.role(TRIAGER).slots == (Person(name="Bruno", id=None), None)
    assert render_state(team, CONFIG) == path.read_text()
    rotated = team.with_role(TRIAGER, RoleState((Person(name="Chen Wei", id="U03CHE"), None), date(2026, 12, 2)))
    assert save_state(path, rotated, CONFIG, team)
    written = json.loads(path.read_text())
    assert written["meeting_facilitator"] == {"name": None, "id": None}
    assert written["support_steward"]["current"] == {"name": None, "id": None}
    assert written["last_rotated"] == {"support_steward": "2026-12-02"}  # under the key the file uses
    assert "support_triager" not in written


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({**LEGACY, "support_steward": None}, "support_triager and support_steward both name the role"),
        ({**LEGACY, "meeting_facilitator": {"name": None, "id": "U1"}}, "meeting_facilitator.name: Input should"),
        ({**LEGACY, "last_rotated": {"support_steward": "2026-12-02"}}, "both name the role support-triager"),
        ({**LEGACY, "last_rotated": {"support_triager": "9999-12-30"}}, "9999-12-30 is out of range"),
    ],
)
def test_the_older_key_and_null_names_are_read_strictly_otherwise(
    tmp_path: Path, content: object, message: str
) -> None:
    with pytest.raises(StateError, match=message):
        load_state(write(tmp_path / "team-roles.json", content), CONFIG)


def test_a_deeply_nested_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "team-roles.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(StateError, match="nests objects or lists too deeply"):
        load_state(path, CONFIG)


def test_saving_applies_this_runs_changes_to_what_another_run_wrote_meanwhile(tmp_path: Path) -> None:
    path = write(tmp_path / "team-roles.json", LEGACY)
    read_by_us = load_state(path, CONFIG)
    theirs = read_by_us.with_role(FACILITATOR, RoleState((Person(name="Ada Okafor", id="U01ADA"),), date(2027, 1, 1)))
    assert save_state(path, theirs, CONFIG, read_by_us)  # the other run finished first
    ours = read_by_us.with_role(
        TRIAGER,
        RoleState((Person(name="Chen Wei", id="U03CHE"), Person(name="Bruno Silva", id=None)), date(2026, 12, 2)),
    )
    assert save_state(path, ours, CONFIG, read_by_us)
    both = load_state(path, CONFIG)
    assert both.role(FACILITATOR).slots == (Person(name="Ada Okafor", id="U01ADA"),)
    assert both.role(TRIAGER).slots[0] == Person(name="Chen Wei", id="U03CHE")
    assert both.last_rotated == {"meeting_facilitator": date(2027, 1, 1), "support_triager": date(2026, 12, 2)}


def test_a_key_two_runs_changed_differently_is_an_error_and_nothing_is_written(tmp_path: Path) -> None:
    path = write(tmp_path / "team-roles.json", LEGACY)
    read_by_us = load_state(path, CONFIG)
    save_state(path, read_by_us.with_manager(Person(name="Ada Okafor", id="U01ADA")), CONFIG, read_by_us)
    after_them = path.read_bytes()
    with pytest.raises(StateError) as caught:
        save_state(path, read_by_us.with_manager(Person(name="Bruno Silva", id="U02BRU")), CONFIG, read_by_us)
    assert str(caught.value) == (
        f"{path}: another rolebot run changed standup_manager differently while this one ran; nothing written"
        " — run the command again: it starts from what the other run wrote"
    )
    assert path.read_bytes() == after_them
