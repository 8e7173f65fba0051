"""Every test runs in its own directory with a clean environment: nothing from the user's
machine (state files, credentials, ROLEBOT_* variables) can leak in."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from rolebot.cli import app
from rolebot.context import AppContext

REPO = Path(__file__).resolve().parent.parent
STATE_DEMO = REPO / "state"
TEAM_CONFIG = REPO / "rolebot.toml"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith(("ROLEBOT_", "SOPS_", "GITHUB_")):
            monkeypatch.delenv(name)
    # The state file is named, as a deployment may name it: a run on the local backend then works on
    # it, not on a local copy (tests/commands/test_local_copy.py covers the default).
    monkeypatch.setenv("ROLEBOT_STATE", "state/team-roles.json")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The demo team from the repository, copied into the test dir: its state/ (roster and
    team-roles) and the roles it runs (the repository's rolebot.toml)."""
    target = tmp_path / "state"
    target.mkdir()
    for name in ("roster.json", "team-roles.json"):
        shutil.copy(STATE_DEMO / name, target / name)
    shutil.copy(TEAM_CONFIG, tmp_path / "rolebot.toml")
    return target


@dataclass
class Sleeps:
    """Records the waits rolebot asks for instead of waiting."""

    calls: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


Invoke = Callable[..., Result]


@pytest.fixture
def rolebot(sleeps: Sleeps) -> Invoke:
    """Run the rolebot CLI in-process: `rolebot("rotate", "support-triager", env={...})`."""

    def invoke(
        *args: str, env: dict[str, str] | None = None, input: str | None = None, interactive: bool = False
    ) -> Result:
        context = AppContext(sleep=sleeps, interactive=interactive)
        return CliRunner().invoke(app, list(args), env=env, input=input, obj=context, catch_exceptions=False)

    return invoke


def one_error_line(stderr: str) -> str:
    """The single `Error: ...` line a failed command prints (and no traceback)."""
    lines = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


@pytest.fixture
def snapshot_files() -> Callable[[Path], dict[str, bytes]]:
    """Bytes of every file under a directory, to prove a failed command changed nothing."""

    def snap(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    return snap


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


__all__ = ["Invoke", "Iterator", "Sleeps", "read_json"]
