"""Two rolebot processes rotating two roles at once: both rotations are recorded.

The race is forced, not hoped for: each process reads its roster from a named pipe, which it
opens only after it has read the state file, and the test feeds both pipes only once both
processes wait on them. So both have read the same state before either writes it.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import read_json

pytestmark = pytest.mark.slow

GIVE_UP = 60.0


def start(state: Path, role: str, roster: Path) -> subprocess.Popen[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ROLEBOT_")},
        "ROLEBOT_BACKEND": "local",
        "ROLEBOT_TODAY": "2026-11-30",
        "ROLEBOT_STATE": str(state / "team-roles.json"),
        "ROLEBOT_ROSTER": str(roster),
    }
    argv = [sys.executable, "-m", "rolebot", "rotate", role, "--no-calendar"]
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_reader(pipe: Path, process: subprocess.Popen[str]) -> int:
    """Open the pipe for writing once the process has opened it for reading."""
    give_up = time.monotonic() + GIVE_UP
    while True:
        try:
            return os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:
            if error.errno != errno.ENXIO:
                raise
        if process.poll() is not None:
            raise AssertionError(f"rolebot ended before reading its roster: {process.communicate()}")
        if time.monotonic() > give_up:
            raise AssertionError("rolebot never read its roster")
        time.sleep(0.01)


def test_two_roles_rotated_at_once_are_both_recorded(demo: Path, tmp_path: Path) -> None:
    roster = (demo / "roster.json").read_bytes()
    pipes = [tmp_path / "roster-triager", tmp_path / "roster-facilitator"]
    for pipe in pipes:
        os.mkfifo(pipe)
    runs = [start(demo, "support-triager", pipes[0]), start(demo, "meeting-facilitator", pipes[1])]
    writers = [wait_for_reader(pipe, run) for pipe, run in zip(pipes, runs, strict=True)]
    for writer in writers:  # both have read the state: now let them go on, at once
        os.set_blocking(writer, True)
        os.write(writer, roster)
        os.close(writer)
    results = [run.communicate(timeout=GIVE_UP) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    for _, stderr in results:
        assert "✓ state: rotated for" in stderr
    state = read_json(demo / "team-roles.json")
    assert state["support_triager"]["incoming"] == {"name": "Chen Wei", "id": "U05CHE9012"}
    assert state["meeting_facilitator"] == {"name": "Ada Okafor", "id": "U05ADA1234"}
    assert state["last_rotated"] == {"meeting_facilitator": "2026-12-01", "support_triager": "2026-12-02"}
    assert json.loads((demo / "team-roles.json").read_text()) == state
