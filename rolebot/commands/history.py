"""`rolebot history ROLE`: who served when, who serves ahead, and whether it is fair. Read-only."""

from __future__ import annotations

from typing import Annotated

import typer

from rolebot.output import app_context, handle_errors
from rolebot.params import AsJson, RoleArg, date_option


@handle_errors
def history_command(
    ctx: typer.Context,
    role: RoleArg,
    since: Annotated[
        str | None, date_option("--since", "Start of the history, YYYY-MM-DD (default: a year ago).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Who served when, and how fair the rota is.

    Per person: turns served since --since (default: a year ago) and ahead up to the horizon, the
    last turn served and the next, and swaps taken and given; then the spread of turns per member
    and who is furthest behind. Past turns come from the calendar (from the state where it has no
    event); turns ahead are the rota as rolebot plans it. Changes nothing.

    Examples:
        rolebot history support-triager
        rolebot history support-triager --since 2026-01-01 --json
    """
    from rolebot import absences, dates, payloads
    from rolebot.history import check_since, default_since, period, plan_history, read_from
    from rolebot.output import emit_json
    from rolebot.reads import current_handoff, read_services, role_and_state, through
    from rolebot.render_history import history_table

    app = app_context(ctx)
    today = app.today()
    start = default_since(today) if since is None else dates.parse_date(since, "--since")
    check_since(start, today)  # before any read: a typo costs nothing
    config_role, team = role_and_state(app, role, missing_ok=True)  # the calendar alone will do
    handoff = current_handoff(app, config_role)
    _, last = period(config_role, start, handoff)
    reads = read_services(
        app, config_role, members=True, events=(read_from(config_role, start, handoff), through(last))
    )
    away = [absences.Absence(a.member_id, a.name, a.first, a.last) for a in team.away]
    inputs = reads.inputs(config_role, team.role(config_role), handoff)
    plan = plan_history(inputs, today=today, since=start, absences=away)
    app.show(history_table(plan), as_json=as_json)
    if as_json:
        emit_json(payloads.history(plan))
