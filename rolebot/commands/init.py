"""`rolebot init ROLE`: write who serves now, from display names resolved through the user group."""

from __future__ import annotations

from typing import Annotated

import typer

from rolebot.output import app_context, handle_errors
from rolebot.params import AsJson, DryRun, RoleArg, name_option


@handle_errors
def init_command(
    ctx: typer.Context,
    role: RoleArg,
    current: Annotated[str, name_option("--current", "Who serves now (display name, first name or Slack ID).")],
    standup_manager: Annotated[
        str | None,
        name_option(
            "--standup-manager",
            "Owner of the Geekbot API key; added to every standup (a role without Geekbot needs none).",
        ),
    ] = None,
    incoming: Annotated[
        str | None, name_option("--incoming", "Who joined most recently (two-person roles; default: after --current).")
    ] = None,
    dry_run: DryRun = False,
    as_json: AsJson = False,
) -> None:
    """Write who serves a role now, from display names.

    The names (a first name or a Slack ID also works) are resolved through the role's user group,
    as of the latest handoff. An unknown or ambiguous name is an error that lists the candidates.

    Examples:
        rolebot init support-triager --current Emeka --standup-manager Chen --dry-run
        rolebot init support-triager --current "Chen Wei" --incoming "Dana Kowalski" --standup-manager Chen
    """
    from rolebot import dates, payloads
    from rolebot.errors import UsageError
    from rolebot.models import Member
    from rolebot.output import emit_json
    from rolebot.reads import find_member
    from rolebot.render import state_table
    from rolebot.rotation import rotation_order, successor
    from rolebot.settings import shown
    from rolebot.state import Person, RoleState, peek, write_init
    from rolebot.view import view

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
    where = shown(path, app.settings.cwd)
    notes = (
        [] if seen.problem is None else [f"{seen.problem}; init replaces these entries and keeps the rest of {where}"]
    )
    app.show(
        view(state_table(f"{config_role.title} as of the handoff on {dates.human(since)}", rows), notes=notes),
        as_json=as_json,
    )
    written: bool | None = None
    if dry_run:
        app.say("dry run: nothing written")
    else:
        written = write_init(path, app.config, config_role, updated, Person.of(manager) if manager else None)
        app.say(f"✓ state: {'written to ' + where if written else 'already says this; unchanged'}", style="green")
    if as_json:
        entries = [
            {"entry": name, "before": payloads.person(before), "after": payloads.person(after)}
            for name, before, after in rows
        ]
        emit_json(
            {
                "role": config_role.key,
                "handoff": since.isoformat(),
                "dry_run": dry_run,
                "entries": entries,
                "notes": notes,
                "written": written,
            }
        )
