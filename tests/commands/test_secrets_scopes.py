"""`rolebot secrets check` lists the Slack scopes the configured features need and, when the token can
be used, asks Slack (`auth.test`, its `x-oauth-scopes` header) which of them the token lacks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from tests.conftest import Invoke, one_error_line
from tests.fakes.server import FakeServer
from tests.fakes.slack import ALL_SCOPES, TOKEN, FakeSlack, demo_workspace

SLACK_ROLE = """\
[roles.support-triager.slack]
announce_channel = "#support-freshdesk"
dm = true
oncall_usergroup = "support-triager-oncall"
"""


@pytest.fixture
def slack() -> Iterator[tuple[FakeSlack, dict[str, str]]]:
    fake = demo_workspace()
    with FakeServer(fake) as server:
        yield fake, {"ROLEBOT_SLACK_TOKEN": TOKEN, "ROLEBOT_SLACK_API_URL": f"{server.url}/api/"}


def table(result: Result) -> list[str]:
    """The scopes table's rows, spaces squeezed."""
    lines = result.stdout.split("Slack scopes the configured features need")[1].splitlines()
    return [" ".join(line.split()) for line in lines[3:] if line.strip()]


def test_every_scope_the_features_need_is_listed_with_what_needs_it(
    slack: tuple[FakeSlack, dict[str, str]], rolebot: Invoke, tmp_path: Path
) -> None:
    fake, env = slack
    (tmp_path / "rolebot.toml").write_text(SLACK_ROLE)
    result = rolebot("secrets", "check", env=env)
    assert result.exit_code == 0, result.output
    assert table(result) == [
        "chat:write support-triager: announce_channel, support-triager: dm has it",
        "usergroups:read members, support-triager: oncall_usergroup has it",
        "usergroups:write support-triager: oncall_usergroup has it",
        "users:read members has it",
    ]
    assert fake.calls == ["auth.test"]
    assert TOKEN not in result.output


def test_a_scope_the_token_lacks_is_named_and_fails_the_check(
    slack: tuple[FakeSlack, dict[str, str]], rolebot: Invoke, tmp_path: Path
) -> None:
    fake, env = slack
    fake.tokens[TOKEN] = ALL_SCOPES - {"usergroups:write", "chat:write"}
    (tmp_path / "rolebot.toml").write_text(SLACK_ROLE)
    result = rolebot("secrets", "check", env=env)
    assert result.exit_code == 1
    assert "usergroups:write support-triager: oncall_usergroup missing" in table(result)
    assert one_error_line(result.stderr) == (
        "Error: the Slack bot token lacks the scope(s) chat:write, usergroups:write that the configured features "
        "need — add them under OAuth & Permissions → Bot Token Scopes in the Slack app's settings, then reinstall "
        "the app to the workspace"
    )


def test_the_built_in_roles_need_only_the_read_scopes(slack: tuple[FakeSlack, dict[str, str]], rolebot: Invoke) -> None:
    fake, env = slack
    fake.tokens[TOKEN] = frozenset({"usergroups:read", "users:read"})
    result = rolebot("secrets", "check", env=env)
    assert result.exit_code == 0, result.output
    assert table(result) == ["usergroups:read members has it", "users:read members has it"]


def test_without_a_usable_token_or_with_the_local_backend_slack_is_not_asked(
    slack: tuple[FakeSlack, dict[str, str]], rolebot: Invoke, tmp_path: Path
) -> None:
    fake, env = slack
    (tmp_path / "rolebot.toml").write_text(SLACK_ROLE)
    local = rolebot("--backend", "local", "secrets", "check", env=env)
    assert local.exit_code == 0, local.output
    assert "the token's scopes were not checked: --backend local" in local.stderr
    assert "chat:write support-triager: announce_channel, support-triager: dm not checked" in table(local)
    no_token = rolebot("secrets", "check", env={"ROLEBOT_SLACK_API_URL": env["ROLEBOT_SLACK_API_URL"]})
    assert no_token.exit_code == 0, no_token.output
    assert "the token's scopes were not checked: no Slack bot token" in no_token.stderr
    assert fake.calls == []


def test_a_token_slack_refuses_fails_the_check(slack: tuple[FakeSlack, dict[str, str]], rolebot: Invoke) -> None:
    fake, env = slack
    fake.tokens.clear()
    result = rolebot("secrets", "check", env=env)
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == (
        "Error: the Slack bot token's scopes could not be checked: Slack: Slack does not accept the bot token "
        "(invalid_auth) — check the Slack bot token (ROLEBOT_SLACK_TOKEN or secrets/slack_bot_token.json): it "
        "should be the app's current Bot User OAuth Token"
    )
    assert TOKEN not in result.output
