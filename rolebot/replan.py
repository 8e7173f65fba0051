"""Replanning a role's calendar series: planned turns follow the group, pinned turns stay.

The plan covers the same handoffs as `series.plan_fill` (the current turn to the horizon)
and says, for each, who owns and who serves it and whether its event is kept, created or
updated in place. Read `rolebot.turns` for owners, servers and pins. Each handoff is in
one of three stages:

- **started** (before the coming handoff): kept as it is; created from the state if missing.
- **frozen** (the coming handoff and the next `freeze`): a planned turn keeps its member
  unless they cannot serve it — they left the group, are away on a day of the turn, or
  hold an overlapping pinned turn. Such a turn is replaced by the derivation
  rule, preferring someone who serves no other turn in the window; nothing else moves.
- **open** (after the window): every planned turn is derived afresh.

**Derivation rule.** A pinned turn is its owner's. Otherwise the turn at D goes to the
first member, in rotation order cyclically after the owner at the previous handoff (a
departed owner counts from where their name sorts, as `rotation.successor`), who *can take
it*: is in the group, is not away on any day of [D, D + tenure periods), and does not
serve an overlapping turn (the earlier ones, and the later ones that are fixed: pinned,
started or kept in the window). If nobody can, it goes to the first who is not away
(overlapping a neighbour), else to the first in order; the turn records that `shortfall`.
The rule only looks back one handoff, so a calendar the rule produced is reproduced
exactly: replanning the plan's result, a calendar `plan_fill` filled with nothing changed
since, or the same calendar a few handoffs later, moves nothing.

**Fairness.** In the open range, a pinned turn whose owner is not `successor(order,
previous owner)` *restarts* the round robin from its owner (a hand-made event naming
anyone, or a swap or cover made before a change moved the queue around it). Over any
stretch of the open range without a restart, owners advance around the rotation order and
pass over only people who cannot take the turn. So, counting each turn of the stretch for
its owner, the members who could take every turn of the stretch (in the group, away on
none of its days, serving no pinned turn that overlaps one of them) have numbers of turns
that differ by at most one, and each of them owns one of the first n turns of the stretch
(n = group size; n + 1 counting the restarting turn). Hence a joiner serves within one
cycle after the window, and a member skipped while away is back within one cycle of the
absence's end — everyone after the skipped turn moves up one place for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from rolebot import dates
from rolebot.absences import Absence, Away
from rolebot.config import RoleConfig
from rolebot.errors import RotationError, UsageError
from rolebot.events import CalendarView, new_event
from rolebot.models import CalendarEvent, Member, NewEvent
from rolebot.rotation import PlanInputs, Starter, fixed_from_state, successor
from rolebot.series import horizon_range
from rolebot.turns import PinKind, Turn, apply_writes, handoffs, neighbours, planned_update, read_turns, turn_days

Stage = Literal["started", "frozen", "open"]
Action = Literal["keep", "create", "update"]
Reason = Literal["new", "left", "away", "overlap", "joined", "fairness"]
Shortfall = Literal["overlap", "away"]
DEFAULT_FREEZE = {"weekly": 2, "monthly": 0}


def default_freeze(role: RoleConfig) -> int:
    """Handoffs after the coming one that are not replanned: 2 for weekly roles, 0 for monthly."""
    return DEFAULT_FREEZE[role.cadence]


@dataclass(frozen=True)
class PlannedTurn:
    """One handoff of the plan. `reason` says why it is created or moved; `shortfall` that the
    rule had to give it to someone who overlaps a neighbour or is away (nobody else could)."""

    day: date
    stage: Stage
    owner: Member
    server: Member
    action: Action
    existing: Turn | None = None
    pin: PinKind | None = None
    reason: Reason | None = None
    shortfall: Shortfall | None = None
    write: NewEvent | None = None
    """The event to create, or the new content of the existing one (same ID) to update."""

    @property
    def pinned(self) -> bool:
        return self.pin is not None

    @property
    def before(self) -> Member | None:
        """Who served it before this plan (None: no event yet)."""
        return self.existing.server if self.existing else None


@dataclass(frozen=True)
class Conflict:
    """A turn naming someone who cannot serve it that the plan does not change: a pinned or
    started turn, or one nobody available could take (`unfilled`)."""

    day: date
    member: Member
    why: Literal["left", "away"]
    turn: Literal["pinned", "started", "unfilled"]
    usergroup: str
    absence: Absence | None = None
    event: CalendarEvent | None = None

    def message(self) -> str:
        what = f"calendar event {self.event.describe()}" if self.event else f"the turn on {self.day}"
        who = f"{self.member.name!r}, who is not in @{self.usergroup}"
        if self.absence is not None:
            who = f"{self.member.name}, who is away from {self.absence.first} to {self.absence.last}"
        if self.turn == "unfilled":
            return f"nobody in @{self.usergroup} can take the turn on {self.day}; it goes to {who}"
        return f"{what} is {'pinned' if self.turn == 'pinned' else 'under way'} and names {who}"

    def error(self, role_key: str) -> RotationError:
        return RotationError(
            self.message(), f"run `rolebot cover {role_key} {self.day} --by NAME`, or edit the event's title"
        )


@dataclass(frozen=True)
class MemberDates:
    """The handoffs a member starts serving or no longer serves after a plan."""

    member: Member
    gained: tuple[date, ...]
    dropped: tuple[date, ...]


@dataclass(frozen=True)
class ReplanPlan:
    role: RoleConfig
    handoff: date
    freeze_end: date
    turns: tuple[PlannedTurn, ...]
    conflicts: tuple[Conflict, ...]

    @property
    def creates(self) -> list[NewEvent]:
        return [t.write for t in self.turns if t.action == "create" and t.write is not None]

    @property
    def updates(self) -> list[NewEvent]:
        """New content for existing events, each written in place by its `id`."""
        return [t.write for t in self.turns if t.action == "update" and t.write is not None]

    @property
    def moves(self) -> list[PlannedTurn]:
        """Turns whose event is rewritten for someone else: date, `before` → `server`, `reason`."""
        return [t for t in self.turns if t.action == "update"]

    @property
    def changed(self) -> bool:
        return any(t.action != "keep" for t in self.turns)

    def turn_at(self, day: date) -> PlannedTurn | None:
        return next((t for t in self.turns if t.day == day), None)

    def problem_at(self, day: date) -> RotationError | None:
        """The error a rotation for `day` must stop with: the pinned turn there names someone who
        left or is away. None if that handoff can be rotated."""
        found = next((c for c in self.conflicts if c.day == day and c.turn == "pinned"), None)
        return found.error(self.role.key) if found else None

    def applied_to(self, events: Iterable[CalendarEvent]) -> list[CalendarEvent]:
        """The calendar's events as they will be once the plan is written."""
        return apply_writes(events, self.creates, self.updates)

    def dates_by_member(self, *, include_new: bool = False) -> tuple[MemberDates, ...]:
        """Per member, the handoffs they gain and drop through moved turns (and created ones if asked)."""
        gained: dict[Member, list[date]] = {}
        dropped: dict[Member, list[date]] = {}
        for turn in self.turns:
            if turn.action == "update" or (include_new and turn.action == "create"):
                gained.setdefault(turn.server, []).append(turn.day)
                if turn.before is not None:
                    dropped.setdefault(turn.before, []).append(turn.day)
        people = sorted({*gained, *dropped}, key=lambda m: (m.name.casefold(), m.id))
        return tuple(MemberDates(m, tuple(gained.get(m, ())), tuple(dropped.get(m, ()))) for m in people)


def plan_replan(inputs: PlanInputs, *, freeze: int, absences: Iterable[Absence] = ()) -> ReplanPlan:
    """Re-derive the role's series from the coming handoff (`inputs.handoff`) to the horizon;
    `freeze` handoffs after it are frozen (`default_freeze(role)` until the role has a setting)."""
    role, handoff = inputs.role, inputs.handoff
    if freeze < 0:
        raise UsageError(f"freeze must be 0 or more handoffs, not {freeze}", "fix the role's `freeze` setting")
    first, last = horizon_range(role, handoff)
    end = dates.shift(handoff, role, freeze)
    order = tuple(inputs.order)
    walk = _Walk(role, order, inputs.calendar, Away(absences), handoff, end, handoffs(role, first, last))
    turns = walk.run(fixed_from_state(inputs))
    return ReplanPlan(role, handoff, end, turns, tuple(walk.conflicts))


Why = tuple[Literal["left", "away"], Absence | None]


class _Walk:
    """One pass over the handoffs, deciding each turn from the owner of the one before."""

    def __init__(
        self,
        role: RoleConfig,
        order: tuple[Member, ...],
        calendar: CalendarView,
        away: Away,
        handoff: date,
        freeze_end: date,
        days: list[date],
    ) -> None:
        self.role, self.order, self.calendar, self.away = role, order, calendar, away
        self.handoff, self.freeze_end, self.days = handoff, freeze_end, days
        self.ids = {m.id for m in order}
        self.existing = read_turns(role, calendar, days)
        self.named = {m.id for t in self.existing.values() for m in (t.owner, t.server)}
        self.conflicts: list[Conflict] = []
        self.decided: dict[date, PlannedTurn] = {}
        self.state: Mapping[date, Member] = {}
        self.fixed: dict[date, Member] = {}
        """Servers settled before the walk (pinned, started, kept in the window): later turns avoid them."""
        self.replaced: set[date] = set()
        """Planned turns in the window whose member cannot serve them."""

    def stage(self, day: date) -> Stage:
        return "started" if day < self.handoff else "frozen" if day <= self.freeze_end else "open"

    def unable(self, member: Member, day: date) -> Why | None:
        """Why `member` cannot serve the turn at `day` (left the group, or away), or None."""
        if member.id not in self.ids:
            return "left", None
        absent = self.away.during(member.id, *turn_days(self.role, day))
        return ("away", absent) if absent else None

    def run(self, state: Mapping[date, Starter]) -> tuple[PlannedTurn, ...]:
        """`state`: who the state file says started at its handoffs (used where no event says)."""
        for day, starter in state.items():
            needed = day in self.days and day not in self.existing and self.stage(day) != "open"
            if starter.member is None and needed and starter.problem is not None:
                raise starter.problem  # the state names nobody rolebot can match, and no event says
        self.state = {day: s.member for day, s in state.items() if s.member is not None}
        self._settle()
        previous: Member | None = None
        for day in self.days:
            self.decided[day] = self._decide(day, self.existing.get(day), previous)
            previous = self.decided[day].owner
        return tuple(self.decided[d] for d in self.days)

    def _settle(self) -> None:
        """Fix pinned and started turns, then keep each planned turn in the window whose member can
        serve it and does not overlap a pinned turn (judged against people's decisions only, never
        against each other or a started turn, so the answer is the same on every run and week)."""
        held: dict[date, Member] = {}
        for day in self.days:
            turn, stage = self.existing.get(day), self.stage(day)
            if turn is not None and (turn.pinned or stage == "started"):
                self.fixed[day] = turn.server
            elif stage == "started" and day in self.state:
                self.fixed[day] = self.state[day]
            elif stage == "frozen" and (turn is not None or day in self.state):
                held[day] = turn.owner if turn is not None else self.state[day]
        pins = {day: turn.server for day, turn in self.existing.items() if turn.pinned}
        for day, member in held.items():
            if self.unable(member, day) is None and member not in (pins.get(n) for n in neighbours(self.role, day)):
                self.fixed[day] = member
        self.replaced = set(held) - set(self.fixed)

    def _seed(self) -> Member | None:
        """The owner at the handoff before the first: the calendar's, else the state's, walking on
        from what the state records if it is older; None if nothing is known (start at the top)."""
        before = dates.shift(self.days[0], self.role, -1)
        steps = handoffs(self.role, min([before, *self.state]), before)
        known = read_turns(self.role, self.calendar, steps)
        owner: Member | None = None
        for step in steps:
            if step in known:
                owner = known[step].owner
            elif step in self.state:
                owner = self.state[step]
            elif owner is not None:
                owner = successor(self.order, owner, self.role.usergroup)
        return owner

    def _decide(self, day: date, turn: Turn | None, previous: Member | None) -> PlannedTurn:
        stage = self.stage(day)
        if day in self.fixed:
            member = self.fixed[day]
            if turn is None:
                return PlannedTurn(
                    day, stage, member, member, "create", reason="new", write=new_event(self.role, member, day)
                )
            if turn.pinned or stage == "started":
                self._check_kept(day, turn, stage)
            return PlannedTurn(day, stage, turn.owner, turn.server, "keep", turn, turn.pin)
        if previous is None and day == self.days[0]:
            previous = self._seed()
        member, shortfall = self._derive(day, previous, replacing=day in self.replaced)
        if shortfall == "away":
            why = self.unable(member, day)
            self.conflicts.append(Conflict(day, member, "away", "unfilled", self.role.usergroup, why and why[1]))
        derived = PlannedTurn(day, stage, member, member, "keep", turn, shortfall=shortfall)
        if turn is None:
            return replace(derived, action="create", reason="new", write=new_event(self.role, member, day))
        if member == turn.owner:
            return derived
        update = planned_update(self.role, turn.event, member)
        return replace(derived, action="update", reason=self._reason(day, turn.server, member), write=update)

    def _check_kept(self, day: date, turn: Turn, stage: Stage) -> None:
        why = self.unable(turn.server, day)
        if why is not None:
            kind: Literal["pinned", "started"] = "started" if stage == "started" else "pinned"
            self.conflicts.append(Conflict(day, turn.server, why[0], kind, self.role.usergroup, why[1], turn.event))

    def _derive(self, day: date, previous: Member | None, *, replacing: bool) -> tuple[Member, Shortfall | None]:
        """The first member after `previous` who can take the turn at `day`. If nobody can, the
        first who is not away (overlapping a neighbour), else the first (away). The fallbacks do
        not look at the neighbours, so they give the same answer whichever neighbours are fixed."""
        start = self.order.index(successor(self.order, previous, self.role.usergroup))
        cycle = self.order[start:] + self.order[:start]
        blocked = set()
        for near in neighbours(self.role, day):
            server = self.decided[near].server if near in self.decided else self.fixed.get(near)
            if server is not None:
                blocked.add(server.id)
        busy = set(blocked)
        if replacing:  # prefer someone who serves no other turn up to the end of the window
            busy |= {t.server.id for t in self.decided.values()}
            busy |= {m.id for d, m in self.fixed.items() if d <= self.freeze_end}

        def free(member: Member) -> bool:
            return self.unable(member, day) is None

        tests: list[tuple[Shortfall | None, Callable[[Member], bool]]] = [
            (None, lambda m: free(m) and m.id not in busy),
            (None, lambda m: free(m) and m.id not in blocked),
            ("overlap", free),
        ]
        for shortfall, test in tests:
            found = next((m for m in cycle if test(m)), None)
            if found is not None:
                return found, shortfall
        return cycle[0], "away"  # everyone is away: the next in order, whatever the neighbours

    def _reason(self, day: date, before: Member, after: Member) -> Reason:
        why = self.unable(before, day)
        if why is not None:
            return why[0]
        if before in (self.fixed.get(near) for near in neighbours(self.role, day)):
            return "overlap"
        return "joined" if after.id not in self.named else "fairness"
