"""The standup's ID kept in the state, end to end: `rolebot standup` and `rolebot rotate` against
a fake Geekbot on a real socket (members and calendar local).

Geekbot lists only the standups the key owner takes part in, so a run finds the standup by the
ID the state keeps first; without one (or when it cannot be seen) by name, in a listing of the
whole team when the key owner is an admin."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Invoke, one_error_line, read_json
from tests.fakes.geekbot import DEMO_KEY, DEMO_OWNER, FakeGeekbot
from tests.fakes.server import FakeRequest, FakeResponse, FakeServer

BRUNO, ADA = "U05BRU5678", "U05ADA1234"
NAME = "SupportTriagerStandup"
ROTATED_DAY = "2026-11-23"  # the demo state is rotated for Wed 25 Nov already
NEXT_WEEK = "2026-11-30"  # plans Wed 2 Dec: Chen Wei comes in
ROTATE = ("rotate", "support-triager", "--no-calendar")
GREETING = "Hi Bruno! :wave:"  # the demo state's question: Bruno Silva comes in


@pytest.fixture
def fake() -> FakeGeekbot:
    return FakeGeekbot()  # the key owner, Chen Wei (the standup manager), is an admin


@pytest.fixture
def server(fake: FakeGeekbot) -> Iterator[FakeServer]:
    with FakeServer(fake) as running:
        yield running


@pytest.fixture
def env(server: FakeServer) -> dict[str, str]:
    return {"ROLEBOT_GEEKBOT_API_URL": server.url, "ROLEBOT_GEEKBOT_TOKEN": DEMO_KEY, "ROLEBOT_BACKEND": "auto"}


def keep_id(demo: Path, standup_id: object) -> bytes:
    """Write the standup ID into the demo state, as an earlier run would have; the new bytes."""
    path = demo / "team-roles.json"
    team = read_json(path)
    team["standups"] = {"support_triager": str(standup_id)}
    path.write_text(json.dumps(team, indent=4) + "\n")
    return path.read_bytes()


def requests(server: FakeServer) -> list[str]:
    query = {"admin": "?admin=true"}
    return [f"{r.method} {r.path}" + "".join(query[k] for k in r.query) for r in server.requests]


# -- recording the ID ---------------------------------------------------------------------------


def test_rotate_records_the_id_of_a_standup_found_by_name_when_the_rotation_changes_nothing(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, server: FakeServer, env: dict[str, str]
) -> None:
    assert rolebot("--today", ROTATED_DAY, "standup", "support-triager", env=env).exit_code == 0
    [standup] = fake.named(NAME)
    path = demo / "team-roles.json"
    team = read_json(path)
    del team["standups"]  # as a state from before rolebot kept IDs
    path.write_text(json.dumps(team, indent=4) + "\n")
    server.requests.clear()

    first = rolebot("--today", ROTATED_DAY, *ROTATE, env=env)

    assert first.exit_code == 0, first.output
    assert "✓ state: already rotated for 2026-11-25; nothing to do" in first.stderr
    assert (
        f"✓ standup: {NAME} already up to date: nothing sent; recorded its ID {standup['id']} in the state"
        in first.stderr
    )
    assert read_json(path) == {**team, "standups": {"support_triager": str(standup["id"])}}
    assert requests(server) == ["GET /v1/me/teams", "GET /v1/standups?admin=true"]

    written = path.stat()
    server.requests.clear()
    again = rolebot("--today", ROTATED_DAY, *ROTATE, env=env)

    assert again.exit_code == 0, again.output
    assert f"✓ standup: {NAME} already up to date: nothing sent\n" in again.stderr
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)  # not rewritten
    assert requests(server) == [f"GET /v1/standups/{standup['id']}"]


def test_a_rotation_that_creates_the_standup_records_its_id_after_the_state_step(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, env: dict[str, str]
) -> None:
    result = rolebot("--today", NEXT_WEEK, *ROTATE, env=env)

    assert result.exit_code == 0, result.output
    [standup] = fake.named(NAME)
    assert "✓ state: rotated for Wednesday 2 December 2026" in result.stderr
    assert f"recorded its ID {standup['id']} in the state" in result.stderr
    team = read_json(demo / "team-roles.json")
    assert team["support_triager"]["incoming"]["id"] == DEMO_OWNER
    assert team["last_rotated"] == {"support_triager": "2026-12-02"}
    assert team["standups"] == {"support_triager": str(standup["id"])}


def test_with_no_state_the_id_is_not_recorded_and_the_line_says_so(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, env: dict[str, str]
) -> None:
    standup = fake.seed(name=NAME, users=[ADA, DEMO_OWNER])
    before = (demo / "team-roles.json").read_bytes()

    result = rolebot("--today", ROTATED_DAY, *ROTATE, "--no-state", env=env)

    assert result.exit_code == 0, result.output
    assert f"its ID {standup['id']} is not recorded (the state is kept as it is)" in result.stderr
    assert (demo / "team-roles.json").read_bytes() == before


def test_a_dry_run_says_it_would_record_the_id_and_writes_nothing(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, env: dict[str, str]
) -> None:
    standup = fake.seed(name=NAME, users=[ADA, DEMO_OWNER])
    before = (demo / "team-roles.json").read_bytes()

    result = rolebot("standup", "support-triager", "--dry-run", env=env)

    assert result.exit_code == 0, result.output
    assert f"would record its ID {standup['id']} in the state" in result.stderr
    assert (demo / "team-roles.json").read_bytes() == before


# -- a standup the key owner cannot see -------------------------------------------------------------


@pytest.mark.parametrize("how", ["removed", "deleted"])
def test_a_kept_standup_a_non_admin_cannot_see_stops_the_standup_step_with_both_fixes(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, server: FakeServer, env: dict[str, str], how: str
) -> None:
    fake.users[DEMO_OWNER]["role"] = "member"
    standup = fake.seed(name=NAME, users=[BRUNO])  # Chen Wei was taken out of it in the dashboard
    if how == "deleted":
        del fake.standups[standup["id"]]
    kept = keep_id(demo, standup["id"])

    alone = rolebot("--today", ROTATED_DAY, "standup", "support-triager", env=env)
    job = rolebot("--today", NEXT_WEEK, "rotate", "support-triager", env=env)

    line = one_error_line(alone.stderr)
    assert alone.exit_code == 1
    assert line == (
        f"Error: Geekbot: the standup the state keeps for Support Triager (id {standup['id']}) cannot be seen "
        "with Chen Wei's API key: it was deleted, or Chen Wei was removed from it, and only a Geekbot admin's key "
        "could tell which; rolebot makes no second standup while the first may still exist — if it still exists, "
        f'add Chen Wei back to {NAME} in Geekbot; if it was deleted, remove "support_triager" from "standups" '
        "in the state file so that rolebot creates a new one"
    )
    assert job.exit_code == 1
    assert f"✗ standup: {line.removeprefix('Error: ')}" in job.stderr
    assert "✓ state: rotated for Wednesday 2 December 2026" in job.stderr
    assert "✓ calendar: 53 created" in job.stderr
    assert one_error_line(job.stderr).startswith("Error: 1 of 3 steps failed (standup)")
    assert [r.method for r in server.requests if r.method != "GET"] == []
    assert read_json(demo / "team-roles.json")["standups"] == json.loads(kept)["standups"]

    # The second fix: forget the ID, and the next run makes a new standup.
    team = read_json(demo / "team-roles.json")
    del team["standups"]
    (demo / "team-roles.json").write_text(json.dumps(team, indent=4) + "\n")
    fixed = rolebot("--today", NEXT_WEEK, "standup", "support-triager", env=env)
    assert fixed.exit_code == 0, fixed.output
    [made] = [s for s in fake.named(NAME) if DEMO_OWNER in [u["id"] for u in s["users"]]]
    assert read_json(demo / "team-roles.json")["standups"] == {"support_triager": str(made["id"])}


def test_an_admin_key_finds_the_kept_standup_its_owner_was_removed_from_and_adds_them_back(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, server: FakeServer, env: dict[str, str]
) -> None:
    standup = fake.seed(name=NAME, users=[BRUNO], questions=[{"question": "Hi Bruno!"}])
    kept = keep_id(demo, standup["id"])

    result = rolebot("--today", ROTATED_DAY, "standup", "support-triager", env=env)

    assert result.exit_code == 0, result.output
    assert f"✓ standup: updated the participants and question of {NAME}, keeping its schedule\n" in result.stderr
    assert requests(server) == [
        f"GET /v1/standups/{standup['id']}",
        "GET /v1/me/teams",
        "GET /v1/standups?admin=true",
        f"PATCH /v1/standups/{standup['id']}",
    ]
    [after] = fake.named(NAME)
    assert [u["id"] for u in after["users"]] == [BRUNO, DEMO_OWNER]
    assert (demo / "team-roles.json").read_bytes() == kept


def test_a_kept_standup_renamed_in_geekbot_is_an_error_naming_both_ways_out(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, server: FakeServer, env: dict[str, str]
) -> None:
    standup = fake.seed(name="Triage duty", users=[ADA, DEMO_OWNER])
    keep_id(demo, standup["id"])

    result = rolebot("standup", "support-triager", env=env)

    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert f"(id {standup['id']}) is now called 'Triage duty', not '{NAME}'" in line
    assert "rename it back in Geekbot, or set name = 'Triage duty' under [roles.support-triager.standup]" in line
    assert [r.method for r in server.requests] == ["GET"]


def test_a_kept_standup_with_a_textless_question_gets_the_question(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, env: dict[str, str]
) -> None:
    standup = fake.seed(name=NAME, users=[BRUNO, DEMO_OWNER], questions=[{"question": None}])
    keep_id(demo, standup["id"])

    result = rolebot("standup", "support-triager", env=env)

    assert result.exit_code == 0, result.output
    assert f"✓ standup: updated the question of {NAME}, keeping its schedule" in result.stderr
    assert fake.named(NAME)[0]["questions"][0]["text"].startswith(GREETING)


def test_a_standup_deleted_while_being_updated_is_forgotten_and_made_anew_by_the_next_run(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, env: dict[str, str]
) -> None:
    fake.users[DEMO_OWNER]["role"] = "member"  # no admin listing to tell that it is gone
    standup = fake.seed(name=NAME, users=[ADA, DEMO_OWNER], questions=[{"question": "Hi Ada!"}])
    keep_id(demo, standup["id"])

    def deleted_right_after_the_read(request: FakeRequest) -> FakeResponse:
        response = fake(request)
        if request.method == "GET" and request.path == f"/v1/standups/{standup['id']}":
            fake.standups.pop(standup["id"], None)  # someone deletes it in the dashboard just then
        return response

    with FakeServer(deleted_right_after_the_read) as racing:
        failed = rolebot("standup", "support-triager", env={**env, "ROLEBOT_GEEKBOT_API_URL": racing.url})

    assert failed.exit_code == 1
    assert "no longer exists (HTTP 404: Standup not found) — run the command again" in one_error_line(failed.stderr)
    assert "standups" not in read_json(demo / "team-roles.json")

    again = rolebot("standup", "support-triager", env=env)

    assert again.exit_code == 0, again.output
    [made] = fake.named(NAME)
    assert f"✓ standup: created {NAME}" in again.stderr
    assert read_json(demo / "team-roles.json")["standups"] == {"support_triager": str(made["id"])}


# -- duplicates left by earlier runs ----------------------------------------------------------------


def test_duplicates_the_key_owner_made_are_deleted_keeping_the_oldest(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, server: FakeServer, env: dict[str, str]
) -> None:
    made = [fake.seed(name=NAME, users=[BRUNO, DEMO_OWNER]) for _ in range(3)]
    newer = f"{made[1]['id']}, {made[2]['id']}"

    preview = rolebot("standup", "support-triager", "--dry-run", env=env)

    assert preview.exit_code == 0, preview.output
    assert f"would delete 2 newer duplicate(s) (id {newer}), keeping id {made[0]['id']}" in preview.stderr
    assert len(fake.named(NAME)) == 3

    result = rolebot("standup", "support-triager", env=env)

    assert result.exit_code == 0, result.output
    assert f"deleted 2 duplicate(s) the key owner had made (id {newer}), keeping the oldest" in result.stderr
    assert [s["id"] for s in fake.named(NAME)] == [made[0]["id"]]
    assert read_json(demo / "team-roles.json")["standups"] == {"support_triager": str(made[0]["id"])}
    assert [r for r in requests(server) if not r.startswith("GET")] == [
        f"PATCH /v1/standups/{made[0]['id']}",
        f"DELETE /v1/standups/{made[1]['id']}",
        f"DELETE /v1/standups/{made[2]['id']}",
    ]
