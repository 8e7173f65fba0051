"""The last step of a replan's walk (`rolebot.replan`): each handoff as a `PlannedTurn`, with the
event to create or the in-place update of the existing one, and why it moved."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Literal

from rolebot.absences import Absence
from rolebot.events import match_name, new_event, summary_name
from rolebot.models import Member, NewEvent
from rolebot.replan_plan import Action, Conflict, PlannedTurn, Reason, Stage
from rolebot.replan_walk import WalkState
from rolebot.turns import Turn, away_event, planned_update, turn_days


class TurnWriter(WalkState):
    """Each handoff's planned turn, once owners and servers are known."""

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
