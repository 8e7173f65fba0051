"""Every test runs in its own directory with a clean environment: nothing from the user's
machine (state files, credentials, ROLEBOT_* variables) can leak in.

The suite runs on every core (pytest-xdist, `-n auto` in pyproject.toml); tests share nothing
but read-only files, so any of them can run beside any other. `-m "not slow"` is the fast
inner loop; `-n0` runs in this process (for `--pdb` or `-s`, say)."""

from __future__ import annotations

import functools
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner, Result

import tests.bytecode  # first: keeps the bytecode of what the imports below load (see the module)
import tests.hypothesis_setup  # noqa: F401  (registers the Hypothesis profiles before the plugin loads one)
from rolebot.cli import app
from rolebot.context import AppContext
from tests.fakes.server import verify_expectations

REPO = Path(__file__).resolve().parent.parent
STATE_DEMO = REPO / "state"
TEAM_CONFIG = REPO / "rolebot.toml"


@pytest.fixture(scope="session")
def no_certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty trust store: every fake speaks plain HTTP, so no test needs a certificate."""
    return tmp_path_factory.mktemp("no-certificates")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_certificates: Path) -> Path:
    for name in list(os.environ):
        if name.startswith(("ROLEBOT_", "SOPS_", "GITHUB_")):
            monkeypatch.delenv(name)
    # The state file is named, as a deployment may name it: a run on the local backend then works on
    # it, not on a local copy (tests/commands/test_local_copy.py covers the default).
    monkeypatch.setenv("ROLEBOT_STATE", "state/team-roles.json")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    # httpx builds an SSL context for every client, loading the whole CA bundle (tens of
    # milliseconds); an empty directory of CAs loads at once, and a test that reached a real
    # HTTPS host by mistake would fail.
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.setenv("SSL_CERT_DIR", str(no_certificates))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True)
def expected_requests() -> Iterator[None]:
    """Fails a test that told a fake to expect requests it then never made, or made others the
    fake was told not to expect (`Recorder.expect`, `expect_nothing_else`)."""
    yield
    problems = verify_expectations()
    if problems:
        pytest.fail("requests to the fakes did not go as expected:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The demo team from the repository, copied into the test dir: its state/ (roster and
    team-roles) and the roles it runs (the repository's rolebot.toml)."""
    target = tmp_path / "state"
    target.mkdir()
    for name in ("roster.json", "team-roles.json"):
        shutil.copy(STATE_DEMO / name, target / name)
    shutil.copy(TEAM_CONFIG, tmp_path / "rolebot.toml")
    return target


@dataclass
class Sleeps:
    """Records the waits rolebot asks for instead of waiting."""

    calls: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


Invoke = Callable[..., Result]


@pytest.fixture
def rolebot(sleeps: Sleeps) -> Invoke:
    """Run the rolebot CLI in-process: `rolebot("rotate", "support-triager", env={...})`."""

    def invoke(
        *args: str, env: dict[str, str] | None = None, input: str | None = None, interactive: bool = False
    ) -> Result:
        context = AppContext(sleep=sleeps, interactive=interactive)
        return CliRunner().invoke(app, list(args), env=env, input=input, obj=context, catch_exceptions=False)

    return invoke


def one_error_line(stderr: str) -> str:
    """The single `Error: ...` line a failed command prints (and no traceback)."""
    lines = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


@pytest.fixture
def snapshot_files() -> Callable[[Path], dict[str, bytes]]:
    """Bytes of every file under a directory, to prove a failed command changed nothing."""

    def snap(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    return snap


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "slow: over about 50 ms on its own: several whole jobs, a big workspace or calendar, a simulation, "
        'real processes or a race (`-m "not slow"` leaves it out)',
    )
    # typer.testing.CliRunner turns the Typer app into a click command on every invoke (about
    # 15 ms of signature inspection); the command is the same every time, so build it once.
    pytest.MonkeyPatch().setattr(typer.testing, "_get_command", functools.cache(typer.main.get_command))
    # google-auth loads the service account key on every connect, checking it whole (about 4 ms:
    # the check tests its primes), and hundreds of tests connect with the one test key: each
    # process checks a key once. A key that fails to load is not kept, so it fails every time.
    from google.auth.crypt import _cryptography_rsa

    signer = _cryptography_rsa.RSASigner
    load_once = functools.lru_cache(maxsize=8)(signer.from_string)
    pytest.MonkeyPatch().setattr(signer, "from_string", staticmethod(load_once))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On xdist workers, slow tests first (the order kept otherwise): the longest ones start
    early instead of finishing last while the other workers wait. In one process the order
    stays as written, so `-x` fails fast."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` starts one worker per core, except for a run of tests named one by one
    (`path::test`): those run in this process, without paying for the workers' start-up."""
    chosen = config.option.file_or_dir or []
    return 0 if chosen and all("::" in arg for arg in chosen) else None


__all__ = ["Invoke", "Iterator", "Sleeps", "read_json"]
