"""`rolebot config show|check`: the effective config and where each value came from; every problem
of the config file at once."""

from __future__ import annotations

from typing import Annotated

import typer

from rolebot.errors import ConfigError
from rolebot.output import app_context, handle_errors

config_app = typer.Typer(
    help="Show the effective config, or check the config file.", no_args_is_help=True, rich_markup_mode=None
)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of tables (README: JSON output).")]


@config_app.command("show")
@handle_errors
def config_show(
    ctx: typer.Context,
    as_json: AsJson = False,
) -> None:
    """Print the effective config, and where each value came from.

    Every setting: a value comes from the config file (rolebot.toml, [tool.rolebot] in
    pyproject.toml, or --config), under the key its setting names, or is rolebot's built-in
    default. --json prints {"config", "roles_from", "settings": [{"key", "value", "from"}]}.

    Examples:
        rolebot config show
        rolebot --config team.toml config show --json
    """
    from rolebot.config import build_config
    from rolebot.config_file import find_config
    from rolebot.config_report import config_report
    from rolebot.output import emit_json
    from rolebot.render_setup import config_table

    app = app_context(ctx)
    found = find_config(app.settings.config_path, app.settings.cwd)
    report = config_report(build_config(found.raw, found.source), found.raw)
    if as_json:
        emit_json(report.to_json())
    else:
        app.show(config_table(report))


@config_app.command("check")
@handle_errors
def config_check(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Check the config file, listing every problem at once.

    Unknown keys get a suggestion ("did you mean 'channel'?"). Without a config file, the
    built-in roles apply. Exit 1 if there is any problem. --json prints {"ok", "source",
    "roles", "problems": [{"where", "message", "hint"}]}.

    Examples:
        rolebot config check
        rolebot --config team.toml config check --json
    """
    from rolebot.config import SETTING_HINT, check_config
    from rolebot.config_file import NO_FILE, find_config
    from rolebot.output import emit_json

    app = app_context(ctx)
    try:
        found = find_config(app.settings.config_path, app.settings.cwd)
    except ConfigError as error:  # the file cannot be read as TOML: that is its one problem
        if as_json:
            emit_json({"ok": False, "source": None, "roles": [], "problems": [{"where": "", "message": str(error)}]})
        else:
            app.out.print(f"✗ {error}", style="red", soft_wrap=True)
        raise ConfigError("the config file cannot be read", "fix what the ✗ line says") from None
    config, problems = check_config(found.raw, found.source)
    if as_json:
        emit_json(
            {
                "ok": config is not None,
                "source": found.source,
                "roles": list(config.roles) if config is not None else [],
                "problems": [{"where": p.where, "message": p.message, "hint": p.hint} for p in problems],
            }
        )
    if config is None:
        for problem in problems if not as_json else ():
            hint = "" if problem.hint == SETTING_HINT else f" — {problem.hint}"
            app.out.print(f"✗ {problem}{hint}", style="red", soft_wrap=True)
        raise ConfigError(
            f"{found.source} has {len(problems)} problem{'s' if len(problems) != 1 else ''}",
            "fix each ✗ line, then run `rolebot config check` again",
        )
    roles = ", ".join(config.roles)
    if found.source == NO_FILE:
        said = f"no config file (rolebot.toml, or [tool.rolebot] in pyproject.toml): the built-in roles {roles}"
    elif not found.raw.get("roles"):
        said = f"{found.source} is valid; it defines no roles, so the built-in ones apply: {roles}"
    else:
        said = f"{found.source} is valid: {len(config.roles)} role{'s' if len(config.roles) != 1 else ''} ({roles})"
    if not as_json:
        app.out.print(f"✓ {said}", style="green", soft_wrap=True)
