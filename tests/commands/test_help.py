"""Every command and group has real help text, and every command runs under the one error handler."""

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from rolebot.cli import app
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
