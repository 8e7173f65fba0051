"""Start-up cost of `rolebot --help` against the floor of `python -c "import typer"`.

`rolebot --help` must not import googleapiclient, httpx, pydantic, rich or the service
modules; this script checks that and reports the ratio of median wall times.

    uv run python bench/bench_startup.py [runs]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

HEAVY = ("googleapiclient", "httpx", "pydantic", "pendulum", "rich", "icalendar", "rolebot.services.slack")


def median_ms(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    probe = (
        "import sys; sys.argv=['rolebot','--help']\n"
        "from rolebot.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    heavy = loaded.stdout.rsplit("HEAVY:", 1)[1].strip()
    baseline = median_ms([sys.executable, "-c", "import typer"], runs)
    rolebot = median_ms([sys.executable, "-m", "rolebot", "--help"], runs)
    print(f"python -c 'import typer': {baseline:6.1f} ms (median of {runs})")
    print(f"rolebot --help:           {rolebot:6.1f} ms (median of {runs})")
    print(f"ratio:                    {rolebot / baseline:6.2f}x")
    print(f"heavy modules imported by --help: {heavy or 'none'}")


if __name__ == "__main__":
    main()
