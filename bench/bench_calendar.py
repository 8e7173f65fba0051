"""Benchmark: rolebot's live Google Calendar client against the fake Google, with latency.

Each scenario runs the real CLI as a subprocess (`python -m rolebot`, ROLEBOT_BACKEND=auto
so Slack and Geekbot stay local, the demo state copied to a temporary directory) against
a FakeServer that adds `--latency` seconds (default 0.1) to every HTTP request. For each
run it prints the HTTP requests the fake received, split into token / list / batch /
other, the Calendar API calls inside the batches, and the wall time.

    uv run python bench/bench_calendar.py [--latency 0.1]

Target: 52 events in at most 2 HTTP requests after the listing.
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
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.fakes.google import BATCH_PATH, TOKEN_PATH, FakeGoogle, seed_team_calendar  # noqa: E402
from tests.fakes.server import FakeRequest  # noqa: E402

TODAY = "2026-11-30"


@dataclass
class Run:
    name: str
    seconds: float
    requests: list[FakeRequest]
    calls: int
    exit_code: int
    stderr: str

    def kinds(self) -> dict[str, int]:
        counts = {"token": 0, "list": 0, "batch": 0, "other": 0}
        for request in self.requests:
            counts[_kind(request)] += 1
        return counts

    def after_listing(self) -> int:
        """HTTP requests after the last events listing (the writes)."""
        kinds = [_kind(r) for r in self.requests]
        last = max((i for i, k in enumerate(kinds) if k == "list"), default=-1)
        return len(kinds) - last - 1


def _kind(request: FakeRequest) -> str:
    if request.path == TOKEN_PATH:
        return "token"
    if request.path == BATCH_PATH:
        return "batch"
    method = request.header("x-http-method-override") or request.method
    if method == "GET" and request.path.endswith("/events"):
        return "list"
    return "other"


def prepare(workdir: Path, google: FakeGoogle) -> dict[str, str]:
    state = workdir / "state"
    state.mkdir(parents=True)
    for name in ("roster.json", "team-roles.json"):
        shutil.copy(REPO / "state" / name, state / name)
    key = workdir / "test-service-account.json"
    key.write_text(json.dumps(google.key_for()))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROLEBOT_", "GITHUB_", "SOPS_"))}
    env.update(
        {
            "ROLEBOT_BACKEND": "auto",
            "ROLEBOT_TODAY": TODAY,
            "ROLEBOT_GOOGLE_API_URL": google.server.url,  # type: ignore[union-attr]
            "ROLEBOT_CALENDAR_ID": google.calendar_id,
            "ROLEBOT_GOOGLE_CREDENTIALS": str(key),
            "PYTHONPATH": str(REPO),
            "NO_COLOR": "1",
            "COLUMNS": "120",
        }
    )
    return env


def run(name: str, args: list[str], google: FakeGoogle, workdir: Path, env: dict[str, str]) -> Run:
    server = google.server
    assert server is not None
    first_request, first_call = len(server.requests), len(google.calls)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "rolebot", *args], cwd=workdir, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    calls = sum(1 for c in google.calls[first_call:] if c.in_batch)
    return Run(name, seconds, server.requests[first_request:], calls, done.returncode, done.stderr)


def report(runs: list[Run], latency: float) -> None:
    print(f"fake Google latency: {latency * 1000:.0f} ms per HTTP request\n")
    header = f"{'run':<44} {'HTTP':>4} {'token':>5} {'list':>4} {'batch':>5} {'other':>5} {'calls':>5} {'wall':>7}"
    print(header)
    print("-" * len(header))
    for r in runs:
        k = r.kinds()
        print(
            f"{r.name:<44} {len(r.requests):>4} {k['token']:>5} {k['list']:>4} {k['batch']:>5} {k['other']:>5} "
            f"{r.calls:>5} {r.seconds:>6.2f}s"
        )
    print("\n(calls: Calendar API calls inside batch requests; wall: the whole CLI run, start-up included)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added to each HTTP request")
    options = parser.parse_args()

    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="rolebot-bench-") as temp:
        base = Path(temp)

        google = FakeGoogle()
        seed_team_calendar(google)
        with google.serve(latency=options.latency):
            env = prepare(base / "bulk-then-rotate", google)
            workdir = base / "bulk-then-rotate"
            bulk = ["calendar", "bulk", "support-triager", "-n", "52", "--yes"]
            runs.append(run("calendar bulk -n 52 --yes", bulk, google, workdir, env))
            runs.append(run("rotate (after the bulk)", ["rotate", "support-triager"], google, workdir, env))
            runs.append(run("rotate again (nothing to do)", ["rotate", "support-triager"], google, workdir, env))

        empty = FakeGoogle()
        seed_team_calendar(empty)
        with empty.serve(latency=options.latency):
            workdir = base / "rotate-on-empty"
            env = prepare(workdir, empty)
            runs.append(run("rotate, empty series (53 events)", ["rotate", "support-triager"], empty, workdir, env))

    failed = [r for r in runs if r.exit_code != 0]
    for r in failed:
        print(f"{r.name} failed (exit {r.exit_code}):\n{r.stderr}", file=sys.stderr)
    report(runs, options.latency)
    writes = runs[0].after_listing()
    verdict = "met" if writes <= 2 and runs[0].calls == 52 else "NOT met"
    print(f"\ntarget (52 events in at most 2 requests after the listing): {writes} requests -> {verdict}")
    return 1 if failed or verdict != "met" else 0


if __name__ == "__main__":
    raise SystemExit(main())
