"""`rolebot rotate ROLE`: the weekly job — state, standup, calendar.

The job itself is `rolebot.jobs.rotate`; this command turns the options into `RotateOptions`
and renders: the rotation table (before anything is written) and, for a dry run, the previews;
what the local backend would have sent; one ✓/✗ line per step; the GitHub step summary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from rolebot.output import app_context, handle_errors

if TYPE_CHECKING:
    from rolebot.context import AppContext
    from rolebot.jobs.rotate import RotateRun


@handle_errors
def rotate_command(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(help="Role, e.g. support-triager.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan; change nothing.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Redo the rotation for this handoff even if it was done.")
    ] = False,
    no_standup: Annotated[bool, typer.Option("--no-standup", help="Leave the Geekbot standup alone.")] = False,
    no_calendar: Annotated[
        bool, typer.Option("--no-calendar", help="Do not add calendar events (swaps are still read).")
    ] = False,
    no_state: Annotated[
        bool, typer.Option("--no-state", help="Keep the state as it is; only update standup and calendar.")
    ] = False,
) -> None:
    """The weekly job: rotate the state for the coming handoff, update the standup, fill the calendar.

    Roles that configure it also get their Slack on-call group set, the handoff announced in a
    channel, and a direct message to whoever starts (each once per handoff).
    """
    from rolebot.errors import StepsFailed
    from rolebot.jobs.rotate import CALENDAR, STANDUP, STATE, RotateOptions, run_rotate
    from rolebot.output import show_unsent

    app = app_context(ctx)
    off = {STATE.name: no_state, STANDUP.name: no_standup, CALENDAR.name: no_calendar}
    options = RotateOptions(role, dry_run, force, frozenset(name for name, is_off in off.items() if is_off))
    run = run_rotate(options, app, on_planned=lambda planned: show_plans(app, planned, dry_run))
    if dry_run:
        app.say("dry run: nothing was changed")
    show_unsent(app)
    for step in run.steps:
        app.say(step.line(), style="green" if step.ok else "red")
    write_step_summary(app, run, dry_run)
    if run.failed:
        raise StepsFailed(
            f"{len(run.failed)} of {len(run.steps)} steps failed ({', '.join(run.failed)})",
            f"fix what the ✗ line says, then run `rolebot rotate {run.role.key}` again: "
            "finished steps are not repeated",
        )


def show_plans(app: AppContext, run: RotateRun, dry_run: bool) -> None:
    """The rotation, and for a dry run what each step would do."""
    from rolebot.jobs.rotate import CALENDAR, STANDUP
    from rolebot.render import replan_table, rotation_table, standup_preview

    if run.rotation is not None:
        app.out.print(rotation_table(run.rotation))
    replan = run.plan(CALENDAR)
    if not dry_run:
        if replan is not None and (replan.moves or replan.warnings()):
            app.out.print(replan_table(replan, creates=False))
        return
    change = run.plan(STANDUP)
    if change is not None:
        app.out.print(standup_preview(change))
    if replan is not None:
        app.out.print(replan_table(replan))
    show_slack_plans(app, run)


def show_slack_plans(app: AppContext, run: RotateRun) -> None:
    """For a dry run: the on-call group's members, the announcement and the direct message."""
    from rolebot.jobs.rotate import ANNOUNCE, DM, ONCALL
    from rolebot.render import group_preview, notice_preview

    group = run.plan(ONCALL)
    if group is not None:
        app.out.print(group_preview(group))
    for step in (ANNOUNCE, DM):
        notice = run.plan(step)
        if notice is not None:
            app.out.print(notice_preview(notice, app.services.is_live("messenger")))


def write_step_summary(app: AppContext, run: RotateRun, dry_run: bool) -> None:
    """Append a short Markdown summary for GitHub Actions, if it asked for one."""
    from rolebot.redaction import redact

    target = app.settings.step_summary
    if target is None:
        return
    title = f"### rolebot rotate {run.role.key}: handoff {run.handoff}" + (" (dry run)" if dry_run else "")
    lines = [title, "", "| step | result |", "| --- | --- |"]
    for step in run.steps:
        mark = "✅" if step.ok else "❌"
        lines.append(f"| {mark} {step.name} | {step.text.replace('|', '/')} |")
    try:
        with target.open("a", encoding="utf-8") as handle:
            handle.write(redact("\n".join(lines)) + "\n\n")
    except OSError as error:
        app.say(f"could not write the step summary to {target}: {error.strerror}", style="yellow")
