"""`rolebot rotate ROLE`: the weekly job — state, standup, calendar.

The job itself is `rolebot.jobs.rotate`; this command turns the options into `RotateOptions`
and renders: the rotation table (before anything is written) and, for a dry run, the previews;
what the local backend would have sent; one ✓/✗ line per step; the GitHub step summary. With
`--json`, stdout is one JSON document instead: every step's plan and result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from rolebot.output import app_context, handle_errors
from rolebot.params import AsJson, DryRun, RoleArg

if TYPE_CHECKING:
    from rolebot.context import AppContext
    from rolebot.jobs.rotate import RotateRun

PREVIEW_ROWS = 5
"""How many calendar writes `rotate --dry-run` lists (`--full`: all of them)."""


@handle_errors
def rotate_command(
    ctx: typer.Context,
    role: RoleArg,
    dry_run: DryRun = False,
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
    full: Annotated[
        bool,
        typer.Option("--full", help=f"With --dry-run, list every calendar write (default: the first {PREVIEW_ROWS})."),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """The weekly job: rotate, update the standup, fill the calendar.

    Rotates the state for the coming handoff, updates the Geekbot standup, and keeps the calendar
    filled to the horizon (replanning turns that must move). Roles that configure it also get
    their Slack on-call group set, the handoff announced in a channel, and a direct message to
    whoever starts (each once per handoff). Safe to re-run: nothing is done twice.

    Examples:
        rolebot rotate support-triager --dry-run
        rolebot rotate support-triager
        rolebot --backend live rotate support-triager --dry-run --full
        rolebot rotate support-triager --json
    """
    from rolebot import payloads
    from rolebot.errors import StepsFailed
    from rolebot.jobs.rotate import AFTER_STATE, CALENDAR, STANDUP, STATE, RotateOptions, run_rotate
    from rolebot.output import emit_json, say_steps, show_unsent

    app = app_context(ctx)
    off = {STATE.name: no_state, STANDUP.name: no_standup, CALENDAR.name: no_calendar}
    options = RotateOptions(role, dry_run, force, frozenset(name for name, is_off in off.items() if is_off))
    run = run_rotate(options, app, on_planned=lambda planned: show_plans(app, planned, dry_run, full, as_json))
    if dry_run:
        app.say("dry run: nothing was changed")
    show_unsent(app, to_stderr=as_json)
    say_steps(app, run.steps)
    write_step_summary(app, run, dry_run)
    if as_json:
        order = [STATE.name, *(step.name for step in AFTER_STATE if step.wanted(run.role))]
        emit_json(payloads.rotate(run.role.key, run.handoff, dry_run, order, run.plans, run.steps))
    if run.failed:
        raise StepsFailed(
            f"{len(run.failed)} of {len(run.steps)} steps failed ({', '.join(run.failed)})",
            f"fix what the ✗ line says, then run `rolebot rotate {run.role.key}` again: "
            "finished steps are not repeated",
        )


def show_plans(app: AppContext, run: RotateRun, dry_run: bool, full: bool, as_json: bool) -> None:
    """The rotation, and for a dry run what each step would do (for --json, only what is said)."""
    from rolebot.jobs.rotate import CALENDAR, STANDUP
    from rolebot.render import replan_table, rotation_table
    from rolebot.render_messages import standup_preview

    if run.rotation is not None:
        app.show(rotation_table(run.rotation), as_json=as_json)
    replan = run.plan(CALENDAR)
    if not dry_run:
        if replan is not None and (replan.moves or replan.warnings()):
            app.show(replan_table(replan, creates=False), as_json=as_json)
        return
    change = run.plan(STANDUP)
    if change is not None:
        app.show(standup_preview(change), as_json=as_json)
    if replan is not None:
        limit = None if full else PREVIEW_ROWS
        app.show(replan_table(replan, limit=limit), as_json=as_json)
        writes = len(replan.moves) + len(replan.creates)
        if limit is not None and writes > limit and not as_json:
            app.say(f"--full lists all {writes} calendar writes")
    show_slack_plans(app, run, as_json)


def show_slack_plans(app: AppContext, run: RotateRun, as_json: bool) -> None:
    """For a dry run: the on-call group's members, the announcement, the direct message, and the
    messages to whoever's dates the replan moves."""
    from rolebot.jobs.rotate import ANNOUNCE, DATES_MOVED, DM, ONCALL
    from rolebot.render_messages import group_preview, moved_preview, notice_preview

    group = run.plan(ONCALL)
    if group is not None:
        app.show(group_preview(group), as_json=as_json)
    for step in (ANNOUNCE, DM):
        notice = run.plan(step)
        if notice is not None:
            app.show(notice_preview(notice, app.services.is_live("messenger")), as_json=as_json)
    moved = run.plan(DATES_MOVED)
    if moved is not None:
        app.show(moved_preview(moved.notices(), app.services.is_live("messenger")), as_json=as_json)


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
        app.warn(f"could not write the step summary to {target}: {error.strerror}")
