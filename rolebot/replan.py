"""Replanning a role's calendar series: planned turns follow the group, pinned turns stay.

The plan covers the same handoffs as `series.plan_fill` (the current turn to the horizon)
and says, for each, who owns and who serves it and whether its event is kept, created or
updated in place. Read `rolebot.turns` for owners, servers and pins. Each handoff is in
one of three stages:

- **started** (before the coming handoff): kept as it is; created from the state if missing.
- **frozen** (the coming handoff and the next `freeze`): a planned turn keeps its owner, and
  its server unless they cannot serve it (left the group, away on a day of the turn, or
  holding an overlapping pinned turn). An owner who left, or who overlaps a pinned turn, is
  replaced by someone who can serve (preferring someone with no other turn in the window), and
  so is one who serves a kept turn next to it when its server cannot serve it; an owner who is
  away keeps the turn and trades it by the absence rule below.
- **open** (after the window): every planned turn is derived afresh.

**Owners: round robin, blind to absences.** A pinned turn is its owner's. Otherwise the owner
at D is the first member, in rotation order cyclically after the owner at the previous
handoff (a departed owner counts from where their name sorts, as `rotation.successor`),
who serves no overlapping turn that is fixed (pinned, started or kept in the window: a kept away
trade or substitute is served as it is, and so is one this plan decides for a frozen turn) and
does not own the one just before. An open turn kept as it is (a trade half whose other half a
person pinned) stays only while its owner is the one the round robin gives there, and while the
round robin need not pass its server over at a turn next to it; once the group changes so that
either fails, it is derived afresh, holding nobody's place out of order. Absences
never change an owner of a turn that is derived afresh, so an absence moves nobody's place.

**Servers: the absence rule.** A turn's owner serves it, unless they are away on one of its
days. Then the turn is *traded*: it goes to the owner of the nearest later open turn who can
serve it (in the group, not away then, no overlapping turn) and whose turn the absent owner can
serve, and the absent owner serves that turn instead. Two turns change, nothing else moves, and
everybody's number of turns stays the same. A trade (or substitute) the calendar already has
stays while it can still be made: a nearer turn freed since does not undo it. Both halves are
planned, marked `rolebot_away` with the other's date; when the absence is removed the next
replan undoes the trade by itself (a started half stays, and its other half is still owed). If
no turn in the horizon can trade, the first member after the owner who can serve the turn
substitutes, and the plan says so. An owner serves their own turn next to it until it is given
away; if that leaves nobody, the same search is made counting no owner on a turn next to it that
they are away on and that is still to be given away (someone else will serve it). If nobody can
still, whoever the calendar already has serving it
for the owner stays, as written (a substitute; a first half whose trade still holds, or whose
other half a person pinned for its server), while in the group and not away: any other choice
overlaps too, and would only move more turns. Else it still trades where only its new server's
half overlaps a neighbour (the absent owner gets a turn they can serve), else it goes to someone
who overlaps a neighbour, else it stays with its owner (`shortfall`, reported as unfilled).

**Stability.** The owners, then the trades, are derived from the group, the absences, the
pins and what is kept; nothing else. So the plan's own result replans to itself, and so does
the same calendar a few handoffs later: a trade whose first half becomes frozen or starts is
kept, and its second half is settled where it was. A frozen turn this plan gives to someone
other than its owner (a trade or a substitute, its owner being away) is one the next run keeps,
its server busy and the other half owed: so the walk derives the owners and servers again, as
the next run will see them, until what it decides for the frozen turns no longer changes.

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

from collections.abc import Iterable, Mapping
from datetime import date

from rolebot import dates
from rolebot.absences import Absence
from rolebot.errors import UsageError
from rolebot.models import Member
from rolebot.replan_owners import RoundRobin
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
from rolebot.replan_servers import AwayRule
from rolebot.replan_walk import Debt
from rolebot.replan_writes import TurnWriter
from rolebot.rotation import PlanInputs, Starter, fixed_from_state
from rolebot.series import horizon_range
from rolebot.turns import Turn, handoffs, neighbours

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


class _Walk(RoundRobin, AwayRule, TurnWriter):
    """Settle what is kept, derive the owners in one pass, then the servers in another."""

    def run(self, state: Mapping[date, Starter]) -> tuple[PlannedTurn, ...]:
        """`state`: who the state file says started at its handoffs (used where no event says)."""
        for day, starter in state.items():
            needed = day in self.days and day not in self.existing and self.stage(day) != "open"
            if starter.member is None and needed and starter.problem is not None:
                raise starter.problem  # the state names nobody rolebot can match, and no event says
        self.state = {day: s.member for day, s in state.items() if s.member is not None}
        self._settle()
        self._keep_in_order()
        owed = dict(self.debts)
        while True:
            self._decide(owed)
            crowded = self._crowded()
            if not crowded:
                break
            for day in crowded:  # decided afresh, as the next run will, seeing this plan's servers
                self.held[day] = self.fixed.pop(day)[0]
            owed = {day: debt for day, debt in owed.items() if debt.origin not in crowded}
            self.decided = {}
        for day, shortfall in list(self.shortfalls.items()):
            if shortfall == "overlap" and not self._overlapping(day):
                del self.shortfalls[day]  # a later turn moved away from it
        return tuple(self._turn(day) for day in self.days)

    def _decide(self, owed: Mapping[date, Debt]) -> None:
        """Derive the owners, then the servers; again while what they decide for the held turns
        changes (the next run keeps the frozen turns as decided: derive the owners as it will)."""
        for _ in range(len(self.held) + 1):
            self.debts, self.conflicts, self.unseeded = {**owed, **self._owed_by_decided()}, [], False
            self.owners, self.servers, self.trades, self.shortfalls = {}, {}, {}, {}
            self._derive_owners()
            self._assign_servers()
            decided: dict[date, tuple[Member, date | None]] = {}
            for day, owner in sorted(self.held.items()):
                if self._decided(day, owner, decided):
                    decided[day] = (self.servers[day], self.trades.get(day))
            if decided == self.decided:
                return
            self.decided = decided

    def _crowded(self) -> list[date]:
        """Frozen turns kept with someone other than their owner serving, whose server this plan
        also gives a turn next to them (one it replaced, say): the next run would not keep them,
        nor the second halves kept because such a turn was their first."""
        crowded = {
            day
            for day, (owner, server) in self.fixed.items()
            if self.stage(day) == "frozen"
            and day not in self.pins
            and owner.id != server.id
            and any(self.servers[near].id == server.id for near in neighbours(self.role, day) if near in self.servers)
        }
        halves = {  # the second halves kept because their first half was: their trade is undone
            day
            for day in self.fixed
            if self.stage(day) == "frozen"
            and (turn := self.existing.get(day)) is not None
            and not turn.pinned
            and turn.trade is not None
            and turn.trade in crowded
            and turn.trade < day
        }
        return sorted(crowded | halves)

    def _keep_in_order(self) -> None:
        """Drop, first to last, each kept open turn whose owner the round robin no longer gives
        there (the group changed since), or whose server it passes over next to it for that turn
        alone: derived afresh, it holds nobody's place out of order."""
        while True:
            self._derive_owners()
            dropped = sorted({*self.out_of_order, *self._passing_over()})
            if not dropped:
                return
            day = dropped[0]
            del self.fixed[day]
            self.kept_open.discard(day)
            self.owners, self.shortfalls, self.unseeded = {}, {}, False

    def _owed_by_decided(self) -> dict[date, Debt]:
        """The debts the next run finds (as `_owe` does) behind the away trades decided for held
        turns: the absent owner owes the later half's owner the turn they serve for them."""
        found: dict[date, Debt] = {}
        for day, (server, trade) in self.decided.items():
            if trade is not None and trade > day and trade not in self.fixed:
                found[trade] = Debt(self.held[day], server, day)
        return found

    def _decided(self, day: date, owner: Member, earlier: Mapping[date, tuple[Member, date | None]]) -> bool:
        """Whether this pass gave the held turn at `day` to someone other than its owner in a way
        the next run keeps (as `_keeps` judges the event this plan writes, after the `earlier` ones)."""
        server = self.servers[day]
        if server.id == owner.id or any(
            earlier[near][0] == server for near in neighbours(self.role, day) if near in earlier
        ):
            return False
        return self._keeps_away(day, owner, server, self.trades.get(day), self.servers)

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
                self.kept_open.add(day)
            if turn is not None and not turn.pinned and turn.trade is not None:
                self._owe(day, turn)

    def _hold(self, day: date, turn: Turn | None) -> None:
        owner = turn.owner if turn is not None else self.state[day]
        server = turn.server if turn is not None else owner
        if owner.id not in self.ids or owner in self._pinned_near(day):
            self.replaced.add(day)
        elif self._keeps(day, turn, owner, server):
            self.fixed[day] = (owner, server)
        elif self.unable(owner, day) is None and self._serves_kept_near(day, owner):
            self.replaced.add(day)  # its server cannot serve it, nor its owner, who serves a kept turn next to it
        else:
            self.held[day] = owner

    def _keeps(self, day: date, turn: Turn | None, owner: Member, server: Member) -> bool:
        if turn is None or server == owner:
            return self.unable(server, day) is None and server not in self._pinned_near(day)
        beside = {near: self.existing[near].server for near in neighbours(self.role, day) if near in self.existing}
        return self._keeps_away(day, owner, server, turn.trade, beside)

    def _keeps_away(
        self, day: date, owner: Member, server: Member, trade: date | None, beside: Mapping[date, Member]
    ) -> bool:
        """Whether a frozen turn `server` serves for `owner` (away trade `trade`, or a substitute)
        is kept: the server can still serve it, serving none of the turns next to it (as `beside`
        has their servers), and the reason it is not the owner's still holds."""
        if self.unable(server, day) is not None or server in self._pinned_near(day):
            return False
        if self._serves_kept_near(day, server):
            return False  # a shortfall: its server also serves the kept turn before it
        if any(beside[near].id == server.id for near in neighbours(self.role, day) if near in beside):
            return False  # a shortfall: decided afresh, so that it never moves an owner next to it
        if trade is None or trade > day:  # a substitute, or the first half: while the owner is away
            return self.unable(owner, day) is not None
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
        if owed and day not in self.fixed and turn.server.id in self.ids:  # one who left owes nothing
            self.debts[day] = Debt(turn.server, turn.owner, trade)
