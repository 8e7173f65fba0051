"""The `rolebot` command: global options and the command groups.

Importing this module must stay cheap (`rolebot --help` runs nothing else): command
modules import their heavy dependencies inside the command functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
from rolebot.settings import GlobalOptions

app = typer.Typer(
    name="rolebot",
    help=(
        "Run a team's rotating roles: who serves next (from a Slack user group, honouring "
        "swaps made in the calendar), the Geekbot standup that tells them, and the Google "
        "Calendar of who serves when. Without credentials everything runs on a local "
        "backend (state/roster.json, state/calendar.ics, the terminal)."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
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
            "--state", help="State file [env: ROLEBOT_STATE; default: state/team-roles.json].", show_default=False
        ),
    ] = None,
    secrets_dir: Annotated[
        Path | None,
        typer.Option(
            "--secrets-dir",
            help="Directory of sops-encrypted credentials [env: ROLEBOT_SECRETS_DIR; default: secrets/].",
            show_default=False,
        ),
    ] = None,
    backend: Annotated[
        str | None,
        typer.Option(
            "--backend",
            help="auto (live where credentials exist), live or local [env: ROLEBOT_BACKEND; default: auto].",
            show_default=False,
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            help="Pretend today is YYYY-MM-DD [env: ROLEBOT_TODAY; default: today in the team's time zone].",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option("-v", "--verbose", help="One line per API call (method, path, status, time; never a secret)."),
    ] = False,
) -> None:
    context = ctx.obj if isinstance(ctx.obj, AppContext) else AppContext()
    context.options = GlobalOptions(config, state, secrets_dir, backend, today, verbose)
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


def main() -> None:
    app()
