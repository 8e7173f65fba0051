"""`rolebot swap ROLE DATE_A DATE_B` and `rolebot cover ROLE DATE --by NAME`: people trade turns.

Both rewrite events in place and pin them (the replan never moves them); nobody's place in the
rotation moves. If a date is the handoff the state was last rotated for, the state and the
standup follow, as `rotate --force` would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from rolebot.output import app_context, handle_errors
from rolebot.params import AsJson, DryRun, RoleArg

if TYPE_CHECKING:
    from rolebot.context import AppContext
    from rolebot.jobs.steps import StepResult
    from rolebot.reads import Reads
    from rolebot.shifts import ShiftPlan
    from rolebot.state import TeamState


@handle_errors
def swap_command(
    ctx: typer.Context,
    role: RoleArg,
    date_a: Annotated[str, typer.Argument(metavar="DATE_A", help="A handoff, YYYY-MM-DD.")],
    date_b: Annotated[str, typer.Argument(metavar="DATE_B", help="Another handoff, YYYY-MM-DD.")],
    dry_run: DryRun = False,
    as_json: AsJson = False,
) -> None:
    """Two handoffs trade whoever serves them.

    Both events are rewritten in place and pinned (a replan never moves them); nothing else
    moves, and nobody's place in the rotation changes. If a date is the handoff the state was last
    rotated for, the state and the standup follow.

    Examples:
        rolebot swap support-triager 2026-12-30 2027-01-13 --dry-run
        rolebot swap support-triager 2026-12-30 2027-01-13
    """
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
    _finish(app, team, reads, plan, dry_run, rotated_for(config_role, team), as_json)


@handle_errors
def cover_command(
    ctx: typer.Context,
    role: RoleArg,
    day: Annotated[str, typer.Argument(metavar="DATE", help="The handoff to cover, YYYY-MM-DD.")],
    by: Annotated[
        str, typer.Option("--by", metavar="NAME", help="Who serves instead (display name, first name or Slack ID).")
    ],
    dry_run: DryRun = False,
    as_json: AsJson = False,
) -> None:
    """Someone else serves a handoff (--by NAME).

    The event is rewritten in place and pinned; the member covered keeps their place in the
    rotation. If DATE is the handoff the state was last rotated for, the state and the standup
    follow.

    Examples:
        rolebot cover support-triager 2026-12-16 --by Ada --dry-run
        rolebot cover support-triager 2026-12-16 --by "Ada Okafor"
    """
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
    _finish(app, team, reads, plan, dry_run, rotated_for(config_role, team), as_json)


def _finish(
    app: AppContext, team: TeamState, reads: Reads, plan: ShiftPlan, dry_run: bool, rotated: object, as_json: bool
) -> None:
    """Show the plan; unless a dry run, write it, tell whoever's dates moved, and let the state and
    the standup follow."""
    from functools import partial

    from rolebot import payloads
    from rolebot.jobs.moved import write_and_tell
    from rolebot.jobs.shift import events_after, follow, write_updates
    from rolebot.output import check_steps, emit_json, preview_moved, show_steps, show_unsent
    from rolebot.render import shift_table

    app.show(shift_table(plan), as_json=as_json)
    if rotated in plan.days and plan.changed:
        app.say(f"note: {rotated} is the handoff the state was last rotated for: the state and the standup follow")
    steps: tuple[StepResult, ...] = ()
    done: list[str] = []
    if dry_run:
        if plan.changed:
            preview_moved(app, plan, to_stderr=as_json)
        app.say("dry run: nothing was changed")
    elif plan.changed:
        steps = write_and_tell(app, plan, partial(write_updates, app, plan.updates))
        show_steps(app, steps, to_stderr=as_json)
        if steps[0].ok:
            done = follow(app, plan.role, team, reads.order(), events_after(reads, plan.updates), plan.days)
        show_unsent(app, to_stderr=as_json)
        for line in done:
            app.say(f"✓ {line}", style="green")
    if as_json:
        emit_json(payloads.shift(plan, dry_run, steps, done))
    check_steps(steps)
