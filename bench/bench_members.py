"""Benchmark: `rolebot --backend live members GROUP --json` against a slow fake Slack.

Four scenarios, each a fake workspace on a real socket where every request takes `--latency`
(50 ms by default), answered from memory after the first time (`Replay`):

* 20,000 users (some deleted, some bots), a 300-member group spread across them;
* the same workspace, a 12-member group;
* 1,000 users, a 100-member group;
* the demo team (13 users), its 6-member support-triagers group (10 IDs with the bots and
  the departed).

rolebot runs as a real subprocess (`python -m rolebot`), so the figures include start-up. For
each scenario: members listed, requests (by method, from the fake's recorder), wall time (best
and median of the runs) and the child's CPU time (user + system, from rusage; median), next to
the floor — `python -c "import typer"` plus the round trips no route can avoid at this latency
— and the target of issue 15 where it sets one. A warm-up run per scenario comes first, with
bytecode caching on, so the figures are a steady state rather than first imports.

    uv run python bench/bench_members.py [--latency S] [--runs N]

To measure another checkout's rolebot with the same fakes, put it first on the child's path:
`PYTHONPATH=/path/to/checkout uv run python bench/bench_members.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.fakes.server import FakeRequest, FakeResponse, FakeServer  # noqa: E402 - needs the repository on sys.path
from tests.fakes.slack import TOKEN, FakeSlack, demo_workspace, large_workspace  # noqa: E402


@dataclass(frozen=True)
class Scenario:
    name: str
    workspace: Callable[[], FakeSlack]
    handle: str
    floor_round_trips: int
    """Round trips no route avoids: pages are sequential; a lookup and a first page can overlap."""
    target: str


BIG_GROUPS = {"platform-oncall": 300, "support-triagers": 12}
SMALL_GROUPS = {"platform-oncall": 100}
SCENARIOS = [
    Scenario("20,000 users / 300", lambda: large_workspace(20_000, BIG_GROUPS), "platform-oncall", 20, "≤ 2.0 s"),
    Scenario("20,000 users / 12", lambda: large_workspace(20_000, BIG_GROUPS), "support-triagers", 2, ""),
    Scenario("1,000 users / 100", lambda: large_workspace(1_000, SMALL_GROUPS), "platform-oncall", 1, "≤ 3 req"),
    Scenario("demo team / 6", demo_workspace, "support-triagers", 1, "≤ 2 req"),
]


class Replay:
    """Answers each distinct request once from the fake, then from memory: the fake's own time
    (building and encoding a 1,000-user page takes it about 20 ms) is not rolebot's, so after the
    warm-up run only the latency remains. The benchmark's requests are all reads."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self._answers: dict[tuple[str, str, str], FakeResponse] = {}
        self._lock = threading.Lock()

    def __call__(self, request: FakeRequest) -> FakeResponse:
        key = (request.method, request.path, json.dumps(request.query, sort_keys=True))
        with self._lock:
            known = self._answers.get(key)
        if known is None:
            known = self._answers.setdefault(key, self.fake(request))
        return known


@dataclass
class Run:
    wall: float
    cpu: float
    methods: list[str]
    listed: int


def expected_count(fake: FakeSlack, handle: str) -> int:
    by_id = {u.id: u for u in fake.users}
    group = next(g for g in fake.groups if g.handle == handle)
    left_out = {u.id for u in fake.users if u.deleted or u.is_bot or u.is_app_user or u.id == "USLACKBOT"}
    return sum(1 for i in group.users if i in by_id and i not in left_out)


def child_env() -> dict[str, str]:
    """The environment without rolebot's settings; bytecode caching on (a steady state, not first imports)."""
    dropped = ("ROLEBOT_", "SOPS_", "PYTHONDONTWRITEBYTECODE")
    return {k: v for k, v in os.environ.items() if not k.startswith(dropped)} | {"NO_COLOR": "1"}


def run_once(server: FakeServer, handle: str, workdir: Path) -> Run:
    env = child_env() | {"ROLEBOT_SLACK_API_URL": f"{server.url}/api/", "ROLEBOT_SLACK_TOKEN": TOKEN}
    server.requests.clear()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
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
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"rolebot failed for {handle} (exit {result.returncode}):\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    methods = [r.path.removeprefix("/api/") for r in server.requests]
    return Run(wall, cpu, methods, len(json.loads(result.stdout)))


def import_typer(runs: int) -> tuple[float, float]:
    """The floor's start-up: wall and CPU of `python -c "import typer"` (medians)."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import typer"], env=child_env(), check=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every request (default 0.05)")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (default 3)")
    args = parser.parse_args()

    start_wall, start_cpu = import_typer(args.runs + 1)
    print(f"fake Slack on a socket, {args.latency * 1000:.0f} ms per request, {args.runs} runs per scenario")
    startup = f"{start_wall:.2f} s wall, {start_cpu:.2f} s CPU"
    print(f"floor = `python -c 'import typer'` ({startup}) + the round trips no route avoids")
    header = (
        f"{'scenario':<20} {'listed':>6} {'req':>4}  {'by method':<44} {'best':>6} {'median':>7} "
        f"{'CPU':>6} {'floor':>6}  target"
    )
    print(header)
    print("─" * len(header))
    with tempfile.TemporaryDirectory() as workdir:
        for scenario in SCENARIOS:
            fake = scenario.workspace()
            with FakeServer(Replay(fake), latency=args.latency) as server:
                run_once(server, scenario.handle, Path(workdir))  # warm-up: bytecode written, caches filled
                runs = [run_once(server, scenario.handle, Path(workdir)) for _ in range(args.runs)]
            want = expected_count(fake, scenario.handle)
            if any(r.listed != want for r in runs):
                raise SystemExit(f"{scenario.name}: rolebot listed {runs[0].listed} members; {want} can serve")
            last = runs[-1]
            by_method = ", ".join(f"{name} ×{count}" for name, count in sorted(Counter(last.methods).items()))
            walls = [r.wall for r in runs]
            cpu = statistics.median(r.cpu for r in runs)
            floor = start_wall + scenario.floor_round_trips * args.latency
            print(
                f"{scenario.name:<20} {last.listed:>6} {len(last.methods):>4}  {by_method:<44} "
                f"{min(walls):>5.2f}s {statistics.median(walls):>6.2f}s {cpu:>5.2f}s "
                f"{floor:>5.2f}s  {scenario.target}"
            )


if __name__ == "__main__":
    main()
