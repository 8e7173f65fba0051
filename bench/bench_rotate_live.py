"""Benchmark: the weekly job with all three services live, each 100 ms away.

`rolebot rotate support-triager` runs as a subprocess (`python -m rolebot`,
ROLEBOT_BACKEND=live, the demo state in a temporary directory) against fake Slack, Google
and Geekbot servers that each add `--latency` seconds (default 0.1) to every request. It
prints, per service, the requests made, and the wall time of the run — to compare with
the latency a strictly sequential run would pay.

    uv run python bench/bench_rotate_live.py [--latency 0.1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.fakes.geekbot import DEMO_KEY, FakeGeekbot  # noqa: E402
from tests.fakes.google import FakeGoogle, seed_team_calendar  # noqa: E402
from tests.fakes.server import FakeServer  # noqa: E402
from tests.fakes.slack import TOKEN, demo_workspace  # noqa: E402


def run(workdir: Path, env: dict[str, str], today: str) -> tuple[float, int, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "rolebot", "--today", today, "rotate", "support-triager"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - started, done.returncode, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.1)
    latency = parser.parse_args().latency
    slack, google, geekbot = demo_workspace(), FakeGoogle(), FakeGeekbot()
    seed_team_calendar(google)
    servers = (FakeServer(slack, latency), google.serve(latency), FakeServer(geekbot, latency))
    with tempfile.TemporaryDirectory() as tmp, servers[0] as s, servers[1] as g, servers[2] as k:
        workdir = Path(tmp)
        shutil.copytree(REPO / "state", workdir / "state", ignore=shutil.ignore_patterns("calendar.ics"))
        key = workdir / "key.json"
        key.write_text(json.dumps(google.key_for(g)))
        env = {
            **os.environ,
            "ROLEBOT_BACKEND": "live",
            "ROLEBOT_SLACK_TOKEN": TOKEN,
            "ROLEBOT_GEEKBOT_TOKEN": DEMO_KEY,
            "ROLEBOT_CALENDAR_ID": google.calendar_id,
            "ROLEBOT_GOOGLE_CREDENTIALS": str(key),
            "ROLEBOT_SLACK_API_URL": f"{s.url}/api/",
            "ROLEBOT_GOOGLE_API_URL": g.url,
            "ROLEBOT_GEEKBOT_API_URL": k.url,
        }
        print(f"fake Slack, Google and Geekbot: {latency * 1000:.0f} ms per HTTP request\n")
        print(f"{'run':<34} {'Slack':>5} {'Google':>6} {'Geekbot':>7} {'all':>4} {'sequential':>10} {'wall':>6}")
        for name, today in (
            ("first week (53 events, create)", "2026-11-30"),
            ("next week (1 event, update)", "2026-12-07"),
            ("re-run (nothing to do)", "2026-12-07"),
        ):
            before = (len(s.requests), len(g.requests), len(k.requests))
            seconds, code, stderr = run(workdir, env, today)
            if code != 0:
                raise SystemExit(f"rotate failed:\n{stderr}")
            counts = (len(s.requests) - before[0], len(g.requests) - before[1], len(k.requests) - before[2])
            total = sum(counts)
            print(
                f"{name:<34} {counts[0]:>5} {counts[1]:>6} {counts[2]:>7} {total:>4} "
                f"{total * latency:>9.1f}s {seconds:>5.2f}s"
            )
        print("\n(sequential: the latency alone if every request waited for the one before; wall: the whole run)")


if __name__ == "__main__":
    main()
