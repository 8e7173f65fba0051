"""Every command the documentation shows runs as written, and prints what it shows.

`README.md` and `secrets/README.md` are read block by block (tests/docs.py). Each section whose
commands need only the local backend runs here: its ```bash lines and its transcripts' `$` lines,
unchanged and in order, each in a terminal 100 columns wide (as *The commands* says its samples
ran), on a fresh copy of the repository's demo team (`state/`, `rolebot.toml`), with no credential
and no state file named — a fresh clone. Each must exit as the README implies (0, unless what it
shows ends in an `Error:` line), and print what the transcript shows.

A section that needs live services (Slack, Google, Geekbot, sops) is run by a dedicated test,
against the fakes: `ELSEWHERE` names it, and this module checks that it exists and reads that
section. Lines that no test runs are listed, with why, in tests/docs.py's `NOT_RUN`. So a
command added to the documentation is run somewhere, or this test fails.

The commands `rolebot.example.toml` names in its comments run here too, on the example's role."""

from __future__ import annotations

import ast
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, STATE_DEMO, TEAM_CONFIG
from tests.docs import (
    DOCS,
    Block,
    Ran,
    assert_shows,
    blocks,
    command_lines,
    in_terminal,
    not_run,
    readme_blocks,
    runs_rolebot,
    stand_in_for_uv,
    transcript,
    uses_sops,
)

pytestmark = pytest.mark.slow  # each command is a process in a terminal

TODAY = "2026-11-30"  # "The samples below ran … with `--today 2026-11-30` (a Monday)"

RUN_HERE = (
    "Quick start",
    "Scripting: pipes and JSON",
    "`rolebot members ROLE|USERGROUP [--json]`",
    "`rolebot rotate ROLE [--dry-run [--full]] [--force] [--no-standup] [--no-calendar] [--no-state] [--json]`",
    "`rolebot schedule ROLE [-n N] [--json]`",
    "`rolebot history ROLE [--since DATE] [--json]`",
    "`rolebot calendar next|bulk|delete ROLE`",
    "`rolebot init ROLE --current NAME [--incoming NAME] [--standup-manager NAME] [--dry-run] [--json]`",
    "`rolebot config show [--json]` and `rolebot config check [--json]`",
    "When the team changes: replan, swap, cover, away",
)
"""The README's sections whose commands run here, on the local backend."""

SOPS_BLOCKS = "tests/test_secrets_docs.py::test_the_readmes_encrypt_secrets_as_written_and_leave_nothing_in_clear"
"""Runs every ```bash block of either README that uses sops (with the real sops and a test age key)."""

ELSEWHERE: dict[tuple[str, str | None], tuple[str, ...]] = {
    ("Use rolebot for your team", None): (
        "tests/commands/test_adoption_docs.py::test_a_team_s_first_steps_run_as_written",
    ),
    (
        "`rolebot rotate ROLE [--dry-run [--full]] [--force] [--no-standup] [--no-calendar] [--no-state] [--json]`",
        "rolebot --backend live rotate support-triager",
    ): ("tests/commands/test_slack_only_docs.py::test_the_second_week_is_what_the_rotate_sample_shows",),
    ("`rolebot secrets check [--json]`", None): (
        "tests/test_secrets_docs.py::test_the_secrets_check_sample_is_what_the_set_up_prints",
    ),
    ("`rolebot doctor [ROLE] [--json]`", None): (
        "tests/commands/test_doctor.py::test_the_readme_sample_is_what_doctor_prints",
    ),
    ("Slack only: no Geekbot", None): (
        "tests/commands/test_slack_only_docs.py::test_the_slack_only_setup_runs_as_written_and_asks_geekbot_nothing",
        "tests/commands/test_slack_only_docs.py::test_the_samples_are_what_the_set_up_prints",
    ),
}
"""Blocks that need live services, by section and the block's first command (None: every block of
the section but those using sops), and the tests that run them against the fakes."""

EXAMPLE_ELSEWHERE = {
    "rolebot doctor": "tests/commands/test_adoption_docs.py::test_a_team_s_first_steps_run_as_written",
}
"""Commands `rolebot.example.toml` names that need live services (the adoption test runs `doctor`
on the example, copied as its step 2 says)."""


def section_id(section: str) -> str:
    return section.strip("`").split(" [")[0].split("`")[0] or section


def commands(block: Block) -> list[str]:
    """The command lines of a block: a ```bash block's lines, or a transcript's `$` lines."""
    if block.language == "bash":
        return command_lines(block)
    if block.language == "":
        return [shown.command for shown in transcript(block)]
    return []


def dedicated(block: Block) -> tuple[str, ...] | None:
    """The tests that run a block elsewhere, if any."""
    if uses_sops(block):
        return (SOPS_BLOCKS,)
    first = next(iter(commands(block)), None)
    return ELSEWHERE.get((block.section, first)) or ELSEWHERE.get((block.section, None))


def all_blocks() -> list[Block]:
    return [block for path in DOCS for block in blocks(path, REPO)]


def test_every_command_of_the_docs_runs_here_or_in_a_dedicated_test() -> None:
    unrun: list[str] = []
    for block in all_blocks():
        if block.language == "" and not block.text.startswith("$ "):
            hidden = [line for line in block.text.splitlines() if runs_rolebot(line)]
            assert not hidden, f"{block.where}: a command outside a transcript (start it with `$ `): {hidden}"
        here = block.file == "README.md" and block.section in RUN_HERE and dedicated(block) is None
        for command in commands(block):
            if not_run(command) or (here and runs_rolebot(command)) or dedicated(block) is not None:
                continue
            unrun.append(f"{block.where}: {command}")
    assert unrun == [], "commands no test runs: add their section to RUN_HERE or ELSEWHERE, or the line to NOT_RUN"


def test_each_section_named_here_is_in_the_readme_with_commands() -> None:
    sections = {block.section for block in all_blocks() if commands(block)}
    named = set(RUN_HERE) | {section for section, _ in ELSEWHERE}
    assert named - sections == set()
    for section, first in ELSEWHERE:
        if first is not None:
            assert first in [c for block in readme_blocks(section) for c in commands(block)[:1]], (section, first)
    assert set(RUN_HERE).isdisjoint(section for section, first in ELSEWHERE if first is None)


def dedicated_tests() -> list[str]:
    found = {test for tests in ELSEWHERE.values() for test in tests}
    return sorted(found | {SOPS_BLOCKS, *EXAMPLE_ELSEWHERE.values()})


@pytest.mark.parametrize("test", dedicated_tests())
def test_each_dedicated_test_exists_and_reads_its_section(test: str) -> None:
    path, name = test.split("::")
    source = (REPO / path).read_text()
    defined = {node.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.FunctionDef)}
    assert name in defined, f"{path} has no test {name}"
    for (section, _first), tests in ELSEWHERE.items():
        if test in tests:
            assert section in source, f"{path} does not read the README's section {section!r}"


@pytest.fixture
def clone(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A fresh copy of the demo team, and the environment of a terminal in it: no credential, no
    state file named, `uv run` played by a stand-in."""
    work = tmp_path / "clone"
    (work / "state").mkdir(parents=True)
    for name in ("roster.json", "team-roles.json"):
        shutil.copy(STATE_DEMO / name, work / "state" / name)
    shutil.copy(TEAM_CONFIG, work / "rolebot.toml")
    tools = tmp_path / "tools"
    stand_in_for_uv(tools)
    return (
        work,
        {
            "PATH": f"{tools}:{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(tmp_path / "home"),
            "TERM": "xterm-256color",
            "NO_COLOR": "1",
            "LANG": "C.UTF-8",
            "ROLEBOT_TODAY": TODAY,
        },
    )


def check(ran: Ran, shown: tuple[str, ...] | None, where: str) -> None:
    """It exits as the README implies, and prints what the README shows (if it shows anything)."""
    fails = shown is not None and any(line.startswith("Error: ") for line in shown)
    assert (ran.returncode in (1, 2)) if fails else ran.returncode == 0, f"{where}\n{ran}"
    if shown is not None:
        assert_shows(ran, shown, where)


@pytest.mark.parametrize("section", RUN_HERE, ids=section_id)
def test_the_section_runs_as_written(section: str, clone: tuple[Path, dict[str, str]]) -> None:
    work, env = clone
    ran = 0
    for block in readme_blocks(section):
        if dedicated(block) is not None:
            continue
        if block.language == "bash":
            for command in command_lines(block):
                if runs_rolebot(command):
                    check(in_terminal(command, work, env), None, f"{block.where}: {command}")
                    ran += 1
        elif block.language == "":
            for shown in transcript(block):
                check(in_terminal(shown.command, work, env), shown.output, block.where)
                ran += 1
    assert ran > 0


def example_commands() -> list[str]:
    """The commands `rolebot.example.toml` names in its comments, in order, each once."""
    text = (REPO / "rolebot.example.toml").read_text()
    named = re.findall(r"`(rolebot [^`]+)`", "\n".join(line for line in text.splitlines() if line.startswith("#")))
    return list(dict.fromkeys(named))


def test_the_example_config_names_commands() -> None:
    assert example_commands() == [
        "rolebot config check",
        "rolebot config show",
        "rolebot rotate on-call",
        "rolebot schedule on-call",
        "rolebot doctor",
    ]


def test_the_commands_the_example_config_names_run_on_its_role(clone: tuple[Path, dict[str, str]]) -> None:
    """In a folder with the example as its rolebot.toml and a roster for its user group, after the
    `init` the README's *Use rolebot for your team* runs first (step 6), as written."""
    work, env = clone
    (work / "state" / "team-roles.json").unlink()
    (work / "rolebot.toml").write_bytes((REPO / "rolebot.example.toml").read_bytes())
    demo = json.loads((STATE_DEMO / "roster.json").read_text())["support-triagers"]
    (work / "state" / "roster.json").write_text(json.dumps({"oncall": demo[:4]}))
    [start] = [b for b in readme_blocks("Use rolebot for your team") if "rolebot init on-call" in b.text]
    [init] = [command for command in command_lines(start) if "rolebot init" in command]
    for command in example_commands():
        if command in EXAMPLE_ELSEWHERE:
            continue
        if command == "rolebot rotate on-call":
            check(in_terminal(init, work, env), None, f"README.md: {init}")
        check(in_terminal(command, work, env), None, f"rolebot.example.toml: {command}")
    assert json.loads((work / "state" / "team-roles.local.json").read_text())["last_rotated"] == {
        "on_call": "2026-11-30"
    }
