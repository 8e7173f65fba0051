"""`rolebot doctor` against the fake Slack, Google and Geekbot on real sockets: a healthy set-up, then
one fault at a time — each is one ✗ row naming the fix, the exit code is 1, and no secret is shown."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import Result

from tests.conftest import TEAM_CONFIG, Invoke, one_error_line
from tests.docs import assert_shows, in_terminal, readme_blocks, transcript
from tests.fakes.geekbot import DEMO_KEY, FakeGeekbot
from tests.fakes.google import FakeGoogle, load_test_key
from tests.fakes.server import FakeServer, closed_port_url
from tests.fakes.slack import ALL_SCOPES, ONCALL, TOKEN, FakeSlack, oncall_workspace
from tests.sops import AGE_KEY, encrypt

EMAIL = load_test_key()["client_email"]
CONFIG = """\
[roles.support-triager]
usergroup = "support-triagers"

[roles.support-triager.slack]
announce_channel = "#support-freshdesk"
dm = true
oncall_usergroup = "support-triager-oncall"
"""
SCOPES = ALL_SCOPES | {"channels:read"}


@dataclass
class Services:
    slack: FakeSlack
    google: FakeGoogle
    geekbot: FakeGeekbot
    env: dict[str, str]
    key: dict[str, str]

    def doctor(self, rolebot: Invoke, *args: str) -> Result:
        return rolebot("doctor", *args, env=self.env)

    def secrets(self) -> list[str]:
        lines = [line for line in self.key["private_key"].splitlines() if len(line) > 20]
        return [TOKEN, DEMO_KEY, self.google.calendar_id, self.key["private_key_id"], *lines]


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    (tmp_path / "rolebot.toml").write_text(CONFIG)
    slack, google, geekbot = oncall_workspace(), FakeGoogle(), FakeGeekbot()
    slack.tokens[TOKEN] = SCOPES
    with FakeServer(slack) as slack_server, google.serve() as google_server, FakeServer(geekbot) as geekbot_server:
        key = google.key_for(google_server)
        (tmp_path / "key.json").write_text(json.dumps(key))
        env = {
            "ROLEBOT_SLACK_TOKEN": TOKEN,
            "ROLEBOT_SLACK_API_URL": f"{slack_server.url}/api/",
            "ROLEBOT_CALENDAR_ID": google.calendar_id,
            "ROLEBOT_GOOGLE_CREDENTIALS": str(tmp_path / "key.json"),
            "ROLEBOT_GOOGLE_API_URL": google_server.url,
            "ROLEBOT_GEEKBOT_TOKEN": DEMO_KEY,
            "ROLEBOT_GEEKBOT_API_URL": geekbot_server.url,
        }
        yield Services(slack, google, geekbot, env, key)


def rows(result: Result) -> dict[str, tuple[str, str, str | None]]:
    """`service check` → (status, detail, fix), from --json."""
    report = json.loads(result.stdout)
    return {f"{c['service']} {c['check']}": (c["status"], c["detail"], c["fix"]) for c in report["checks"]}


def failed(result: Result) -> dict[str, tuple[str, str | None]]:
    return {name: (detail, fix) for name, (status, detail, fix) in rows(result).items() if status == "failed"}


def test_a_healthy_set_up_passes_every_check(services: Services, rolebot: Invoke) -> None:
    result = services.doctor(rolebot, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True
    assert rows(result) == {
        "Slack bot token": ("ok", "valid: workspace Fake Team, app user @rolebot", None),
        "Slack scopes": (
            "ok",
            "has every scope the roles need: chat:write, usergroups:read, usergroups:write, users:read",
            None,
        ),
        "Slack @support-triagers": ("ok", "exists, 10 members", None),
        "Slack @support-triager-oncall": ("ok", "exists, 2 members", None),
        "Slack #support-freshdesk": ("ok", "the app is in #support-freshdesk and can post there", None),
        "Google Calendar credentials": ("ok", f"the calendar ID and the key of {EMAIL}", None),
        "Google Calendar sharing": ("ok", f"shared with {EMAIL}, who may change events (writer)", None),
        "Geekbot API key": ("ok", "valid, with API access: the key of Chen Wei (U05CHE9012) in Demo team", None),
    }
    assert result.stderr.endswith("✓ ready: 8 checks passed\n")
    # One cheap read or so per service, and nothing written anywhere.
    assert services.slack.calls == ["auth.test", "usergroups.list", "conversations.list"]
    assert [c.method for c in services.google.calls] == ["GET"]
    assert services.slack.posts == []
    assert services.slack.updates == []
    assert services.geekbot.standups == {}


def test_the_table_shows_each_check_and_no_secret(services: Services, rolebot: Invoke) -> None:
    result = services.doctor(rolebot)
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert lines[0] == "Live checks for support-triager (no secret is ever shown)"
    assert "✓ Slack #support-freshdesk the app is in #support-freshdesk and can post there" in lines
    assert f"✓ Google Calendar sharing shared with {EMAIL}, who may change" in " ".join(lines)
    for secret in services.secrets():
        assert secret not in result.output


def test_a_token_slack_refuses_fails_and_the_other_slack_checks_wait(services: Services, rolebot: Invoke) -> None:
    services.slack.tokens.clear()
    result = services.doctor(rolebot, "--json")
    assert result.exit_code == 1
    assert failed(result) == {
        "Slack bot token": (
            "Slack does not accept the bot token (invalid_auth)",
            "check the Slack bot token (ROLEBOT_SLACK_TOKEN or secrets/slack_bot_token.json): it should be the "
            "app's current Bot User OAuth Token",
        )
    }
    found = rows(result)
    assert found["Slack scopes"] == ("skipped", "not checked: the token cannot be used", None)
    assert found["Slack @support-triagers"][0] == "skipped"
    assert found["Google Calendar sharing"][0] == "ok"  # the other services are checked all the same
    assert one_error_line(result.stderr) == (
        "Error: 1 of 8 checks failed (Slack bot token) — fix what each ✗ row says, then run `rolebot doctor` again"
    )


def test_a_missing_scope_is_named_with_what_needs_it(services: Services, rolebot: Invoke) -> None:
    services.slack.tokens[TOKEN] = SCOPES - {"chat:write"}
    result = services.doctor(rolebot, "--json")
    assert result.exit_code == 1
    assert failed(result) == {
        "Slack scopes": (
            "the token lacks chat:write (chat:write for support-triager: announce_channel, support-triager: dm)",
            "add them under OAuth & Permissions → Bot Token Scopes in the Slack app's settings, then reinstall the "
            "app to the workspace",
        )
    }


def test_a_missing_user_group_names_the_setting(services: Services, rolebot: Invoke) -> None:
    services.slack.groups = [g for g in services.slack.groups if g.handle != ONCALL]
    result = services.doctor(rolebot, "--json")
    assert result.exit_code == 1
    [(name, (detail, fix))] = failed(result).items()
    assert name == "Slack @support-triager-oncall"
    assert detail.startswith("no user group @support-triager-oncall in this workspace (user groups: ")
    assert fix == (
        "check the handle (Slack → People → User groups) or roles.support-triager.oncall_usergroup in rolebot.toml"
    )


def test_an_empty_rotating_group_fails(services: Services, rolebot: Invoke) -> None:
    next(g for g in services.slack.groups if g.handle == "support-triagers").users = []
    result = services.doctor(rolebot, "--json")
    assert failed(result) == {
        "Slack @support-triagers": (
            "@support-triagers has no members: nobody can take a turn",
            "add the people who take turns to @support-triagers in Slack (People → User groups)",
        )
    }


@pytest.mark.parametrize(
    ("channel", "detail", "fix"),
    [
        (
            "#team-updates",
            "the app is not in #team-updates, so it cannot post there",
            "invite it: type /invite @the-app-name in #team-updates",
        ),
        ("#old-news", "#old-news is archived", "unarchive it, or set roles.support-triager.slack.announce_channel"),
        ("#leads", "the app sees no channel #leads (a private one is seen only with groups:read)", "check roles."),
        ("C05TEAMUP2", "the app is not in #team-updates, so it cannot post there", "invite it:"),
        ("C05NOSUCH9", "the app sees no channel C05NOSUCH9", "check roles.support-triager.slack.announce_channel"),
    ],
)
def test_a_channel_the_app_cannot_post_in_fails(
    services: Services, rolebot: Invoke, tmp_path: Path, channel: str, detail: str, fix: str
) -> None:
    (tmp_path / "rolebot.toml").write_text(CONFIG.replace("#support-freshdesk", channel))
    result = services.doctor(rolebot, "--json")
    assert result.exit_code == 1
    [(name, (said, how))] = failed(result).items()
    assert name == f"Slack {channel}"
    assert said.startswith(detail)
    assert how is not None
    assert how.startswith(fix)


def test_without_a_scope_to_read_channels_the_channel_is_not_checked(services: Services, rolebot: Invoke) -> None:
    services.slack.tokens[TOKEN] = ALL_SCOPES
    result = services.doctor(rolebot, "--json")
    assert result.exit_code == 0, result.output
    status, detail, _ = rows(result)["Slack #support-freshdesk"]
    assert status == "skipped"
    assert detail.startswith("whether the app is in it cannot be checked without posting")
    assert "conversations.list" not in services.slack.calls
    assert result.stderr.endswith("✓ ready: 7 checks passed, 1 not checked\n")


def test_a_channel_far_down_a_long_listing_is_found(services: Services, rolebot: Invoke) -> None:
    from tests.fakes.slack import BOT_USER, Channel

    many = [Channel(f"C{n:08d}", f"noise-{n}", {BOT_USER}, is_archived=n % 2 == 0) for n in range(450)]
    services.slack.channels = [*many, *services.slack.channels]
    result = services.doctor(rolebot, "--json")
    assert result.exit_code == 0, result.output
    assert services.slack.calls.count("conversations.list") == 3


def test_a_calendar_not_shared_with_the_service_account_names_its_email(services: Services, rolebot: Invoke) -> None:
    services.google.unshare(EMAIL)
    result = services.doctor(rolebot, "--json")
    assert result.exit_code == 1
    assert failed(result) == {
        "Google Calendar sharing": (
            f"the calendar is not shared with {EMAIL}, or the calendar ID is wrong",
            "open the calendar's Settings and sharing in Google Calendar, and under Share with specific people give "
            f"{EMAIL} the permission 'Make changes to events'; check the calendar ID (ROLEBOT_CALENDAR_ID or "
            "calendar_id.json)",
        )
    }


@pytest.mark.parametrize("role", ["reader", "freeBusyReader"])
def test_a_read_only_calendar_fails(services: Services, rolebot: Invoke, role: str) -> None:
    services.google.share(EMAIL, role)
    result = services.doctor(rolebot, "--json")
    assert result.exit_code == 1
    [(name, (detail, fix))] = failed(result).items()
    assert name == "Google Calendar sharing"
    assert detail == f"shared with {EMAIL} read-only ({role}): rolebot cannot write its events"
    assert fix is not None
    assert fix.endswith(f"give {EMAIL} the permission 'Make changes to events'")


def test_an_owner_may_write(services: Services, rolebot: Invoke) -> None:
    services.google.share(EMAIL, "owner")
    assert rows(services.doctor(rolebot, "--json"))["Google Calendar sharing"][0] == "ok"


def test_a_bad_geekbot_key_fails(services: Services, rolebot: Invoke) -> None:
    services.env["ROLEBOT_GEEKBOT_TOKEN"] = "api_not_a_key_at_all_0000000000"
    result = services.doctor(rolebot, "--json")
    assert result.exit_code == 1
    [(name, (detail, fix))] = failed(result).items()
    assert name == "Geekbot API key"
    assert detail == "refused reading the key owner: the API key is not valid (HTTP 401: Unauthorized)"
    assert fix is not None
    assert fix.startswith("the key must be the personal API key of the standup manager")
    assert "api_not_a_key_at_all_0000000000" not in result.output


def test_a_plan_without_api_access_fails(services: Services, rolebot: Invoke) -> None:
    services.geekbot.api_access = False
    result = services.doctor(rolebot, "--json")
    assert result.exit_code == 1
    [(name, (detail, fix))] = failed(result).items()
    assert name == "Geekbot API key"
    assert detail.startswith("the API is not available to this key (HTTP 403: ")
    assert fix is not None
    assert fix.startswith("the team's Geekbot plan must include API access")


def test_geekbot_is_not_asked_for_a_role_without_a_standup(services: Services, rolebot: Invoke, tmp_path: Path) -> None:
    (tmp_path / "rolebot.toml").write_text(CONFIG + "\n[roles.support-triager.standup]\nenabled = false\n")
    del services.env["ROLEBOT_GEEKBOT_TOKEN"]
    result = services.doctor(rolebot, "--json")
    assert result.exit_code == 0, result.output
    assert rows(result)["Geekbot API key"] == ("skipped", "not checked: the role runs without Geekbot", None)


@pytest.mark.parametrize(
    ("setting", "check", "said"),
    [
        ("ROLEBOT_SLACK_API_URL", "Slack bot token", "cannot reach 127.0.0.1:"),
        ("ROLEBOT_GOOGLE_API_URL", "Google Calendar sharing", "cannot reach 127.0.0.1:"),
        ("ROLEBOT_GEEKBOT_API_URL", "Geekbot API key", "cannot reach 127.0.0.1:"),
    ],
)
def test_a_service_that_cannot_be_reached_fails_its_check(
    services: Services, rolebot: Invoke, setting: str, check: str, said: str
) -> None:
    services.env[setting] = closed_port_url() + ("/api/" if "SLACK" in setting else "")
    result = services.doctor(rolebot, "--json")
    assert result.exit_code == 1
    [(name, (detail, fix))] = failed(result).items()
    assert name == check
    assert said in detail
    assert fix


def test_missing_credentials_are_named_with_where_they_go(rolebot: Invoke, tmp_path: Path) -> None:
    (tmp_path / "rolebot.toml").write_text(CONFIG)
    result = rolebot("doctor", "--json")
    assert result.exit_code == 1
    assert failed(result) == {
        "Slack bot token": (
            "no Slack bot token",
            "set ROLEBOT_SLACK_TOKEN, or add secrets/slack_bot_token.json encrypted with sops (the app's Bot User "
            "OAuth Token, xoxb-…)",
        ),
        "Google Calendar credentials": (
            "no Google Calendar ID and no Google service account key",
            "set ROLEBOT_CALENDAR_ID or add secrets/calendar_id.json encrypted with sops; set "
            "ROLEBOT_GOOGLE_CREDENTIALS or add secrets/gcp_service_account.json encrypted with sops",
        ),
        "Geekbot API key": (
            "no Geekbot API key (needed for support-triager)",
            "set ROLEBOT_GEEKBOT_TOKEN, or add secrets/geekbot_api_token.json encrypted with sops (the standup "
            "manager's personal API key)",
        ),
    }


def test_one_role_is_checked_alone_and_the_local_backend_is_refused(services: Services, rolebot: Invoke) -> None:
    local = rolebot("--backend", "local", "doctor", env=services.env)
    assert local.exit_code == 2
    assert one_error_line(local.stderr) == (
        "Error: doctor checks the live services, and --backend local uses none — run it without it"
    )
    unknown = services.doctor(rolebot, "meeting-facilitator")
    assert unknown.exit_code == 2
    assert "unknown role 'meeting-facilitator'" in unknown.stderr


@pytest.mark.slow
def test_doctor_as_the_workflow_runs_it_with_the_secrets_sops_encrypted(
    services: Services, rolebot: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = tmp_path / "secrets"
    encrypt(secrets / "slack_bot_token.json", {"slack_bot_token": TOKEN})
    encrypt(secrets / "geekbot_api_token.json", {"geekbot_api_token": DEMO_KEY})
    encrypt(secrets / "calendar_id.json", {"calendar_id": services.google.calendar_id})
    encrypt(secrets / "gcp_service_account.json", services.key)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    env = {name: value for name, value in services.env.items() if name.endswith("_URL")}
    env.update({"ROLEBOT_BACKEND": "live", "SOPS_AGE_KEY_FILE": str(AGE_KEY)})
    result = rolebot("doctor", "support-triager", env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("✓ ready: 8 checks passed\n")
    for secret in services.secrets():
        assert secret not in result.output


@pytest.mark.slow
def test_the_readme_sample_is_what_doctor_prints(services: Services, tmp_path: Path) -> None:
    """The README's `doctor` sample, as written, for this repository's roles with the calendar shared
    read-only — in a terminal as wide as the README's samples."""
    [block] = readme_blocks("`rolebot doctor [ROLE] [--json]`")
    [shown] = transcript(block)
    shutil.copy(TEAM_CONFIG, tmp_path / "rolebot.toml")
    services.slack.team_name = "Example Team"  # the names the sample shows
    services.geekbot.team = {"id": 456, "name": "Example Team"}
    key = {**services.key, "client_email": "rolebot@team-roles-4711.iam.gserviceaccount.com"}
    (tmp_path / "key.json").write_text(json.dumps(key))
    services.google.trust_key(key)
    services.google.share(key["client_email"], "reader")
    env = {**services.env, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "NO_COLOR": "1", "TERM": "xterm"}
    ran = in_terminal(shown.command, tmp_path, env)
    assert ran.returncode == 1, ran
    assert_shows(ran, shown.output, block.where)
