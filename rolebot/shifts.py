"""Shift planners: `swap` two handoffs, `cover` one. Pure: they read turns and return the updates.

- **swap** D_A D_B: the servers of the two handoffs trade. Both events become pinned
  (`rolebot_pinned = "swap"`, and `rolebot_swap` names the other handoff and who serves it
  now); their owners do not change, so nobody's place in the rotation moves.
- **cover** D --by NAME: NAME serves D, pinned (`rolebot_pinned = "cover"`); the owner stays.

Each is idempotent: planning it again once applied gives no updates (a swap half written
by an interrupted run is completed, not swapped back). Neither may leave someone serving
two overlapping turns, serving while away, or a turn to someone outside the group: such a
request is refused, so a replan after a shift moves nothing else.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rolebot.absences import Absence, Away
from rolebot.config import RoleConfig
from rolebot.errors import RotationError, UsageError
from rolebot.models import Member, NewEvent
from rolebot.replan_plan import MemberDates
from rolebot.rotation import PlanInputs
from rolebot.series import horizon_range
from rolebot.turns import Turn, listed, neighbours, pinned_update, read_turns, require_handoff, turn_days


@dataclass(frozen=True)
class ShiftPlan:
    """The turns a shift touches (`before`), who serves each afterwards, and the event updates."""

    role: RoleConfig
    kind: Literal["swap", "cover"]
    before: tuple[Turn, ...]
    after: tuple[Member, ...]
    updates: tuple[NewEvent, ...]
    """New content for the touched events, each written in place by its `id`."""
    notes: tuple[str, ...] = ()
    order: tuple[Member, ...] = ()
    """The group the plan was made for (who can be told their dates moved)."""

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(t.day for t in self.before)

    @property
    def changed(self) -> bool:
        return bool(self.updates)

    def dates_by_member(self, *, written: Collection[str] | None = None) -> tuple[MemberDates, ...]:
        """Per member of the group, the handoffs they gain and drop when the touched turns change
        hands; with `written`, only through the events of those IDs (the writes that went
        through). Nobody who left the group is listed."""
        updated = {event.id for event in self.updates}
        gained: dict[str, list[date]] = {}
        dropped: dict[str, list[date]] = {}
        for turn, server in zip(self.before, self.after, strict=True):
            ident = turn.event.id
            if ident not in updated or (written is not None and ident not in written) or server == turn.server:
                continue
            gained.setdefault(server.id, []).append(turn.day)
            dropped.setdefault(turn.server.id, []).append(turn.day)
        people = [m for m in self.order if m.id in gained or m.id in dropped]
        return tuple(MemberDates(m, tuple(gained.get(m.id, ())), tuple(dropped.get(m.id, ()))) for m in people)


def _turns(inputs: PlanInputs, wanted: Mapping[str, date]) -> tuple[dict[date, Turn], list[Turn]]:
    """The turns at the wanted handoffs (and their neighbours), each of which must exist and not be over."""
    role, calendar = inputs.role, inputs.calendar
    first, _ = horizon_range(role, inputs.handoff)
    for option, day in wanted.items():
        require_handoff(role, day, option)
        if day < first:
            raise UsageError(f"{option}: the turn that started on {day} is over", f"give a handoff from {first} on")
    days = {d for day in wanted.values() for d in (day, *neighbours(role, day))}
    turns = read_turns(role, calendar, sorted(days))
    for option, day in wanted.items():
        if day not in turns:
            raise RotationError(
                f"{option}: the calendar has no {role.title} event on {day}",
                f"run `rolebot calendar replan {role.key}` to fill the calendar, then try again",
            )
    return turns, [turns[day] for day in wanted.values()]


def _check_can_serve(
    inputs: PlanInputs,
    away: Away,
    turns: Mapping[date, Turn],
    servers: Mapping[date, Member],
    fix: str,
) -> None:
    """Refuse a shift leaving a server outside the group, away, on two overlapping turns, or on a
    turn overlapping a planned one of their own that someone serves for them while someone is
    away: the round robin passes over whoever serves an overlapping pinned turn, so the replan
    would have to move that turn's owner (and the trade with it)."""
    role, order = inputs.role, tuple(inputs.order)
    for day, member in servers.items():
        if member not in order:
            raise RotationError(f"{member.name} is not in @{role.usergroup}, so cannot serve {day}", fix)
        absent = away.during(member.id, *turn_days(role, day))
        if absent is not None:
            raise RotationError(f"{absent.describe()}, so cannot serve the turn from {day}", fix)
        for near in neighbours(role, day):
            other = servers.get(near) or (turns[near].server if near in turns else None)
            if other == member:
                raise RotationError(f"{member.name} would serve the overlapping turns from {near} and {day}", fix)
            own = turns.get(near) if near not in servers and near >= inputs.handoff else None
            if own is not None and not own.pinned and own.owner == member:
                raise RotationError(
                    f"{member.name} would serve the turn from {day}, which overlaps their own turn from {near} "
                    f"({own.server.name} serves it for them while someone is away)",
                    fix,
                )


def plan_swap(inputs: PlanInputs, day_a: date, day_b: date, *, absences: Iterable[Absence] = ()) -> ShiftPlan:
    """The servers of `day_a` and `day_b` trade; both events become pinned; their owners stay."""
    if day_a == day_b:
        raise UsageError(f"DATE_A and DATE_B are both {day_a}", "give two different handoffs")
    role, order = inputs.role, tuple(inputs.order)
    turns, (a, b) = _turns(inputs, {"DATE_A": day_a, "DATE_B": day_b})
    partner_a, partner_b = a.swap_partner(), b.swap_partner()
    if partner_a == (day_b, b.server.id) and partner_b == (day_a, a.server.id):
        note = f"{day_a} and {day_b} are already swapped: nothing to do"
        return ShiftPlan(role, "swap", (a, b), (a.server, b.server), (), (note,), order)
    if partner_a is not None and partner_a[0] == day_b and a.server == b.server:
        target_a, target_b = a.server, _member(order, partner_a[1])  # only `a` was written: finish
    elif partner_b is not None and partner_b[0] == day_a and a.server == b.server:
        target_a, target_b = _member(order, partner_b[1]), b.server  # only `b` was written: finish
    elif a.server == b.server:
        raise UsageError(f"{a.server.name} serves both {day_a} and {day_b}: nothing to swap", "give another date")
    else:
        target_a, target_b = b.server, a.server
    fix = "choose other dates, or use `rolebot cover` for one of them"
    _check_can_serve(inputs, Away(absences), turns, {day_a: target_a, day_b: target_b}, fix)
    updates = (
        pinned_update(role, a, target_a, order, "swap", (day_b, target_b)),
        pinned_update(role, b, target_b, order, "swap", (day_a, target_a)),
    )
    current = {a.event.id: a.event, b.event.id: b.event}
    needed = tuple(u for u in updates if current[u.id] != listed(u))
    return ShiftPlan(role, "swap", (a, b), (target_a, target_b), needed, order=order)


def _member(order: Sequence[Member], member_id: str) -> Member:
    """A member by Slack ID; someone who left is kept by ID (and refused as a server)."""
    return next((m for m in order if m.id == member_id), Member(member_id, member_id))


def plan_cover(inputs: PlanInputs, day: date, member: Member, *, absences: Iterable[Absence] = ()) -> ShiftPlan:
    """`member` serves the turn at `day` instead, pinned; the turn's owner keeps their place."""
    role, order = inputs.role, tuple(inputs.order)
    turns, (turn,) = _turns(inputs, {"DATE": day})
    if turn.server == member:
        if turn.pin == "cover":
            note = f"{member.name} already covers {day}: nothing to do"
            return ShiftPlan(role, "cover", (turn,), (member,), (), (note,), order)
        raise UsageError(f"--by: {member.name} already serves {day}", "name whoever takes over with --by")
    fix = "choose someone else with --by"
    _check_can_serve(inputs, Away(absences), turns, {day: member}, fix)
    update = pinned_update(role, turn, member, order, "cover")
    return ShiftPlan(role, "cover", (turn,), (member,), (update,), order=order)
