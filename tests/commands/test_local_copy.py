"""A run that can touch no live service — `--backend local`, or `auto` without any credential, as in a
fresh clone — keeps its changes to the state in `state/team-roles.local.json` (ignored by git), which
starts as a copy of `state/team-roles.json`: trying rolebot never changes the team's state. A run
that may go live, or one that names its state file, works on the file itself."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rolebot.context import AppContext
from rolebot.settings import GlobalOptions
from tests.conftest import REPO, Invoke, read_json
from tests.docs import command_lines, readme_blocks

LOCAL = "state/team-roles.local.json"
GIT = shutil.which("git") or "/usr/bin/git"
REAL = "state/team-roles.json"


@pytest.fixture
def default_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """The state file left to its default, as a person running rolebot leaves it."""
    monkeypatch.delenv("ROLEBOT_STATE")


@pytest.mark.usefixtures("default_state")
def test_the_demo_rotates_in_a_local_copy_and_leaves_the_team_state_alone(demo: Path, rolebot: Invoke) -> None:
    real = (demo / "team-roles.json").read_bytes()
    first = rolebot("--today", "2026-11-30", "rotate", "support-triager")
    assert first.exit_code == 0, first.output
    assert f"Chen Wei comes in, Bruno Silva stays on (written to {LOCAL})" in first.stderr
    assert (demo / "team-roles.json").read_bytes() == real
    copy = read_json(demo / "team-roles.local.json")
    assert copy["support_triager"]["incoming"] == {"name": "Chen Wei", "id": "U05CHE9012"}
    assert copy["last_rotated"] == {"support_triager": "2026-12-02"}

    again = rolebot("--today", "2026-11-30", "rotate", "support-triager")
    assert "✓ state: already rotated for 2026-12-02; nothing to do" in again.stderr
    schedule = rolebot("--today", "2026-11-30", "schedule", "support-triager", "-n", "1")
    assert "2026-12-02   Chen Wei (U05CHE9012)" in schedule.stdout

    (demo / "team-roles.local.json").unlink()  # starting again from the team's state
    fresh = rolebot("--today", "2026-11-30", "rotate", "support-triager", "--dry-run")
    assert "Bruno Silva (U05BRU5678)   Chen Wei (U05CHE9012)" in fresh.stdout


@pytest.mark.usefixtures("default_state")
def test_init_on_the_local_backend_writes_the_local_copy(demo: Path, rolebot: Invoke) -> None:
    real = (demo / "team-roles.json").read_bytes()
    result = rolebot(
        "--today", "2026-12-03", "init", "support-triager", "--current", "Emeka", "--standup-manager", "Chen"
    )
    assert result.exit_code == 0, result.output
    assert f"✓ state: written to {LOCAL}" in result.stderr
    assert (demo / "team-roles.json").read_bytes() == real
    kept = read_json(demo / "team-roles.local.json")
    assert kept["support_triager"]["current"] == {"name": "Emeka Nwosu", "id": "U05EME7890"}
    assert kept["meeting_facilitator"] is None  # the rest as the team's file has it


@pytest.mark.parametrize(
    ("options", "environ", "secret_file", "state"),
    [
        ({}, {}, None, LOCAL),
        ({"backend": "local"}, {"ROLEBOT_SLACK_TOKEN": "xoxb-1"}, None, LOCAL),
        ({}, {"ROLEBOT_BACKEND": "local"}, None, LOCAL),
        ({}, {"ROLEBOT_SLACK_TOKEN": "xoxb-1"}, None, REAL),
        ({}, {"ROLEBOT_GEEKBOT_TOKEN": "api_1"}, None, REAL),
        ({}, {}, "calendar_id.json", REAL),
        ({"backend": "live"}, {}, None, REAL),
        ({}, {"ROLEBOT_BACKEND": "live"}, None, REAL),
        ({"backend": "local"}, {"ROLEBOT_STATE": "elsewhere/roles.json"}, None, "elsewhere/roles.json"),
        ({"backend": "local", "state": Path("mine.json")}, {}, None, "mine.json"),
    ],
)
def test_which_state_file_a_run_works_on(
    tmp_path: Path, options: dict, environ: dict[str, str], secret_file: str | None, state: str
) -> None:
    if secret_file is not None:
        (tmp_path / "secrets").mkdir()
        (tmp_path / "secrets" / secret_file).write_text("{}")
    app = AppContext(options=GlobalOptions(**options), environ=environ, cwd=tmp_path)
    assert str(app.settings.state_path) == state
    assert app.settings.roster_path.parent == Path(state).parent  # the local files stay beside the state


@pytest.mark.slow
def test_the_readme_s_first_command_leaves_a_fresh_clone_clean(tmp_path: Path) -> None:
    """The repository's files (those git tracks, or would once added) in a new git repository, then the
    README's first command, twice (run by this environment's Python rather than `uv run`): `git status`
    shows nothing."""
    [quick_start] = readme_blocks("Quick start", "bash")
    assert command_lines(quick_start)[0].startswith("uv run rolebot rotate support-triager ")
    tracked = subprocess.run(
        [GIT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    clone = tmp_path / "clone"
    for name in filter(None, tracked):
        if (REPO / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, clone / name)
    git = [GIT, "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=clone, check=True)
    subprocess.run([*git, "add", "-A"], cwd=clone, check=True)
    subprocess.run([*git, "commit", "-qm", "clone"], cwd=clone, check=True)
    environ = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "NO_COLOR": "1",
        "ROLEBOT_TODAY": "2026-11-30",  # a date the demo state has not been rotated for
    }
    for _ in range(2):  # run it again: nothing changes
        done = subprocess.run(
            [sys.executable, "-m", "rolebot", "rotate", "support-triager"],
            cwd=clone,
            env=environ,  # the clone's own rolebot: `python -m` runs the package in the working directory
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert "✓ state: already rotated for 2026-12-02" in done.stderr
    assert json.loads((clone / LOCAL).read_text())["last_rotated"] == {"support_triager": "2026-12-02"}
    status = subprocess.run([GIT, "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True)
    assert status.stdout == ""
