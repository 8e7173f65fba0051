"""Every command and group has real help text, and every command runs under the one error handler."""

import inspect
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from rolebot.cli import app
from rolebot.help import split_examples
from rolebot.output import handle_errors

WRAPPER_CODE = handle_errors(lambda: None).__code__
"""The code of every function `handle_errors` returns."""


def groups(typer_app: typer.Typer, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], typer.Typer]]:
    """(path, Typer app) for the root app and every group in it, nested ones included."""
    yield path, typer_app
    for group in typer_app.registered_groups:
        assert group.name, f"a group under {path} has no explicit name"
        assert group.typer_instance is not None
        yield from groups(group.typer_instance, (*path, group.name))


def commands() -> Iterator[tuple[tuple[str, ...], Callable[..., Any]]]:
    """(command path, registered function) for every command and sub-command."""
    for path, typer_app in groups(app):
        for info in typer_app.registered_commands:
            assert info.name, f"a command under {path} has no explicit name"
            assert info.callback is not None
            yield (*path, info.name), info.callback


GROUPS = dict(groups(app))
COMMANDS = dict(commands())


def test_the_walk_reaches_every_group_and_nested_command() -> None:
    names = {" ".join(path) for path in COMMANDS}
    assert {"members", "rotate", "standup", "init", "schedule", "calendar next", "secrets check"} <= names
    assert {" ".join(path) for path in GROUPS} >= {"", "calendar", "secrets"}


@pytest.mark.parametrize("path", list(COMMANDS), ids=" ".join)
def test_every_command_is_wrapped_by_the_error_handler(path: tuple[str, ...]) -> None:
    assert COMMANDS[path].__code__ is WRAPPER_CODE, f"rolebot {' '.join(path)} is not decorated with @handle_errors"


@pytest.mark.parametrize("path", list(COMMANDS), ids=" ".join)
def test_every_command_has_its_own_help(path: tuple[str, ...]) -> None:
    function = COMMANDS[path]
    own = inspect.getdoc(inspect.unwrap(function))
    assert own, f"rolebot {' '.join(path)} has no docstring"
    assert own != inspect.getdoc(handle_errors)
    command: Any = get_command(app)
    for name in path:
        command = command.commands[name]
    assert command.help == own
    shown = CliRunner().invoke(app, [*path, "--help"])
    assert shown.exit_code == 0, shown.output
    assert " ".join(own.split()[:4]) in " ".join(shown.stdout.split())


@pytest.mark.parametrize("path", list(GROUPS), ids=lambda path: " ".join(path) or "rolebot")
def test_every_group_has_help(path: tuple[str, ...]) -> None:
    help_text = GROUPS[path].info.help
    assert isinstance(help_text, str)
    assert len(help_text.split()) >= 4
    shown = CliRunner().invoke(app, [*path, "--help"])
    assert shown.exit_code == 0, shown.output
    assert " ".join(help_text.split()[:4]) in " ".join(shown.stdout.split())


def help_of(path: tuple[str, ...], columns: int = 80) -> str:
    shown = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": str(columns)})
    assert shown.exit_code == 0, shown.output
    return shown.stdout


@pytest.mark.parametrize("path", [*COMMANDS, *GROUPS], ids=lambda path: " ".join(path) or "rolebot")
def test_help_names_values_by_their_metavar(path: tuple[str, ...]) -> None:
    text = help_of(path)
    for typer_style in ("<str>", "<int", "<path>", "<bool>"):
        assert typer_style not in text, f"rolebot {' '.join(path)} --help shows {typer_style!r}"
    assert not re.search(r"\{[a-z_]+\}", text), f"rolebot {' '.join(path)} --help names an argument {{like_this}}"
    usage = text.splitlines()[0]
    words = usage.split()[len(path) + 2 :]  # after "Usage: rolebot <path> [OPTIONS]"
    assert all(word.isupper() or word.startswith("[") or word == "ROLE|USERGROUP" for word in words), usage


def test_every_value_option_and_argument_has_a_metavar() -> None:
    """`ROLE`, `DATE`, `NAME`, `N`, `PATH`: every option that takes a value says what the value is."""
    root: Any = get_command(app)

    def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, (*path, name))

    for path, command in walk(root, ()):
        for param in command.params:
            takes_value = param.param_type_name == "argument" or not getattr(param, "is_flag", False)
            if takes_value and param.name not in ("install_completion", "show_completion"):
                assert param.metavar, f"rolebot {' '.join(path)}: {param.name} has no metavar"


def test_backend_and_color_list_their_choices() -> None:
    text = " ".join(help_of(()).split())
    assert "--backend [auto|live|local]" in text
    assert "--color [auto|always|never]" in text
    assert "--version" in text
    assert "-q, --quiet" in text
    assert "--no-progress" in text
    assert "--install-completion" in text


@pytest.mark.parametrize("path", list(GROUPS), ids=lambda path: " ".join(path) or "rolebot")
def test_short_help_fits_on_one_line(path: tuple[str, ...]) -> None:
    """In `rolebot --help` (and each group's), at 80 columns, each command is one line, never cut."""
    text = help_of(path)
    listing = text.split("\nCommands:\n", 1)[1].splitlines()
    names = set(GROUPS[path].registered_commands and [c.name for c in GROUPS[path].registered_commands]) | {
        g.name for g in GROUPS[path].registered_groups
    }
    rows = [line for line in listing if line.strip()]
    assert len(rows) == len(names), listing  # one line each: nothing wrapped onto a second line
    for row in rows:
        assert not row.rstrip().endswith("..."), row


@pytest.mark.parametrize("path", list(COMMANDS), ids=" ".join)
def test_every_command_has_examples_that_parse(path: tuple[str, ...]) -> None:
    _, examples = split_examples(inspect.getdoc(inspect.unwrap(COMMANDS[path])))
    assert examples, f"rolebot {' '.join(path)} has no Examples section"
    text = help_of(path)
    assert "\nExamples:\n" in text
    root: Any = get_command(app)
    for example in examples:
        words = shlex.split(example)
        assert words[0] == "rolebot", example
        assert f" {' '.join(path)} " in f" {example} ", f"an example of rolebot {' '.join(path)} runs another command"
        assert example in text  # shown as written, not rewrapped
        parse(root, words[1:])


def parse(root: Any, args: list[str]) -> None:
    """Parse a command line as the CLI would, down to the command, running nothing."""
    ctx = root.make_context("rolebot", list(args), resilient_parsing=False)
    command: Any = root
    rest = [*ctx._protected_args, *ctx.args]
    while hasattr(command, "commands"):
        name, command, rest = command.resolve_command(ctx, rest)
        ctx = command.make_context(name, rest, parent=ctx)
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]


@pytest.mark.slow  # a Python process
def test_rolebot_help_imports_nothing_heavy() -> None:
    probe = (
        "import sys\n"
        "from rolebot.cli import app\n"
        "for argv in (['--help'], ['--version']):\n"
        "    try:\n"
        "        app(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = ('rich', 'pydantic', 'httpx', 'pendulum', 'googleapiclient', 'icalendar')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == ""


ON_CALL = """
[roles.on-call]
title = "On call"
usergroup = "oncall"
state_key = "on_call"
cadence = "weekly"
weekday = "monday"
tenure = 1
horizon = 10
freeze = 1
"""


def test_roles_complete_from_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rolebot.toml").write_text(ON_CALL)
    for words, word in (("rolebot rotate ", ""), ("rolebot calendar bulk o", "o"), ("rolebot members ", "")):
        current = len(words.split()) - (0 if words.endswith(" ") else 1)
        completed = CliRunner().invoke(
            app,
            [],
            prog_name="rolebot",
            env={"_ROLEBOT_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(current)},
        )
        offered = completed.stdout.split()
        assert "on-call" in offered, (words, completed.output)
        assert all(role.startswith(word) for role in offered)
