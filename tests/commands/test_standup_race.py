"""One standup whatever runs at once: real `rolebot` processes against one fake Geekbot.

Geekbot has no idempotency key, so `rotate` and `standup` runs at the same time used to leave
2–4 standups of one name. The fake holds every create until all the runs have sent theirs, so
each run really creates one (the race is forced, not hoped for); afterwards exactly one must
remain, every run must exit 0, and the state must keep the survivor's ID.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import read_json
from tests.fakes.geekbot import DEMO_KEY, DEMO_OWNER, FakeGeekbot
from tests.fakes.server import FakeServer

NAME = "SupportTriagerStandup"
STANDUP = ("standup", "support-triager")
ROTATE = ("rotate", "support-triager", "--no-calendar")
ROTATED_DAY = "2026-11-23"  # the demo state is rotated for Wed 25 Nov already: every run plans the same standup
NEXT_WEEK = "2026-11-30"  # every run rotates the same way, for Wed 2 Dec


def start(command: tuple[str, ...], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "rolebot", *command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("today", "commands", "latency"),
    [
        pytest.param(NEXT_WEEK, (ROTATE, ROTATE), 0.0, id="2-rotates"),
        pytest.param(NEXT_WEEK, (ROTATE, ROTATE, ROTATE), 0.0, id="3-rotates"),
        pytest.param(NEXT_WEEK, (ROTATE, ROTATE, ROTATE), 0.01, id="3-rotates-slower-answers"),
        pytest.param(ROTATED_DAY, (STANDUP, ROTATE, STANDUP), 0.0, id="standup-rotate-standup"),
    ],
)
def test_runs_at_the_same_time_leave_exactly_one_standup(
    demo: Path, tmp_path: Path, today: str, commands: tuple[tuple[str, ...], ...], latency: float
) -> None:
    fake = FakeGeekbot()
    fake.hold_creates(len(commands))
    with FakeServer(fake, latency=latency) as server:
        env = {
            **os.environ,
            "ROLEBOT_GEEKBOT_API_URL": server.url,
            "ROLEBOT_GEEKBOT_TOKEN": DEMO_KEY,
            "ROLEBOT_BACKEND": "auto",
            "ROLEBOT_TODAY": today,
        }
        runs = [start(command, tmp_path, env) for command in commands]
        outputs = [run.communicate(timeout=120) for run in runs]

    for run, (stdout, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, stdout + stderr
        assert "Traceback" not in stderr
    [kept] = fake.named(NAME)
    made = [r for r in server.requests if r.method == "POST"]
    deleted = sorted(int(r.path.rsplit("/", 1)[1]) for r in server.requests if r.method == "DELETE")
    assert len(made) == len(commands)  # the race really happened: every run created one
    assert len(deleted) == len(commands) - 1
    assert all(standup_id > kept["id"] for standup_id in deleted)  # the oldest is the one kept
    lines = [line for _, stderr in outputs for line in stderr.splitlines() if line.startswith("✓ standup: ")]
    assert sum(line.startswith(f"✓ standup: created {NAME}") for line in lines) == 1
    raced = [line for line in lines if line.startswith(f"✓ standup: another run created {NAME} at the same time")]
    assert len(raced) == len(commands) - 1
    assert all(f"kept the oldest (id {kept['id']})" in line for line in raced)
    team = read_json(demo / "team-roles.json")
    assert team["standups"] == {"support_triager": str(kept["id"])}
    incoming = team["support_triager"]["incoming"]["id"]  # Chen Wei next week, who is also the manager
    assert [u["id"] for u in kept["users"]] == list(dict.fromkeys((incoming, DEMO_OWNER)))
    assert team["last_rotated"] == {"support_triager": "2026-12-02" if today == NEXT_WEEK else "2026-11-25"}
