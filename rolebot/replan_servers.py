"""The absence rule of the replanner (`rolebot.replan`), once the owners are known: each owner
serves their turn, except where they are away; then the turn trades with the nearest later open
turn that can take it (or a substitute serves), and turns owed back by kept trades are settled."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from rolebot import dates
from rolebot.models import Member
from rolebot.replan_plan import Conflict
from rolebot.replan_walk import Debt, WalkState
from rolebot.turns import neighbours


class AwayRule(WalkState):
    """The servers pass of a replan's walk."""

    def _assign_servers(self) -> None:
        """Each owner serves their turn, except where they are away: the turn is traded with the
        nearest later open turn that can take it, or else a substitute serves."""
        for day in self.reach:
            self.servers[day] = self.fixed[day][1] if day in self.fixed else self.owners[day]
        for day, (server, trade) in self.decided.items():  # as the next run keeps them
            self.servers[day], self.trades[day] = server, trade
        owed, self.debts = sorted(self.debts.items(), key=lambda item: item[0]), {}
        for day, debt in owed:
            self._reserve(debt, day)
        for day in self.days:
            if day in self.fixed or day in self.trades:
                continue
            owing = self.debts.get(day)
            if owing is not None and self._settle_debt(day, owing):
                continue
            owner = self.owners[day]
            if self.unable(owner, day) is None:
                if self._serves_kept_near(day, owner):
                    self.shortfalls.setdefault(day, "overlap")  # an owed turn that could not be settled
                continue
            self._fill_away(day)

    def _fill_away(self, day: date) -> None:
        """Who serves the turn at `day`, whose owner is away: the server the calendar already has
        while that still works, else a trade with the nearest later turn, else a stand-in; first as
        the servers stand, then looking past away owners beside it whose turns the pass has still
        to give away. If whoever serves it would overlap a turn: what is written, else a trade that
        at least gives the owner a turn they can serve, else the first member who is not away."""
        for past in (False, True):
            if self._keep_written(day, past_away=past):
                return
            partner = self._partner(day, past_away=past)
            if partner is not None:
                self._trade(day, partner)
                return
            found = self._stand_in(day, past_away=past)
            if found is not None:
                self.servers[day], self.trades[day] = found, None
                return
        if self._keep_written(day, clean=False):
            return
        partner = self._partner(day, clean=False)
        if partner is not None:
            self.shortfalls[day] = "overlap"
            self._trade(day, partner)
            return
        self._overlap_or_unfilled(day)

    def _trade(self, day: date, partner: date) -> None:
        """The away owner of `day` and the owner of `partner` serve each other's turn."""
        owner = self.owners[day]
        self.servers[day], self.servers[partner] = self.owners[partner], owner
        self.trades[day], self.trades[partner] = partner, day

    def _keep_written(self, day: date, *, clean: bool = True, past_away: bool = False) -> bool:
        """Keep the server the calendar already has for the absent owner of `day`, as written, while
        it still works: a substitute who can still serve it, or a first half whose other half can
        still trade (a nearer turn freed since, or one that comes into the horizon, does not undo
        it). Not `clean` (nobody can serve `day` without serving a turn next to it): the server need
        only be in the group and not away (any other choice overlaps too, and would only move more
        turns), and a first half whose other half a person pinned since, for its server, stays too."""
        turn, owner = self.existing.get(day), self.owners[day]
        if turn is None or turn.pinned or turn.away is None or turn.owner.id != owner.id:
            return False
        server, trade = turn.server, turn.trade
        if server.id == owner.id:
            return False
        free = self._can_serve(server, day, past_away=past_away) if clean else self.unable(server, day) is None
        if trade is not None:
            other = self.existing.get(trade)
            if trade < day or other is None:
                return False
            if trade in self.fixed:  # kept as it is: only a pinned half, its owner the server here
                if clean or not free or not other.pinned or other.owner.id != server.id:
                    return False
            elif self.owners[trade].id != server.id or not self._can_trade(
                day, trade, clean=clean, past_away=past_away
            ):
                return False
            else:
                self.servers[trade], self.trades[trade] = owner, day
        elif not free:
            return False
        self.servers[day], self.trades[day] = server, trade
        if not clean:
            self.shortfalls[day] = "overlap"
        return True

    def _reserve(self, debt: Debt, first: date) -> None:
        """Reserve for the debtor the first open turn from `first` that the creditor owns and the
        debtor could serve (not away; no overlapping turn owned or kept by them); none: forgiven."""
        for day in self.days:
            if day < first or day in self.fixed or day in self.trades or day in self.debts:
                continue
            if self.owners[day].id != debt.creditor.id or self.unable(debt.debtor, day) is not None:
                continue
            if all(self.servers.get(near) != debt.debtor for near in neighbours(self.role, day)):
                self.debts[day] = debt
                self.servers[day] = debt.debtor  # owed: reserved for the debtor until settled
                return

    def _settle_debt(self, day: date, debt: Debt) -> bool:
        """Settle a debt at `day` if the debtor can serve it as things now stand; otherwise move it
        to the creditor's next turn that can take it. A first half this plan decides (a held turn)
        names the turn its debt settles at."""
        del self.debts[day]
        if self._can_serve(debt.debtor, day):
            self.trades[day] = debt.origin
            if debt.origin in self.decided:
                self.trades[debt.origin] = day
            return True
        self.servers[day] = self.owners[day]
        self._reserve(debt, dates.shift(day, self.role, 1))
        return False

    def _can_serve(
        self, member: Member, day: date, instead: Mapping[date, Member] | None = None, *, past_away: bool = False
    ) -> bool:
        """In the group, not away, and serving no overlapping turn (as the servers stand, with
        `instead` applied). `past_away`: an owner away on a turn still to be given away does not
        serve it (it goes to someone else later in the pass)."""
        if self.unable(member, day) is not None:
            return False
        changed = instead or {}
        for near in neighbours(self.role, day):
            server = changed.get(near, self.servers.get(near))
            if server is None or server.id != member.id:
                continue
            if near in changed or not (past_away and self._to_give_away(near)):
                return False
        return True

    def _to_give_away(self, day: date) -> bool:
        """Whether the turn at `day` is one this pass has still to decide whose owner, serving it so
        far, is away then: it will be traded, or someone will substitute (unless everybody is away)."""
        if not self.days[0] <= day <= self.days[-1] or day in self.fixed or day in self.trades:
            return False
        if day in self.debts or self.shortfalls.get(day) == "away":
            return False
        return self.servers[day].id == self.owners[day].id and self.unable(self.servers[day], day) is not None

    def _partner(self, day: date, *, clean: bool = True, past_away: bool = False) -> date | None:
        """The nearest later open turn whose owner can serve `day` and whose turn the absent owner
        of `day` can serve; None if there is none within the plan. Not `clean`: the owner may
        serve `day` beside a turn of theirs (when anyone would), as long as they are not away.
        `past_away`: as `_can_serve`."""
        found = (later for later in self.days if self._can_trade(day, later, clean=clean, past_away=past_away))
        return next(found, None)

    def _can_trade(self, day: date, later: date, *, clean: bool = True, past_away: bool = False) -> bool:
        """Whether the away turn at `day` can trade with the open turn at `later` (as `_partner`)."""
        if later <= day or self.stage(later) != "open" or later in self.fixed:
            return False
        if later in self.trades or later in self.debts:
            return False
        absent, other = self.owners[day], self.owners[later]
        if other.id == absent.id:
            return False
        swapped = {day: other, later: absent}
        if not self._can_serve(absent, later, swapped, past_away=past_away):
            return False
        if self._can_serve(other, day, swapped, past_away=past_away):
            return True
        return not clean and self.unable(other, day) is None

    def _stand_in(self, day: date, *, past_away: bool = False) -> Member | None:
        """The first member after the absent owner of `day` who can serve it (`past_away`: as `_can_serve`)."""
        owner = self.owners[day]
        cycle = self._cycle(owner)
        return next((m for m in cycle if m.id != owner.id and self._can_serve(m, day, past_away=past_away)), None)

    def _overlap_or_unfilled(self, day: date) -> None:
        """Nobody can serve `day` without overlapping a turn: the first member after its owner who
        is not away serves it anyway; if everybody is away, it stays with its owner, unfilled."""
        owner = self.owners[day]
        present = next((m for m in self._cycle(owner) if self.unable(m, day) is None), None)
        if present is not None:
            self.servers[day], self.trades[day] = present, None
            self.shortfalls[day] = "overlap"
            return
        self.shortfalls[day] = "away"
        why = self.unable(owner, day)
        self.conflicts.append(Conflict(day, owner, "away", "unfilled", self.role.usergroup, why and why[1]))
