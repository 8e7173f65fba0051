"""`rolebot rotate ROLE`: the weekly job — state, standup, calendar.

Reads (members, calendar events, the standup) run at the same time; then the state is
rotated for the coming handoff and written; then the standup and the calendar are
brought up to date at the same time. Each step reports on its own line. A step that
fails does not stop the others that can still run, and a re-run finishes what is
missing without repeating what is done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from rolebot.output import app_context, handle_errors

if TYPE_CHECKING:
    from rolebot.commands.common import Reads
    from rolebot.config import RoleConfig
    from rolebot.context import AppContext
    from rolebot.models import Member
    from rolebot.rotation import RotationPlan
    from rolebot.series import SeriesPlan
    from rolebot.standups import StandupChange
    from rolebot.state import TeamState


@dataclass
class Step:
    name: str
    ok: bool = True
    text: str = ""
    error: Exception | None = None

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.name}: {self.text}"


@dataclass
class RotateRun:
    """Everything one run planned and did, for the terminal and the step summary."""

    role: RoleConfig
    handoff: date
    team: TeamState
    reads: Reads
    rotation: RotationPlan | None = None
    steps: list[Step] = field(default_factory=list)

    def fail(self, name: str, error: Exception) -> Step:
        """Record a failed step; an error already reported by another step is not repeated."""
        earlier = next((s.name for s in self.steps if not s.ok and s.error is error), None)
        text = f"not done: same problem as the {earlier} step" if earlier else str(error)
        step = Step(name, False, text, error)
        self.steps.append(step)
        return step


def _order(run: RotateRun) -> tuple[Member, ...]:
    return run.reads.order()


def plan_state(app: AppContext, run: RotateRun, force: bool) -> TeamState:
    """Plan the rotation and return the team state as it should be afterwards."""
    from rolebot.errors import RotationError
    from rolebot.rotation import RotationPlan, already_rotated, plan_rotation, resolve_person
    from rolebot.state import Person

    held = run.team.role(run.role)
    if already_rotated(held, run.handoff, force=force):
        run.rotation = RotationPlan.unchanged(run.role, run.handoff, held)
        return run.team
    inputs = run.reads.inputs(run.role, held, run.handoff)
    order = inputs.order
    run.rotation = plan_rotation(inputs, force=force)
    team = run.team.with_role(run.role, run.rotation.new_state())
    manager = team.standup_manager
    if manager is not None and not manager.id:
        try:
            resolved = resolve_person(manager, order, run.role, "standup manager")
        except RotationError:
            return team  # the standup step reports it; the rotation itself stands
        team = team.with_manager(Person(name=resolved.name, id=resolved.id))
    return team


def plan_calendar(run: RotateRun, team: TeamState) -> SeriesPlan:
    from rolebot.series import plan_fill

    return plan_fill(run.reads.inputs(run.role, team.role(run.role), run.handoff))


def plan_standup_for(app: AppContext, run: RotateRun, team: TeamState) -> StandupChange:
    from rolebot.commands.standup import needs_member_names, plan_standup_change

    order = _order(run) if needs_member_names(run.role, team) else ()
    return plan_standup_change(run.role, team, order, run.reads.existing_standup(), run.handoff)


def _state_text(plan: RotationPlan, written: bool, path: str) -> str:
    from rolebot.dates import human

    if not plan.rotate:
        return plan.notes[0]
    who = f"{plan.after[0].name} comes in"
    if len(plan.after) > 1:
        who += f", {plan.after[1].name} stays on"
    where = f"written to {path}" if written else "state unchanged"
    return f"rotated for {human(plan.handoff)}: {who} ({where})"


def _calendar_text(app: AppContext, plan: SeriesPlan) -> str:
    from rolebot.commands.calendar_events import create_events, event_labels, summarise_writes

    last = plan.items[-1].day if plan.items else None
    reach = f"; the series reaches {last}" if last else ""
    if not plan.to_create:
        return f"nothing to create{reach}"
    report = create_events(app, plan.to_create, bar=len(plan.to_create) > 3)
    return summarise_writes(report, "created", event_labels(plan.to_create)) + reach


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
    """The weekly job: rotate the state for the coming handoff, update the standup, fill the calendar."""
    from rolebot import dates
    from rolebot.commands.common import current_handoff, read_services, role_and_state
    from rolebot.commands.standup import apply_standup, render_standup_preview
    from rolebot.concurrency import gather
    from rolebot.errors import RolebotError, StepsFailed
    from rolebot.output import show_unsent
    from rolebot.render import rotation_table, series_table
    from rolebot.settings import shown
    from rolebot.state import save_state

    app = app_context(ctx)
    config_role, team = role_and_state(app, role)
    handoff = current_handoff(app, config_role)
    window = dates.shift(handoff, config_role, -config_role.tenure)
    reads = read_services(app, config_role, members=True, events_from=window, standup=not no_standup)
    run = RotateRun(config_role, handoff, team, reads)

    new_team = team
    if no_state:
        run.steps.append(Step("state", True, "left as it is (--no-state)"))
    else:
        try:
            new_team = plan_state(app, run, force)
        except RolebotError as error:
            run.fail("state", error)
    if run.rotation is not None:
        app.out.print(rotation_table(run.rotation))

    standup_change = calendar_plan = None
    if not no_standup:
        try:
            standup_change = plan_standup_for(app, run, new_team)
        except RolebotError as error:
            run.fail("standup", error)
    if not no_calendar:
        try:
            calendar_plan = plan_calendar(run, new_team)
        except RolebotError as error:
            run.fail("calendar", error)

    if dry_run:
        if standup_change is not None:
            render_standup_preview(app, standup_change)
        if calendar_plan is not None:
            app.out.print(series_table(calendar_plan, only_changes=True))
        app.say("dry run: nothing was changed")
    else:
        state_error: Exception | None = None
        if run.rotation is not None:
            try:
                written = save_state(app.settings.state_path, new_team, app.config, team)
            except RolebotError as error:
                state_error = run.fail("state", error).error
            else:
                path = shown(app.settings.state_path, app.settings.cwd)
                run.steps.append(Step("state", True, _state_text(run.rotation, written, path)))
        if state_error is not None:  # the standup and calendar would describe a rotation that is not recorded
            for name, planned in (("standup", standup_change), ("calendar", calendar_plan)):
                if planned is not None:
                    run.fail(name, state_error)
            standup_change = calendar_plan = None
        writes: dict[str, Callable[[], str]] = {}
        if standup_change is not None:
            change = standup_change
            writes["standup"] = lambda: apply_standup(app, change)
        if calendar_plan is not None:
            plan = calendar_plan
            writes["calendar"] = lambda: _calendar_text(app, plan)
        results = gather(writes)
        for name, outcome in results.items():
            if isinstance(outcome.error, RolebotError):
                run.fail(name, outcome.error)
            elif outcome.error is not None:
                raise outcome.error
            else:
                run.steps.append(Step(name, True, str(outcome.value)))
    if no_standup:
        run.steps.append(Step("standup", True, "left alone (--no-standup)"))
    if no_calendar:
        run.steps.append(Step("calendar", True, "no events added (--no-calendar)"))

    show_unsent(app)
    order = {"state": 0, "standup": 1, "calendar": 2}
    run.steps.sort(key=lambda s: order.get(s.name, 9))
    for step in run.steps:
        app.say(step.line(), style="green" if step.ok else "red")
    write_step_summary(app, run, dry_run)
    failed = [s.name for s in run.steps if not s.ok]
    if failed:
        raise StepsFailed(
            f"{len(failed)} of {len(run.steps)} steps failed ({', '.join(failed)})",
            f"fix what the ✗ line says, then run `rolebot rotate {config_role.key}` again: "
            "finished steps are not repeated",
        )
