"""Generated teams, calendars and changes for the replanner's property and simulation tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from hypothesis import strategies as st

from rolebot import dates
from rolebot.absences import Absence
from rolebot.config import RoleConfig
from rolebot.errors import RolebotError
from rolebot.events import CalendarView
from rolebot.models import CalendarEvent, Member
from rolebot.rotation import PlanInputs, rotation_order
from rolebot.series import plan_fill
from rolebot.shifts import plan_cover, plan_swap
from rolebot.state import Person, RoleState
from rolebot.turns import apply_writes, listed
from tests.helpers import FACILITATOR, TRIAGER
from tests.replan_checks import inputs

NAMES = (
    "Ada Okafor",
    "bo Li",
    "Bruno Silva",
    "Chen Wei",
    "Dana Kowalski",
    "Émile Roux",
    "Kofi Mensah",
    "Lena Berg",
    "Mia Chen",
    "Noor Ali",
    "Omar Haddad",
    "Priya Nair",
    "Quinn Ray",
    "Sam Lee",  # shares a first name with Sam Wu
    "Sam Wu",
    "Zoë Bauer",
)
PEOPLE = tuple(Member(f"U{i:02d}", name) for i, name in enumerate(NAMES))
STARTS = {TRIAGER.key: date(2026, 11, 25), FACILITATOR.key: date(2026, 12, 1)}


def held(role: RoleConfig, order: tuple[Member, ...], index: int, last: date) -> RoleState:
    """The state after rotating for `last`: order[index] came in, the one before stays on (tenure 2)."""
    serving = [order[(index - age) % len(order)] for age in range(role.tenure)]
    return RoleState(tuple(Person(name=m.name, id=m.id) for m in serving), last)


def filled(
    role: RoleConfig,
    state: RoleState,
    order: tuple[Member, ...],
    handoff: date,
    existing: list[CalendarEvent] | None = None,
) -> list[CalendarEvent]:
    """The events `plan_fill` adds to `existing` (none: an empty calendar)."""
    plan = plan_fill(PlanInputs(role, state, order, CalendarView(role, existing or (), order), handoff))
    return [listed(e) for e in plan.to_create]


Edit = tuple[str, int, int, Member]  # kind, index of a date, index of another date, a member


def edit(
    role: RoleConfig,
    order: tuple[Member, ...],
    events: list[CalendarEvent],
    handoff: date,
    change: Edit,
    absences: tuple[Absence, ...] = (),
) -> list[CalendarEvent]:
    """A person's change to the calendar: a swap, a cover, an edited title or a hand-made event.
    A swap or cover rolebot refuses is left out, as the command would refuse it."""
    kind, i, j, member = change
    days = sorted({e.start for e in events if e.start >= handoff})
    if not days:
        return events
    day, other = days[i % len(days)], days[j % len(days)]
    planning = inputs(role, order, events, handoff)
    try:
        if kind == "swap":
            swap = plan_swap(planning, day, other, absences=absences)
            return apply_writes(events, updates=swap.updates)
        if kind == "cover":
            cover = plan_cover(planning, day, member, absences=absences)
            return apply_writes(events, updates=cover.updates)
    except RolebotError:
        return events
    summary = f"{role.title}: {member.name}"
    if kind == "edit":
        return [replace(e, summary=summary) if e.start == day else e for e in events]
    made = CalendarEvent(f"hand{day:%Y%m%d}", summary, day, dates.shift(day, role, role.tenure))
    return [made if e.start == day else e for e in events]


edits = st.tuples(
    st.sampled_from(["swap", "cover", "edit", "hand-made"]),
    st.integers(0, 60),
    st.integers(0, 60),
    st.sampled_from(PEOPLE),
)


@dataclass(frozen=True)
class World:
    role: RoleConfig
    state: RoleState
    order: tuple[Member, ...]
    events: list[CalendarEvent]
    handoff: date
    freeze: int
    absences: tuple[Absence, ...]


def absences_for(draw: st.DrawFn, people: list[Member], around: date, most: int = 4) -> tuple[Absence, ...]:
    out = []
    for _ in range(draw(st.integers(0, most))):
        member = draw(st.sampled_from(people))
        first = around + timedelta(days=draw(st.integers(-20, 240)))
        out.append(Absence(member.id, member.name, first, first + timedelta(days=draw(st.integers(0, 40)))))
    return tuple(out)


def world(
    role: RoleConfig,
    team: Sequence[Member],
    *,
    index: int = 0,
    later: int = 0,
    changes: Sequence[Edit] = (),
    leavers: Sequence[Member] = (),
    joiners: Sequence[Member] = (),
    absences: tuple[Absence, ...] = (),
    freeze: int = 0,
) -> World:
    """A calendar rotate filled for `team` (order[index] came in at the first start), changed by
    people at the handoff `later` handoffs on; then `leavers` leave and `joiners` join."""
    start = STARTS[role.key]
    initial = rotation_order(team)
    state = held(role, initial, index, start)
    handoff = dates.shift(start, role, later)
    events = filled(role, state, initial, start)
    for change in changes:
        events = edit(role, initial, events, handoff, change)
    order = rotation_order([*(m for m in initial if m not in leavers), *joiners])
    return World(role, state, order, events, handoff, freeze, absences)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """A calendar rotate filled, changed by people, then a group that changed and absences."""
    role = draw(st.sampled_from([TRIAGER, FACILITATOR]))
    team = rotation_order(draw(st.lists(st.sampled_from(PEOPLE), min_size=2, max_size=12, unique=True)))
    index, later = draw(st.integers(0, len(team) - 1)), draw(st.integers(0, 6))
    changes = draw(st.lists(edits, max_size=5))
    leavers = draw(st.lists(st.sampled_from(team), max_size=len(team) - 1, unique=True))
    others = [p for p in PEOPLE if p not in team]
    joiners = draw(st.lists(st.sampled_from(others), max_size=3, unique=True)) if others else []
    made = world(role, team, index=index, later=later, changes=changes, leavers=leavers, joiners=joiners)
    away = absences_for(draw, [*made.order, *leavers], made.handoff)
    return replace(made, absences=away, freeze=draw(st.integers(0, 3)))
