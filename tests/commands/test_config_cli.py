"""`rolebot config show` prints every effective setting and where its value came from; `rolebot config
check` lists every problem of the config file at once, with "did you mean" on unknown keys."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import TEAM_CONFIG, Invoke, one_error_line

ON_CALL = """\
timezone = "Europe/Berlin"

[roles.on-call]
title = "On call"
state_key = "on_call"
usergroup = "oncall"
cadence = "weekly"
weekday = "monday"
tenure = 1
horizon = 8

[roles.on-call.slack]
dm = true
"""


def settings(rolebot: Invoke, *options: str) -> dict[str, tuple[object, str]]:
    result = rolebot(*options, "config", "show", "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    return {item["key"]: (item["value"], item["from"]) for item in shown["settings"]}


def test_show_names_the_file_for_what_it_sets_and_the_built_in_default_for_the_rest(
    tmp_path: Path, rolebot: Invoke
) -> None:
    (tmp_path / "rolebot.toml").write_text(ON_CALL)
    shown = settings(rolebot)
    assert shown["timezone"] == ("Europe/Berlin", "rolebot.toml")
    assert shown["roles.on-call.horizon"] == (8, "rolebot.toml")
    assert shown["roles.on-call.legacy_titles"] == ([], "built-in default")
    assert shown["roles.on-call.slack.dm"] == (True, "rolebot.toml")
    assert shown["roles.on-call.slack.announce_channel"] == (None, "built-in default")
    assert shown["roles.on-call.standup"] == (None, "built-in default")  # no standup: no Geekbot
    question, origin = shown["roles.on-call.question"]
    assert origin == "built-in default"
    assert str(question).startswith("Hi {first_name}!")
    dm_message, _ = shown["roles.on-call.slack.dm_message"]
    assert "{buddy" not in str(dm_message)  # the effective template: a one-person role's
    assert not any(key.startswith("roles.support-triager") for key in shown)  # the config's roles only


def test_show_of_a_table_named_after_a_built_in_role(tmp_path: Path, rolebot: Invoke) -> None:
    (tmp_path / "rolebot.toml").write_text("[roles.support-triager]\nhorizon = 4\n[roles.support-triager.standup]\n")
    shown = settings(rolebot)
    assert shown["roles.support-triager.horizon"] == (4, "rolebot.toml")
    assert shown["roles.support-triager.title"] == ("Support Triager", "built-in default")
    assert shown["roles.support-triager.standup.days"] == (["Wed"], "built-in default")
    assert not any(key.startswith("roles.meeting-facilitator") for key in shown)


def test_show_without_a_config_file_is_all_built_in(rolebot: Invoke) -> None:
    result = rolebot("config", "show", "--json")
    shown = json.loads(result.stdout)
    assert (shown["config"], shown["roles_from"]) == ("built-in defaults", "built-in default")
    assert {item["from"] for item in shown["settings"]} == {"built-in default"}


def test_show_reads_tool_rolebot_and_prints_a_table_per_role(tmp_path: Path, rolebot: Invoke) -> None:
    table = ON_CALL.replace("[roles.", "[tool.rolebot.roles.").replace('timezone = "Europe/Berlin"', "")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n" + table)
    result = rolebot("config", "show")
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert lines[0] == "Config: pyproject.toml [tool.rolebot]"
    assert 'timezone "UTC" built-in default' in lines
    assert "[roles.on-call] (from pyproject.toml [tool.rolebot])" in lines
    assert "horizon 8 pyproject.toml [tool.rolebot]" in lines
    assert "standup — built-in default" in lines


def test_show_of_the_team_config_shows_every_value_whole(tmp_path: Path, rolebot: Invoke) -> None:
    (tmp_path / "rolebot.toml").write_bytes(TEAM_CONFIG.read_bytes())
    shown = settings(rolebot)
    assert shown["roles.support-triager.standup.channel"] == ("#support-freshdesk", "rolebot.toml")
    assert shown["roles.support-triager.legacy_state_keys"] == (["support_steward"], "rolebot.toml")
    table = rolebot("config", "show").stdout
    assert "https://2i2c.freshdesk.com/a/tickets/filters/all_tickets" in table.replace("\n", "").replace(" ", "")


def test_check_of_a_valid_config(tmp_path: Path, rolebot: Invoke) -> None:
    none = rolebot("config", "check")
    assert none.exit_code == 0, none.output
    assert none.stdout.startswith("✓ no config file (rolebot.toml, or [tool.rolebot] in pyproject.toml): the built-in")
    (tmp_path / "rolebot.toml").write_text(ON_CALL)
    valid = rolebot("config", "check")
    assert valid.exit_code == 0
    assert valid.stdout == "✓ rolebot.toml is valid: 1 role (on-call)\n"
    (tmp_path / "rolebot.toml").write_text('timezone = "UTC"\n')
    no_roles = rolebot("config", "check")
    assert no_roles.stdout == (
        "✓ rolebot.toml is valid; it defines no roles, so the built-in ones apply: support-triager, "
        "meeting-facilitator\n"
    )


def test_check_lists_every_problem_with_suggestions_and_fails(tmp_path: Path, rolebot: Invoke) -> None:
    broken = (
        ON_CALL.replace("horizon = 8", "horizon = 0\ncolour = 1")
        .replace("dm = true", "dm = true\nanounce_channel = '#ops'")
        .replace("timezone =", "timezon =")
    )
    (tmp_path / "rolebot.toml").write_text(broken)
    result = rolebot("config", "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "✗ unknown setting 'timezon' (did you mean 'timezone'?) — top-level settings are `timezone` and "
        "`[roles.<name>]` tables",
        "✗ roles.on-call.horizon: Input should be greater than or equal to 1",
        "✗ roles.on-call.slack.anounce_channel: Extra inputs are not permitted (did you mean 'announce_channel'?)",
        "✗ roles.on-call.colour: Extra inputs are not permitted",
    ]
    assert one_error_line(result.stderr) == (
        "Error: rolebot.toml has 4 problems — fix each ✗ line, then run `rolebot config check` again"
    )
    rotate = rolebot("rotate", "on-call")
    assert rotate.exit_code == 1
    assert one_error_line(rotate.stderr).startswith(
        "Error: rolebot.toml: unknown setting 'timezon' (did you mean 'timezone'?); roles.on-call.horizon: "
    )


def test_check_of_a_file_that_is_not_toml(tmp_path: Path, rolebot: Invoke) -> None:
    (tmp_path / "rolebot.toml").write_text("[roles\n")
    result = rolebot("config", "check")
    assert result.exit_code == 1
    assert result.stdout.startswith("✗ rolebot.toml is not valid TOML: ")
    assert one_error_line(result.stderr) == "Error: the config file cannot be read — fix what the ✗ line says"
