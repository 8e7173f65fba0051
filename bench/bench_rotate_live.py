"""Benchmark: the weekly job with all three services live, each 100 ms away.

`rolebot rotate support-triager` runs as a subprocess (`python -m rolebot`,
ROLEBOT_BACKEND=live, the demo state in a temporary directory) against fake Slack, Google
and Geekbot servers that each add `--latency` seconds (default 0.1) to every request. Each
run starts from the same world: fresh fakes and the demo state (`--runs` times, after one
unmeasured run that caches the bytecode). For each week it prints the requests made per
service, the wall time and the CPU time of the child (user + system, from rusage; medians),
next to the floor: `python -c "import typer"` plus one round trip per wave of requests that
cannot overlap (token, then reads, then writes: 3 waves).

    uv run python bench/bench_rotate_live.py [--latency 0.1] [--runs 5]

To measure another checkout's rolebot with the same fakes, put it first on the child's path:
`PYTHONPATH=/path/to/checkout uv run python bench/bench_rotate_live.py`.

`--serve DIR` keeps the fakes running for a timer outside (hyperfine, `/usr/bin/time -v`):
it writes `DIR/env` (the settings, to source), `DIR/run` (restores the demo state and runs the
first week's rotate) and `DIR/floor` (restores the state the same way, then imports typer and
waits out the 3 round trips), and the fakes start afresh after each run's last request, so
every run does the same work.

Target (issue 15): the first week within 1.0 s wall and 0.5 s CPU.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.fakes.geekbot import DEMO_KEY, FakeGeekbot  # noqa: E402
from tests.fakes.google import FakeGoogle, seed_team_calendar  # noqa: E402
from tests.fakes.server import FakeRequest, FakeResponse, FakeServer  # noqa: E402
from tests.fakes.slack import TOKEN, FakeSlack, demo_workspace  # noqa: E402

WEEKS = (
    ("first week (53 events, create)", "2026-11-30"),
    ("next week (1 event, update)", "2026-12-07"),
    ("re-run (nothing to do)", "2026-12-07"),
)
WAVES = 3
"""Round trips that cannot overlap: the Google token, the reads (members ∥ events ∥ standup), the writes."""


class World:
    """The three fakes behind three servers; `reset()` swaps in fresh ones (same URLs)."""

    def __init__(self) -> None:
        self.slack: FakeSlack
        self.google: FakeGoogle
        self.geekbot: FakeGeekbot
        self.google_server: FakeServer | None = None
        self.reset()

    def reset(self) -> None:
        slack, google, geekbot = demo_workspace(), FakeGoogle(), FakeGeekbot()
        seed_team_calendar(google)
        google.server = self.google_server
        self.slack, self.google, self.geekbot = slack, google, geekbot


@dataclass
class Counter:
    """Counts the requests of all three servers; after every `every` of them, the world is reset."""

    world: World
    every: int = 0
    seen: dict[str, int] = field(default_factory=lambda: {"slack": 0, "google": 0, "geekbot": 0})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handler(self, name: str) -> object:
        def handle(request: FakeRequest) -> FakeResponse:
            fake = getattr(self.world, name)
            response: FakeResponse = fake(request)
            with self.lock:
                self.seen[name] += 1
                if self.every and sum(self.seen.values()) % self.every == 0:
                    self.world.reset()
            return response

        return handle

    def total(self) -> tuple[int, int, int]:
        with self.lock:
            return self.seen["slack"], self.seen["google"], self.seen["geekbot"]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Timed:
    wall: float
    cpu: float


def timed(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Timed:
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    result = Timed(time.perf_counter() - started, children_cpu() - cpu)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return result


def floor_run() -> Timed:
    """`python -c "import typer"`: the interpreter and the CLI framework."""
    return timed([sys.executable, "-c", "import typer"], env=child_env())


def child_env() -> dict[str, str]:
    """The environment without rolebot's settings; bytecode caching on (a steady state)."""
    dropped = ("ROLEBOT_", "SOPS_", "GITHUB_", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    return {"PYTHONPATH": str(REPO)} | env | {"NO_COLOR": "1", "COLUMNS": "120"}


def settings(world: World, servers: tuple[FakeServer, FakeServer, FakeServer], key: Path) -> dict[str, str]:
    slack, google, geekbot = servers
    key.write_text(json.dumps(world.google.key_for(google)))
    return {
        "ROLEBOT_BACKEND": "live",
        "ROLEBOT_SLACK_TOKEN": TOKEN,
        "ROLEBOT_GEEKBOT_TOKEN": DEMO_KEY,
        "ROLEBOT_CALENDAR_ID": world.google.calendar_id,
        "ROLEBOT_GOOGLE_CREDENTIALS": str(key),
        "ROLEBOT_SLACK_API_URL": f"{slack.url}/api/",
        "ROLEBOT_GOOGLE_API_URL": google.url,
        "ROLEBOT_GEEKBOT_API_URL": geekbot.url,
    }


def demo_state(into: Path) -> None:
    if into.exists():
        shutil.rmtree(into)
    shutil.copytree(REPO / "state", into, ignore=shutil.ignore_patterns("calendar.ics", "*.local.json"))


def rotate_argv(today: str) -> list[str]:
    return [sys.executable, "-m", "rolebot", "--today", today, "rotate", "support-triager"]


@dataclass
class Week:
    name: str
    runs: list[Timed]
    requests: tuple[int, int, int]

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)


def measure(latency: float, runs: int) -> tuple[list[Week], list[Timed]]:
    """Each week `runs` times from the same world, plus the floor as often; interleaved."""
    world = World()
    counter = Counter(world)
    servers = tuple(FakeServer(counter.handler(name), latency) for name in ("slack", "google", "geekbot"))
    weeks = [Week(name, [], (0, 0, 0)) for name, _ in WEEKS]
    floor: list[Timed] = []
    with tempfile.TemporaryDirectory(prefix="rolebot-bench-") as tmp, servers[0], servers[1], servers[2]:
        world.google_server = servers[1]
        world.reset()
        workdir = Path(tmp)
        env = child_env() | settings(world, servers, workdir / "key.json")  # type: ignore[arg-type]
        for attempt in range(runs + 1):  # the first round is a warm-up
            world.reset()
            demo_state(workdir / "state")
            floor_time = floor_run()
            for week, (_, today) in zip(weeks, WEEKS, strict=True):
                before = counter.total()
                result = timed(rotate_argv(today), workdir, env)
                after = counter.total()
                week.requests = (after[0] - before[0], after[1] - before[1], after[2] - before[2])
                if attempt:
                    week.runs.append(result)
            if attempt:
                floor.append(floor_time)
    return weeks, floor


def report(weeks: list[Week], floor: list[Timed], latency: float) -> None:
    base_wall = statistics.median(f.wall for f in floor)
    base_cpu = statistics.median(f.cpu for f in floor)
    print(f"fake Slack, Google and Geekbot: {latency * 1000:.0f} ms per HTTP request; medians of {len(floor)} runs")
    print(f"floor: `python -c 'import typer'` ({base_wall:.2f} s wall, {base_cpu:.2f} s CPU) + {WAVES} round trips\n")
    print(f"{'run':<34} {'Slack':>5} {'Google':>6} {'Geekbot':>7} {'wall':>6} {'CPU':>6} {'floor':>6}")
    for week in weeks:
        slack, google, geekbot = week.requests
        print(
            f"{week.name:<34} {slack:>5} {google:>6} {geekbot:>7} {week.wall:>5.2f}s {week.cpu:>5.2f}s "
            f"{base_wall + WAVES * latency:>5.2f}s"
        )
    first = weeks[0]
    ok = first.wall <= 1.0 and first.cpu <= 0.5
    print(f"\nfirst week within 1.0 s wall and 0.5 s CPU: {'met' if ok else 'NOT met'}")


def serve(directory: Path, latency: float) -> None:
    """Keep the fakes up for a timer outside; see the module's docstring."""
    directory.mkdir(parents=True, exist_ok=True)
    world = World()
    counter = Counter(world)
    servers = tuple(FakeServer(counter.handler(name), latency) for name in ("slack", "google", "geekbot"))
    with servers[0], servers[1], servers[2]:
        world.google_server = servers[1]
        world.reset()
        values = settings(world, servers, directory / "key.json")  # type: ignore[arg-type]
        demo_state(directory / "demo-state")
        workdir = directory / "work"
        workdir.mkdir(exist_ok=True)
        demo_state(workdir / "state")
        calibration = timed(rotate_argv(WEEKS[0][1]), workdir, child_env() | values)
        counter.every = sum(counter.total())
        world.reset()
        (directory / "env").write_text(
            "".join(f"export {k}={shlex.quote(v)}\n" for k, v in (child_env() | values).items() if k.isidentifier())
        )
        restore = f"rm -rf state && cp -R {shlex.quote(str(directory / 'demo-state'))} state"
        run = f"cd {shlex.quote(str(workdir))} && {restore} && exec {shlex.join(rotate_argv(WEEKS[0][1]))}\n"
        (directory / "run").write_text(run)
        floor = [sys.executable, "-c", f"import typer, time; time.sleep({WAVES * latency})"]
        (directory / "floor").write_text(f"cd {shlex.quote(str(workdir))} && {restore} && exec {shlex.join(floor)}\n")
        print(f"{directory}/env: the settings (source it); {directory}/run: one first-week rotate;")
        print(f"{directory}/floor: the floor the same way (import typer, then the {WAVES} round trips' latency)")
        print(f"each run makes {counter.every} requests (calibration: {calibration.wall:.2f} s); Ctrl-C stops")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--serve", type=Path, metavar="DIR", help="keep the fakes up for a timer outside")
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve, args.latency)
        return
    weeks, floor = measure(args.latency, args.runs)
    report(weeks, floor, args.latency)


if __name__ == "__main__":
    main()
