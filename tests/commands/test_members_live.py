"""The CLI against the live Slack backend: a fake Slack Web API on a real socket, reached
through ROLEBOT_SLACK_API_URL and ROLEBOT_SLACK_TOKEN like the real one."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import Result

from tests.conftest import Invoke, Sleeps, one_error_line, read_json
from tests.fakes.server import FakeServer, closed_port_url
from tests.fakes.slack import TOKEN, FakeSlack, demo_workspace, human
from tests.fakes.slow import SlowServer

Snapshot = Callable[[Path], dict[str, bytes]]

TABLE = """\
@support-triagers: 6 members in rotation order
#   Name            Slack ID
──────────────────────────────
1   Ada Okafor      U05ADA1234
2   Bruno Silva     U05BRU5678
3   Chen Wei        U05CHE9012
4   Dana Kowalski   U05DAN3456
5   Emeka Nwosu     U05EME7890
6   Farah Haddad    U05FAR2345
"""


@pytest.fixture
def slack() -> FakeSlack:
    return demo_workspace()


@pytest.fixture
def server(slack: FakeSlack) -> Iterator[FakeServer]:
    with FakeServer(slack) as running:
        yield running


@pytest.fixture
def env(server: FakeServer) -> dict[str, str]:
    # Slack's default base URL ends in /api/; so does the fake's.
    return {"ROLEBOT_SLACK_API_URL": f"{server.url}/api/", "ROLEBOT_SLACK_TOKEN": TOKEN}


def lines(text: str) -> str:
    """Rendered output without the padding rich leaves at the end of table lines."""
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def methods(server: FakeServer) -> list[str]:
    return [r.path.removeprefix("/api/") for r in server.requests]


def assert_one_error_line(result: Result, *fragments: str) -> str:
    """Exit 1, exactly one `Error:` line on stderr (the last), no traceback, no token anywhere."""
    assert result.exit_code == 1, result.output
    error = one_error_line(result.stderr)
    assert result.stderr.rstrip("\n").splitlines()[-1] == error
    for fragment in fragments:
        assert fragment in error
    assert "Traceback" not in result.output
    assert TOKEN not in result.stdout
    assert TOKEN not in result.stderr
    return error


# --- members ---------------------------------------------------------------------------------------


def test_members_table_from_live_slack(rolebot: Invoke, env: dict[str, str], server: FakeServer) -> None:
    result = rolebot("--backend", "live", "members", "support-triagers", env=env)
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == TABLE
    assert result.stderr == f"backends: members: Slack (127.0.0.1:{server.port})\n"
    # The workspace fits in one users.list page, asked for together with usergroups.list.
    assert sorted(methods(server)) == ["usergroups.list", "users.list"]


def test_members_json_from_live_slack(rolebot: Invoke, env: dict[str, str]) -> None:
    result = rolebot("--backend", "live", "members", "@meeting-facilitators", "--json", env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"id": "U05ADA1234", "name": "Ada Okafor"},
        {"id": "U05CHE9012", "name": "Chen Wei"},
        {"id": "U05EME7890", "name": "Emeka Nwosu"},
        {"id": "U05GIT6789", "name": "Gita Rao"},
    ]


def test_members_waits_out_a_rate_limit_as_slack_asks(
    rolebot: Invoke, env: dict[str, str], slack: FakeSlack, sleeps: Sleeps
) -> None:
    slack.rate_limit(times=2, retry_after=5, methods=["users.list"])
    result = rolebot("--backend", "live", "members", "support-triagers", env=env)
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == TABLE
    assert sleeps.calls == [5.0, 5.0]


def test_verbose_shows_one_line_per_call_and_never_the_token(
    rolebot: Invoke, env: dict[str, str], server: FakeServer
) -> None:
    result = rolebot("--backend", "live", "-v", "members", "meeting-facilitators", env=env)
    assert result.exit_code == 0, result.output
    calls = [line for line in result.stderr.splitlines() if line.startswith("Slack: GET ")]
    assert len(calls) == len(server.requests) == 2
    assert sorted(call.split(" (")[0] for call in calls) == [
        "Slack: GET usergroups.list 200",
        "Slack: GET users.list 200",
    ]
    assert TOKEN not in result.stderr


# --- init ------------------------------------------------------------------------------------------


def test_init_resolves_names_through_live_slack_and_writes_the_state(rolebot: Invoke, env: dict[str, str]) -> None:
    result = rolebot(
        "--backend", "live", "--today", "2026-12-03",
        "init", "support-triager", "--current", "Chen Wei", "--standup-manager", "farah",
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    state = read_json(Path("state/team-roles.json"))
    assert state["support_triager"] == {
        "incoming": {"name": "Dana Kowalski", "id": "U05DAN3456"},
        "current": {"name": "Chen Wei", "id": "U05CHE9012"},
    }
    assert state["standup_manager"] == {"name": "Farah Haddad", "id": "U05FAR2345"}
    assert "✓ state: written to" in result.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Cal Departed", "--current: nobody called 'Cal Departed' in @support-triagers"),  # deleted in Slack
        ("Carla", "--current: nobody called 'Carla' in @support-triagers"),  # a bot
        ("Sam", "--current: 'Sam' matches several members: Sam Lee (U05SAM0001), Sam Lee (U05SAM0002)"),
        ("Sam Lee", "--current: 'Sam Lee' matches several members: Sam Lee (U05SAM0001), Sam Lee (U05SAM0002)"),
    ],
)
def test_init_with_an_unknown_or_ambiguous_name_changes_nothing(
    name: str,
    message: str,
    rolebot: Invoke,
    env: dict[str, str],
    slack: FakeSlack,
    demo: Path,
    snapshot_files: Snapshot,
) -> None:
    slack.users += [human("U05SAM0001", "Sam Lee"), human("U05SAM0002", "Sam Lee")]
    slack.groups[0].users += ["U05SAM0001", "U05SAM0002"]
    before = snapshot_files(demo)
    result = rolebot(
        "--backend", "live", "init", "support-triager", "--current", name, "--standup-manager", "Chen", env=env
    )  # fmt: skip
    assert result.exit_code != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"Error: {message}")
    assert "Traceback" not in result.output
    assert snapshot_files(demo) == before


# --- rotate with ROLEBOT_BACKEND=auto: Slack live, the rest local -----------------------------------


def test_rotate_dry_run_reads_members_from_live_slack(
    rolebot: Invoke, env: dict[str, str], server: FakeServer, demo: Path, snapshot_files: Snapshot
) -> None:
    before = snapshot_files(demo)
    result = rolebot(
        "--today", "2026-11-30", "rotate", "support-triager", "--dry-run", env=env | {"ROLEBOT_BACKEND": "auto"}
    )
    assert result.exit_code == 0, result.output
    banner = result.stderr.splitlines()[0]
    assert banner == (
        f"backends: members: Slack (127.0.0.1:{server.port}) · calendar: local calendar state/calendar.ics"
        " · notifier: terminal (standups are shown, not sent)"
    )
    # Cal Departed (deleted) and Carla Bot (a bot) sort between Bruno and Chen; they are left out.
    assert "incoming   Bruno Silva (U05BRU5678)   Chen Wei (U05CHE9012)      round robin" in result.stdout
    assert "current    Ada Okafor (U05ADA1234)    Bruno Silva (U05BRU5678)   moves up" in result.stdout
    assert snapshot_files(demo) == before
    assert set(methods(server)) == {"usergroups.list", "users.list"}


def test_calendar_bulk_for_a_year_reads_the_members_with_two_slack_requests(
    rolebot: Invoke, env: dict[str, str], server: FakeServer, demo: Path
) -> None:
    # The weekly job's `calendar bulk -n 52` is to make at most 6 requests in all: Slack's share.
    args = ("--today", "2026-11-30", "calendar", "bulk", "support-triager", "-n", "52", "--yes")
    result = rolebot(*args, env=env | {"ROLEBOT_BACKEND": "auto"})
    assert result.exit_code == 0, result.output
    assert "52 created" in result.stderr
    assert sorted(methods(server)) == ["usergroups.list", "users.list"]


def test_rotate_with_a_refused_token_fails_in_one_error_line_and_keeps_the_state(
    rolebot: Invoke, env: dict[str, str], server: FakeServer, demo: Path, snapshot_files: Snapshot
) -> None:
    for method in ("usergroups.list", "users.list"):  # once each: a refused token is not retried
        server.expect("GET", f"/api/{method}")
    server.expect_nothing_else()
    before = snapshot_files(demo)
    bad = env | {"ROLEBOT_BACKEND": "auto", "ROLEBOT_SLACK_TOKEN": "xoxb-0000-revoked-token"}
    result = rolebot("--today", "2026-11-30", "rotate", "support-triager", env=bad)
    assert_one_error_line(result, "steps failed")
    assert "✗ state: Slack: Slack does not accept the bot token (invalid_auth)" in result.stderr
    assert "xoxb-0000-revoked-token" not in result.output
    assert snapshot_files(demo) == before


# --- error paths through the CLI ---------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    setup: Callable[[FakeSlack], None]
    message: str
    tries: int = 1
    """How often usergroups.list and the first users.list page (asked at once) are each sent."""
    sleeps: list[float] | None = None
    refused: bool = False


def _drop_group(fake: FakeSlack) -> None:
    fake.groups = [g for g in fake.groups if g.handle != "support-triagers"]


def _scopes(fake: FakeSlack) -> None:
    fake.tokens = {TOKEN: frozenset({"usergroups:read"})}


def _free_plan(fake: FakeSlack) -> None:
    fake.paid_plan = False


CASES = {
    "invalid token": Case(
        lambda f: f.tokens.clear(),
        "Error: Slack: Slack does not accept the bot token (invalid_auth) — check the Slack bot token "
        "(ROLEBOT_SLACK_TOKEN or secrets/slack_bot_token.json)",
    ),
    "token revoked": Case(
        lambda f: f.error("token_revoked", times=None), "Error: Slack: the Slack bot token has been revoked"
    ),
    "missing scope": Case(
        _scopes, "Error: Slack: the Slack app lacks the users:read scope that users.list needs (the token has: "
    ),
    "group not found": Case(
        _drop_group,
        "Error: Slack: no user group @support-triagers in this workspace (user groups: @meeting-facilitators)",
    ),
    "free plan": Case(_free_plan, "Error: Slack: this Slack workspace's plan has no user groups"),
    "429 forever": Case(
        lambda f: f.rate_limit(times=None, retry_after=3),
        "Error: Slack: rate limit hit and still in force after 5 tries (HTTP 429) — wait a few minutes",
        tries=5,
        sleeps=[3.0] * 8,  # usergroups.list and the first users.list page, each tried 5 times at once
    ),
    "503 forever": Case(
        lambda f: f.server_error(503, times=None), "Error: Slack: the service is failing (HTTP 503, 5 tries)", tries=5
    ),
    "html page": Case(
        lambda f: f.html_page(200, times=None),
        "Error: Slack: usergroups.list got HTTP 200 with a body that is not a Slack API answer (text/html)",
    ),
    "connection refused": Case(lambda f: None, "Error: Slack: cannot reach 127.0.0.1:", tries=0, refused=True),
}

COMMANDS = {
    "members": ("members", "support-triagers"),
    "members --json": ("members", "support-triagers", "--json"),
    "init": ("init", "support-triager", "--current", "Ada", "--standup-manager", "Chen"),
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", list(CASES))
def test_each_slack_failure_is_one_error_line_exit_1_and_no_change(
    case: str,
    command: str,
    rolebot: Invoke,
    env: dict[str, str],
    server: FakeServer,
    slack: FakeSlack,
    sleeps: Sleeps,
    demo: Path,
    snapshot_files: Snapshot,
) -> None:
    scenario = CASES[case]
    scenario.setup(slack)
    for method in ("usergroups.list", "users.list"):  # a failure stops the reading: no other request
        server.expect("GET", f"/api/{method}", scenario.tries)
    server.expect_nothing_else()
    if scenario.refused:
        env = env | {"ROLEBOT_SLACK_API_URL": f"{closed_port_url()}/api/"}
    before = snapshot_files(demo)
    result = rolebot("--backend", "live", *COMMANDS[command], env=env)
    line = assert_one_error_line(result)
    assert line.startswith(scenario.message), line
    assert result.stdout == ""
    assert snapshot_files(demo) == before
    if scenario.sleeps is not None:
        assert sleeps.calls == scenario.sleeps


@pytest.mark.slow  # waits out a real time limit
def test_a_slack_trickling_its_answer_ends_at_rolebot_timeout_in_one_error_line(
    rolebot: Invoke, demo: Path, snapshot_files: Snapshot
) -> None:
    before = snapshot_files(demo)
    with SlowServer("trickle-body", interval=0.05) as slow:
        env = {"ROLEBOT_SLACK_API_URL": f"{slow.url}/api/", "ROLEBOT_SLACK_TOKEN": TOKEN, "ROLEBOT_TIMEOUT": "0.5"}
        result = rolebot("--backend", "live", "members", "support-triagers", env=env)
    line = assert_one_error_line(result)
    assert line == (
        "Error: the command ran out of time (0.5 s) while waiting for Slack (GET usergroups.list) — "
        "a service is answering very slowly: try again later, or raise ROLEBOT_TIMEOUT (seconds)"
    )
    assert snapshot_files(demo) == before


def test_live_backend_without_a_token_says_which_credential_is_missing(
    rolebot: Invoke, server: FakeServer, demo: Path
) -> None:
    result = rolebot("--backend", "live", "members", "support-triagers", env={"ROLEBOT_SLACK_API_URL": server.url})
    assert_one_error_line(result, "ROLEBOT_SLACK_TOKEN")
    assert server.requests == []
