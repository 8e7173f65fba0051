"""Benchmark: a local `rotate` with a calendar.ics of 5,000 events, before and after.

The workdir holds the demo team (state/roster.json, state/team-roles.json) and a
`state/calendar.ics` written here, independent of rolebot's own writer: 1,000 weekly Support
Triager events as rolebot writes them (the last one the handoff before the run's), and 4,000
events of other apps (all-day and timed, UTC and `TZID=Europe/Berlin`, folded descriptions,
alarms). Each scenario runs the real CLI as a subprocess, `--backend local`:

- `rotate (writes)`: the weekly job on a fresh copy: rotates and adds the year ahead;
- `rotate (re-run)`: the same again: nothing to write;
- `rotate (no file)`: the weekly job with no calendar.ics yet: what the 5,000 events add to;
- the floor: `python -c "import typer"`.

CPU is user + system of the child process (`resource.getrusage(RUSAGE_CHILDREN)`), wall the
whole run; both the median of `--runs`, after one unmeasured run of each tree that caches the
bytecode (compiling the sources again in every run, as `PYTHONDONTWRITEBYTECODE` would, costs
about a second and is not what is measured). With `--against REV` the same scenarios also run
on rolebot's package as it was at git revision REV (extracted with `git archive` to a temporary
directory, with this environment's dependencies), interleaved run by run, side by side.

    uv run python bench/bench_local.py [--runs 5] [--events 5000] [--against main]

Target (issue 15): the writing `rotate` within 1.5 s CPU.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-30"
LAST_HANDOFF = date(2026, 11, 25)  # the demo state's last rotation
TRIAGERS = ("U05ADA1234", "U05BRU5678", "U05CHE9012", "U05DAN3456", "U05EME7890", "U05FAR2345")
NAMES = ("Ada", "Bruno", "Chen", "Dana", "Emeka", "Farah")


def _fold(line: str) -> list[str]:
    """RFC 5545 folding at 75 octets (the test content is ASCII)."""
    parts = [line[:75]]
    rest = line[75:]
    while rest:
        parts.append(" " + rest[:74])
        rest = rest[74:]
    return parts


def calendar_text(events: int) -> str:
    """A calendar of `events` events: a fifth of them the triager's past turns, the rest other apps'."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//rolebot//EN", "X-WR-CALNAME:Team"]
    digest = hashlib.sha256(b"support-triager").hexdigest()[:8]
    turns = events // 5
    for back in range(turns):
        start = LAST_HANDOFF - timedelta(weeks=back)
        who = (1 - back) % len(TRIAGERS)  # Bruno on the last handoff, Ada the week before, ...
        lines += [
            "BEGIN:VEVENT",
            f"UID:rolebot{digest}{start:%Y%m%d}@rolebot",
            "DTSTAMP:20200101T000000Z",
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{start + timedelta(weeks=2):%Y%m%d}",
            f"SUMMARY:Support Triager: {NAMES[who]}",
            *_fold(f"DESCRIPTION:{NAMES[who]} serves as Support Triager. Managed by rolebot: to swap\\, edit it."),
            "TRANSP:TRANSPARENT",
            "X-ROLEBOT-ROLE:support-triager",
            f"X-ROLEBOT-MEMBER:{TRIAGERS[who]}",
            "END:VEVENT",
        ]
    first = date(2019, 1, 1)
    for n in range(events - turns):
        day = first + timedelta(days=n % 3000)
        lines += ["BEGIN:VEVENT", f"UID:other-{n}@example.com", "DTSTAMP:20200101T000000Z"]
        if n % 3 == 0:
            lines += [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}"]
        elif n % 3 == 1:
            lines += [f"DTSTART:{day:%Y%m%d}T120000Z", f"DTEND:{day:%Y%m%d}T130000Z"]
        else:
            lines += [f"DTSTART;TZID=Europe/Berlin:{day:%Y%m%d}T090000", "DURATION:PT1H"]
        lines += [f"SUMMARY:Team lunch {n}", *_fold("DESCRIPTION:" + "Bring food\\, drinks and friends. " * 4)]
        if n % 10 == 0:
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Lunch", "TRIGGER:-PT15M", "END:VALARM"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Timings:
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)

    def add(self, job: Callable[[], None]) -> None:
        cpu, started = children_cpu(), time.perf_counter()
        job()
        self.wall.append(time.perf_counter() - started)
        self.cpu.append(children_cpu() - cpu)

    def cell(self) -> str:
        return f"{statistics.median(self.cpu):5.2f} s  {statistics.median(self.wall):5.2f} s"


class Tree:
    """A rolebot package to run: this checkout's, or one extracted from a git revision."""

    def __init__(self, label: str, root: Path) -> None:
        self.label = label
        self.root = root

    @classmethod
    def at_revision(cls, revision: str, into: Path) -> Tree:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", revision, "rolebot"],  # noqa: S607
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(into, filter="data")
        return cls(revision, into)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ROLEBOT_", "GITHUB_", "SOPS_"))}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with bytecode cached, as an installed package runs
        env.update({"PYTHONPATH": str(self.root), "NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"})
        return env

    def rotate(self, workdir: Path) -> None:
        argv = [sys.executable, "-m", "rolebot", "--backend", "local", "--today", TODAY, "rotate", "support-triager"]
        done = subprocess.run(argv, cwd=workdir, env=self.env(), capture_output=True, text=True, check=False)
        if done.returncode != 0 or "✓ calendar" not in done.stderr:
            raise SystemExit(f"{self.label}: rotate failed ({done.returncode}):\n{done.stderr}")


def fresh_workdir(parent: Path, calendar: str | None) -> Path:
    workdir = Path(tempfile.mkdtemp(dir=parent))
    state = workdir / "state"
    state.mkdir()
    for name in ("roster.json", "team-roles.json"):
        shutil.copy(REPO / "state" / name, state / name)
    if calendar is not None:
        (state / "calendar.ics").write_text(calendar, newline="")
    return workdir


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--against", metavar="REV", help="also run rolebot as it was at this git revision")
    args = parser.parse_args()

    calendar = calendar_text(args.events)
    with tempfile.TemporaryDirectory(prefix="rolebot-bench-") as scratch:
        parent = Path(scratch)
        trees = [Tree("this tree", REPO)]
        if args.against:
            trees.append(Tree.at_revision(args.against, parent / "against"))
        writes = {t.label: Timings() for t in trees}
        reruns = {t.label: Timings() for t in trees}
        empty = {t.label: Timings() for t in trees}
        floor = Timings()
        for tree in trees:  # warm-up, unmeasured: caches the bytecode of rolebot and its dependencies
            tree.rotate(fresh_workdir(parent, calendar))
        for _ in range(args.runs):
            floor.add(lambda: subprocess.run([sys.executable, "-c", "import typer"], env=trees[0].env(), check=True))
            for tree in trees:
                workdir = fresh_workdir(parent, calendar)
                writes[tree.label].add(lambda tree=tree, workdir=workdir: tree.rotate(workdir))
                reruns[tree.label].add(lambda tree=tree, workdir=workdir: tree.rotate(workdir))
                bare = fresh_workdir(parent, None)
                empty[tree.label].add(lambda tree=tree, workdir=bare: tree.rotate(workdir))

    size = len(calendar.encode()) / 1e6
    print(f"local rotate support-triager, calendar.ics of {args.events} events ({size:.1f} MB); median of {args.runs}")
    print(f"{'':<20}" + "".join(f"{t.label:>26}" for t in trees) + f"{'floor (import typer)':>26}")
    print(f"{'':<20}" + "".join(f"{'CPU      wall':>26}" for _ in range(len(trees) + 1)))
    for name, table in (("rotate (writes)", writes), ("rotate (re-run)", reruns), ("rotate (no file)", empty)):
        print(f"{name:<20}" + "".join(f"{table[t.label].cell():>26}" for t in trees) + f"{floor.cell():>26}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
