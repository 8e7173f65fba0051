"""The rotate job: what `rolebot rotate ROLE` does, apart from its command line.

The reads run at the same time (members ∥ calendar events ∥ the standup). Then every step is
planned: the state first (the rotation for the coming handoff), then each step that follows
from the rotated state. A dry run stops there. Otherwise the state is written first, and that
write gates the rest: a standup or a calendar describing a rotation that is not recorded would
be wrong. Then the other steps are applied at the same time, but for one that acts on what
another wrote (`after`: the messages to whoever's dates the calendar moved), which follows it.
Each step reports on its own line; one that fails does not stop the others, and a re-run
finishes what is missing without repeating what is done.

A step is a planner (from `Planning`) and an applier (for its plan). Another step is one more
`Step` in `AFTER_STATE`: its plan is then in `RotateRun.plans`, and its line in `RotateRun.steps`.
A step may belong to some roles only (`wanted`: the Slack steps of `rolebot.jobs.slack_steps`,
for the roles that configure them), or be turned off by a role's config with a line saying so
(`unused`: the standup of a role without Geekbot). A step that waits for another (`after`) is
turned off with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from rolebot import dates
from rolebot.apply import apply_replan, apply_standup
from rolebot.errors import RolebotError, RotationError
from rolebot.events import CalendarView
from rolebot.jobs import slack_steps as slack
from rolebot.jobs.moved import DatesMoved, tell_moved
from rolebot.jobs.steps import StepLog, StepResult
from rolebot.notify import send_notice, set_group
from rolebot.reads import Reads, current_handoff, read_services, role_and_state, through
from rolebot.replan import ReplanPlan, plan_replan
from rolebot.rotation import PlanInputs, RotationPlan, Source, already_rotated, plan_rotation, resolve_person
from rolebot.series import horizon_range
from rolebot.settings import shown
from rolebot.standups import StandupChange, needs_member_names, plan_standup_change
from rolebot.state import Person, TeamState, save_state

if TYPE_CHECKING:
    from rolebot.config import RoleConfig
    from rolebot.context import AppContext

P = TypeVar("P")


@dataclass(frozen=True)
class RotateOptions:
    role: str
    dry_run: bool = False
    force: bool = False
    """Redo the rotation for this handoff even if it was done."""
    skip: frozenset[str] = frozenset()
    """Names of the steps turned off (`--no-state`, `--no-standup`, `--no-calendar`)."""


@dataclass(frozen=True)
class Planning:
    """What each step plans from. `team` is the state as read for the state step, and the state
    as the rotation leaves it for the steps after it."""

    role: RoleConfig
    handoff: date
    reads: Reads
    team: TeamState
    force: bool = False
    keep_state: bool = False
    """With `--no-state`: no step writes the state (not even the standup's ID)."""
    replan: ReplanPlan | RolebotError | None = None
    """The calendar's replan (made from the state as read), or why it could not be made."""

    def inputs(self) -> PlanInputs:
        """What the planners work from; the calendar as the replan will leave it, so the rotation
        names whoever the plan has serve the coming handoff."""
        inputs = self.reads.inputs(self.role, self.team.role(self.role), self.handoff)
        if not isinstance(self.replan, ReplanPlan):
            return inputs
        events = self.replan.applied_to(inputs.calendar.events)
        return replace(inputs, calendar=CalendarView(self.role, events, inputs.order))


def _always(role: RoleConfig) -> bool:
    return True


def _never(role: RoleConfig) -> str | None:
    return None


@dataclass(frozen=True)
class After(Generic[P]):
    """The step whose write another step's waits for, and what the other step's plan becomes
    once that write is done (given its result)."""

    step: str
    then: Callable[[P, StepResult | None], P]


@dataclass(frozen=True)
class Step(Generic[P]):
    """One line of the job: a planner, and an applier that returns what it did, for people."""

    name: str
    skipped: str
    """The line when an option turns the step off."""
    plan: Callable[[Planning], P]
    apply: Callable[[AppContext, P], str]
    wanted: Callable[[RoleConfig], bool] = _always
    """Whether the role has the step at all (a Slack step the role does not configure has no line)."""
    unused: Callable[[RoleConfig], str | None] = _never
    """Why the role's config turns the step off (its line), or None when it runs."""
    after: After[P] | None = None
    """The step whose write this one acts on: it runs once that one is done."""

    def write(self, app: AppContext, plan: P, log: StepLog) -> Callable[[], str]:
        """Apply the plan; for a step that waits for another, the plan as that one's result leaves it."""
        after = self.after
        if after is None:
            return partial(self.apply, app, plan)
        return lambda: self.apply(app, after.then(plan, log.result(after.step)))


# --- state: rotate for the coming handoff; its write gates every other step --------------------


@dataclass(frozen=True)
class StatePlan:
    rotation: RotationPlan
    before: TeamState
    after: TeamState


def plan_state(planning: Planning) -> StatePlan:
    """The rotation, and the team state to write for it (with a legacy standup manager's ID
    filled in when the members name them unambiguously)."""
    role, handoff, team = planning.role, planning.handoff, planning.team
    held = team.role(role)
    if already_rotated(held, handoff, force=planning.force):  # decided without reading anyone
        return StatePlan(RotationPlan.unchanged(role, handoff, held), team, team)
    if isinstance(planning.replan, ReplanPlan):
        problem = planning.replan.problem_at(handoff)
        if problem is not None:  # a pinned turn names someone who cannot serve this handoff
            raise problem
    inputs = planning.inputs()
    rotation = _as_planned(plan_rotation(inputs, force=planning.force), planning.replan)
    after = team.with_role(role, rotation.new_state())
    manager = after.standup_manager
    if manager is not None and not manager.id:
        with suppress(RotationError):  # the standup step reports it; the rotation itself stands
            after = after.with_manager(Person.of(resolve_person(manager, inputs.order, role, "standup manager")))
    return StatePlan(rotation, team, after)


def _as_planned(rotation: RotationPlan, replan: ReplanPlan | RolebotError | None) -> RotationPlan:
    """The rotation read from the calendar as the replan leaves it, told as the replan made it: a
    turn the replan creates at the handoff is round robin (or the first in order), not a swap."""
    turn = replan.turn_at(rotation.handoff) if isinstance(replan, ReplanPlan) else None
    if not rotation.rotate or turn is None or turn.action == "keep" or not isinstance(replan, ReplanPlan):
        return rotation
    notes = [n for n in rotation.notes if not n.startswith("the calendar names")]
    if turn.action == "create" and turn.server == turn.owner:
        source: Source = "first in order" if replan.notes else "rotation"
        return replace(rotation, sources=(source, *rotation.sources[1:]), notes=(*notes, *replan.notes))
    return replace(rotation, notes=tuple(notes))


def write_state(app: AppContext, plan: StatePlan) -> str:
    path = app.settings.state_path
    written = save_state(path, plan.after, app.config, plan.before)
    rotation = plan.rotation
    if not rotation.rotate:
        return rotation.notes[0]
    who = f"{rotation.after[0].name} comes in"
    if len(rotation.after) > 1:
        who += f", {rotation.after[1].name} stays on"
    where = f"written to {shown(path, app.settings.cwd)}" if written else "state unchanged"
    return f"rotated for {dates.human(rotation.handoff)}: {who} ({where})"


# --- the steps that follow from the rotated state ---------------------------------------------


def plan_standup(planning: Planning) -> StandupChange:
    """The standup for the rotated state. Applying it records the standup's ID in the state when
    the state does not keep it yet: after the state step's write, and only then (a run whose
    rotation changed nothing still records it; one where nothing changed writes nothing)."""
    role, team, reads = planning.role, planning.team, planning.reads
    order = reads.order() if needs_member_names(role, team) else ()
    found = reads.standup_search()
    return plan_standup_change(role, team, order, found, planning.handoff, record=not planning.keep_state)


def replan_calendar(planning: Planning) -> ReplanPlan | RolebotError:
    """One plan for the horizon: new events, and planned turns moved in place (left, joined,
    away, fairness), from the state as read and the absences the state keeps."""
    try:
        return plan_replan(
            planning.reads.inputs(planning.role, planning.team.role(planning.role), planning.handoff),
            absences=planning.team.away,
        )
    except RolebotError as error:
        return error


def plan_calendar(planning: Planning) -> ReplanPlan:
    made = planning.replan if planning.replan is not None else replan_calendar(planning)
    if isinstance(made, RolebotError):
        raise made
    return made


def plan_dates_moved(planning: Planning) -> DatesMoved:
    """A message to each member whose turns the calendar's replan moves (not new turns)."""
    return DatesMoved(plan_calendar(planning))


def _no_geekbot(role: RoleConfig) -> str | None:
    if role.geekbot is not None:
        return None
    why = "no standup settings" if role.standup is None else "standup.enabled = false"
    return f"none: {role.title} runs without Geekbot ({why})"


STATE = Step("state", "left as it is (--no-state)", plan_state, write_state)
STANDUP = Step("standup", "left alone (--no-standup)", plan_standup, apply_standup, unused=_no_geekbot)
CALENDAR = Step("calendar", "no events added (--no-calendar)", plan_calendar, apply_replan)
ONCALL = Step("on-call group", "left alone", slack.plan_oncall, set_group, wanted=slack.has_group)
ANNOUNCE = Step("announce", "nothing posted", slack.plan_announce, send_notice, wanted=slack.has_announcement)
DM = Step("dm", "nothing sent", slack.plan_dm, send_notice, wanted=slack.has_welcome)
DATES_MOVED = Step(
    "dates moved",
    "nothing sent (--no-calendar)",
    plan_dates_moved,
    tell_moved,
    wanted=slack.tells_moved_dates,
    after=After(CALENDAR.name, DatesMoved.following),
)
AFTER_STATE: tuple[Step[Any], ...] = (STANDUP, CALENDAR, ONCALL, ANNOUNCE, DM, DATES_MOVED)


@dataclass(frozen=True)
class RotateRun:
    """What one run planned and did: each step's plan (if it has one) and its result."""

    role: RoleConfig
    handoff: date
    plans: Mapping[str, object]
    steps: tuple[StepResult, ...]

    def plan(self, step: Step[P]) -> P | None:
        return cast("P | None", self.plans.get(step.name))

    @property
    def rotation(self) -> RotationPlan | None:
        state = self.plan(STATE)
        return None if state is None else state.rotation

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(step.name for step in self.steps if not step.ok)


def run_rotate(
    options: RotateOptions, app: AppContext, *, on_planned: Callable[[RotateRun], None] | None = None
) -> RotateRun:
    """Run the job; `on_planned` sees the plans before anything is written (to show them first)."""
    role, team = role_and_state(app, options.role)
    handoff = current_handoff(app, role)
    reads = read_services(
        app,
        role,
        members=True,
        events=(dates.shift(handoff, role, -role.tenure), through(horizon_range(role, handoff)[1])),
        standup=STANDUP.name not in options.skip,
        standup_id=team.standup_id(role),
        messenger=role.posts_to_slack,
    )
    after = tuple(step for step in AFTER_STATE if step.wanted(role))
    log = StepLog([STATE.name, *(step.name for step in after)])
    plans: dict[str, object] = {}

    def plan(step: Step[Any], planning: Planning) -> None:
        if step.name in options.skip or (step.after is not None and step.after.step in options.skip):
            log.done(step.name, step.skipped)
            return
        off = step.unused(role)
        if off is not None:
            log.done(step.name, off)
            return
        made = log.attempt(step.name, partial(step.plan, planning))
        if made is not None:
            plans[step.name] = made

    planning = Planning(role, handoff, reads, team, options.force, keep_state=STATE.name in options.skip)
    planning = replace(planning, replan=replan_calendar(planning))
    plan(STATE, planning)
    state = plans.get(STATE.name)
    rotated = replace(planning, team=state.after) if isinstance(state, StatePlan) else planning
    for step in after:
        plan(step, rotated)
    run = RotateRun(role, handoff, plans, log.results)
    if on_planned is not None:
        on_planned(run)
    if options.dry_run:
        return run
    steps = [step for step in (STATE, *after) if step.name in plans]
    log.apply(
        {step.name: step.write(app, plans[step.name], log) for step in steps},
        first=STATE.name,
        after={step.name: step.after.step for step in steps if step.after is not None},
    )
    return replace(run, steps=log.results)
