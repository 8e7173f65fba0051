"""What a command imports is what it needs (issue 15): each command runs in a fresh interpreter,
and the heavy packages it loaded are read from `sys.modules` once it is over. No timings: which
modules are loaded is the whole of what is checked.

* `--json` prints no table: rich is not imported (stderr, not a terminal, is written plainly);
* a local calendar: the Google stack (googleapiclient, google.auth, httplib2) is not imported;
* no live service: httpx is not imported either.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.server import FakeServer
from tests.fakes.slack import TOKEN, demo_workspace

pytestmark = pytest.mark.slow

GOOGLE = ("googleapiclient", "google.auth", "google.oauth2", "httplib2")
HEAVY = ("rich", "httpx", *GOOGLE)

PROBE = f"""\
import json, sys
from rolebot.cli import app
try:
    app(sys.argv[1:])
except SystemExit as done:
    code = done.code
print(json.dumps({{"code": code, "loaded": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""


def loaded_by(argv: list[str], env: dict[str, str] | None = None) -> list[str]:
    """The heavy packages `rolebot ARGV` imports (run in a fresh interpreter, in the test's directory)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    )
    outcome = json.loads(done.stdout.splitlines()[-1])
    assert outcome["code"] in (0, None), done.stderr
    loaded: list[str] = outcome["loaded"]
    return loaded


def test_local_members_as_json_imports_no_rich_no_http_and_no_google(demo: Path) -> None:
    assert loaded_by(["--backend", "local", "members", "support-triager", "--json"]) == []


def test_local_rotate_imports_no_http_and_no_google(demo: Path) -> None:
    loaded = loaded_by(["--backend", "local", "--today", "2026-11-30", "rotate", "support-triager", "--json"])
    assert [m for m in loaded if m != "rich"] == []  # rich: the standup the local backend shows


def test_a_dry_run_as_json_imports_no_rich(demo: Path) -> None:
    argv = ["--backend", "local", "--today", "2026-11-30", "rotate", "support-triager", "--dry-run", "--json"]
    assert loaded_by(argv) == []


def test_schedule_and_history_as_json_import_no_rich(demo: Path) -> None:
    assert loaded_by(["--backend", "local", "schedule", "support-triager", "--json"]) == []
    assert loaded_by(["--backend", "local", "history", "support-triager", "--json"]) == []


def test_live_slack_members_as_json_imports_httpx_alone(demo: Path) -> None:
    with FakeServer(demo_workspace()) as slack:
        env = {"ROLEBOT_SLACK_API_URL": f"{slack.url}/api/", "ROLEBOT_SLACK_TOKEN": TOKEN}
        assert loaded_by(["--backend", "auto", "members", "support-triager", "--json"], env) == ["httpx"]
