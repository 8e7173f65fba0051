from pathlib import Path

import pytest

from rolebot.config import build_config, check_config, load_config
from rolebot.errors import ConfigError, UsageError
from tests.conftest import REPO


def test_the_repository_s_rolebot_toml_reproduces_the_team() -> None:
    config = load_config(None, REPO)
    triager = config.role("support-triager")
    assert config.source == "rolebot.toml"
    assert list(config.roles) == ["support-triager", "meeting-facilitator"]
    assert (triager.title, triager.legacy_titles, triager.state_key) == (
        "Support Triager",
        ("Support Steward",),
        "support_triager",
    )
    assert (triager.cadence, triager.weekday, triager.tenure, triager.horizon) == ("weekly", "wednesday", 2, 52)
    assert triager.slots == ("incoming", "current")
    assert triager.standup.name == "SupportTriagerStandup"
    assert triager.standup.channel == "#support-freshdesk"
    assert "https://2i2c.freshdesk.com/a/tickets/filters/all_tickets" in triager.question
    facilitator = config.role("meeting-facilitator")
    assert (facilitator.cadence, facilitator.day_of_month, facilitator.tenure, facilitator.horizon) == (
        "monthly",
        1,
        1,
        12,
    )
    assert facilitator.slots == ("member",)
    assert "team compass" in facilitator.question
    assert config.timezone == "UTC"


def test_without_a_config_the_built_in_roles_are_generic(tmp_path: Path) -> None:
    config = load_config(None, tmp_path)
    assert config.source == "built-in defaults"
    assert list(config.roles) == ["support-triager", "meeting-facilitator"]
    for role in config.roles.values():
        assert "2i2c" not in role.question
        assert "compass" not in role.question
        assert (role.legacy_titles, role.legacy_state_keys) == ((), ())
        assert role.geekbot is not None
        assert role.geekbot.channel != "#support-freshdesk"
    triager = config.role("support-triager")
    assert (triager.cadence, triager.weekday, triager.tenure, triager.horizon) == ("weekly", "wednesday", 2, 52)
    assert "Your buddy this week is {buddy}" in triager.question


def test_a_config_that_defines_no_roles_keeps_the_built_in_ones() -> None:
    for raw in ({}, {"timezone": "Europe/London"}, {"roles": {}}):
        assert list(build_config(raw, "rolebot.toml").roles) == ["support-triager", "meeting-facilitator"]


def test_the_roles_a_config_defines_replace_the_built_in_ones() -> None:
    raw = {
        "roles": {
            "on-call": {
                "title": "On call",
                "state_key": "on_call",
                "usergroup": "oncall",
                "cadence": "weekly",
                "weekday": "monday",
                "tenure": 1,
                "horizon": 8,
            }
        }
    }
    config = build_config(raw, "rolebot.toml")
    assert list(config.roles) == ["on-call"]
    with pytest.raises(UsageError, match="unknown role 'support-triager' — choose one of: on-call"):
        config.role("support-triager")


def test_rolebot_toml_overrides_one_setting_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "rolebot.toml").write_text(
        'timezone = "Europe/London"\n[roles.support-triager.standup]\nchannel = "#triage"\n'
    )
    config = load_config(None, tmp_path)
    role = config.role("support-triager")
    assert config.source == "rolebot.toml"
    assert config.timezone == "Europe/London"
    assert role.standup.channel == "#triage"
    assert role.standup.name == "SupportTriagerStandup"


def test_pyproject_tool_table_is_used_when_there_is_no_rolebot_toml(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname='x'\n[tool.rolebot.roles.on-call]\n"
        'title = "On Call"\nstate_key = "on_call"\nusergroup = "on-call"\ncadence = "weekly"\n'
        'weekday = "monday"\ntenure = 1\nhorizon = 8\nquestion = "Hi {first_name}, you are on call."\n'
        '[tool.rolebot.roles.on-call.standup]\nname = "OnCall"\nchannel = "#ops"\ndays = ["Mon"]\ntime = "09:00:00"\n'
    )
    config = load_config(None, tmp_path)
    assert config.source == "pyproject.toml [tool.rolebot]"
    assert list(config.roles) == ["on-call"]
    assert config.role("on-call").standup.wait_time == 10


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"roles": {"support-triager": {"horizon": 0}}}, "roles.support-triager.horizon: Input should be greater"),
        ({"roles": {"support-triager": {"tenure": 3}}}, "roles.support-triager.tenure"),
        ({"roles": {"support-triager": {"colour": "red"}}}, "roles.support-triager.colour: Extra inputs"),
        ({"roles": {"support-triager": {"standup": {"time": "10am"}}}}, "roles.support-triager.standup.time"),
        ({"roles": {"support-triager": {"standup": {"days": ["Wednesday"]}}}}, "standup.days[0]"),
        ({"roles": {"support-triager": {"question": "Hi {nickname}"}}}, "unknown placeholder(s) {nickname}"),
        ({"roles": {"meeting-facilitator": {"question": "with {buddy}"}}}, "unknown placeholder(s) {buddy}"),
        ({"roles": {"support-triager": {"question": "Hi {first_name"}}}, "not a valid template"),
        ({"roles": {"support-triager": {"state_key": "standup_manager"}}}, "reserved"),
        ({"roles": {"support-triager": {"cadence": "weekly", "weekday": None}}}, "needs `weekday`"),
        (
            {"roles": {"support-triager": {}, "meeting-facilitator": {"state_key": "support_triager"}}},
            "share state_key",
        ),
        ({"timezone": "Mars/Olympus"}, "timezone: unknown time zone"),
        ({"colour": "red"}, "unknown setting 'colour'"),
        ({"roles": {"x": {"title": "X"}}}, "roles.x"),
        (
            {"roles": {"support-triager": {"question": "Hi {first_name!z}"}}},
            "question is not a valid template: Unknown conversion specifier z",
        ),
        (
            {"roles": {"support-triager": {"question": "Hi {first_name:>>>}"}}},
            "question is not a valid template: Unknown format code '>' for object of type 'str'",
        ),
        ({"roles": {"support-triager": {"question": "Hi {first_name:{name}}"}}}, "takes its format from another"),
        ({"roles": {"support-triager": {"question": "Hi {first_name[0]}"}}}, "unknown placeholder(s) {first_name[0]}"),
        (
            {
                "roles": {
                    "support-triager": {"legacy_state_keys": ["support_steward"]},
                    "meeting-facilitator": {"legacy_state_keys": ["support_steward"]},
                }
            },
            "share state_key",
        ),
        ({"roles": {"meeting-facilitator": {"legacy_state_keys": ["last_rotated"]}}}, "reserved"),
    ],
)
def test_invalid_config_is_one_error_naming_the_key(raw: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        build_config(raw, "rolebot.toml")
    assert str(caught.value).startswith("rolebot.toml: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_broken_toml_and_missing_file_are_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[roles\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config(bad, tmp_path)
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml", tmp_path)


def test_unknown_role_lists_the_roles() -> None:
    with pytest.raises(UsageError, match="choose one of: meeting-facilitator, support-triager"):
        build_config({}, "x").role("support")


def test_a_config_that_is_not_utf8_or_nests_too_deeply_is_one_line(tmp_path: Path) -> None:
    latin = tmp_path / "rolebot.toml"
    latin.write_bytes('timezone = "Europe/Zürich"\n'.encode("latin-1"))
    with pytest.raises(ConfigError) as caught:
        load_config(None, tmp_path)
    assert str(caught.value) == (
        "rolebot.toml is not UTF-8 text (byte 20: invalid start byte) — save it with UTF-8 encoding"
    )
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError, match="nests tables or arrays too deeply"):
        load_config(deep, tmp_path)


def test_the_triager_reads_its_older_state_key() -> None:
    triager = load_config(None, REPO).role("support-triager")
    assert triager.state_keys == ("support_triager", "support_steward")


def test_built_in_roles_use_geekbot_and_post_nothing_else_to_slack() -> None:
    for role in build_config({}, "x").roles.values():
        assert role.geekbot is not None
        assert not role.posts_to_slack
        assert (role.slack.announce_channel, role.slack.dm, role.slack.oncall_usergroup) == (None, False, None)


def test_slack_settings_and_a_role_without_geekbot(tmp_path: Path) -> None:
    (tmp_path / "rolebot.toml").write_text(
        "[roles.support-triager.slack]\n"
        'announce_channel = "#support-freshdesk"\ndm = true\noncall_usergroup = "@support-triager-oncall"\n'
        'announce_message = "{mention} takes over from {buddy_mention} on {handoff}"\n'
        "[roles.support-triager.standup]\nenabled = false\n"
    )
    role = load_config(None, tmp_path).role("support-triager")
    assert role.geekbot is None
    assert role.posts_to_slack
    assert (role.slack.announce_channel, role.slack.dm, role.slack.oncall_usergroup) == (
        "#support-freshdesk",
        True,
        "@support-triager-oncall",
    )
    assert role.announce_message == "{mention} takes over from {buddy_mention} on {handoff}"
    assert role.dm_message.startswith("Hi {first_name}! :wave: Your turn as {title} starts on {handoff}")


def test_a_new_role_may_leave_out_the_standup_and_the_question() -> None:
    raw = {
        "roles": {
            "on-call": {
                "title": "On Call",
                "state_key": "on_call",
                "usergroup": "on-call",
                "cadence": "weekly",
                "weekday": "monday",
                "tenure": 1,
                "horizon": 8,
                "slack": {"dm": True},
            }
        }
    }
    role = build_config(raw, "rolebot.toml").role("on-call")
    assert role.standup is None
    assert role.geekbot is None
    assert "{buddy" not in role.dm_message + role.announce_message
    assert role.question.startswith("Hi {first_name}!")


@pytest.mark.parametrize(
    ("slack", "message"),
    [
        ({"announce_channel": "team updates"}, "slack.announce_channel: 'team updates' is not a Slack channel"),
        ({"oncall_usergroup": "@"}, "slack.oncall_usergroup: '@' is not a Slack channel or user group name"),
        ({"dm": "yes"}, "roles.support-triager.slack.dm: Input should be a valid boolean"),
        ({"announce": "#x"}, "roles.support-triager.slack.announce: Extra inputs are not permitted"),
        ({"announce_message": "Hi {nickname}"}, "slack.announce_message uses unknown placeholder(s) {nickname}"),
        ({"dm_message": "Hi {mention!z}"}, "slack.dm_message is not a valid template: Unknown conversion"),
        ({"dm_message": ""}, "roles.support-triager.slack.dm_message: String should have at least 1 character"),
    ],
)
def test_invalid_slack_settings_are_one_error_naming_the_key(slack: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        build_config({"roles": {"support-triager": {"slack": slack}}}, "rolebot.toml")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("role", "standup", "message"),
    [
        ("meeting-facilitator", None, "slack.announce_message uses unknown placeholder(s) {buddy}"),
        ("support-triager", {"enabled": "no"}, "roles.support-triager.standup.enabled: Input should be a valid"),
        ("support-triager", {"enabled": False, "chanel": "#x"}, "roles.support-triager.standup.chanel: Extra"),
    ],
)
def test_a_buddy_in_a_one_person_role_s_message_and_a_bad_standup_switch_are_errors(
    role: str, standup: dict | None, message: str
) -> None:
    settings: dict = {"slack": {"announce_message": "with {buddy}"}} if standup is None else {"standup": standup}
    with pytest.raises(ConfigError) as caught:
        build_config({"roles": {role: settings}}, "rolebot.toml")
    assert message in str(caught.value)


def test_every_problem_is_found_at_once_with_did_you_mean_on_keys() -> None:
    raw = {
        "timezon": "UTC",
        "roles": {
            "on-call": {
                "titel": "On call",
                "state_key": "on_call",
                "usergroup": "oncall",
                "cadence": "weekly",
                "tenure": 1,
                "horizon": 0,
                "standup": {"name": "OnCall", "chanel": "#ops", "days": ["Mon"], "time": "09:00:00"},
                "slack": {"dm_mesage": "Hi"},
            },
            "broken": "not a table",
        },
    }
    config, problems = check_config(raw, "rolebot.toml")
    assert config is None
    assert [str(p) for p in problems] == [
        "unknown setting 'timezon' (did you mean 'timezone'?)",
        "roles.broken: expected a table",
        "roles.on-call.title: Field required",
        "roles.on-call.weekday: a weekly role needs `weekday`",
        "roles.on-call.horizon: Input should be greater than or equal to 1",
        "roles.on-call.standup.channel: Field required",
        "roles.on-call.standup.chanel: Extra inputs are not permitted (did you mean 'channel'?)",
        "roles.on-call.slack.dm_mesage: Extra inputs are not permitted (did you mean 'dm_message'?)",
        "roles.on-call.titel: Extra inputs are not permitted (did you mean 'title'?)",
    ]


def test_every_template_of_a_role_is_checked() -> None:
    raw = {"roles": {"support-triager": {"question": "Hi {nick}", "slack": {"dm_message": "{x}"}}}}
    _, problems = check_config(raw, "rolebot.toml")
    assert [(p.where, p.message.split(" uses ")[0]) for p in problems] == [
        ("roles.support-triager", "question"),
        ("roles.support-triager", "slack.dm_message"),
    ]
    with pytest.raises(ConfigError) as caught:
        build_config(raw, "rolebot.toml")
    assert str(caught.value).startswith("rolebot.toml: roles.support-triager: question uses unknown placeholder(s)")
    assert "; roles.support-triager: slack.dm_message uses unknown placeholder(s) {x}" in str(caught.value)
    assert str(caught.value).endswith("— fix those settings (`rolebot config check` lists them)")
