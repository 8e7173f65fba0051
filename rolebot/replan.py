"""Replanning a role's calendar series: planned turns follow the group, pinned turns stay.

The plan covers the same handoffs as `series.plan_fill` (the current turn to the horizon)
and says, for each, who owns and who serves it and whether its event is kept, created or
updated in place. Read `rolebot.turns` for owners, servers and pins. Each handoff is in
one of three stages:

- **started** (before the coming handoff): kept as it is; created from the state if missing.
- **frozen** (the coming handoff and the next `freeze`): a planned turn keeps its owner, and
  its server unless they cannot serve it (left the group, away on a day of the turn, or
  holding an overlapping pinned turn). An owner who left, or who overlaps a pinned turn, is
  replaced by someone who can serve (preferring someone with no other turn in the window);
  an owner who is away keeps the turn and trades it by the absence rule below.
- **open** (after the window): every planned turn is derived afresh.

**Owners: round robin, blind to absences.** A pinned turn is its owner's. Otherwise the owner
at D is the first member, in rotation order cyclically after the owner at the previous
handoff (a departed owner counts from where their name sorts, as `rotation.successor`),
who does not serve an overlapping turn that is fixed (pinned, started or kept in the window)
or owned just before. Absences never change an owner, so an absence moves nobody's place.

**Servers: the absence rule.** A turn's owner serves it, unless they are away on one of its
days. Then the turn is *traded*: it goes to the owner of the nearest later open turn who can
serve it (in the group, not away then, no overlapping turn) and whose turn the absent owner
can serve, and the absent owner serves that turn instead. Two turns change, nothing else
moves, and everybody's number of turns stays the same. Both halves are planned, marked
`rolebot_away` with the other's date; when the absence is removed the next replan undoes the
trade by itself (a started half stays, and its other half is still owed). If no turn in the
horizon can trade, the first member after the owner who can serve the turn substitutes, and
the plan says so. If nobody can, the turn goes to someone who overlaps a neighbour, else it
stays with its owner (`shortfall`, reported as unfilled).

**Stability.** The owners, then the trades, are derived from the group, the absences, the
pins and what is kept; nothing else. So the plan's own result replans to itself, and so does
the same calendar a few handoffs later: a trade whose first half becomes frozen or starts is
kept, and its second half is settled where it was.

**Fairness.** In the open range, a pinned turn whose owner is not `successor(order, previous
owner)` *restarts* the round robin from its owner. Over any stretch of the open range
without a restart, owners go round the rotation order and pass over only people who hold an
overlapping pinned turn. So, counting each turn for its owner, members with no pinned turn
overlapping the stretch have numbers of turns that differ by at most one — absences
included — and each owns one of its first n turns (n = group size; n + 1 counting the
restarting turn): a joiner serves within one cycle after the window, and an absent member's
turn comes back to them as the nearest later turn they can serve.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Literal

from rolebot import dates
from rolebot.absences import Absence, Away
from rolebot.config import RoleConfig
from rolebot.errors import UsageError
from rolebot.events import CalendarView, match_name, new_event, summary_name
from rolebot.models import Member, NewEvent
from rolebot.replan_plan import (
    REASON_TEXT,
    Action,
    Conflict,
    MemberDates,
    PlannedTurn,
    Reason,
    ReplanPlan,
    Shortfall,
    Stage,
    default_freeze,
)
from rolebot.replan_servers import AwayRule, Debt
from rolebot.rotation import PlanInputs, Starter, fixed_from_state, successor
from rolebot.series import horizon_range
from rolebot.turns import Turn, away_event, handoffs, neighbours, planned_update, read_turns, turn_days

__all__ = [
    "REASON_TEXT",
    "Action",
    "Conflict",
    "MemberDates",
    "PlannedTurn",
    "Reason",
    "ReplanPlan",
    "Shortfall",
    "Stage",
    "default_freeze",
    "plan_replan",
]


def plan_replan(
    inputs: PlanInputs, *, freeze: int | None = None, absences: Iterable[Absence] = (), through: date | None = None
) -> ReplanPlan:
    """Re-derive the role's series from the coming handoff (`inputs.handoff`) to the horizon (or to
    `through`, if later); `freeze` handoffs after it are frozen (default: the role's setting)."""
    role, handoff = inputs.role, inputs.handoff
    freeze = role.freeze if freeze is None else freeze
    if freeze < 0:
        raise UsageError(f"freeze must be 0 or more handoffs, not {freeze}", "fix the role's `freeze` setting")
    first, last = horizon_range(role, handoff)
    if through is not None and through > last:
        last = dates.handoff_on_or_before(through, role)
    end = dates.shift(handoff, role, freeze)
    order = tuple(inputs.order)
    walk = _Walk(role, order, inputs.calendar, tuple(absences), handoff, end, handoffs(role, first, last))
    turns = walk.run(fixed_from_state(inputs))
    notes = ("no previous member is known: starting from the first in rotation order",) if walk.unseeded else ()
    return ReplanPlan(role, handoff, end, turns, tuple(walk.conflicts), order, notes)


Why = tuple[Literal["left", "away"], Absence | None]


class _Walk(AwayRule):
    """Settle what is kept, derive the owners in one pass, then the servers in another."""

    def __init__(
        self,
        role: RoleConfig,
        order: tuple[Member, ...],
        calendar: CalendarView,
        absences: tuple[Absence, ...],
        handoff: date,
        freeze_end: date,
        days: list[date],
    ) -> None:
        self.role, self.order, self.calendar, self.away = role, order, calendar, Away(absences)
        self.handoff, self.freeze_end, self.days = handoff, freeze_end, days
        beyond = [dates.shift(days[-1], role, step) for step in range(1, role.tenure)]
        self.reach = [*days, *beyond]
        """The plan's handoffs and the turns after the last that overlap it: their owners are
        derived too, so that a trade with the last turn sees who serves next."""
        self.ids = {m.id for m in order}
        self.existing = read_turns(role, calendar, self.reach)
        self.named = {m.id for t in self.existing.values() for m in (t.owner, t.server)}
        self.pins = {day: turn.server for day, turn in self.existing.items() if turn.pinned}
        self.conflicts: list[Conflict] = []
        self.state: Mapping[date, Member] = {}
        self.fixed: dict[date, tuple[Member, Member]] = {}
        """(owner, server) of turns kept as they are: pinned, started, or kept in the window."""
        self.held: dict[date, Member] = {}
        """Frozen turns whose owner stays while their server is decided again."""
        self.replaced: set[date] = set()
        """Frozen turns whose owner left or overlaps a pinned turn: someone else takes them."""
        self.owners: dict[date, Member] = {}
        self.servers: dict[date, Member] = {}
        self.trades: dict[date, date | None] = {}
        """Day → the other half of its away trade; None for a substitute."""
        self.debts: dict[date, Debt] = {}
        """Turns owed back to whoever served an absent member's kept turn, by the day they settle."""
        self.shortfalls: dict[date, Shortfall] = {}
        self.unseeded = False
        """Nothing said who served before the first derived turn: the round robin starts at the top."""

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
        self._derive_owners()
        self._assign_servers()
        for day, shortfall in list(self.shortfalls.items()):
            if shortfall == "overlap" and not self._overlapping(day):
                del self.shortfalls[day]  # a later turn moved away from it
        return tuple(self._turn(day) for day in self.days)

    def _overlapping(self, day: date) -> bool:
        server = self.servers[day]
        return any(self.servers.get(near) == server for near in neighbours(self.role, day))

    # --- what is kept -------------------------------------------------------------------------

    def _settle(self) -> None:
        """Keep pinned and started turns; in the window, keep each planned turn whose server can
        serve it and whose reason to differ from its owner still holds (judged against people's
        decisions and the absences only, so the answer is the same on every run and week)."""
        for day in self.reach:
            turn, stage = self.existing.get(day), self.stage(day)
            if turn is not None and (turn.pinned or stage == "started"):
                self.fixed[day] = (turn.owner, turn.server)
            elif stage == "started" and day in self.state:
                self.fixed[day] = (self.state[day], self.state[day])
            elif stage == "frozen" and (turn is not None or day in self.state):
                self._hold(day, turn)
            elif turn is not None and self._pinned_partner(day, turn):
                self.fixed[day] = (turn.owner, turn.server)
            if turn is not None and not turn.pinned and turn.trade is not None:
                self._owe(day, turn)

    def _hold(self, day: date, turn: Turn | None) -> None:
        owner = turn.owner if turn is not None else self.state[day]
        server = turn.server if turn is not None else owner
        if owner.id not in self.ids or owner in self._pinned_near(day):
            self.replaced.add(day)
        elif self._keeps(day, turn, owner, server):
            self.fixed[day] = (owner, server)
        else:
            self.held[day] = owner

    def _keeps(self, day: date, turn: Turn | None, owner: Member, server: Member) -> bool:
        if self.unable(server, day) is not None or server in self._pinned_near(day):
            return False
        if turn is None or server == owner:
            return True
        owner_away = self.unable(owner, day) is not None
        trade = turn.trade
        if trade is None:  # a substitute, while the owner is away
            return owner_away
        if trade > day:  # the first half: the owner is away
            return owner_away
        first = self.fixed.get(trade)  # the second half: kept while its first half stays its debtor's
        return trade < self.days[0] or (first is not None and first[0].id == server.id)

    def _pinned_partner(self, day: date, turn: Turn) -> bool:
        """A first half whose other half a person pinned since (swap, cover, edit) stays while its
        owner is away and its server can serve it: the trade was settled by people."""
        trade = turn.trade
        partner = self.existing.get(trade) if trade is not None and trade > day else None
        if partner is None or not partner.pinned or partner.owner.id != turn.server.id:
            return False
        return self.unable(turn.owner, day) is not None and self._keeps(day, turn, turn.owner, turn.server)

    def _owe(self, day: date, turn: Turn) -> None:
        """The second half of a trade whose first half is kept (pinned, started, kept in the window,
        or history before the plan's first handoff) is owed to its owner by the absent member."""
        trade = turn.trade
        if trade is None or trade >= day:
            return
        first = self.fixed.get(trade)
        owed = trade < self.days[0] or (first is not None and first[0].id == turn.server.id)
        if owed and day not in self.fixed:
            self.debts[day] = Debt(turn.server, turn.owner, trade)

    def _pinned_near(self, day: date) -> list[Member]:
        return [self.pins[near] for near in neighbours(self.role, day) if near in self.pins]

    # --- owners -------------------------------------------------------------------------------

    def _derive_owners(self) -> None:
        previous: Member | None = None
        for index, day in enumerate(self.reach):
            if day in self.fixed:
                owner = self.fixed[day][0]
            elif day in self.held:
                owner = self.held[day]
            else:
                if previous is None and index == 0:
                    previous = self._seed()
                self.unseeded = self.unseeded or previous is None
                owed = self.debts.get(day)
                if owed is not None and successor(self.order, previous, self.role.usergroup) == owed.creditor:
                    owner, shortfall = owed.creditor, None  # served by the debtor: their overlaps do not count
                elif day in self.replaced:
                    owner, shortfall = self._replacement(day, previous)
                else:
                    owner, shortfall = self._next_owner(day, previous)
                if shortfall is not None:
                    self.shortfalls[day] = shortfall
            self.owners[day] = owner
            previous = owner

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

    def _near_servers(self, day: date) -> set[str]:
        """Who holds the turns overlapping `day`, as the round robin sees them: the servers of
        pinned ones (people's decisions), the owners of the others (absences aside)."""
        found = set()
        for near in neighbours(self.role, day):
            if near in self.pins:
                found.add(self.pins[near].id)
            elif near in self.fixed:
                found.add(self.fixed[near][0].id)
            elif near in self.held:
                if self.unable(self.held[near], near) is None:  # one away will not serve it
                    found.add(self.held[near].id)
            elif near in self.owners:
                found.add(self.owners[near].id)
        return found

    def _next_owner(self, day: date, previous: Member | None) -> tuple[Member, Shortfall | None]:
        """Round robin, blind to absences: the first after `previous` with no overlapping turn."""
        cycle, blocked = self._cycle(previous), self._near_servers(day)
        found = next((m for m in cycle if m.id not in blocked), None)
        return (found, None) if found is not None else (cycle[0], "overlap")

    def _replacement(self, day: date, previous: Member | None) -> tuple[Member, Shortfall | None]:
        """For a frozen turn whose owner left or overlaps a pinned turn: the first after `previous`
        who can serve it, preferring someone with no other turn up to the end of the window."""
        cycle, blocked = self._cycle(previous), self._near_servers(day)
        busy = blocked | {m.id for d, m in self.owners.items()}
        busy |= {server.id for d, (_, server) in self.fixed.items() if d <= self.freeze_end}

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
        return cycle[0], "away"

    # --- the plan -----------------------------------------------------------------------------

    def _turn(self, day: date) -> PlannedTurn:
        stage, turn = self.stage(day), self.existing.get(day)
        owner, server = self.owners[day], self.servers[day]
        if day in self.fixed:
            if turn is None:
                write = new_event(self.role, owner, day, self.order)
                return PlannedTurn(day, stage, owner, server, "create", reason="new", write=write)
            if turn.pinned or stage == "started":
                self._check_kept(day, turn, stage)
            absence = self._absence(day, turn.owner, turn.server, turn.trade)
            trade, substitute = turn.trade, turn.away is not None and turn.trade is None
            return PlannedTurn(
                day,
                stage,
                turn.owner,
                turn.server,
                "keep",
                turn,
                turn.pin,
                None,
                None,
                None,
                trade,
                substitute,
                absence,
            )
        trade = self.trades.get(day)
        substitute = day in self.trades and trade is None and server.id != owner.id
        write = self._write(day, turn, owner, server, trade)
        planned = PlannedTurn(
            day,
            stage,
            owner,
            server,
            "keep",
            turn,
            shortfall=self.shortfalls.get(day),
            trade=trade if server.id != owner.id else None,
            substitute=substitute,
            absence=self._absence(day, owner, server, trade if server.id != owner.id else None),
        )
        if turn is None:
            return _with(planned, "create", "new", write)
        if self._same(turn, owner, server, trade if server.id != owner.id else None, substitute):
            return planned
        return _with(planned, "update", self._reason(day, turn, owner, server), write)

    def _write(self, day: date, turn: Turn | None, owner: Member, server: Member, trade: date | None) -> NewEvent:
        if server.id == owner.id:
            base = new_event(self.role, owner, day, self.order)
            return base if turn is None else planned_update(self.role, turn.event, owner, self.order)
        made = away_event(self.role, day, owner, server, self.order, trade)
        if turn is None:
            return made
        return NewEvent(
            turn.event.id,
            made.role,
            made.member,
            made.summary,
            made.description,
            turn.event.start,
            turn.event.end,
            made.marks,
        )

    def _same(self, turn: Turn, owner: Member, server: Member, trade: date | None, substitute: bool) -> bool:
        """Whether the existing planned event already says this, by a name nobody else shares."""
        if (turn.owner.id, turn.server.id) != (owner.id, server.id):
            return False
        if server.id != owner.id and (turn.trade, turn.trade is None and turn.away is not None) != (trade, substitute):
            return False
        if server.id == owner.id and turn.away is not None:
            return False
        name = summary_name(self.role, turn.event.summary)
        return name is None or match_name(name, self.order) in ([server], [])

    def _absence(self, day: date, owner: Member, server: Member, trade: date | None) -> Absence | None:
        """The absence behind an away turn: the owner's (first half, substitute), else the server's
        at the other half."""
        if server.id == owner.id:
            return None
        if trade is None or trade > day:
            return self.away.during(owner.id, *turn_days(self.role, day))
        return self.away.during(server.id, *turn_days(self.role, trade))

    def _check_kept(self, day: date, turn: Turn, stage: Stage) -> None:
        why = self.unable(turn.server, day)
        if why is not None:
            kind: Literal["pinned", "started"] = "started" if stage == "started" else "pinned"
            self.conflicts.append(Conflict(day, turn.server, why[0], kind, self.role.usergroup, why[1], turn.event))

    def _reason(self, day: date, turn: Turn, owner: Member, server: Member) -> Reason:
        before = turn.server
        why = self.unable(before, day)
        if why is not None:
            return why[0]
        if server.id != owner.id:
            return "away"
        if turn.server.id != turn.owner.id and server.id == turn.owner.id:
            return "back"
        if before.id == server.id:
            return "renamed" if turn.owner.id == owner.id else "fairness"
        if before in self._pinned_near(day):
            return "overlap"
        return "joined" if server.id not in self.named else "fairness"


def _with(turn: PlannedTurn, action: Action, reason: Reason, write: NewEvent) -> PlannedTurn:
    return replace(turn, action=action, reason=reason, write=write)
