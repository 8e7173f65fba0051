"""`rolebot calendar replan ROLE`: re-derive the role's planned events now (as `rotate` does)."""

from __future__ import annotations

import typer

from rolebot.output import app_context, handle_errors
from rolebot.params import AsJson, DryRun, RoleArg, Yes


@handle_errors
def calendar_replan(
    ctx: typer.Context, role: RoleArg, dry_run: DryRun = False, yes: Yes = False, as_json: AsJson = False
) -> None:
    """Move planned turns now (leavers, joiners, absences); fill gaps.

    Re-derives the planned events beyond the freeze window, as `rotate` does every week, and lists
    each turn it moves: date, who before and after, and why; whoever's dates move is told (roles
    with `slack.dm`). Asks before writing (--yes skips the question). --json prints the plan and
    what was done.

    Examples:
        rolebot calendar replan support-triager --dry-run
        rolebot calendar replan support-triager --yes
        rolebot calendar replan support-triager --dry-run --json
    """
    from functools import partial

    from rolebot import payloads
    from rolebot.apply import apply_replan
    from rolebot.jobs.moved import write_and_tell
    from rolebot.jobs.shift import follow, read_role, replan_role
    from rolebot.output import check_steps, confirm, emit_json, preview_moved, show_steps, show_unsent
    from rolebot.reads import role_and_state
    from rolebot.render import replan_table

    app = app_context(ctx)
    config_role, team = role_and_state(app, role)
    reads = read_role(app, config_role, team)
    plan = replan_role(app, config_role, team, reads, team.away)
    app.show(replan_table(plan), as_json=as_json)
    if dry_run or not plan.changed:
        if dry_run:
            preview_moved(app, plan, to_stderr=as_json)
            app.say("dry run: nothing was changed")
        if as_json:
            emit_json(payloads.replan_run(plan, dry_run, (), ()))
        return
    count = len(plan.creates) + len(plan.updates)
    if not confirm(app, f"Write {count} event(s)?", yes):
        app.say("nothing written")
        raise typer.Exit(1)
    steps = write_and_tell(app, plan, partial(apply_replan, app, plan))
    show_steps(app, steps, to_stderr=as_json)
    moved = [t.day for t in plan.moves]
    events = reads.events.result() if reads.events is not None else []
    done = follow(app, config_role, team, reads.order(), plan.applied_to(events), moved) if steps[0].ok else []
    show_unsent(app, to_stderr=as_json)  # with --json, stdout is the JSON
    for line in done:
        app.say(f"✓ {line}", style="green")
    if as_json:
        emit_json(payloads.replan_run(plan, dry_run, steps, done))
    check_steps(steps)
