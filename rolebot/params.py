"""The command-line parameters commands share: one metavar, one help text and one completion
each, so `ROLE` reads and completes the same in every command.

Imported when the CLI starts: nothing here imports more than Typer until a completion asks.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer


def complete_role(ctx: typer.Context, incomplete: str) -> list[str]:
    """The roles of the config (as `--config` on the command line, or the environment, finds it)
    that start with what was typed; none when the config cannot be read."""
    from rolebot.config import load_config
    from rolebot.errors import RolebotError
    from rolebot.settings import GlobalOptions, load_settings

    given = ctx.find_root().params.get("config")
    try:
        settings = load_settings(GlobalOptions(config=given))
        roles = load_config(settings.config_path, settings.cwd).roles
    except RolebotError:
        return []
    return [key for key in sorted(roles) if key.startswith(incomplete)]


RoleArg = Annotated[
    str,
    typer.Argument(metavar="ROLE", help="The role, e.g. support-triager.", autocompletion=complete_role),
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show the plan; change nothing.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of tables (README: JSON output).")]
Name = Annotated[str, typer.Argument(metavar="NAME", help="Display name, first name or Slack ID.")]


def date_option(flag: str, help: str) -> Any:
    """The option `flag DATE`: a day written YYYY-MM-DD, which the command reads with
    `rolebot.dates.parse_date` (so a bad one is a usage error naming the option)."""
    return typer.Option(flag, metavar="DATE", help=help)


def name_option(flag: str, help: str) -> Any:
    """The option `flag NAME`: a member of the role's group, by display name, first name or Slack ID."""
    return typer.Option(flag, metavar="NAME", help=help)
