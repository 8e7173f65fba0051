"""rolebot converts command-line values without pydantic, and exactly as Typer would."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.core import _TyperParameter
from typer.main import get_command

from rolebot.cli import app
from rolebot.coercion import Direct

HEAVY = ("pydantic", "rich", "httpx", "pendulum", "googleapiclient", "google.auth", "httplib2", "icalendar")


def command_paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from command_paths(sub, (*path, name))


def parameters() -> Iterator[tuple[str, Any, _TyperParameter]]:
    root = get_command(app)
    for path, command in command_paths(root):
        ctx = Context(command, info_name=path[-1] if path else "rolebot")
        for param in command.get_params(ctx):
            assert isinstance(param, _TyperParameter)
            yield " ".join(path) or "rolebot", ctx, param


SAMPLES = (None, "", " ", "0", "1", "52", "520", "521", "-3", "1.5", "1_0", "٣", "x", "auto", "AUTO", "never", "-")


def outcome(coerce: Any, value: object, param: _TyperParameter, ctx: Context) -> tuple[str, object]:
    try:
        return "value", coerce(value, param=param, ctx=ctx)
    except BadParameter as error:
        return "error", error.format_message()


def test_every_parameter_converts_without_pydantic() -> None:
    for name, _, param in parameters():
        assert isinstance(param.get_runtime_param(), Direct), f"{name} {param.name}"


@pytest.mark.slow  # every parameter against Typer's own conversion, 500+ cases
def test_values_convert_as_typer_converts_them(tmp_path: Path) -> None:
    (tmp_path / "rolebot.toml").write_text("")
    samples = (*SAMPLES, str(tmp_path), str(tmp_path / "rolebot.toml"), str(tmp_path / "missing"))
    compared = 0
    for name, ctx, param in parameters():
        typer_own = build_runtime_param(param.type_descriptor)
        for value in samples:
            expected = outcome(typer_own.coerce, value, param, ctx)
            assert outcome(param.get_runtime_param().coerce, value, param, ctx) == expected, (name, param.name, value)
            compared += 1
    assert compared > 500


@pytest.mark.slow
def test_no_help_imports_anything_heavy() -> None:
    """`--help` of the app, every group and every command, in one process: none imports a heavy
    module (pydantic included: Typer's own conversion would)."""
    paths = [list(path) for path, _ in command_paths(get_command(app))]
    probe = (
        "import sys\n"
        "from rolebot.cli import app\n"
        f"for path in {paths!r}:\n"
        "    try:\n"
        "        app([*path, '--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert len(paths) > 20
    assert done.stdout.splitlines()[-1] == ""
