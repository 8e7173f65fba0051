"""The README's *Use rolebot for your team* runs as written, in a new repository made from this one:
step 2 (the config from the example, the demo team's files removed), step 5 (`doctor`) and step 6
(`init`, then the first `rotate`), against the fake Slack and Google on real sockets. Step 1's
`uv tool install` is not run (tests/docs.py's `NOT_RUN` says why); step 4's sops commands run in
tests/test_secrets_docs.py (every sops block of the README does); here the credentials come from
the environment. The samples the section shows are what the commands print, in a terminal.

`uv run` is played by a stand-in that runs its command from this environment (tests/docs.py);
`ROLEBOT_TODAY` pins the date."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, read_json
from tests.docs import (
    BASH,
    Block,
    assert_shows,
    command_lines,
    in_terminal,
    not_run,
    readme_blocks,
    stand_in_for_uv,
    transcript,
    uses_sops,
)
from tests.fakes.geekbot import FakeGeekbot
from tests.fakes.google import FakeGoogle
from tests.fakes.server import FakeServer
from tests.fakes.slack import TOKEN, UserGroup, demo_workspace

pytestmark = pytest.mark.slow

GIT = shutil.which("git") or "/usr/bin/git"
SECTION = "Use rolebot for your team"
ONCALL = ["U05ADA1234", "U05BRU5678", "U05CHE9012", "U05DAN3456"]  # Ada, Bruno, Chen, Dana
EMAIL = "rolebot@team-roles-4711.iam.gserviceaccount.com"  # the service account the samples show


def section() -> str:
    text = (REPO / "README.md").read_text()
    start = text.index(f"## {SECTION}")
    return text[start : text.index("\n## ", start + 1)]


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


def run(block: Block, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [BASH, "-e", "-o", "pipefail", "-c", block.text], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{block.where}\n{done.stdout}\n{done.stderr}"
    return done


def test_a_team_s_first_steps_run_as_written(tmp_path: Path) -> None:
    """Each ```bash block of the section in order (step 1's, which `NOT_RUN` lists, and step 4's,
    which uses sops, aside); then the commands its samples show, each in a terminal, printing what
    the sample shows."""
    repo = tmp_path / "team-roles"
    new_repository(repo)
    tools = tmp_path / "tools"
    stand_in_for_uv(tools)
    bash = readme_blocks(SECTION, "bash")
    install, config, sops, doctor, start = bash
    assert all(not_run(command) for command in command_lines(install))
    assert uses_sops(sops)
    samples = [shown for block in readme_blocks(SECTION, "") for shown in transcript(block)]
    slack, google, geekbot = demo_workspace(), FakeGoogle(), FakeGeekbot()
    slack.team_name = "Example Team"
    slack.groups.append(UserGroup("S05ONCALL1", "oncall", "On call", list(ONCALL)))
    with FakeServer(slack) as slack_server, google.serve() as google_server, FakeServer(geekbot) as geekbot_server:
        key = {**google.key_for(google_server), "client_email": EMAIL}
        google.trust_key(key)
        google.share(EMAIL, "writer")
        (tmp_path / "service-account.json").write_text(json.dumps(key))
        env = {
            "PATH": f"{tools}:/usr/bin:/bin",
            "HOME": str(tmp_path / "home"),
            "TERM": "xterm",
            "NO_COLOR": "1",
            "ROLEBOT_TODAY": "2026-11-25",
            "ROLEBOT_SLACK_TOKEN": TOKEN,
            "ROLEBOT_SLACK_API_URL": f"{slack_server.url}/api/",
            "ROLEBOT_CALENDAR_ID": google.calendar_id,
            "ROLEBOT_GOOGLE_CREDENTIALS": str(tmp_path / "service-account.json"),
            "ROLEBOT_GOOGLE_API_URL": google_server.url,
            "ROLEBOT_GEEKBOT_API_URL": geekbot_server.url,
        }
        hosts = {slack_server.url: "slack.com", google_server.url: "www.googleapis.com"}

        written = run(config, repo, env)  # step 2
        assert "✓ rolebot.toml is valid: 1 role (on-call)" in written.stdout
        assert "[roles.on-call]  (from rolebot.toml)" in written.stdout
        assert (repo / "rolebot.toml").read_bytes() == (REPO / "rolebot.example.toml").read_bytes()
        assert not (repo / "state" / "team-roles.json").exists()

        [doctor_sample] = [shown for shown in samples if shown.command == "rolebot doctor"]
        assert [f"uv run {doctor_sample.command}"] == command_lines(doctor)  # step 5, as its sample shows
        checked = in_terminal(command_lines(doctor)[0], repo, env, hosts=hosts)
        assert checked.returncode == 0, checked
        assert_shows(checked, doctor_sample.output, doctor.where)

        *before, last = command_lines(start)  # step 6: the last command is the one its sample shows
        for command in before:
            ran = in_terminal(command, repo, env, hosts=hosts)
            assert ran.returncode == 0, ran
        [rotate_sample] = [shown for shown in samples if shown.command == last.removeprefix("uv run ")]
        rotated = in_terminal(last, repo, env, hosts=hosts)
        assert rotated.returncode == 0, rotated
        assert_shows(rotated, rotate_sample.output, start.where)
        assert geekbot_server.recorder.requests == []
    state = read_json(repo / "state" / "team-roles.json")
    assert state == {
        "on_call": {"name": "Chen Wei", "id": "U05CHE9012"},
        "last_rotated": {"on_call": "2026-11-30"},
        "notified": {"on_call": {"dm": "2026-11-30"}},
    }
    assert [p.asked for p in slack.posts] == ["U05CHE9012"]  # the direct message, once
    assert len(google.events()) == 26
    assert "support-triager.yaml" in step(6)
    assert (repo / ".github" / "workflows" / "support-triager.yaml").is_file()


def test_step_one_names_what_exists() -> None:
    text = step(1)
    assert "uv tool install ./rolebot" in text
    assert (REPO / "pyproject.toml").read_text().count('rolebot = "rolebot.cli:main"') == 1  # the tool's command
    assert (REPO / ".sops.yaml").is_file()
