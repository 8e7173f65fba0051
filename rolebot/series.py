"""Plans for the calendar series of a role: fill the horizon, next, bulk, delete, schedule.

The member starting at handoff D gets one all-day event from D to D + tenure periods.
Each plan lists every date it looked at, so a preview shows exactly what will happen.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from rolebot import dates
from rolebot.config import RoleConfig
from rolebot.errors import RotationError, UsageError
from rolebot.events import CalendarView, new_event
from rolebot.models import CalendarEvent, Member, NewEvent
from rolebot.rotation import PlanInputs, Source, Starter, Timeline, fixed_from_state, moved_notes
from rolebot.state import Person

Action = Literal["create", "exists"]


@dataclass(frozen=True)
class SeriesItem:
    day: date
    member: Member | None
    action: Action
    source: Source
    event: NewEvent | None = None
    problem: str | None = None


@dataclass(frozen=True)
class SeriesPlan:
    role: RoleConfig
    items: tuple[SeriesItem, ...]
    notes: tuple[str, ...] = ()

    @property
    def to_create(self) -> list[NewEvent]:
        return [i.event for i in self.items if i.action == "create" and i.event is not None]


@dataclass(frozen=True)
class DeletePlan:
    role: RoleConfig
    first: date
    last: date | None
    events: tuple[CalendarEvent, ...]


def horizon_range(role: RoleConfig, handoff: date) -> tuple[date, date]:
    """The dates the calendar should cover: from the start of whoever is serving at `handoff`
    (a period earlier for a two-period role) to `horizon` handoffs ahead."""
    return dates.shift(handoff, role, -(role.tenure - 1)), dates.shift(handoff, role, role.horizon - 1)


def state_timeline(inputs: PlanInputs) -> Timeline:
    return Timeline(inputs.role, inputs.order, inputs.calendar, fixed_from_state(inputs))


def _items(role: RoleConfig, starters: Sequence[Starter], calendar: CalendarView) -> tuple[SeriesItem, ...]:
    items: list[SeriesItem] = []
    for s in starters:
        problem = str(s.problem) if s.problem else None
        if calendar.has(s.day):
            items.append(SeriesItem(s.day, s.member, "exists", s.source, problem=problem))
        elif s.member is not None and s.problem is None:
            items.append(
                SeriesItem(s.day, s.member, "create", s.source, new_event(role, s.member, s.day, calendar.order))
            )
        else:  # a calendar event, or a state entry, naming nobody rolebot can match
            raise s.problem or RotationError(f"nobody found to start on {s.day}", "check the calendar")
    return tuple(items)


def plan_fill(inputs: PlanInputs) -> SeriesPlan:
    """Every handoff from the current one to the horizon has its event (what `rotate` keeps)."""
    first, last = horizon_range(inputs.role, inputs.handoff)
    starters = state_timeline(inputs).walk(first, last)
    return SeriesPlan(inputs.role, _items(inputs.role, starters, inputs.calendar), tuple(moved_notes(inputs)))


def _timeline(inputs: PlanInputs, first: date, member: Member | None) -> Timeline:
    """`member` serving first on `first` if given, else what the state records."""
    if member is not None:
        return Timeline(inputs.role, inputs.order, inputs.calendar, {first: member}, "chosen")
    return state_timeline(inputs)


def _walk(
    inputs: PlanInputs, timeline: Timeline, first: date, count: int, previous: Member | None = None
) -> tuple[SeriesItem, ...]:
    role = inputs.role
    return _items(role, timeline.walk(first, dates.shift(first, role, count - 1), previous), inputs.calendar)


def _continue_after(
    inputs: PlanInputs, count: int, member: Member | None = None
) -> tuple[tuple[SeriesItem, ...], list[str]]:
    """`count` handoffs after the last event of the series (or from the horizon's start if
    there is none), with `member` serving first if given."""
    role, calendar = inputs.role, inputs.calendar
    last_start = calendar.last_start()
    if last_start is None:
        first = horizon_range(role, inputs.handoff)[0]
        notes = [] if member else [f"the calendar has no {role.title} events: starting from the state at {first}"]
        return _walk(inputs, _timeline(inputs, first, member), first, count), notes
    first = dates.handoff_on_or_after(last_start + timedelta(days=1), role)
    if member is not None:
        return _walk(inputs, _timeline(inputs, first, member), first, count), []
    previous = calendar.member_at(last_start)
    return _walk(inputs, Timeline(role, inputs.order, calendar), first, count, previous), []


def plan_next(inputs: PlanInputs) -> SeriesPlan:
    """One more event after the last one, unless the series already reaches the horizon."""
    _, horizon_end = horizon_range(inputs.role, inputs.handoff)
    last_start = inputs.calendar.last_start()
    if last_start is not None and last_start >= horizon_end:
        note = f"the series already reaches {last_start} (the horizon is {horizon_end}): nothing to add"
        return SeriesPlan(inputs.role, (), (note,))
    items, notes = _continue_after(inputs, 1)
    return SeriesPlan(inputs.role, items, tuple(notes))


def gaps(inputs: PlanInputs, count: int) -> list[date]:
    """Handoffs without an event from the horizon's start to the last event, or to `count`
    handoffs from that start if that is later: what a `bulk` that stopped part-way left undone."""
    role, calendar = inputs.role, inputs.calendar
    last_start = calendar.last_start()
    if last_start is None:
        return []
    day = horizon_range(role, inputs.handoff)[0]
    end = max(last_start, dates.shift(day, role, count - 1))
    missing = []
    while day <= end:
        if not calendar.has(day):
            missing.append(day)
        day = dates.shift(day, role, 1)
    return missing


def plan_bulk(inputs: PlanInputs, count: int, *, start: date | None = None, member: Member | None = None) -> SeriesPlan:
    """`count` consecutive handoffs from `start`; without it, finish first: the gaps in the series
    (at most `count` of them), and only when there are none, `count` after the last event.
    Existing dates are kept."""
    if start is None:
        missing = gaps(inputs, count)
        if missing:
            return _fill_gaps(inputs, missing, count, member)
        items, notes = _continue_after(inputs, count, member)
        last = inputs.calendar.last_start()
        if last is not None:
            notes.insert(0, f"the series has no gaps: extending it after its last event ({last})")
        return SeriesPlan(inputs.role, items, tuple(notes))
    notes = []
    first = dates.handoff_on_or_after(start, inputs.role)
    if first != start:
        notes.append(f"{start} is not a handoff day: starting on {dates.human(first)} instead")
    items = _walk(inputs, _timeline(inputs, first, member), first, count)
    return SeriesPlan(inputs.role, items, tuple(notes))


def _fill_gaps(inputs: PlanInputs, missing: Sequence[date], count: int, member: Member | None) -> SeriesPlan:
    role = inputs.role
    filling = missing[:count]
    first, last = filling[0], filling[-1]
    starters = _timeline(inputs, first, member).walk(first, last)
    items = tuple(i for i in _items(role, starters, inputs.calendar) if i.action == "create")
    more = f"; {len(missing) - count} more remain (run it again)" if len(missing) > count else ""
    note = (
        f"the series has {len(missing)} handoff(s) without an event up to its last event or {count} handoffs "
        f"from {horizon_range(role, inputs.handoff)[0]}: filling {len(filling)} gap(s) from {first} to {last} "
        f"before extending it{more}"
    )
    return SeriesPlan(role, items, (note, *moved_notes(inputs)))


def check_range(first: date, last: date | None) -> None:
    """A range of start dates asked for on the command line: `--from` after `--to` is a usage error."""
    if last is not None and last < first:
        raise UsageError(
            f"--from {first} is after --to {last}", "give the first start date with --from, the last with --to"
        )


def plan_delete(role: RoleConfig, calendar: CalendarView, first: date, last: date | None) -> DeletePlan:
    """This role's events starting in [first, last]; nothing else in the calendar."""
    check_range(first, last)
    return DeletePlan(role, first, last, tuple(calendar.starting_between(first, last)))


@dataclass(frozen=True)
class ScheduleRow:
    day: date
    incoming: Member | None
    buddy: Member | Person | None
    """The member who stays on, or the state's entry for someone no member matches."""
    source: Source
    problem: str | None = None
    warning: str | None = None
    """Why the buddy is shown by the name the state stores."""


def plan_schedule(inputs: PlanInputs, count: int) -> tuple[ScheduleRow, ...]:
    """The next `count` handoffs from the handoff: who comes in and who stays on as buddy."""
    role, handoff = inputs.role, inputs.handoff
    last = dates.shift(handoff, role, count - 1)
    if role.tenure == 1:
        starters = state_timeline(inputs).walk(handoff, last)
        return tuple(_row(s, None) for s in starters)
    starters = state_timeline(inputs).walk(dates.shift(handoff, role, -1), last)
    return tuple(_row(starter, previous) for previous, starter in itertools.pairwise(starters))


def _row(starter: Starter, previous: Starter | None) -> ScheduleRow:
    problem = str(starter.problem) if starter.problem else None
    buddy, warning = (previous.who, previous.warning) if previous is not None else (None, None)
    return ScheduleRow(starter.day, starter.member, buddy, starter.source, problem, warning)
