"""`rolebot standup` and `rolebot rotate` end to end against a fake Geekbot on a real socket.

The CLI reaches the fake through ROLEBOT_GEEKBOT_API_URL with ROLEBOT_GEEKBOT_TOKEN set and
ROLEBOT_BACKEND=auto, so the notifier is live while members and calendar stay local.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import Invoke, Sleeps, one_error_line, read_json
from tests.fakes.geekbot import DEMO_KEY, DEMO_OWNER, FakeGeekbot
from tests.fakes.server import FakeServer

BRUNO, ADA = "U05BRU5678", "U05ADA1234"
NEXT_WEEK = "2026-11-30"  # the demo state was rotated for Wed 25 Nov; this plans Wed 2 Dec
NAME = "SupportTriagerStandup"


def writes(server: FakeServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in server.requests if r.method != "GET"]


@pytest.fixture
def fake() -> FakeGeekbot:
    return FakeGeekbot()


@pytest.fixture
def server(fake: FakeGeekbot) -> Iterator[FakeServer]:
    with FakeServer(fake) as running:
        yield running


@pytest.fixture
def env(server: FakeServer) -> dict[str, str]:
    return {"ROLEBOT_GEEKBOT_API_URL": server.url, "ROLEBOT_GEEKBOT_TOKEN": DEMO_KEY, "ROLEBOT_BACKEND": "auto"}


def test_standup_is_created_once(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, server: FakeServer, env: dict[str, str]
) -> None:
    first = rolebot("standup", "support-triager", env=env)

    assert first.exit_code == 0, first.output
    host = urlsplit(server.url).netloc
    [standup] = fake.named(NAME)
    assert first.stderr == (
        f"backends: notifier: Geekbot ({host})\n"
        f"✓ standup: created {NAME}; it runs weekly on Wed at 10:00:00 (user_local); "
        f"recorded its ID {standup['id']} in the state\n"
    )
    assert read_json(demo / "team-roles.json")["standups"] == {"support_triager": str(standup["id"])}
    assert [u["id"] for u in standup["users"]] == [BRUNO, DEMO_OWNER]
    assert standup["questions"][0]["text"].startswith("Hi Bruno! :wave: From Wednesday 25 November 2026")
    assert "Your buddy this week is Ada Okafor" in standup["questions"][0]["text"]
    assert (standup["channel"], standup["days"], standup["time"], standup["wait_time"]) == (
        "#support-freshdesk",
        ["Wed"],
        "10:00:00",
        600,
    )

    server.requests.clear()
    second = rolebot("standup", "support-triager", env=env)

    assert second.exit_code == 0, second.output
    assert f"✓ standup: {NAME} already up to date: nothing sent" in second.stderr
    assert [f"{r.method} {r.path}" for r in server.requests] == [f"GET /v1/standups/{standup['id']}"]
    assert len(fake.named(NAME)) == 1


def test_rotate_updates_participants_and_question_and_keeps_the_schedule(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, server: FakeServer, env: dict[str, str]
) -> None:
    assert rolebot("standup", "support-triager", env=env).exit_code == 0
    standup_id = fake.named(NAME)[0]["id"]
    fake.standups[standup_id].update(time="09:15:00", days=["Tue", "Wed"], timezone="Europe/Lisbon")
    server.requests.clear()

    result = rolebot("--today", NEXT_WEEK, "rotate", "support-triager", "--no-calendar", env=env)

    assert result.exit_code == 0, result.output
    assert f"✓ standup: updated the participants and question of {NAME}, keeping its schedule" in result.stderr
    assert writes(server) == [f"PATCH /v1/standups/{standup_id}"]
    [patch] = [r for r in server.requests if r.method == "PATCH"]
    body = patch.json()
    assert set(body) == {"users", "sync_channel_members", "questions"}
    assert body["users"] == [DEMO_OWNER]  # Chen Wei comes in and is the standup manager: once
    assert body["sync_channel_members"] is False
    [standup] = fake.named(NAME)
    question = standup["questions"][0]["text"]
    assert question.startswith("Hi Chen! :wave: From Wednesday 2 December 2026")
    assert "Your buddy this week is Bruno Silva" in question
    assert (standup["time"], standup["days"], standup["timezone"]) == ("09:15:00", ["Tue", "Wed"], "Europe/Lisbon")

    server.requests.clear()
    again = rolebot("--today", NEXT_WEEK, "rotate", "support-triager", "--no-calendar", env=env)
    assert again.exit_code == 0, again.output
    assert writes(server) == []


def test_names_are_escaped_for_slack(tmp_path: Path, rolebot: Invoke) -> None:
    ann, bob, mallory = "U07ANN0001", "U07BOB0002", "U07MAL0003"
    members = [(ann, "Ann Lee"), (bob, "Bob <@here> Smith"), (mallory, "<!channel> Mallory")]
    state = tmp_path / "state"
    state.mkdir()
    (state / "roster.json").write_text(
        json.dumps({"support-triagers": [{"id": i, "name": n} for i, n in members], "meeting-facilitators": []})
    )
    (state / "team-roles.json").write_text(
        json.dumps(
            {
                "standup_manager": {"name": "Ann Lee", "id": ann},
                "meeting_facilitator": None,
                "support_triager": {
                    "incoming": {"name": "Bob <@here> Smith", "id": bob},
                    "current": {"name": "Ann Lee", "id": ann},
                },
                "last_rotated": {"support_triager": "2026-11-25"},
            },
            indent=4,
        )
    )
    key = "api_ann0lee0personal0key0000000000"
    fake = FakeGeekbot(keys={key: ann}, members=members, admins=())
    fake.seed(owner=ann, name=NAME, users=[bob, ann], questions=[{"question": "Hi Bob!"}])
    with FakeServer(fake) as server:
        env = {"ROLEBOT_GEEKBOT_API_URL": server.url, "ROLEBOT_GEEKBOT_TOKEN": key, "ROLEBOT_BACKEND": "auto"}
        result = rolebot("--today", NEXT_WEEK, "rotate", "support-triager", "--no-calendar", env=env)

    assert result.exit_code == 0, result.output
    assert "<!channel> Mallory (U07MAL0003)" in result.stdout
    [standup] = fake.named(NAME)
    assert [u["id"] for u in standup["users"]] == [mallory, ann]
    question = standup["questions"][0]["text"]
    assert question.startswith("Hi &lt;!channel&gt;! :wave:")
    assert "Your buddy this week is Bob &lt;@here&gt; Smith" in question
    assert "<!channel>" not in question
    assert "<@here>" not in question


def test_dry_run_shows_the_standup_and_sends_nothing(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, server: FakeServer, env: dict[str, str]
) -> None:
    result = rolebot("standup", "support-triager", "--dry-run", env=env)

    assert result.exit_code == 0, result.output
    assert f"Geekbot standup {NAME}" in result.stdout
    assert "dry run: nothing sent" in result.stdout
    [row] = [line for line in result.stdout.splitlines() if "participants" in line]
    assert DEMO_OWNER in row
    assert BRUNO in row.split(DEMO_OWNER)[0]  # the incoming member, then the standup manager
    assert f"would create the standup {NAME} (it runs weekly on Wed)" in result.stderr
    assert writes(server) == []

    fake.seed(name=NAME, users=[ADA, DEMO_OWNER], questions=[{"question": "Hi Ada!"}])
    update = rolebot("standup", "support-triager", "--dry-run", env=env)

    assert update.exit_code == 0, update.output
    assert f"would update participants, question of the standup {NAME}, keeping its schedule" in update.stderr
    assert writes(server) == []
    assert fake.named(NAME)[0]["questions"][0]["text"] == "Hi Ada!"


def test_a_legacy_state_without_an_id_is_resolved_through_the_user_group(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, env: dict[str, str]
) -> None:
    path = demo / "team-roles.json"
    team = read_json(path)
    team["support_triager"]["incoming"]["id"] = None
    path.write_text(json.dumps(team, indent=4) + "\n")
    before = path.read_bytes()

    result = rolebot("standup", "support-triager", env=env)

    assert result.exit_code == 0, result.output
    assert "members: local roster state/roster.json" in result.stderr
    [standup] = fake.named(NAME)
    assert [u["id"] for u in standup["users"]] == [BRUNO, DEMO_OWNER]
    assert standup["questions"][0]["text"].startswith("Hi Bruno!")
    assert read_json(path) == {**json.loads(before), "standups": {"support_triager": str(standup["id"])}}


def test_verbose_shows_each_call_and_never_the_key(demo: Path, rolebot: Invoke, env: dict[str, str]) -> None:
    result = rolebot("-v", "standup", "support-triager", env=env)

    assert result.exit_code == 0, result.output
    lines = [line.split(" (")[0] for line in result.stderr.splitlines() if line.startswith("Geekbot: ")]
    assert lines == [
        "Geekbot: GET /v1/me/teams 200",
        "Geekbot: GET /v1/standups 200",
        "Geekbot: POST /v1/standups 200",
        "Geekbot: GET /v1/standups 200",
    ]
    assert DEMO_KEY not in result.output


WRONG_KEY = "api_0000wrong0key0000000000000000"
Setup = Callable[[FakeGeekbot, FakeServer, dict[str, str]], None]


def _wrong_key(fake: FakeGeekbot, server: FakeServer, env: dict[str, str]) -> None:
    env["ROLEBOT_GEEKBOT_TOKEN"] = WRONG_KEY


def _not_in_team(fake: FakeGeekbot, server: FakeServer, env: dict[str, str]) -> None:
    del fake.users[BRUNO]


def _no_api_on_plan(fake: FakeGeekbot, server: FakeServer, env: dict[str, str]) -> None:
    fake.fail(403, times=None, body={"error": "Your plan does not include API access"})


def _outdated(fake: FakeGeekbot) -> None:
    fake.seed(name=NAME, users=[ADA, DEMO_OWNER], questions=[{"question": "Hi Ada!"}])


def _deleted_meanwhile(fake: FakeGeekbot, server: FakeServer, env: dict[str, str]) -> None:
    _outdated(fake)
    fake.fail(404, method="PATCH", body={"error": "Standup not found"})


def _no_edit_right(fake: FakeGeekbot, server: FakeServer, env: dict[str, str]) -> None:
    _outdated(fake)
    fake.fail(401, method="PATCH", body={"error": "Unauthorized"})


def _rate_limited(fake: FakeGeekbot, server: FakeServer, env: dict[str, str]) -> None:
    fake.fail(429, times=None, headers={"Retry-After": "1"})


def _failing(fake: FakeGeekbot, server: FakeServer, env: dict[str, str]) -> None:
    fake.fail(500, times=None)


def _failing_creates(fake: FakeGeekbot, server: FakeServer, env: dict[str, str]) -> None:
    fake.fail(500, method="POST", times=None)


def _moved(fake: FakeGeekbot, server: FakeServer, env: dict[str, str]) -> None:
    fake.moved_hosts[urlsplit(server.url).netloc] = "https://api.geekbot.com"


def _duplicates(fake: FakeGeekbot, server: FakeServer, env: dict[str, str]) -> None:
    fake.seed(name=NAME, users=[DEMO_OWNER])
    fake.seed(owner=ADA, name=NAME, users=[BRUNO, DEMO_OWNER])  # someone else's: never touched


TEAMS = "GET /v1/me/teams"
LIST = "GET /v1/standups"
OWNER = "GET /v1/me"
CREATE = "POST /v1/standups"
UPDATE = "PATCH /v1/standups/*"

# Each case: its setup, the error it ends in, and the requests that reach Geekbot (no other).
ERRORS: list[Any] = [
    pytest.param(
        _wrong_key,
        "refused reading the key owner's teams: the API key is not valid (HTTP 401: Unauthorized)",
        {TEAMS: 1},
        id="bad-key",
    ),
    pytest.param(
        _not_in_team,
        f"rejected creating the standup {NAME} (HTTP 400): User {BRUNO} is not a member of the team",
        {TEAMS: 1, LIST: 1, CREATE: 1},
        id="validation",
    ),
    pytest.param(_no_api_on_plan, "(HTTP 403: Your plan does not include API access)", {TEAMS: 1}, id="plan"),
    pytest.param(
        _deleted_meanwhile,
        "no longer exists (HTTP 404: Standup not found)",
        {TEAMS: 1, LIST: 1, UPDATE: 1},
        id="gone",
    ),
    pytest.param(
        _no_edit_right, "or its owner may not edit this standup", {TEAMS: 1, LIST: 1, UPDATE: 1}, id="no-edit-right"
    ),
    pytest.param(
        _rate_limited, "rate limit hit and still in force after 5 tries (HTTP 429)", {TEAMS: 5}, id="rate-limit"
    ),
    pytest.param(_failing, "the service is failing (HTTP 500, 5 tries)", {TEAMS: 5}, id="5xx"),
    # Three creates, each followed by a listing that checks it did not happen after all.
    pytest.param(
        _failing_creates,
        "nothing was created",
        {TEAMS: 1, LIST: 1 + 3, CREATE: 3, OWNER: 1},
        id="5xx-on-create",
    ),
    pytest.param(
        _moved, "unexpected redirect (HTTP 301 to https://api.geekbot.com/v1/me/teams)", {TEAMS: 1}, id="redirect"
    ),
    pytest.param(_duplicates, f"2 standups are called {NAME}", {TEAMS: 1, LIST: 1, OWNER: 1}, id="duplicates"),
]


@pytest.mark.parametrize(("setup", "expected", "requests"), ERRORS)
def test_each_error_is_one_clear_line(
    demo: Path,
    rolebot: Invoke,
    fake: FakeGeekbot,
    server: FakeServer,
    env: dict[str, str],
    snapshot_files: Callable[[Path], dict[str, bytes]],
    setup: Setup,
    expected: str,
    requests: dict[str, int],
) -> None:
    for request, times in requests.items():
        method, path = request.split(" ", 1)
        server.expect(method, path, times)
    server.expect_nothing_else()
    setup(fake, server, env)
    standups_before = {name: fake.named(name) for name in {s["name"] for s in fake.standups.values()}}
    files_before = snapshot_files(demo)

    result = rolebot("standup", "support-triager", env=env)

    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert line.startswith("Error: Geekbot: ")
    assert expected in line
    assert " — " in line  # a hint naming the fix
    assert snapshot_files(demo) == files_before
    assert {name: fake.named(name) for name in standups_before} == standups_before
    assert DEMO_KEY not in result.output
    assert WRONG_KEY not in result.output


def test_a_failed_standup_step_is_finished_by_the_next_rotate(
    demo: Path, rolebot: Invoke, fake: FakeGeekbot, server: FakeServer, env: dict[str, str], sleeps: Sleeps
) -> None:
    assert rolebot("standup", "support-triager", env=env).exit_code == 0
    outage = fake.fail(503, method="PATCH", times=None)

    failed = rolebot("--today", NEXT_WEEK, "rotate", "support-triager", "--no-calendar", env=env)

    assert failed.exit_code == 1
    assert "✗ standup: Geekbot: the service is failing (HTTP 503, 5 tries)" in failed.stderr
    assert one_error_line(failed.stderr).startswith("Error: 1 of 3 steps failed (standup)")
    assert outage.hits == 5
    assert len(sleeps.calls) == 4
    assert read_json(demo / "team-roles.json")["support_triager"]["incoming"]["id"] == DEMO_OWNER
    assert fake.named(NAME)[0]["questions"][0]["text"].startswith("Hi Bruno!")

    fake.faults.clear()
    server.requests.clear()
    rerun = rolebot("--today", NEXT_WEEK, "rotate", "support-triager", "--no-calendar", env=env)

    assert rerun.exit_code == 0, rerun.output
    assert f"✓ standup: updated the participants and question of {NAME}" in rerun.stderr
    assert len(writes(server)) == 1
    [standup] = fake.named(NAME)
    assert [u["id"] for u in standup["users"]] == [DEMO_OWNER]
    assert standup["questions"][0]["text"].startswith("Hi Chen!")
