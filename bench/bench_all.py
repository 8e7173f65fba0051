"""Every row of issue 15's table in one run, side by side with its floor.

Each row is one of the project's benchmark scenarios, run here through the module that defines
it (bench_rotate_live, bench_calendar, bench_members, bench_local, bench_secrets), against the
same fakes and latencies; wall time is the whole CLI process, start-up included, and CPU is the
child's user + system time from rusage. Each figure is the median of `--runs` runs.

The floor is what no implementation avoids: `python -c "import typer"` (the interpreter and the
CLI framework; its wall and CPU medians are measured here too) plus the round trips that cannot
overlap at the scenario's latency; for a sops secret, the Go binary's own CPU per file.

    uv run python bench/bench_all.py [--runs 3] [--markdown] [--against PATH]

`--against PATH` measures the rolebot package under PATH too (a checkout, or a directory
holding `rolebot/` extracted with `git archive REV rolebot`), row by row right after this
tree's, so both columns see the same machine; PATH may list more directories, as PYTHONPATH
does (the sops row runs this tree's `Credentials` in-process, so it has no second figure).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import bench_calendar, bench_local, bench_members, bench_rotate_live, bench_secrets  # noqa: E402

LATENCY = 0.1
MEMBERS_LATENCY = 0.05


@dataclass(frozen=True)
class Row:
    scenario: str
    wall: float | None
    cpu: float | None
    requests: str
    floor_wall: float | None
    floor_cpu: float | None
    target: str

    def cells(self, against: Row | None, paired: bool) -> list[str]:
        measured = [_seconds(self.wall), _seconds(self.cpu), self.requests]
        if paired:
            before = [_seconds(against.wall), _seconds(against.cpu), against.requests] if against else ["—"] * 3
            measured = [*before, *measured]
        return [self.scenario, *measured, _seconds(self.floor_wall), _seconds(self.floor_cpu), self.target]


def header(against: bool) -> list[str]:
    measured = ["wall", "CPU", "requests"]
    if against:
        measured = ["before: wall", "CPU", "requests", "after: wall", "CPU", "requests"]
    return ["scenario", *measured, "floor wall", "floor CPU", "target (issue 15)"]


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def median(values: list[float]) -> float:
    return statistics.median(values)


@dataclass(frozen=True)
class Floor:
    wall: float
    cpu: float


def import_typer(runs: int) -> Floor:
    timings = [bench_rotate_live.floor_run() for _ in range(runs)]
    return Floor(median([t.wall for t in timings]), median([t.cpu for t in timings]))


def rotate_live(runs: int, floor: Floor) -> Row:
    weeks, _ = bench_rotate_live.measure(LATENCY, runs)
    first = weeks[0]
    return Row(
        "`rotate` live @100 ms (first week: 53 events, standup created)",
        first.wall,
        first.cpu,
        str(sum(first.requests)),
        floor.wall + bench_rotate_live.WAVES * LATENCY,
        floor.cpu,
        "≤ 1.0 s wall, ≤ 0.5 s CPU",
    )


def calendar_runs(scenario: str, index: int, runs: int, scratch: Path) -> list[bench_calendar.Run]:
    """Run one of bench_calendar's scenarios `runs` times (each from a fresh fake); keep run `index`."""
    found = []
    for _ in range(runs):
        base = Path(tempfile.mkdtemp(prefix=f"{scenario}-", dir=scratch))
        result = bench_calendar.SCENARIOS[scenario](base, LATENCY)[index]
        if result.exit_code != 0:
            raise SystemExit(f"{result.name} failed ({result.exit_code}):\n{result.stderr}")
        found.append(result)
    return found


def calendar_floor(run: bench_calendar.Run, floor: Floor) -> float:
    """Token, then each list page in turn, then one wave of batches."""
    kinds = run.kinds()
    return floor.wall + LATENCY * (1 + kinds["list"] + (1 if kinds["batch"] else 0))


def calendar_row(
    title: str, scenario: str, target: str, detail: Callable[[bench_calendar.Run], str]
) -> Callable[[int, Floor, Path], Row]:
    """A row from one of bench_calendar's scenarios: `detail` says what its last run asked for."""

    def row(runs: int, floor: Floor, scratch: Path) -> Row:
        found = calendar_runs(scenario, 0, runs, scratch)
        last = found[-1]
        return Row(
            title,
            median([r.seconds for r in found]),
            median([r.cpu for r in found]),
            detail(last),
            calendar_floor(last, floor),
            floor.cpu,
            target,
        )

    return row


bulk_520 = calendar_row(
    "`calendar bulk -n 520` @100 ms",
    "bulk520",
    "≤ 2.5 s",
    lambda last: f"{len(last.requests)} ({last.kinds()['batch']} batches)",
)
bulk_52 = calendar_row("`calendar bulk -n 52` @100 ms", "demo", "≤ 6 requests", lambda last: str(len(last.requests)))
crowded = calendar_row(
    "`rotate`, calendar of 20,000 events @100 ms",
    "crowded",
    "≤ 2 pages, ≤ 1.5 s",
    lambda last: f"{len(last.requests)} ({last.kinds()['list']} list pages, {last.listed_bytes / 1024:.0f} KiB)",
)


def members(scenario: bench_members.Scenario, runs: int, floor: Floor, target: str) -> Row:
    fake = scenario.workspace()
    with (
        tempfile.TemporaryDirectory(prefix="rolebot-bench-") as workdir,
        bench_members.FakeServer(bench_members.Replay(fake), latency=MEMBERS_LATENCY) as server,
    ):
        bench_members.run_once(server, scenario.handle, Path(workdir))  # warm-up: the fake's answers cached
        found = [bench_members.run_once(server, scenario.handle, Path(workdir)) for _ in range(runs)]
    return Row(
        f"`members`, {scenario.name} @{MEMBERS_LATENCY * 1000:.0f} ms",
        median([r.wall for r in found]),
        median([r.cpu for r in found]),
        str(len(found[-1].methods)),
        floor.wall + scenario.floor_round_trips * MEMBERS_LATENCY,
        floor.cpu,
        target,
    )


def local_rotate(runs: int, floor: Floor, scratch: Path) -> Row:
    calendar = bench_local.calendar_text(5000)
    tree = bench_local.Tree("this tree", Path(os.environ.get("PYTHONPATH") or REPO))
    tree.rotate(bench_local.fresh_workdir(scratch, calendar))  # warm-up
    timings = bench_local.Timings()
    for _ in range(runs):
        workdir = bench_local.fresh_workdir(scratch, calendar)
        timings.add(lambda workdir=workdir: tree.rotate(workdir))
    return Row(
        "local `rotate`, calendar.ics of 5,000 events",
        median(timings.wall),
        median(timings.cpu),
        "—",
        floor.wall,
        floor.cpu,
        "≤ 1.5 s CPU",
    )


def sops_secret(runs: int, scratch: Path) -> Row:
    """CPU per secret file: rolebot's `Credentials` (all four at once) against the Go binary's own."""
    name = "each sops secret (CPU per file, 4 files)"
    if shutil.which("sops") is None:
        return Row(name, None, None, "—", None, None, "sops not on PATH: run under `uv run`")
    os.environ["SOPS_AGE_KEY_FILE"] = str(bench_secrets.AGE_KEY)
    binary = bench_secrets.go_binary(bench_secrets.sops())
    secrets = scratch / "secrets-bench" / "secrets"
    before = Path.cwd()
    secrets.mkdir(parents=True)
    os.chdir(secrets.parent)  # away from the repository's .sops.yaml, whose rules are for its own key
    try:
        files = [
            bench_secrets.encrypt(secrets / "slack_bot_token.json", {"slack_bot_token": "xoxb-bench-0000-0000"}),
            bench_secrets.encrypt(secrets / "geekbot_api_token.json", {"geekbot_api_token": "api_bench_0000"}),
            bench_secrets.encrypt(secrets / "calendar_id.json", {"calendar_id": "bench@group.calendar.google.com"}),
            bench_secrets.encrypt(secrets / "gcp_service_account.json", bench_secrets.load_test_key()),
        ]
        rolebot = bench_secrets.rolebot_preload(secrets.parent)
        go = bench_secrets.one_after_another(binary, files)
        rolebot(), go()  # warm the page cache
        ours = [bench_secrets.measure(rolebot) for _ in range(runs)]
        floor = [bench_secrets.measure(go) for _ in range(runs)]
    finally:
        os.chdir(before)
    return Row(
        name,
        median([w for w, _ in ours]),
        median([c for _, c in ours]) / len(files),
        "—",
        None,
        median([c for _, c in floor]) / len(files),
        "the Go binary, concurrently",
    )


def against(job: Callable[[], Row], path: str) -> Row:
    """The row measured with the rolebot package under `path` first on the child's path."""
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = path
    try:
        return job()
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before


def print_table(rows: list[tuple[Row, Row | None]], markdown: bool, against: bool) -> None:
    names = header(against)
    table = [names, *(row.cells(other, against) for row, other in rows)]
    if markdown:
        for index, cells in enumerate(table):
            print("| " + " | ".join(cells) + " |")
            if index == 0:
                print("|" + "---|" * len(names))
        return
    widths = [max(len(cells[i]) for cells in table) for i in range(len(names))]
    for index, cells in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip())
        if index == 0:
            print("  ".join("─" * width for width in widths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per row (default 3); the median is shown")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--against", metavar="PATH", help="also measure the rolebot package under PATH")
    args = parser.parse_args()
    floor = import_typer(max(5, args.runs))
    with tempfile.TemporaryDirectory(prefix="rolebot-bench-") as temp:
        scratch = Path(temp)
        jobs: list[Callable[[], Row]] = [
            lambda: rotate_live(args.runs, floor),
            lambda: bulk_520(args.runs, floor, scratch),
            lambda: bulk_52(args.runs, floor, scratch),
            lambda: members(bench_members.SCENARIOS[0], args.runs, floor, "≤ 2.0 s"),
            lambda: members(bench_members.SCENARIOS[2], args.runs, floor, "≤ 3 requests"),
            lambda: crowded(args.runs, floor, scratch),
            lambda: local_rotate(args.runs, floor, scratch),
        ]
        rows: list[tuple[Row, Row | None]] = []
        for job in jobs:
            other = against(job, args.against) if args.against else None
            rows.append((job(), other))
            print(f"measured: {rows[-1][0].scenario}", file=sys.stderr)
        rows.append((sops_secret(args.runs, scratch), None))
    print(f"floor: `python -c 'import typer'` {floor.wall:.2f} s wall, {floor.cpu:.2f} s CPU (median)")
    print(f"medians of {args.runs} runs; Slack, Google and Geekbot fakes on real sockets\n")
    print_table(rows, args.markdown, bool(args.against))


if __name__ == "__main__":
    main()
