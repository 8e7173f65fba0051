"""Benchmark: `rolebot --backend live members GROUP` against a slow, large fake Slack.

The fake workspace has 20,000 users (some deleted, some bots) and two groups spread
across it: a 300-member group (read by paging `users.list`) and a 12-member group (read
by concurrent `users.info` calls). Every request to the fake takes 50 ms. rolebot runs
as a real subprocess (`python -m rolebot`), so the figures include start-up.

    uv run python bench/bench_members.py [--users N] [--latency S] [--runs N]

Prints, per group: members listed, requests made (by method, from the fake's recorder)
and wall time (the best and the median of the runs).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.fakes.server import FakeServer  # noqa: E402 - needs the repository on sys.path
from tests.fakes.slack import TOKEN, FakeSlack, large_workspace  # noqa: E402

GROUPS = {"platform-oncall": 300, "support-triagers": 12}


def expected_count(fake: FakeSlack, handle: str) -> int:
    by_id = {u.id: u for u in fake.users}
    group = next(g for g in fake.groups if g.handle == handle)
    return sum(1 for i in group.users if not (by_id[i].deleted or by_id[i].is_bot))


def run_once(server: FakeServer, handle: str, workdir: Path) -> tuple[float, list[str], int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROLEBOT_", "SOPS_"))}
    env |= {"ROLEBOT_SLACK_API_URL": f"{server.url}/api/", "ROLEBOT_SLACK_TOKEN": TOKEN, "NO_COLOR": "1"}
    server.requests.clear()
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "rolebot", "--backend", "live", "members", handle, "--json"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"rolebot failed for {handle} (exit {result.returncode}):\n{result.stderr}")
    methods = [r.path.removeprefix("/api/") for r in server.requests]
    return wall, methods, len(json.loads(result.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20_000, help="workspace size (default 20000)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every request (default 0.05)")
    parser.add_argument("--runs", type=int, default=3, help="runs per group (default 3)")
    args = parser.parse_args()

    fake = large_workspace(args.users, GROUPS)
    latency = f"{args.latency * 1000:.0f} ms per request"
    print(f"fake Slack: {len(fake.users):,} users, {latency}, {args.runs} runs per group")
    print(f"{'group':<18} {'size':>5} {'listed':>7} {'requests':>9}  {'by method':<42} {'best':>7} {'median':>7}")
    with FakeServer(fake, latency=args.latency) as server, tempfile.TemporaryDirectory() as workdir:
        for handle, size in GROUPS.items():
            walls: list[float] = []
            methods: list[str] = []
            listed = 0
            for _ in range(args.runs):
                wall, methods, listed = run_once(server, handle, Path(workdir))
                walls.append(wall)
            want = expected_count(fake, handle)
            if listed != want:
                raise SystemExit(f"{handle}: rolebot listed {listed} members, the fake has {want} who can serve")
            by_method = ", ".join(f"{name} ×{count}" for name, count in Counter(methods).items())
            print(
                f"@{handle:<17} {size:>5} {listed:>7} {len(methods):>9}  {by_method:<42} "
                f"{min(walls):>6.2f}s {statistics.median(walls):>6.2f}s"
            )


if __name__ == "__main__":
    main()
