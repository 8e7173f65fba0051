"""The owners pass of a replan's walk (`rolebot.replan`): round robin in rotation order, blind to
absences, passing over whoever holds an overlapping turn; a frozen turn whose owner left gets a
replacement who can serve it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rolebot import dates
from rolebot.models import Member
from rolebot.replan_plan import Shortfall
from rolebot.replan_walk import WalkState
from rolebot.rotation import successor
from rolebot.turns import handoffs, neighbours, read_turns


class RoundRobin(WalkState):
    """Who owns each handoff of the walk's reach."""

    def _derive_owners(self) -> None:
        previous: Member | None = None
        self.out_of_order = []
        for index, day in enumerate(self.reach):
            if day in self.fixed:
                owner = self.fixed[day][0]
                if day in self.kept_open and previous is not None and self._next_owner(day, previous)[0] != owner:
                    self.out_of_order.append(day)
            elif day in self.held:
                owner = self.held[day]
            else:
                if previous is None and index == 0:
                    previous = self._seed()
                self.unseeded = self.unseeded or previous is None
                owed = self.debts.get(day)
                if owed is not None and self._next_owner(day, previous, owed.origin)[0] == owed.creditor:
                    owner, shortfall = owed.creditor, None  # served by the debtor: their overlaps do not count
                elif day in self.replaced:
                    owner, shortfall = self._replacement(day, previous)
                else:
                    owner, shortfall = self._next_owner(day, previous)
                if shortfall is not None:
                    self.shortfalls[day] = shortfall
            self.owners[day] = owner
            previous = owner

    def _passing_over(self) -> list[date]:
        """Kept open turns whose server, serving for another owner, the round robin passes over at
        a derived turn next to them that nothing else keeps them from owning."""
        found = []
        for day in sorted(self.kept_open):
            owner, server = self.fixed[day]
            if server.id == owner.id:
                continue
            for near in neighbours(self.role, day):
                before = dates.shift(near, self.role, -1)
                if near not in self.owners or near in self.fixed or near in self.held or before not in self.owners:
                    continue
                cycle = self._cycle(self.owners[before])
                passed = cycle[: cycle.index(self.owners[near])] if self.owners[near] in cycle else cycle
                if server in passed and server.id not in self._near_servers(near, beside=day):
                    found.append(day)
                    break
        return found

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

    def _near_servers(self, day: date, beside: date | None = None) -> set[str]:
        """Who holds the turns overlapping `day`, as the round robin sees them: the servers of
        pinned and kept ones (a kept away trade is served as it is: its server is busy, its absent
        owner is not), the servers this plan decides for frozen turns (the next run keeps them),
        and the owners of the others (absences aside). `beside`: a turn to leave out (the first
        half of a trade whose second half is `day`: its server does not serve `day`)."""
        found = set()
        for near in neighbours(self.role, day):
            if near == beside:
                continue
            if near in self.pins:
                found.add(self.pins[near].id)
            elif near in self.fixed:
                found.add(self.fixed[near][1].id)
            elif near in self.decided:  # as the next run will keep it
                found.add(self.decided[near][0].id)
            elif near in self.held:
                if self.unable(self.held[near], near) is None:  # one away will not serve it
                    found.add(self.held[near].id)
            elif near in self.owners:
                found.add(self.owners[near].id)
        return found

    def _next_owner(
        self, day: date, previous: Member | None, beside: date | None = None
    ) -> tuple[Member, Shortfall | None]:
        """Round robin, blind to absences: the first after `previous` with no overlapping turn
        (leaving out the turn at `beside`, if any)."""
        cycle, blocked = self._cycle(previous), self._near_servers(day, beside)
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
