"""`rolebot calendar replan ROLE`: re-derive the role's planned events now (as `rotate` does)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from rolebot.output import app_context, handle_errors

if TYPE_CHECKING:
    from rolebot.models import Member
    from rolebot.replan import ReplanPlan


@handle_errors
def calendar_replan(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(help="Role, e.g. support-triager.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan; change nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON instead of a table.")] = False,
) -> None:
    """Preview, then move planned turns (leavers, joiners, absences) and fill the horizon."""
    import json

    from rolebot.apply import apply_replan
    from rolebot.jobs.shift import follow, read_role, replan_role
    from rolebot.output import confirm, show_unsent
    from rolebot.reads import role_and_state
    from rolebot.render import replan_table, unsent

    app = app_context(ctx)
    config_role, team = role_and_state(app, role)
    reads = read_role(app, config_role, team)
    plan = replan_role(app, config_role, team, reads, team.away)
    if as_json:
        typer.echo(json.dumps(replan_json(plan), indent=2, ensure_ascii=False))
    else:
        app.out.print(replan_table(plan))
    if dry_run or not plan.changed:
        if dry_run:
            app.say("dry run: nothing was changed")
        return
    count = len(plan.creates) + len(plan.updates)
    if not confirm(app, f"Write {count} event(s)?", yes):
        app.say("nothing written")
        raise typer.Exit(1)
    app.say(f"✓ calendar: {apply_replan(app, plan)}", style="green")
    moved = [t.day for t in plan.moves]
    events = reads.events.result() if reads.events is not None else []
    done = follow(app, config_role, team, reads.order(), plan.applied_to(events), moved)
    if as_json:  # stdout is the JSON: what the local backend holds back goes to stderr
        for item in app.services.outbox.take():
            app.err.print(unsent(item))
    show_unsent(app)
    for line in done:
        app.say(f"✓ {line}", style="green")


def _person(member: Member | None) -> dict[str, str] | None:
    return None if member is None else {"id": member.id, "name": member.name}


def replan_json(plan: ReplanPlan) -> dict[str, Any]:
    """The plan for scripts: every turn created or rewritten, the warnings, and who gains or drops
    which dates."""
    changes = [
        {
            "handoff": turn.day.isoformat(),
            "action": turn.action,
            "before": _person(turn.before),
            "after": _person(turn.server),
            "owner": _person(turn.owner),
            "reason": turn.reason,
            "trade": turn.trade.isoformat() if turn.trade else None,
            "substitute": turn.substitute,
        }
        for turn in plan.turns
        if turn.action != "keep"
    ]
    return {
        "role": plan.role.key,
        "handoff": plan.handoff.isoformat(),
        "freeze_until": plan.freeze_end.isoformat(),
        "changes": changes,
        "warnings": plan.warnings(),
        "dates": [
            {
                "member": _person(item.member),
                "gained": [d.isoformat() for d in item.gained],
                "dropped": [d.isoformat() for d in item.dropped],
            }
            for item in plan.dates_by_member()
        ],
    }
