"""What `rolebot doctor` checks, worked out from the config alone."""

from __future__ import annotations

from rolebot.config import build_config
from rolebot.preflight import plan_preflight
from tests.helpers import CONFIG

SLACK_ROLES = {
    "roles": {
        "support-triager": {
            "slack": {"announce_channel": "#team", "dm": True, "oncall_usergroup": "@oncall-now"},
            "standup": {"enabled": False},
        },
        "on-call": {
            "title": "On call",
            "state_key": "on_call",
            "usergroup": "@oncall",
            "cadence": "weekly",
            "weekday": "monday",
            "tenure": 1,
            "horizon": 4,
            "slack": {"announce_channel": "#team", "oncall_usergroup": "oncall-now"},
        },
    }
}


def test_the_team_s_roles_need_the_read_scopes_their_groups_and_geekbot() -> None:
    plan = plan_preflight(CONFIG)
    assert plan.roles == ("support-triager", "meeting-facilitator")
    assert plan.scopes == {"usergroups:read": ("members",), "users:read": ("members",)}
    assert plan.groups == {
        "support-triagers": ("support-triager: usergroup",),
        "meeting-facilitators": ("meeting-facilitator: usergroup",),
    }
    assert plan.channels == {}
    assert plan.geekbot == ("support-triager", "meeting-facilitator")
    assert plan_preflight(CONFIG, "meeting-facilitator").groups == {
        "meeting-facilitators": ("meeting-facilitator: usergroup",)
    }


def test_slack_features_add_their_scopes_groups_and_channels_once_each() -> None:
    plan = plan_preflight(build_config(SLACK_ROLES, "rolebot.toml"))
    assert plan.scopes == {
        "chat:write": ("support-triager: announce_channel", "support-triager: dm", "on-call: announce_channel"),
        "usergroups:read": ("members", "support-triager: oncall_usergroup", "on-call: oncall_usergroup"),
        "usergroups:write": ("support-triager: oncall_usergroup", "on-call: oncall_usergroup"),
        "users:read": ("members",),
    }
    assert plan.groups == {
        "support-triagers": ("support-triager: usergroup",),
        "oncall-now": ("support-triager: oncall_usergroup", "on-call: oncall_usergroup"),
        "oncall": ("on-call: usergroup",),
    }
    assert [handle for handle in plan.groups if plan.rotates(handle)] == ["support-triagers", "oncall"]
    assert plan.channels == {"#team": ("support-triager", "on-call")}
    assert plan.geekbot == ()
