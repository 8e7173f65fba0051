"""`rolebot init ROLE`: write who serves now, from display names resolved through the user group."""

from __future__ import annotations

from typing import Annotated

import typer

from rolebot.output import app_context, handle_errors


@handle_errors
def init_command(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(help="Role, e.g. support-triager.")],
    current: Annotated[str, typer.Option("--current", help="Who serves now (display name, first name or Slack ID).")],
    standup_manager: Annotated[
        str | None,
        typer.Option(
            "--standup-manager",
            help="Owner of the Geekbot API key; added to every standup (a role without Geekbot needs none).",
        ),
    ] = None,
    incoming: Annotated[
        str | None,
        typer.Option("--incoming", help="Who joined most recently (two-person roles; default: after --current)."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the new state; write nothing.")] = False,
) -> None:
    """Write the state for a role from display names, as of the latest handoff."""
    from rolebot import dates
    from rolebot.errors import UsageError
    from rolebot.models import Member
    from rolebot.reads import find_member
    from rolebot.render import state_table
    from rolebot.rotation import rotation_order, successor
    from rolebot.settings import shown
    from rolebot.state import Person, RoleState, peek, write_init

    app = app_context(ctx)
    config_role = app.config.role(role.strip())
    if config_role.tenure == 1 and incoming is not None:
        raise UsageError(f"--incoming: {config_role.title} has one person at a time", "give --current only")
    if standup_manager is None and config_role.geekbot is not None:
        raise UsageError(
            f"--standup-manager is needed: {config_role.title} has a Geekbot standup, and its manager (who owns "
            "the Geekbot API key) takes part in it",
            "give --standup-manager NAME",
        )
    path = app.settings.state_path
    seen = peek(path, app.config, config_role)  # any JSON will do: init replaces what it must
    source = app.services.members()
    app.services.banner("members")
    order = rotation_order(source.members(config_role.usergroup))
    now = find_member(order, current, config_role, "--current")
    manager = find_member(order, standup_manager, config_role, "--standup-manager") if standup_manager else None
    serving: tuple[Member, ...] = (now,)
    if config_role.tenure == 2:
        newest = find_member(order, incoming, config_role, "--incoming") if incoming else successor(order, now)
        serving = (newest, now)
    since = dates.handoff_on_or_before(app.today(), config_role)
    updated = RoleState(tuple(Person.of(m) for m in serving), since)

    rows = [(slot, seen.slots[i], serving[i]) for i, slot in enumerate(config_role.slots)]
    if manager is not None:
        rows.append(("standup manager", seen.manager, manager))
    app.out.print(state_table(f"{config_role.title} as of the handoff on {dates.human(since)}", rows))
    where = shown(path, app.settings.cwd)
    if seen.problem is not None:
        app.say(f"note: {seen.problem}; init replaces these entries and keeps the rest of {where}", style="yellow")
    if dry_run:
        app.say("dry run: nothing written")
        return
    written = write_init(path, app.config, config_role, updated, Person.of(manager) if manager else None)
    app.say(f"✓ state: {'written to ' + where if written else 'already says this; unchanged'}", style="green")
