"""A role without Geekbot (`[roles.<role>.standup] enabled = false`): the weekly job asks Geekbot
nothing and needs no Geekbot key, even with `--backend live`; `standup` says the role has none; `init`
needs no standup manager for it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Invoke, one_error_line, read_json
from tests.fakes.geekbot import FakeGeekbot
from tests.fakes.google import FakeGoogle
from tests.fakes.server import FakeServer
from tests.fakes.slack import TOKEN, demo_workspace

NO_GEEKBOT = "[roles.support-triager.standup]\nenabled = false\n[roles.meeting-facilitator]\n"  # the demo has both


def test_the_weekly_job_runs_live_without_a_geekbot_key_and_asks_geekbot_nothing(
    demo: Path, tmp_path: Path, rolebot: Invoke
) -> None:
    (tmp_path / "rolebot.toml").write_text(NO_GEEKBOT)
    google, geekbot = FakeGoogle(), FakeGeekbot()
    with FakeServer(demo_workspace()) as slack, google.serve() as calendar, FakeServer(geekbot) as geekbot_server:
        key = tmp_path / "key.json"
        key.write_text(json.dumps(google.key_for(calendar)))
        env = {
            "ROLEBOT_BACKEND": "live",
            "ROLEBOT_SLACK_TOKEN": TOKEN,
            "ROLEBOT_SLACK_API_URL": f"{slack.url}/api/",
            "ROLEBOT_CALENDAR_ID": google.calendar_id,
            "ROLEBOT_GOOGLE_CREDENTIALS": str(key),
            "ROLEBOT_GOOGLE_API_URL": calendar.url,
            "ROLEBOT_GEEKBOT_API_URL": geekbot_server.url,  # served, and never asked
        }
        result = rolebot("--today", "2026-11-30", "rotate", "support-triager", "--no-calendar", env=env)
        assert result.exit_code == 0, result.output
        assert geekbot_server.recorder.requests == []
    assert "notifier" not in result.stderr  # not built: no Geekbot key needed
    assert "✓ standup: none: Support Triager runs without Geekbot (standup.enabled = false)" in result.stderr
    assert read_json(demo / "team-roles.json")["support_triager"]["incoming"]["name"] == "Chen Wei"


def test_the_standup_command_says_the_role_has_none(demo: Path, tmp_path: Path, rolebot: Invoke) -> None:
    (tmp_path / "rolebot.toml").write_text(NO_GEEKBOT)
    result = rolebot("standup", "support-triager")
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == (
        "Error: Support Triager runs without a Geekbot standup (no [roles.support-triager.standup], or enabled = "
        "false in it) — to give it one, set a name, channel, days and time under [roles.support-triager.standup] "
        "in the config"
    )


def test_init_needs_a_standup_manager_only_for_a_role_with_geekbot(demo: Path, tmp_path: Path, rolebot: Invoke) -> None:
    missing = rolebot("--today", "2026-12-03", "init", "support-triager", "--current", "Emeka")
    assert missing.exit_code == 2
    assert one_error_line(missing.stderr).startswith(
        "Error: --standup-manager is needed: Support Triager has a Geekbot standup"
    )
    (tmp_path / "rolebot.toml").write_text(NO_GEEKBOT)
    written = rolebot("--today", "2026-12-03", "init", "support-triager", "--current", "Emeka")
    assert written.exit_code == 0, written.output
    state = read_json(demo / "team-roles.json")
    assert state["support_triager"]["current"] == {"name": "Emeka Nwosu", "id": "U05EME7890"}
    assert state["standup_manager"] == {"name": "Chen Wei", "id": "U05CHE9012"}  # left as the file had it
    assert "standup manager" not in written.stdout


def test_a_new_role_without_standup_settings_runs_on_slack_alone(demo: Path, tmp_path: Path, rolebot: Invoke) -> None:
    (tmp_path / "rolebot.toml").write_text(
        '[roles.on-call]\ntitle = "On Call"\nstate_key = "on_call"\nusergroup = "support-triagers"\n'
        'cadence = "weekly"\nweekday = "monday"\ntenure = 1\nhorizon = 4\n'
        '[roles.on-call.slack]\nannounce_channel = "#ops"\n'
        "[roles.support-triager]\n[roles.meeting-facilitator]\n"  # the demo state holds them
    )
    result = rolebot("--backend", "local", "--today", "2026-11-30", "rotate", "on-call")
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if line.startswith("✓")][1:] == [
        "✓ standup: none: On Call runs without Geekbot (no standup settings)",
        "✓ calendar: 4 created; the series reaches 2026-12-21",
        "✓ announce: the announcement for Monday 30 November 2026 shown above (local backend: nothing sent)",
    ]
    out = " ".join(result.stdout.split())
    assert "Slack post to #ops" in out
    assert "From Monday 30 November 2026, <@U05ADA1234> is our On Call." in out
