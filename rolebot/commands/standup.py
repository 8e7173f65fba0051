"""`rolebot standup ROLE`: create or update the role's Geekbot standup from the state."""

from __future__ import annotations

from typing import Annotated

import typer

from rolebot.output import app_context, handle_errors
from rolebot.params import AsJson, RoleArg


@handle_errors
def standup_command(
    ctx: typer.Context,
    role: RoleArg,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be sent; send nothing.")] = False,
    as_json: AsJson = False,
) -> None:
    """Create or update the role's Geekbot standup from the state.

    Participants are the incoming member and the standup manager; the question comes from the
    role's template. An existing standup keeps its schedule; one that already says everything is
    left alone. A role without Geekbot has no standup (exit 2).

    Examples:
        rolebot standup support-triager --dry-run
        rolebot standup support-triager
    """
    from rolebot import payloads
    from rolebot.apply import apply_standup
    from rolebot.output import emit_json, show_unsent
    from rolebot.reads import current_handoff, read_services, role_and_state
    from rolebot.render_messages import standup_preview
    from rolebot.standups import needs_member_names, no_standup, plan_standup_change

    app = app_context(ctx)
    config_role, team = role_and_state(app, role)
    if config_role.geekbot is None:
        raise no_standup(config_role)
    names = needs_member_names(config_role, team)
    reads = read_services(app, config_role, members=names, standup=True, standup_id=team.standup_id(config_role))
    order = reads.order() if names else ()
    change = plan_standup_change(config_role, team, order, reads.standup_search(), current_handoff(app, config_role))
    done: str | None = None
    if dry_run:
        app.show(standup_preview(change), as_json=as_json)
    else:
        done = apply_standup(app, change)
        show_unsent(app, to_stderr=as_json)
        app.say(f"✓ standup: {done}", style="green")
    if as_json:
        emit_json({"role": config_role.key, "dry_run": dry_run, "standup": payloads.standup(change), "result": done})
