"""The `rolebot` command: global options and the command groups.

Importing this module must stay cheap (`rolebot --help` runs nothing else): command
modules import their heavy dependencies inside the command functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperCommand

from rolebot.commands.away import away_app
from rolebot.commands.calendar_events import calendar_app
from rolebot.commands.calendar_replan import calendar_replan
from rolebot.commands.config_settings import config_app
from rolebot.commands.doctor import doctor_command
from rolebot.commands.history import history_command
from rolebot.commands.init import init_command
from rolebot.commands.members import members_command
from rolebot.commands.rotate import rotate_command
from rolebot.commands.schedule import schedule_command
from rolebot.commands.secrets_check import secrets_app
from rolebot.commands.shifts import cover_command, swap_command
from rolebot.commands.standup import standup_command
from rolebot.context import AppContext
from rolebot.help import RolebotCommand, RolebotGroup
from rolebot.settings import Backend, Color, GlobalOptions

app = typer.Typer(
    name="rolebot",
    help=(
        "Run a team's rotating roles: who serves next (from a Slack user group, honouring "
        "swaps made in the calendar), the Geekbot standup that tells them, and the Google "
        "Calendar of who serves when. Without credentials everything runs on a local "
        "backend (state/roster.json, state/calendar.ics, the terminal). Data goes to stdout "
        "(--json for scripts), messages to stderr."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import version

        typer.echo(f"rolebot {version('rolebot')}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="PATH",
            help=(
                "Role config file [env: ROLEBOT_CONFIG; default: ./rolebot.toml, "
                "then [tool.rolebot] in ./pyproject.toml, then built-in roles]."
            ),
            show_default=False,
        ),
    ] = None,
    state: Annotated[
        Path | None,
        typer.Option(
            "--state",
            metavar="PATH",
            help="State file [env: ROLEBOT_STATE; default: state/team-roles.json].",
            show_default=False,
        ),
    ] = None,
    secrets_dir: Annotated[
        Path | None,
        typer.Option(
            "--secrets-dir",
            metavar="PATH",
            help="Directory of sops-encrypted credentials [env: ROLEBOT_SECRETS_DIR; default: secrets/].",
            show_default=False,
        ),
    ] = None,
    backend: Annotated[
        Backend | None,
        typer.Option(
            "--backend",
            metavar="[auto|live|local]",
            help="auto: live where credentials exist; live; or local [env: ROLEBOT_BACKEND; default: auto].",
            show_default=False,
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="DATE",
            help="Pretend today is DATE, YYYY-MM-DD [env: ROLEBOT_TODAY; default: today in the team's time zone].",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option("-v", "--verbose", help="One line per API call (method, path, status, time; never a secret)."),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("-q", "--quiet", help="Only data, warnings and errors: no notes, ✓ lines or progress bars."),
    ] = False,
    no_progress: Annotated[
        bool,
        typer.Option("--no-progress", help="No progress bars [env: ROLEBOT_NO_PROGRESS=1]."),
    ] = False,
    color: Annotated[
        Color | None,
        typer.Option(
            "--color",
            metavar="[auto|always|never]",
            help="Colour: auto (on terminals; off with NO_COLOR, on with FORCE_COLOR), always or never.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    context = ctx.obj if isinstance(ctx.obj, AppContext) else AppContext()
    context.options = GlobalOptions(
        config, state, secrets_dir, backend, today, verbose, color=color, quiet=quiet, no_progress=no_progress
    )
    ctx.obj = context


app.command("members")(members_command)
app.command("rotate")(rotate_command)
app.command("standup")(standup_command)
calendar_app.command("replan")(calendar_replan)
app.add_typer(calendar_app, name="calendar")
app.command("init")(init_command)
app.command("schedule")(schedule_command)
app.command("swap")(swap_command)
app.command("cover")(cover_command)
app.add_typer(away_app, name="away")
app.command("history")(history_command)
app.add_typer(secrets_app, name="secrets")
app.add_typer(config_app, name="config")
app.command("doctor")(doctor_command)


def _conventions(typer_app: typer.Typer) -> None:
    """Every command and group, however it was registered, gets rolebot's help conventions
    (`rolebot.help`): `ROLE`, not `{role}`; examples shown as written."""
    typer_app.info.cls = RolebotGroup
    for command in typer_app.registered_commands:
        if command.cls in (None, TyperCommand):  # Typer's default: ours instead
            command.cls = RolebotCommand
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _conventions(group.typer_instance)


_conventions(app)


def main() -> None:
    app()
