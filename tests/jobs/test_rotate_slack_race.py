"""Two rotate runs at once post the announcement and the direct message once: each message is claimed
in the state file, under its lock, before it is sent.

The race is forced: both runs have planned (so both see nothing sent yet) before either applies."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from rolebot.config import build_config
from rolebot.context import AppContext
from rolebot.jobs.rotate import RotateOptions, RotateRun, run_rotate
from rolebot.settings import GlobalOptions
from rolebot.state import claim_notice, load_state, release_notice
from tests.fakes.server import FakeServer
from tests.fakes.slack import TOKEN, oncall_workspace
from tests.jobs.test_rotate_slack import CHANNEL, write_config

WED = date(2026, 12, 2)


def test_two_runs_at_once_send_each_message_once(demo: Path, tmp_path: Path) -> None:
    write_config(tmp_path)
    slack = oncall_workspace()
    both_planned = threading.Barrier(2, timeout=30)

    def planned(run: RotateRun) -> None:
        assert {"announce", "dm"} <= set(run.plans)
        both_planned.wait()

    with FakeServer(slack) as server:
        environ = {"ROLEBOT_SLACK_TOKEN": TOKEN, "ROLEBOT_SLACK_API_URL": f"{server.url}/api/"}

        def rotate() -> RotateRun:
            app = AppContext(options=GlobalOptions(today="2026-11-30"), environ=environ, sleep=lambda s: None)
            try:
                return run_rotate(RotateOptions("support-triager"), app, on_planned=planned)
            finally:
                app.close()

        with ThreadPoolExecutor(max_workers=2) as pool:
            runs = [f.result() for f in [pool.submit(rotate), pool.submit(rotate)]]

    assert all(not run.failed for run in runs), [s.line() for run in runs for s in run.steps]
    assert len([p for p in slack.posts if p.channel == CHANNEL]) == 1
    assert len([p for p in slack.posts if p.channel.startswith("D")]) == 1
    lines = sorted(step.line() for run in runs for step in run.steps if step.name == "announce")
    assert lines[0].startswith("✓ announce: posted the announcement for Wednesday 2 December 2026")
    assert (
        lines[1]
        == "✓ announce: the announcement for Wednesday 2 December 2026 was sent already (by another run): nothing sent"
    )


def test_a_claim_is_taken_once_and_released_only_if_still_held(demo: Path) -> None:
    config = build_config({}, "t")
    role = config.role("support-triager")
    path = demo / "team-roles.json"
    before = path.read_bytes()
    barrier = threading.Barrier(8, timeout=30)

    def claim() -> bool:
        barrier.wait()
        return claim_notice(path, config, role, "announce", WED)

    with ThreadPoolExecutor(max_workers=8) as pool:
        claimed = [f.result() for f in [pool.submit(claim) for _ in range(8)]]
    assert claimed.count(True) == 1
    assert load_state(path, config).notified_for(role, "announce") == WED
    assert not release_notice(path, config, role, "announce", date(2026, 12, 9), None)  # not the claimed handoff
    assert release_notice(path, config, role, "announce", WED, None)
    assert load_state(path, config).notified_for(role, "announce") is None
    assert path.read_bytes() == before  # `notified` is gone again, not left empty
