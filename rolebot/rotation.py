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


def same_person(person: Person, member: Member) -> bool:
    """Whether a state entry names `member`: by Slack ID, or by name when the entry has none."""
    return person.id == member.id if person.id else bool(match_name(person.name, [member]))


def named_as_stored(person: Person, order: Sequence[Member]) -> Member:
    """Someone rolebot only names (never chooses nor notifies): the member the entry means if
    one matches, else the stored name, with the stored ID (empty if none)."""
    if person.id:
        return next((m for m in order if m.id == person.id), Member(person.id, person.name))
    found = match_name(person.name, order)
    return found[0] if len(found) == 1 else Member("", person.name)


@dataclass(frozen=True)
class Starter:
    """Who starts serving at one handoff, and how rolebot knows.

    `member` is None when the calendar names nobody rolebot can match (`problem` says why), or
    when the state names someone who matches no member: then `stored` is the state's entry, shown
    by its stored name; it is an error only where rolebot must choose or notify that person."""

    day: date
    member: Member | None
    source: Source
    problem: RotationError | None = None
    stored: Person | None = None
    warning: str | None = None
    """For a state entry nobody matches: what to say where it is only shown."""

    @property
    def who(self) -> Member | Person | None:
        """The member, or the state's entry for someone who matches none (for people to read)."""
        return self.member or self.stored


class Timeline:
    """Who starts at each handoff: fixed starters (state or a choice) win, then the calendar,
    then round robin from the previous starter."""

    def __init__(
        self,
        role: RoleConfig,
        order: Sequence[Member],
        calendar: CalendarView,
        fixed: Mapping[date, Member | Starter] | None = None,
        fixed_source: Source = "state",
    ) -> None:
        """`fixed`: who starts on given dates, as starters, or as members known from `fixed_source`."""
        self.role = role
        self.order = tuple(order)
        self.calendar = calendar
        self.fixed = {
            day: s if isinstance(s, Starter) else Starter(day, s, fixed_source) for day, s in (fixed or {}).items()
        }

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
                starter = self.fixed[day]
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


def described_handoff(inputs: PlanInputs) -> date:
    """The handoff at which the state's newest slot started.

    `last_rotated` says it, read as the handoff on or before it (a date that is not a handoff day
    comes from a hand edit or an older handoff day). A state without it was written by the old
    scripts, on the Monday before the handoff it describes, or by hand: when the calendar names
    its newest member for the coming handoff, it describes that one; otherwise the previous one.
    """
    role, state, handoff = inputs.role, inputs.state, inputs.handoff
    if state.last_rotated is not None:
        return dates.handoff_on_or_before(state.last_rotated, role)
    newest = state.slots[0] if state.slots else None
    if newest is not None and inputs.calendar.has(handoff):
        try:
            named = inputs.calendar.member_at(handoff)
        except RotationError:
            named = None  # the rotation reports it
        if named is not None and same_person(newest, named):
            return handoff
    return dates.shift(handoff, role, -1)


def fixed_from_state(inputs: PlanInputs, *, before: date | None = None) -> dict[date, Starter]:
    """Starters the state records: the newest slot started at the handoff the state describes, the
    next one a period earlier. Only dates before `before` are kept (used by --force to redo a
    rotation). Someone nobody matches is kept with the problem, to be shown by the stored name."""
    role, state = inputs.role, inputs.state
    last = described_handoff(inputs)
    fixed: dict[date, Starter] = {}
    for age, (slot, person) in enumerate(zip(role.slots, state.slots, strict=True)):
        if person is None:
            continue
        day = dates.shift(last, role, -age)
        if before is not None and day >= before:
            continue
        try:
            fixed[day] = Starter(day, resolve_person(person, inputs.order, role, slot), "state")
        except RotationError as problem:
            warning = (
                f"the state's {slot} member {person.name!r} has no Slack ID and its name matches no single "
                f"member of @{role.usergroup}: shown as stored (rolebot needs neither to choose nor to notify them)"
            )
            fixed[day] = Starter(day, None, "state", problem, person, warning)
    return fixed


def moved_notes(inputs: PlanInputs) -> list[str]:
    """What says the series moves: a `last_rotated` or calendar events off the role's handoff day."""
    role, notes = inputs.role, []
    day = "the " + _ordinal(role.day_of_month or 1) if role.cadence == "monthly" else f"{role.weekday}s".title()
    last = inputs.state.last_rotated
    if last is not None and not dates.is_handoff(last, role):
        snapped = dates.handoff_on_or_before(last, role)
        notes.append(f"the state was last rotated for {last}, not a handoff day: read as {dates.human(snapped)}")
    moved = inputs.calendar.moved
    if moved:
        first = moved[0]
        notes.append(
            f"{len(moved)} {role.title} event(s) start on another day than the handoff day (from {first.start}): "
            f"each counts for the handoff on or before it, and the series moves to {day}"
        )
    return notes


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class RotationPlan:
    role: RoleConfig
    handoff: date
    rotate: bool
    before: RoleState
    after: tuple[Member, ...]
    sources: tuple[Source, ...]
    notes: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    adopted: bool = False
    """Already rotated for the handoff by the old scripts: only `last_rotated` is recorded."""

    @classmethod
    def unchanged(cls, role: RoleConfig, handoff: date, state: RoleState, notes: Sequence[str] = ()) -> RotationPlan:
        note = f"already rotated for {state.last_rotated}; nothing to do (use --force to redo)"
        return cls(role, handoff, False, state, (), (), (note, *notes))

    def new_state(self) -> RoleState:
        if self.adopted:
            return RoleState(self.before.slots, self.handoff)
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
    notes = moved_notes(inputs)
    if already_rotated(state, handoff, force=force):
        return RotationPlan.unchanged(role, handoff, state, notes)
    if state.last_rotated is None and described_handoff(inputs) == handoff and not force:
        held = state.slots[0]
        note = (
            f"already rotated for {handoff}: the state has no last_rotated, and the calendar names its "
            f"{role.slots[0]} member {held.name if held else '?'} for that handoff (the old scripts wrote it "
            "ahead); recording that, nothing else to do"
        )
        return RotationPlan(role, handoff, False, state, (), (), (note, *notes), adopted=True)
    fixed = fixed_from_state(inputs, before=handoff)
    timeline = Timeline(role, order, inputs.calendar, fixed)
    first = dates.shift(handoff, role, -(role.tenure - 1))
    starters = timeline.walk(first, handoff)
    for starter in starters:
        if starter.problem is not None:
            raise starter.problem
    newest = starters[-1]
    known = fixed.get(dates.shift(handoff, role, -1))
    previous = starters[-2].member if len(starters) > 1 else (known.member if known else None)
    if newest.source == "calendar" and previous is not None and newest.member is not None:
        expected = successor(order, previous, role.usergroup)
        if newest.member != expected:
            notes.append(
                f"the calendar names {newest.member.name} for {handoff} (a swap: round robin gives {expected.name})"
            )
    if any(s.source == "first in order" for s in starters):
        notes.append("no previous member is known: starting from the first in rotation order")
    warnings = tuple(s.warning for s in fixed.values() if s.day < first and s.warning is not None)
    members = tuple(s.member for s in reversed(starters) if s.member is not None)
    sources = tuple(s.source for s in reversed(starters))
    return RotationPlan(role, handoff, True, state, members, sources, tuple(notes), warnings)
