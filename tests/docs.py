"""The documentation's commands, read as a person copies them and run as a terminal shows them.

Reading: the fenced blocks of a Markdown file, each under the heading it sits in; the command
lines of a ```bash block; the transcripts of a plain block (`$ command`, then what it printed,
`...` standing for lines left out).

Running: `in_terminal` runs one command line with bash in a pseudo-terminal `WIDTH` columns
wide, so rolebot sees a terminal (tables wrap, progress bars draw) and stdout and stderr
interleave as a person sees them. What must vary from run to run is normalised, on both sides
of a comparison: a progress bar's elapsed time, the run's own directory, the timestamp Slack gives
a message, and the addresses of the fake services, which stand for the real ones. `uv run` is
played by a stand-in (`stand_in_for_uv`) that runs its command from this environment.

Not running: `NOT_RUN` lists, with why, the command lines no test runs (the test suite itself,
installing the tool); tests/commands/test_readme_commands.py fails on any other command no test runs."""

from __future__ import annotations

import difflib
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

DOCS = (REPO / "README.md", REPO / "secrets" / "README.md")
"""The documentation whose commands are run."""
BASH = shutil.which("bash") or "/bin/bash"
WIDTH = 100
"""The terminal the README's samples ran in (its section *The commands* says so)."""
ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-_78=>])")
"""A terminal control sequence: CSI (colours, cursor moves, erasing), OSC (hyperlinks), or a short one."""
ELAPSED = re.compile(r"(━+ +\d+/\d+) +\d+:\d\d:\d\d$")
SLACK_TS = re.compile(r"\(ts \d+\.\d+\)")
"""The ID Slack gives a message it posts: messages sent at the same time get theirs in either order."""

FENCE = re.compile(r"^( *)```(\S*)\s*$")
HEADING = re.compile(r"^(#{1,6}) (.+?)\s*$")
ROLEBOT = re.compile(r"(?:^|[;|&]\s*|\bdo\s+)(?:uv run )?rolebot(?=\s|$)")
"""A line that runs rolebot: at its start, in a pipeline or in a loop's body."""
SOPS = re.compile(r"^[^#\n]*\bsops\b", flags=re.MULTILINE)
"""A line that runs sops (a comment may mention it)."""
UV = """#!/bin/sh
# Stands in for `uv run`: the command, from the test's Python environment.
[ "$1" = run ] || {{ echo "only 'uv run' is expected" >&2; exit 1; }}
shift
PATH="{bin}:$PATH" exec "$@"
"""

NOT_RUN = {
    # The test suite and CI themselves: the tests are part of what they run.
    r"uv run pytest( .*)?": "the test suite itself",
    r"bash \.ci/run": "CI itself, which runs these tests",
    # Set-up of the person's machine, which changes nothing rolebot shows.
    r"uv tool install \./rolebot": "installs into the person's machine, from a clone; the entry point it "
    "installs is checked by tests/commands/test_adoption_docs.py::test_step_one_names_what_exists",
    r"uv sync --compile-bytecode": "sets up the environment the benchmarks measure",
    r"uv run python bench/bench_\w+\.py": "benchmarks, timed by their own harness",
}
"""Command lines of the documentation that no test runs (each a full match, without its comment),
and why."""


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language (`""` for none) and its text, its indentation
    (inside a list item) removed."""

    file: str
    line: int
    section: str
    language: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line} ({self.section})"


@dataclass(frozen=True)
class Shown:
    """A command a transcript shows, and the lines it printed (`...` stands for any lines)."""

    command: str
    output: tuple[str, ...]


def blocks(path: Path, root: Path) -> list[Block]:
    """The fenced blocks of a Markdown file, in order, each under its nearest heading."""
    found: list[Block] = []
    section = ""
    lines = path.read_text().splitlines()
    number = 0
    while number < len(lines):
        fence = FENCE.match(lines[number])
        if fence is None:
            heading = HEADING.match(lines[number])
            if heading is not None:
                section = heading.group(2)
            number += 1
            continue
        indent, language = len(fence.group(1)), fence.group(2)
        start = number + 1
        end = next(i for i in range(start, len(lines)) if lines[i].strip() == "```")
        body = "".join(line[indent:] + "\n" if line.strip() else "\n" for line in lines[start:end])
        found.append(Block(str(path.relative_to(root)), start, section, language, body))
        number = end + 1
    return found


def command_lines(block: Block) -> list[str]:
    """The commands of a ```bash block as a shell reads them: one per line, a line ending in `|`
    or `\\` continued on the next; blank lines and whole-line comments left out."""
    commands: list[str] = []
    pending = ""
    for line in block.text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line + "\n"
        if not re.search(r"(\||\\)\s*$", line.split(" #", 1)[0]):
            commands.append(pending.rstrip("\n"))
            pending = ""
    assert not pending, f"{block.where}: a command continues past the end of the block"
    return commands


def transcript(block: Block) -> list[Shown]:
    """The commands a plain block shows as `$ command`, each with the lines printed after it."""
    shown: list[Shown] = []
    for chunk in re.split(r"^\$ ", block.text, flags=re.MULTILINE)[1:]:
        command, _, output = chunk.partition("\n")
        shown.append(Shown(command, tuple(output.rstrip("\n").splitlines())))
    return shown


def runs_rolebot(command: str) -> bool:
    return any(ROLEBOT.search(line.split(" #", 1)[0]) for line in command.splitlines())


def uses_sops(block: Block) -> bool:
    return block.language == "bash" and SOPS.search(block.text) is not None


def not_run(command: str) -> bool:
    """Whether `NOT_RUN` lists the command line."""
    return any(re.fullmatch(pattern, command.split(" #", 1)[0].strip()) for pattern in NOT_RUN)


def sops_blocks() -> list[Block]:
    """The ```bash blocks of README.md and secrets/README.md that use sops."""
    return [block for path in DOCS for block in blocks(path, REPO) if uses_sops(block)]


def stand_in_for_uv(tools: Path) -> None:
    """Write `tools/uv`, which plays `uv run` (its command, from this environment) when `tools` is on
    the `PATH`: the documentation's `uv run rolebot …` lines run as written."""
    tools.mkdir(parents=True, exist_ok=True)
    (tools / "uv").write_text(UV.format(bin=Path(sys.executable).parent))
    (tools / "uv").chmod(0o755)


def matches(printed: list[str], shown: tuple[str, ...]) -> bool:
    """Whether the lines printed are those shown, a `...` line standing for any lines (none too)."""
    pattern = "".join(r"(?:[^\n]*\n)*?" if line == "..." else re.escape(normalise(line)) + r"\n" for line in shown)
    return re.fullmatch(pattern, "".join(line + "\n" for line in printed)) is not None


def assert_shows(ran: Ran, shown: tuple[str, ...], where: str = "") -> None:
    """The run printed what the documentation shows; if not, says where, and how the two differ."""
    if not matches(ran.lines, shown):
        diff = difflib.unified_diff([normalise(line) for line in shown], ran.lines, "shown", "printed", lineterm="")
        raise AssertionError(f"{where}\n$ {ran.command}: not what the documentation shows\n" + "\n".join(diff))


def readme_blocks(section: str, language: str | None = None) -> list[Block]:
    """The blocks of the repository's README.md under the heading `section` (its text, verbatim),
    those in `language` only if given (`""`: the plain blocks, transcripts)."""
    found = [
        block
        for block in blocks(REPO / "README.md", REPO)
        if block.section == section and language in (None, block.language)
    ]
    assert found, f"README.md has no {language or ''} code under the heading {section!r}"
    return found


@dataclass(frozen=True)
class Ran:
    """A command line run in a terminal: its exit status and the lines the terminal shows."""

    command: str
    returncode: int
    lines: list[str]

    def __str__(self) -> str:
        return f"$ {self.command}\n" + "\n".join(self.lines) + f"\n(exit status {self.returncode})"


def in_terminal(
    command: str, cwd: Path, env: Mapping[str, str], *, hosts: Mapping[str, str] | None = None, timeout: float = 120.0
) -> Ran:
    """Run a command line with bash (`pipefail` on, so a pipeline fails when rolebot does) with a
    terminal `WIDTH` columns wide as its stdout and stderr and nothing on stdin (a question is
    refused, never waited for); the lines the terminal shows once it is done, normalised, each fake
    service's address (`hosts`: URL → the real host it stands for) shown as the real host."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, WIDTH, 0, 0))
    process = subprocess.Popen(
        [BASH, "-o", "pipefail", "-c", command],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        start_new_session=True,
    )
    os.close(follower)
    shown = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([leader], [], [], left)[0]:
                os.killpg(process.pid, signal.SIGKILL)
                raise AssertionError(
                    f"still running after {timeout:.0f} s: {command}\n{shown.decode(errors='replace')}"
                )
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # every end of the terminal closed: the command is done
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    returncode = process.wait()
    text = shown.decode()
    for url, host in (hosts or {}).items():
        text = text.replace(url.split("://", 1)[-1].rstrip("/"), host)
    return Ran(command, returncode, screen(text, cwd))


def screen(text: str, cwd: Path) -> list[str]:
    """What a terminal shows of `text`: control sequences gone, a line redrawn after a carriage
    return showing its last drawing, trailing blanks and blank last lines dropped."""
    lines = [normalise(ESCAPE.sub("", line).split("\r")[-1], cwd) for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def normalise(line: str, cwd: Path | None = None) -> str:
    """What varies from run to run made the same: a progress bar's elapsed time, a Slack message's
    timestamp, the run's directory."""
    line = SLACK_TS.sub("(ts …)", ELAPSED.sub(r"\1 0:00:00", line.rstrip()))
    return line.replace(f"{cwd}/", "") if cwd is not None else line
