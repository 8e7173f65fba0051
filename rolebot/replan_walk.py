"""The state a replan's walk (`rolebot.replan`) builds, and the questions each of its passes asks of
it: what stage a handoff is in, who cannot serve a turn and why, who comes next in the rotation.
The passes are mixins over this state: the owners (`rolebot.replan_owners`), the servers
(`rolebot.replan_servers`) and the plan's turns and writes (`rolebot.replan_writes`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rolebot import dates
from rolebot.absences import Absence, Away
from rolebot.config import RoleConfig
from rolebot.events import CalendarView
from rolebot.models import Member
from rolebot.replan_plan import Conflict, Shortfall, Stage
from rolebot.rotation import successor
from rolebot.turns import neighbours, read_turns, turn_days

Why = tuple[Literal["left", "away"], Absence | None]


@dataclass(frozen=True)
class Debt:
    """`debtor` (away at `origin`) owes `creditor` the turn `creditor` served for them there."""

    debtor: Member
    creditor: Member
    origin: date


class WalkState:
    """What the walk knows: the inputs, what is kept, and the owners and servers derived so far."""

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
        self.kept_open: set[date] = set()
        """Open turns kept as they are: first halves of trades whose other half a person pinned."""
        self.out_of_order: list[date] = []
        """Kept open turns whose owner is not the one the round robin gives there (last derivation)."""
        self.held: dict[date, Member] = {}
        """Frozen turns whose owner stays while their server is decided again."""
        self.decided: dict[date, tuple[Member, date | None]] = {}
        """Held turns someone other than their owner serves, as the last pass decided: the server,
        and the other half of the away trade (None: a substitute). The next run keeps them."""
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

    def _cycle(self, after: Member | None) -> tuple[Member, ...]:
        start = self.order.index(successor(self.order, after, self.role.usergroup))
        return self.order[start:] + self.order[:start]

    def _overlapping(self, day: date) -> bool:
        server = self.servers[day]
        return any(self.servers.get(near) == server for near in neighbours(self.role, day))

    def _serves_kept_near(self, day: date, member: Member) -> bool:
        """Whether `member` serves a kept turn (pinned, started or kept in the window) overlapping `day`."""
        return any(self.fixed[near][1].id == member.id for near in neighbours(self.role, day) if near in self.fixed)

    def _pinned_near(self, day: date) -> list[Member]:
        return [self.pins[near] for near in neighbours(self.role, day) if near in self.pins]
