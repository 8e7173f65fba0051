"""The rotation engine: rotation order, who starts at each handoff, and rotation plans.

Pure functions only: no network, no files, no clock. `today` and everything read from
services come in as arguments.

Who starts at handoff D: a calendar event of the role starting on D names them (that is
how swaps work); otherwise it is the member after whoever started at the previous
handoff, in rotation order, wrapping around. A member who has left the group is counted
from where their name would sort; a newcomer enters at their alphabetical place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rolebot import dates
from rolebot.config import RoleConfig
from rolebot.errors import RotationError
from rolebot.events import CalendarView, match_name
from rolebot.models import Member
from rolebot.state import Person, RoleState

Source = Literal["state", "calendar", "rotation", "first in order", "chosen"]


def sort_key(member: Member) -> tuple[str, str]:
    return (member.name.casefold(), member.id)


def rotation_order(members: Iterable[Member]) -> tuple[Member, ...]:
    """Members sorted by display name (case-insensitive), ties broken by Slack ID."""
    unique = {m.id: m for m in members}
    return tuple(sorted(unique.values(), key=sort_key))


def successor(order: Sequence[Member], previous: Member | None, usergroup: str = "") -> Member:
    """The member after `previous`, wrapping; a departed `previous` counts from where they would sort."""
    if not order:
        raise RotationError(f"the user group @{usergroup} has no members", "add people to the group before rotating")
    if previous is None:
        return order[0]
    for index, member in enumerate(order):
        if member.id == previous.id:
            return order[(index + 1) % len(order)]
    key = sort_key(previous)
    return next((m for m in order if sort_key(m) > key), order[0])


def resolve_person(person: Person, order: Sequence[Member], role: RoleConfig, what: str) -> Member:
    """The member a state entry means. A legacy entry without an ID is matched by name."""
    if person.id:
        return next((m for m in order if m.id == person.id), Member(person.id, person.name))
    found = match_name(person.name, order)
    if len(found) == 1:
        return found[0]
    listing = ", ".join(m.label() for m in (found or order)[:12])
    problem = "matches several members" if found else f"is not in @{role.usergroup}"
    raise RotationError(
        f"the state names {person.name!r} as {what} without a Slack ID, and that name {problem} ({listing})",
        f"set their ID in the state file, or run `rolebot init {role.key}` again",
    )


@dataclass(frozen=True)
class Starter:
    """Who starts serving at one handoff, and how rolebot knows."""

    day: date
    member: Member | None
    source: Source
    problem: RotationError | None = None


class Timeline:
    """Who starts at each handoff: fixed starters (state or a choice) win, then the calendar,
    then round robin from the previous starter."""

    def __init__(
        self,
        role: RoleConfig,
        order: Sequence[Member],
        calendar: CalendarView,
        fixed: Mapping[date, Member] | None = None,
        fixed_source: Source = "state",
    ) -> None:
        self.role = role
        self.order = tuple(order)
        self.calendar = calendar
        self.fixed = dict(fixed or {})
        self.fixed_source = fixed_source

    def walk(self, first: date, last: date, previous: Member | None = None) -> list[Starter]:
        """Starters for every handoff from `first` to `last`, inclusive.

        The walk begins at the earliest fixed date if that is earlier, so what the state
        records carries forward; `previous` seeds round robin when nothing earlier is known.
        """
        begin = min([first, *self.fixed]) if self.fixed else first
        day, prev, prev_problem = begin, previous, None
        out: list[Starter] = []
        while day <= last:
            if day in self.fixed:
                starter = Starter(day, self.fixed[day], self.fixed_source)
            elif self.calendar.has(day):
                try:
                    starter = Starter(day, self.calendar.member_at(day), "calendar")
                except RotationError as problem:
                    starter = Starter(day, None, "calendar", problem)
            else:
                if prev_problem is not None:
                    raise prev_problem
                source: Source = "rotation" if prev is not None else "first in order"
                starter = Starter(day, successor(self.order, prev, self.role.usergroup), source)
            out.append(starter)
            prev, prev_problem = starter.member, starter.problem
            day = dates.shift(day, self.role, 1)
        return [s for s in out if s.day >= first]


@dataclass(frozen=True)
class PlanInputs:
    """What the rotation and calendar planners work from: the role, what its state records,
    who can serve (in rotation order), the role's calendar, and the handoff being planned."""

    role: RoleConfig
    state: RoleState
    order: Sequence[Member]
    calendar: CalendarView
    handoff: date


def fixed_from_state(inputs: PlanInputs, *, before: date | None = None) -> dict[date, Member]:
    """Starters the state records: the newest slot started at the last rotation, the next one a
    period earlier. A state without `last_rotated` is taken to describe the previous handoff.
    Only dates before `before` are kept (used by --force to redo a rotation)."""
    role, state = inputs.role, inputs.state
    last = state.last_rotated or dates.shift(inputs.handoff, role, -1)
    fixed: dict[date, Member] = {}
    for age, (slot, person) in enumerate(zip(role.slots, state.slots, strict=True)):
        if person is None:
            continue
        day = dates.shift(last, role, -age)
        if before is None or day < before:
            fixed[day] = resolve_person(person, inputs.order, role, slot)
    return fixed


@dataclass(frozen=True)
class RotationPlan:
    role: RoleConfig
    handoff: date
    rotate: bool
    before: RoleState
    after: tuple[Member, ...]
    sources: tuple[Source, ...]
    notes: tuple[str, ...]

    @classmethod
    def unchanged(cls, role: RoleConfig, handoff: date, state: RoleState) -> RotationPlan:
        note = f"already rotated for {state.last_rotated}; nothing to do (use --force to redo)"
        return cls(role, handoff, False, state, (), (), (note,))

    def new_state(self) -> RoleState:
        if not self.rotate:
            return self.before
        return RoleState(tuple(Person.of(m) for m in self.after), self.handoff)


def already_rotated(state: RoleState, handoff: date, *, force: bool = False) -> bool:
    """Idempotency: a role rotated for this or a later handoff is left alone unless forced."""
    return state.last_rotated is not None and state.last_rotated >= handoff and not force


def plan_rotation(inputs: PlanInputs, *, force: bool = False) -> RotationPlan:
    """Plan the rotation for the handoff. Idempotent: a role already rotated for this or a later
    handoff is left alone unless `force`, which redoes the rotation for that handoff."""
    role, state, order, handoff = inputs.role, inputs.state, inputs.order, inputs.handoff
    if already_rotated(state, handoff, force=force):
        return RotationPlan.unchanged(role, handoff, state)
    fixed = fixed_from_state(inputs, before=handoff)
    timeline = Timeline(role, order, inputs.calendar, fixed)
    first = dates.shift(handoff, role, -(role.tenure - 1))
    starters = timeline.walk(first, handoff)
    for starter in starters:
        if starter.problem is not None:
            raise starter.problem
    notes: list[str] = []
    newest = starters[-1]
    previous = starters[-2].member if len(starters) > 1 else fixed.get(dates.shift(handoff, role, -1))
    if newest.source == "calendar" and previous is not None and newest.member is not None:
        expected = successor(order, previous, role.usergroup)
        if newest.member != expected:
            notes.append(
                f"the calendar names {newest.member.name} for {handoff} (a swap: round robin gives {expected.name})"
            )
    if any(s.source == "first in order" for s in starters):
        notes.append("no previous member is known: starting from the first in rotation order")
    members = tuple(s.member for s in reversed(starters) if s.member is not None)
    return RotationPlan(role, handoff, True, state, members, tuple(s.source for s in reversed(starters)), tuple(notes))
