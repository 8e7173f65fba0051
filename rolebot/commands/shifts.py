"""`rolebot swap ROLE DATE_A DATE_B` and `rolebot cover ROLE DATE --by NAME`: people trade turns.

Both rewrite events in place and pin them (the replan never moves them); nobody's place in the
rotation moves. If a date is the handoff the state was last rotated for, the state and the
standup follow, as `rotate --force` would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from rolebot.output import app_context, handle_errors

if TYPE_CHECKING:
    from rolebot.context import AppContext
    from rolebot.reads import Reads
    from rolebot.shifts import ShiftPlan
    from rolebot.state import TeamState

RoleArg = Annotated[str, typer.Argument(help="Role, e.g. support-triager.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show the plan; change nothing.")]


@handle_errors
def swap_command(
    ctx: typer.Context,
    role: RoleArg,
    date_a: Annotated[str, typer.Argument(metavar="DATE_A", help="A handoff, YYYY-MM-DD.")],
    date_b: Annotated[str, typer.Argument(metavar="DATE_B", help="Another handoff, YYYY-MM-DD.")],
    dry_run: DryRun = False,
) -> None:
    """Two handoffs trade members; both events are pinned, nothing else moves."""
    from rolebot.dates import parse_date
    from rolebot.jobs.shift import read_role, rotated_for
    from rolebot.reads import current_handoff, role_and_state
    from rolebot.shifts import plan_swap

    app = app_context(ctx)
    config_role, team = role_and_state(app, role)
    day_a, day_b = parse_date(date_a, "DATE_A"), parse_date(date_b, "DATE_B")
    reads = read_role(app, config_role, team, also=(day_a, day_b))
    inputs = reads.inputs(config_role, team.role(config_role), current_handoff(app, config_role))
    plan = plan_swap(inputs, day_a, day_b, absences=team.away)
    _finish(app, team, reads, plan, dry_run, rotated_for(config_role, team))


@handle_errors
def cover_command(
    ctx: typer.Context,
    role: RoleArg,
    day: Annotated[str, typer.Argument(metavar="DATE", help="The handoff to cover, YYYY-MM-DD.")],
    by: Annotated[str, typer.Option("--by", help="Who serves instead (display name, first name or Slack ID).")],
    dry_run: DryRun = False,
) -> None:
    """NAME serves that handoff instead (pinned); the member covered keeps their place."""
    from rolebot.dates import parse_date
    from rolebot.jobs.shift import read_role, rotated_for
    from rolebot.reads import current_handoff, find_member, role_and_state
    from rolebot.shifts import plan_cover

    app = app_context(ctx)
    config_role, team = role_and_state(app, role)
    covered = parse_date(day, "DATE")
    reads = read_role(app, config_role, team, also=(covered,))
    inputs = reads.inputs(config_role, team.role(config_role), current_handoff(app, config_role))
    member = find_member(inputs.order, by, config_role, "--by")
    plan = plan_cover(inputs, covered, member, absences=team.away)
    _finish(app, team, reads, plan, dry_run, rotated_for(config_role, team))


def _finish(app: AppContext, team: TeamState, reads: Reads, plan: ShiftPlan, dry_run: bool, rotated: object) -> None:
    """Show the plan; unless a dry run, write it and let the state and the standup follow."""
    from rolebot.jobs.shift import events_after, follow, write_updates
    from rolebot.output import show_unsent
    from rolebot.render import shift_table

    app.out.print(shift_table(plan))
    if rotated in plan.days and plan.changed:
        app.say(f"note: {rotated} is the handoff the state was last rotated for: the state and the standup follow")
    if dry_run:
        app.say("dry run: nothing was changed")
        return
    if not plan.changed:
        return
    app.say(f"✓ calendar: {write_updates(app, plan.updates)}", style="green")
    done = follow(app, plan.role, team, reads.order(), events_after(reads, plan.updates), plan.days)
    show_unsent(app)
    for line in done:
        app.say(f"✓ {line}", style="green")
