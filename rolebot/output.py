"""The one place that turns errors into a message and an exit code, plus shared output helpers."""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import typer

from rolebot.errors import RolebotError

if TYPE_CHECKING:
    from rolebot.context import AppContext
    from rolebot.jobs.moved import Moves
    from rolebot.jobs.steps import StepResult

P = ParamSpec("P")
R = TypeVar("R")


def app_context(ctx: typer.Context) -> AppContext:
    from rolebot.context import AppContext

    root = ctx.find_root()
    if not isinstance(root.obj, AppContext):
        root.obj = AppContext()
    return root.obj


def _command_context(kwargs: dict[str, Any]) -> typer.Context | None:
    """The context a command received as `ctx`. Typer passes the Context of the click it bundles,
    which is not an instance of `typer.Context` (a subclass of it), so it is recognised by what
    it does, not by its class."""
    ctx = kwargs.get("ctx")
    return ctx if callable(getattr(ctx, "find_root", None)) else None


def _error_line(text: str) -> None:
    from rolebot.redaction import redact

    # One line, whatever the terminal width: write it ourselves rather than let it wrap.
    sys.stderr.write(f"Error: {redact(text)}\n")
    sys.stderr.flush()


def handle_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Run a command; show any error as one line on stderr and exit non-zero, no traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        completed = False
        try:
            result = command(*args, **kwargs)
            completed = True
            return result
        except typer.Exit:
            raise
        except RolebotError as error:
            _error_line(str(error))
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            _error_line("interrupted — re-running the command is safe")
            raise typer.Exit(130) from None
        except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
            ctx = _command_context(kwargs)
            verbose = ctx is not None and app_context(ctx).options.verbose
            if verbose:
                from rolebot.redaction import redact

                sys.stderr.write(redact("".join(traceback.format_exception(error))))
            _error_line(
                f"unexpected {type(error).__name__}: {error} — this is a bug in rolebot; "
                + ("please report it with the traceback above" if verbose else "re-run with --verbose for details")
            )
            raise typer.Exit(1) from None
        finally:
            ctx = _command_context(kwargs)
            if ctx is not None and ctx.find_root().obj is not None:
                app_context(ctx).close(completed=completed)

    return wrapper


def confirm(app: AppContext, question: str, yes: bool) -> bool:
    """Ask before a change that is hard to undo; refuse rather than guess without a terminal."""
    if yes:
        return True
    if not app.can_prompt:
        raise RolebotError(
            "this needs confirmation and there is no terminal to ask", "review the preview, then pass --yes"
        )
    return typer.confirm(question, default=False, err=True)


@contextmanager
def progress(app: AppContext, label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (none with --no-progress, ROLEBOT_NO_PROGRESS or -q); yields `advance(n)`."""
    if not app.settings.progress:
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=app.err, transient=False) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def show_unsent(app: AppContext, *, to_stderr: bool = False) -> None:
    """Print what the local backend would have sent (nothing, when nothing was held back); on
    stderr when stdout is for data (`--json`)."""
    from rolebot.render_messages import unsent

    console = app.err if to_stderr else app.out
    for item in app.services.outbox.take():
        console.print(unsent(item))


def emit_json(payload: object) -> None:
    """A command's data as JSON on stdout: the whole of stdout, so a script can parse it."""
    import json

    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))


def say_steps(app: AppContext, steps: Iterable[StepResult]) -> None:
    """One ✓/✗ line per step on stderr; with -q the ✗ lines only."""
    for step in steps:
        app.say(step.line(), style="green" if step.ok else "red", level="info" if step.ok else "error")


def show_steps(app: AppContext, results: Sequence[StepResult], *, to_stderr: bool = False) -> None:
    """What the local backend held back, then a ✓/✗ line for each step."""
    show_unsent(app, to_stderr=to_stderr)
    say_steps(app, results)


def check_steps(results: Sequence[StepResult]) -> None:
    """Fail the command (exit 1) if any of these steps failed; each has said why on its line."""
    from rolebot.errors import StepsFailed

    failed = [step.name for step in results if not step.ok]
    if failed:
        raise StepsFailed(
            f"{len(failed)} of {len(results)} steps failed ({', '.join(failed)})",
            "fix what the ✗ line says, then run the same command again: what is done is not repeated",
        )


def preview_moved(app: AppContext, *moves: Moves, to_stderr: bool = False) -> None:
    """For a dry run that moves turns (in one role or several): the one message each member whose
    dates move would get, when a role sends direct messages (`slack.dm`); on stderr when stdout is
    for data (`--json`)."""
    from rolebot.jobs.moved import DatesMoved
    from rolebot.notices import combine_moved
    from rolebot.render_messages import moved_preview

    if any(item.role.slack.dm for item in moves):
        plan = combine_moved(DatesMoved(item).notices() for item in moves)
        preview = moved_preview(plan, app.services.is_live("messenger"))
        if to_stderr and preview.data is not None:
            app.err.print(preview.data)
        app.show(preview, as_json=to_stderr)
