"""`rolebot standup ROLE`: create or update the role's Geekbot standup from the state."""

from __future__ import annotations

from typing import Annotated

import typer

from rolebot.output import app_context, handle_errors


@handle_errors
def standup_command(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(help="Role, e.g. support-triager.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be sent; send nothing.")] = False,
) -> None:
    """Create or update the role's Geekbot standup from the state."""
    from rolebot.apply import apply_standup
    from rolebot.output import show_unsent
    from rolebot.reads import current_handoff, read_services, role_and_state
    from rolebot.render import standup_preview
    from rolebot.standups import needs_member_names, no_standup, plan_standup_change

    app = app_context(ctx)
    config_role, team = role_and_state(app, role)
    if config_role.geekbot is None:
        raise no_standup(config_role)
    names = needs_member_names(config_role, team)
    reads = read_services(app, config_role, members=names, standup=True, standup_id=team.standup_id(config_role))
    order = reads.order() if names else ()
    change = plan_standup_change(config_role, team, order, reads.standup_search(), current_handoff(app, config_role))
    if dry_run:
        app.out.print(standup_preview(change))
        return
    done = apply_standup(app, change)
    show_unsent(app)
    app.say(f"✓ standup: {done}", style="green")
