"""`rolebot schedule ROLE`: a read-only preview of the next handoffs, before anyone swaps."""

from __future__ import annotations

from typing import Annotated

import typer

from rolebot.output import app_context, handle_errors
from rolebot.params import AsJson, RoleArg


@handle_errors
def schedule_command(
    ctx: typer.Context,
    role: RoleArg,
    count: Annotated[
        int, typer.Option("-n", "--count", metavar="N", min=1, max=520, help="How many handoffs to show.")
    ] = 8,
    as_json: AsJson = False,
) -> None:
    """Preview the next N handoffs: who comes in, who stays on.

    Read-only: the calendar (swaps, covers, edited events) where it has events, round robin where
    it has none. Each row says why: pinned turns, away trades and substitutes are marked, and a
    warning says when someone serves twice in a cycle while another is skipped.

    Examples:
        rolebot schedule support-triager
        rolebot schedule support-triager -n 12 --json
    """
    from rolebot import dates
    from rolebot.marks import Mark, double_turns, schedule_marks
    from rolebot.output import emit_json
    from rolebot.reads import current_handoff, read_services, role_and_state, through
    from rolebot.render import schedule_table
    from rolebot.rotation import moved_notes
    from rolebot.series import plan_schedule

    app = app_context(ctx)
    config_role, team = role_and_state(app, role)
    handoff = current_handoff(app, config_role)
    first, last = dates.shift(handoff, config_role, -config_role.tenure), dates.shift(handoff, config_role, count - 1)
    reads = read_services(app, config_role, members=True, events=(first, through(last)))
    inputs = reads.inputs(config_role, team.role(config_role), handoff)
    rows = plan_schedule(inputs, count)
    notes = moved_notes(inputs)
    marks = schedule_marks(config_role, inputs.calendar, rows, team.away)
    # A row the state or the round robin decided is not the calendar event's: it has no event marks.
    marks = [m if row.source == "calendar" else Mark(None, m.absence) for row, m in zip(rows, marks, strict=True)]
    doubles = double_turns(config_role, rows, marks, len(inputs.order))
    title = (
        f"{config_role.title}: the next {len(rows)} handoffs"
        if len(rows) > 1
        else f"{config_role.title}: the next handoff"
    )
    app.show(schedule_table(title, rows, config_role.tenure == 2, notes, marks, doubles), as_json=as_json)
    if as_json:
        payload = [
            {
                "handoff": row.day.isoformat(),
                "incoming": {"id": row.incoming.id, "name": row.incoming.name} if row.incoming else None,
                "buddy": {"id": row.buddy.id, "name": row.buddy.name} if row.buddy else None,
                "source": row.source,
                "problem": row.problem,
                "pin": mark.turn.pin if mark.turn else None,
                "owner": {"id": mark.turn.owner.id, "name": mark.turn.owner.name} if mark.turn else None,
                "trade": mark.turn.trade.isoformat() if mark.turn and mark.turn.trade else None,
                "substitute": bool(mark.turn and mark.turn.away is not None and mark.turn.trade is None),
                "away": None
                if mark.absence is None
                else {"from": mark.absence.first.isoformat(), "to": mark.absence.last.isoformat()},
            }
            for row, mark in zip(rows, marks, strict=True)
        ]
        emit_json(payload)
