"""The README's *Slack only: no Geekbot* set-up runs as written: its `rolebot.toml` and its commands,
unchanged, against the fake Slack and Google on real sockets, with the credentials in the environment
and no Geekbot key. Geekbot is served too, and must hear nothing.

`uv run` is played by a stand-in that runs its command from this environment (as in
`tests/test_secrets_docs.py`); `ROLEBOT_TODAY` pins the date."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, read_json
from tests.fakes.geekbot import FakeGeekbot
from tests.fakes.google import FakeGoogle
from tests.fakes.server import FakeServer
from tests.fakes.slack import TOKEN, oncall_workspace

pytestmark = pytest.mark.slow

BASH = shutil.which("bash") or "/bin/bash"
UV = """#!/bin/sh
[ "$1" = run ] || {{ echo "only 'uv run' is expected" >&2; exit 1; }}
shift
PATH="{bin}:$PATH" exec "$@"
"""
SECTION = "## Slack only: no Geekbot"


def section() -> str:
    text = (REPO / "README.md").read_text()
    start = text.index(SECTION)
    return text[start : text.index("\n## ", start + len(SECTION))]


def block(kind: str) -> str:
    """The first ```kind block of the section, its indentation removed."""
    found = re.search(rf"^( *)```{kind}\n(.*?)^ *```", section(), flags=re.MULTILINE | re.DOTALL)
    assert found, f"no {kind} block in the README's {SECTION!r}"
    indent = len(found.group(1))
    return "".join(line[indent:] if line.strip() else "\n" for line in found.group(2).splitlines(keepends=True))


def test_the_slack_only_setup_runs_as_written_and_asks_geekbot_nothing(tmp_path: Path) -> None:
    (tmp_path / "rolebot.toml").write_text(block("toml"))
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "uv").write_text(UV.format(bin=Path(sys.executable).parent))
    (tools / "uv").chmod(0o755)
    slack, google, geekbot = oncall_workspace(), FakeGoogle(), FakeGeekbot()
    with FakeServer(slack) as slack_server, google.serve() as google_server, FakeServer(geekbot) as geekbot_server:
        key = tmp_path / "service-account.json"
        key.write_text(json.dumps(google.key_for(google_server)))
        env = {
            "PATH": f"{tools}:/usr/bin:/bin",
            "HOME": str(tmp_path / "home"),
            "COLUMNS": "100",
            "NO_COLOR": "1",
            "ROLEBOT_TODAY": "2026-11-30",
            "ROLEBOT_SLACK_TOKEN": TOKEN,
            "ROLEBOT_SLACK_API_URL": f"{slack_server.url}/api/",
            "ROLEBOT_CALENDAR_ID": google.calendar_id,
            "ROLEBOT_GOOGLE_CREDENTIALS": str(key),
            "ROLEBOT_GOOGLE_API_URL": google_server.url,
            "ROLEBOT_GEEKBOT_API_URL": geekbot_server.url,
        }
        done = subprocess.run(
            [BASH, "-e", "-o", "pipefail", "-c", block("bash")],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
        assert geekbot_server.recorder.requests == []
    assert "Error" not in done.stderr
    assert "✓ standup: none: Support Triager runs without Geekbot (standup.enabled = false)" in done.stderr
    state = read_json(tmp_path / "state" / "team-roles.json")
    assert "standup_manager" not in state
    assert state["support_triager"]["incoming"]["name"] == "Emeka Nwosu"
    assert state["notified"] == {"support_triager": {"announce": "2026-12-02", "dm": "2026-12-02"}}
    assert next(g for g in slack.groups if g.handle == "support-triager-oncall").users == ["U05EME7890", "U05DAN3456"]
    assert [p.asked for p in slack.posts] == ["#support-freshdesk", "U05EME7890"] or [p.asked for p in slack.posts] == [
        "U05EME7890",
        "#support-freshdesk",
    ]
    assert TOKEN not in done.stdout + done.stderr
