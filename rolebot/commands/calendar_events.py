"""`rolebot calendar next|bulk|delete ROLE`: keep the role's calendar series by hand."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from rolebot.output import app_context, handle_errors
from rolebot.params import AsJson, DryRun, RoleArg, Yes, date_option, name_option

if TYPE_CHECKING:
    from rolebot.config import RoleConfig
    from rolebot.models import WriteReport

calendar_app = typer.Typer(
    help="Keep a role's calendar series by hand.\n\nAdd the next event, add many, delete a range, or replan.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

MAX_BULK = 520
"""The most handoffs one `bulk` adds."""


@calendar_app.command("next")
@handle_errors
def calendar_next(ctx: typer.Context, role: RoleArg, dry_run: DryRun = False, as_json: AsJson = False) -> None:
    """Add the event after the last one in the series.

    Nothing is added when the series already reaches the horizon.

    Examples:
        rolebot calendar next support-triager --dry-run
        rolebot calendar next support-triager
    """
    from rolebot import payloads
    from rolebot.apply import create_events, event_labels, summarise_writes
    from rolebot.output import emit_json
    from rolebot.reads import current_handoff, read_services, role_and_state, through
    from rolebot.render import series_table
    from rolebot.series import horizon_range, plan_next

    app = app_context(ctx)
    config_role, team = role_and_state(app, role, missing_ok=True)
    handoff = current_handoff(app, config_role)
    first, last = horizon_range(config_role, handoff)
    reads = read_services(app, config_role, members=True, events=(first, through(last)))
    plan = plan_next(reads.inputs(config_role, team.role(config_role), handoff))
    app.show(series_table(plan), as_json=as_json)
    report: WriteReport | None = None
    if not dry_run and plan.to_create:
        report = create_events(app, plan.to_create)
        app.say(f"✓ calendar: {summarise_writes(report, 'created', event_labels(plan.to_create))}", style="green")
    if as_json:
        emit_json(payloads.series(plan, dry_run, report))


@calendar_app.command("bulk")
@handle_errors
def calendar_bulk(
    ctx: typer.Context,
    role: RoleArg,
    count: Annotated[
        int | None,
        typer.Option(
            "-n",
            "--count",
            metavar="N",
            min=1,
            max=MAX_BULK,
            help="How many handoffs (default: the horizon).",
        ),
    ] = None,
    start: Annotated[
        str | None, date_option("--start", "First date, YYYY-MM-DD (moved forward to a handoff day).")
    ] = None,
    member: Annotated[
        str | None, name_option("--member", "Who serves first (display name, first name or Slack ID).")
    ] = None,
    dry_run: DryRun = False,
    yes: Yes = False,
    as_json: AsJson = False,
) -> None:
    """Create N consecutive events, after a preview.

    From --start (moved forward to a handoff day) with --member serving first, or after the
    series' last event, filling the gaps an earlier run left first. Dates that already have their
    event are skipped, never duplicated. Asks before writing (--yes skips the question).

    Examples:
        rolebot calendar bulk support-triager -n 3 --start 2028-01-01 --member Dana --dry-run
        rolebot calendar bulk support-triager --yes
    """
    from rolebot import payloads
    from rolebot.apply import create_events, event_labels, summarise_writes
    from rolebot.dates import handoff_on_or_after, parse_date, shift
    from rolebot.output import confirm, emit_json
    from rolebot.reads import current_handoff, find_member, read_services, role_and_state, through
    from rolebot.render import series_table
    from rolebot.series import horizon_range, plan_bulk

    app = app_context(ctx)
    config_role, team = role_and_state(app, role, missing_ok=True)
    handoff = current_handoff(app, config_role)
    first = parse_date(start, "--start") if start else None
    count = count or config_role.horizon
    horizon_start, horizon_end = horizon_range(config_role, handoff)
    window = min(d for d in (first, horizon_start) if d is not None)
    # The dates bulk writes: from --start, or after the series' last event (within the horizon
    # as a rule: read past it below if the series goes on further).
    reach = shift(handoff_on_or_after(first, config_role) if first else horizon_end, config_role, count)
    end = through(reach)
    reads = read_services(app, config_role, members=True, events=(window, end))
    state = team.role(config_role)
    inputs = reads.inputs(config_role, state, handoff)
    chosen = find_member(inputs.order, member, config_role, "--member") if member else None
    plan = plan_bulk(inputs, count, start=first, member=chosen)
    # Read on while the plan or the series reaches the end of what was read (the series may go
    # on, with gaps to fill): doubling the window, a few reads at most.
    while (plan.items and plan.items[-1].day >= end) or _reaches(inputs.calendar.last_start(), config_role, end):
        further = max(through(plan.items[-1].day) if plan.items else end, end + (end - window))
        reads = reads.with_events(app.services.calendar().list_events(end, further))
        end = further
        inputs = reads.inputs(config_role, state, handoff)
        plan = plan_bulk(inputs, count, start=first, member=chosen)
    app.show(series_table(plan), as_json=as_json)
    events = plan.to_create
    report: WriteReport | None = None
    if not events:
        app.say("nothing to create: every date already has its event")
    elif not dry_run:
        if not confirm(app, f"Create {len(events)} events?", yes):
            app.say("nothing created")
            raise typer.Exit(1)
        report = create_events(app, events)
        app.say(f"✓ calendar: {summarise_writes(report, 'created', event_labels(events))}", style="green")
    if as_json:
        emit_json(payloads.series(plan, dry_run, report))


def _reaches(last_start: date | None, role: RoleConfig, end: date) -> bool:
    """Whether a series whose last event read starts on `last_start` may go on past `end`."""
    from rolebot.dates import shift

    return last_start is not None and shift(last_start, role, 1) >= end


@calendar_app.command("delete")
@handle_errors
def calendar_delete(
    ctx: typer.Context,
    role: RoleArg,
    from_: Annotated[str | None, date_option("--from", "First start date, YYYY-MM-DD (default: today).")] = None,
    to: Annotated[
        str | None,
        date_option("--to", "Last start date, YYYY-MM-DD (default: as far as rolebot plans, horizon + 520)."),
    ] = None,
    dry_run: DryRun = False,
    yes: Yes = False,
    as_json: AsJson = False,
) -> None:
    """Delete the role's events in a date range, after a preview.

    Only this role's events are touched: other roles, meetings and out-of-office events never
    are. Asks before deleting (--yes skips the question).

    Examples:
        rolebot calendar delete support-triager --from 2027-11-01 --dry-run
        rolebot calendar delete support-triager --from 2027-11-01 --to 2027-12-31 --yes
    """
    from rolebot import payloads
    from rolebot.apply import delete_events, event_labels, summarise_writes
    from rolebot.dates import parse_date, shift
    from rolebot.events import CalendarView
    from rolebot.output import confirm, emit_json
    from rolebot.reads import through
    from rolebot.render import delete_table
    from rolebot.series import check_range, plan_delete

    app = app_context(ctx)
    config_role = app.config.role(role.strip())
    first = parse_date(from_, "--from") if from_ else app.today()
    last = parse_date(to, "--to") if to else None
    check_range(first, last)  # before any read: a typo costs nothing
    # Without --to: as far as a series can reach (the horizon, and one bulk -n 520 past it).
    end = through(last if last is not None else shift(first, config_role, config_role.horizon + MAX_BULK))
    store = app.services.calendar()
    app.services.banner("calendar")
    listed = store.list_events(first, end) if end > first else []
    plan = plan_delete(config_role, CalendarView(config_role, listed, ()), first, last)
    app.show(delete_table(plan), as_json=as_json)
    report: WriteReport | None = None
    if not plan.events:
        app.say("nothing to delete")
    elif not dry_run:
        if not confirm(app, f"Delete {len(plan.events)} events?", yes):
            app.say("nothing deleted")
            raise typer.Exit(1)
        report = delete_events(app, plan.events)
        app.say(f"✓ calendar: {summarise_writes(report, 'deleted', event_labels(plan.events))}", style="green")
    if as_json:
        emit_json(payloads.deletion(plan, dry_run, report))
