"""The README's *Use rolebot for your team* runs as written, in a new repository made from this one:
step 2 (the config from the example, the demo team's files removed), step 5 (`doctor`) and step 6
(`init`, then the first `rotate`), against the fake Slack and Google on real sockets. Step 4's sops
commands run in tests/test_secrets_docs.py (every sops block of the README does); here the
credentials come from the environment. The samples the section shows agree with what runs.

`uv run` is played by a stand-in that runs its command from this environment (as in
tests/test_secrets_docs.py); `ROLEBOT_TODAY` pins the date."""

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
from tests.fakes.slack import TOKEN, UserGroup, demo_workspace

pytestmark = pytest.mark.slow

BASH = shutil.which("bash") or "/bin/bash"
GIT = shutil.which("git") or "/usr/bin/git"
UV = """#!/bin/sh
[ "$1" = run ] || {{ echo "only 'uv run' is expected" >&2; exit 1; }}
shift
PATH="{bin}:$PATH" exec "$@"
"""
SECTION = "## Use rolebot for your team"
ONCALL = ["U05ADA1234", "U05BRU5678", "U05CHE9012", "U05DAN3456"]  # Ada, Bruno, Chen, Dana


def section() -> str:
    text = (REPO / "README.md").read_text()
    start = text.index(SECTION)
    return text[start : text.index("\n## ", start + len(SECTION))]


def blocks(kind: str) -> list[str]:
    """The section's ```kind blocks, their indentation removed."""
    found = re.findall(r"^( *)```(\w*)\n(.*?)^ *```", section(), flags=re.MULTILINE | re.DOTALL)
    return [
        "".join(line[len(indent) :] for line in body.splitlines(keepends=True))
        for indent, language, body in found
        if language == kind
    ]


def step(number: int) -> str:
    """The text of the section's numbered step."""
    return re.split(r"^(?=\d\. \*\*)", section(), flags=re.MULTILINE)[number]


def new_repository(target: Path) -> None:
    """The repository's files (those git tracks, or would once added), committed in a new repository."""
    listed = subprocess.run(
        [GIT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    git = [GIT, "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=target, check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-qm", "from the template"], cwd=target, check=True)


def run(block: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [BASH, "-e", "-o", "pipefail", "-c", block], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{block}\n{done.stdout}\n{done.stderr}"
    return done


def rows(text: str) -> list[tuple[str, str, str]]:
    """(mark, service, check) of each row of a `doctor` table."""
    found = re.findall(r"^ *([✓✗–]) +(Slack|Google Calendar|Geekbot) +(\S+(?: \S+)*?) {2,}", text, flags=re.MULTILINE)
    return [(mark, service, check) for mark, service, check in found]


def test_a_team_s_first_steps_run_as_written(tmp_path: Path) -> None:
    repo = tmp_path / "team-roles"
    new_repository(repo)
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "uv").write_text(UV.format(bin=Path(sys.executable).parent))
    (tools / "uv").chmod(0o755)
    config, _sops, doctor, start = blocks("bash")
    samples = blocks("")
    slack, google, geekbot = demo_workspace(), FakeGoogle(), FakeGeekbot()
    slack.groups.append(UserGroup("S05ONCALL1", "oncall", "On call", list(ONCALL)))
    with FakeServer(slack) as slack_server, google.serve() as google_server, FakeServer(geekbot) as geekbot_server:
        key = tmp_path / "service-account.json"
        key.write_text(json.dumps(google.key_for(google_server)))
        env = {
            "PATH": f"{tools}:/usr/bin:/bin",
            "HOME": str(tmp_path / "home"),
            "COLUMNS": "100",
            "NO_COLOR": "1",
            "ROLEBOT_TODAY": "2026-11-25",
            "ROLEBOT_SLACK_TOKEN": TOKEN,
            "ROLEBOT_SLACK_API_URL": f"{slack_server.url}/api/",
            "ROLEBOT_CALENDAR_ID": google.calendar_id,
            "ROLEBOT_GOOGLE_CREDENTIALS": str(key),
            "ROLEBOT_GOOGLE_API_URL": google_server.url,
            "ROLEBOT_GEEKBOT_API_URL": geekbot_server.url,
        }

        written = run(config, repo, env)  # step 2
        assert "✓ rolebot.toml is valid: 1 role (on-call)" in written.stdout
        assert "[roles.on-call]  (from rolebot.toml)" in written.stdout
        assert (repo / "rolebot.toml").read_bytes() == (REPO / "rolebot.example.toml").read_bytes()
        assert not (repo / "state" / "team-roles.json").exists()

        checked = run(doctor, repo, env)  # step 5
        assert checked.stderr.endswith("✓ ready: 5 checks passed, 1 not checked\n")
        [shown] = [sample for sample in samples if sample.startswith("$ rolebot doctor")]
        assert rows(checked.stdout) == rows(shown)

        started = run(start, repo, env)  # step 6
        assert geekbot_server.recorder.requests == []
    state = read_json(repo / "state" / "team-roles.json")
    assert state == {
        "on_call": {"name": "Chen Wei", "id": "U05CHE9012"},
        "last_rotated": {"on_call": "2026-11-30"},
        "notified": {"on_call": {"dm": "2026-11-30"}},
    }
    [shown] = [sample for sample in samples if sample.startswith("$ rolebot rotate on-call")]
    marks = [line for line in started.stderr.splitlines() if line.startswith(("✓", "✗"))]
    shown_marks = [line for line in shown.splitlines() if line.startswith(("✓", "✗"))]
    assert marks[-len(shown_marks) :] == shown_marks
    assert [p.asked for p in slack.posts] == ["U05CHE9012"]  # the direct message, once
    assert len(google.events()) == 26
    assert "support-triager.yaml" in step(6)
    assert (repo / ".github" / "workflows" / "support-triager.yaml").is_file()


def test_step_one_names_what_exists() -> None:
    text = step(1)
    assert "uv tool install ./rolebot" in text
    assert (REPO / "pyproject.toml").read_text().count('rolebot = "rolebot.cli:main"') == 1  # the tool's command
    assert (REPO / ".sops.yaml").is_file()
