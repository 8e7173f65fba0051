"""The one place errors become output: an unexpected error is one line, with its traceback only
under --verbose."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from rolebot.context import AppContext
from rolebot.output import handle_errors
from rolebot.settings import GlobalOptions


def app_with_a_bug() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    @handle_errors
    def broken(ctx: typer.Context) -> None:
        raise ZeroDivisionError("division by zero")

    return app


def run(verbose: bool) -> tuple[int, str]:
    context = AppContext(options=GlobalOptions(verbose=verbose))
    result = CliRunner().invoke(app_with_a_bug(), [], obj=context, catch_exceptions=False)
    return result.exit_code, result.stderr


def test_verbose_shows_the_traceback_of_an_unexpected_error() -> None:
    code, stderr = run(verbose=True)
    assert code == 1
    assert stderr.startswith("Traceback (most recent call last):\n")
    assert 'raise ZeroDivisionError("division by zero")' in stderr
    assert stderr.endswith(
        "Error: unexpected ZeroDivisionError: division by zero — this is a bug in rolebot; "
        "please report it with the traceback above\n"
    )


def test_without_verbose_it_is_one_line() -> None:
    code, stderr = run(verbose=False)
    assert code == 1
    assert stderr == (
        "Error: unexpected ZeroDivisionError: division by zero — this is a bug in rolebot; "
        "re-run with --verbose for details\n"
    )
