"""`rolebot standup ROLE`: create or update the role's Geekbot standup from the state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from rolebot.output import app_context, handle_errors

if TYPE_CHECKING:
    from rolebot.config import RoleConfig
    from rolebot.context import AppContext
    from rolebot.models import ExistingStandup, Member
    from rolebot.standups import StandupChange
    from rolebot.state import TeamState


def needs_member_names(role: RoleConfig, team: TeamState) -> bool:
    """Whether someone the standup needs has no Slack ID yet (a legacy state)."""
    people = (*team.role(role).slots, team.standup_manager)
    return any(p is not None and not p.id for p in people)


def plan_standup_change(
    role: RoleConfig,
    team: TeamState,
    order: Sequence[Member],
    existing: ExistingStandup | None,
    fallback_handoff: date,
) -> StandupChange:
    from rolebot.rotation import resolve_person
    from rolebot.standups import plan_standup, standup_spec

    held = team.role(role)
    serving = [resolve_person(p, order, role, slot) for slot, p in zip(role.slots, held.slots, strict=True) if p]
    manager = team.standup_manager
    resolved_manager = resolve_person(manager, order, role, "standup manager") if manager else None
    spec = standup_spec(role, serving, resolved_manager, held.last_rotated or fallback_handoff)
    return plan_standup(spec, existing)


def apply_standup(app: AppContext, change: StandupChange) -> str:
    """Make the notifier match the plan; return what happened, for people."""
    spec = change.spec
    services = app.services
    notifier = services.notifier()
    live = services.is_live("notifier")
    if change.existing is None:
        notifier.create_standup(spec)
        if not live:
            return f"{spec.name} shown above (local backend: nothing sent)"
        return f"created {spec.name}; it runs weekly on {', '.join(spec.days)} at {spec.time} ({spec.timezone})"
    if change.action == "unchanged":
        return f"{spec.name} already up to date: nothing sent"
    notifier.update_standup(change.existing, spec)
    return f"updated the {' and '.join(change.changed)} of {spec.name}, keeping its schedule"


def render_standup_preview(app: AppContext, change: StandupChange) -> None:
    from rolebot.render import standup_preview

    app.out.print(standup_preview(change))


@handle_errors
def standup_command(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(help="Role, e.g. support-triager.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be sent; send nothing.")] = False,
) -> None:
    """Create or update the role's Geekbot standup from the state."""
    from rolebot.commands.common import current_handoff, read_services, role_and_state

    app = app_context(ctx)
    config_role, team = role_and_state(app, role)
    names = needs_member_names(config_role, team)
    reads = read_services(app, config_role, members=names, standup=True)
    order = reads.order() if names else ()
    change = plan_standup_change(config_role, team, order, reads.existing_standup(), current_handoff(app, config_role))
    if dry_run:
        render_standup_preview(app, change)
        return
    from rolebot.output import show_unsent

    done = apply_standup(app, change)
    show_unsent(app)
    app.say(f"✓ standup: {done}", style="green")
