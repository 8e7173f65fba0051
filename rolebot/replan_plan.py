"""What a replan returns: each handoff's turn, the conflicts it could not resolve, and who gains or
drops dates. The rules are in `rolebot.replan`."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rolebot.absences import Absence
from rolebot.config import DEFAULT_FREEZE, RoleConfig
from rolebot.errors import RotationError
from rolebot.models import CalendarEvent, Member, NewEvent
from rolebot.turns import PinKind, Turn, apply_writes

Stage = Literal["started", "frozen", "open"]
Action = Literal["keep", "create", "update"]
Reason = Literal["new", "left", "away", "back", "overlap", "joined", "fairness", "renamed"]
Shortfall = Literal["overlap", "away"]

REASON_TEXT: dict[str, str] = {
    "new": "new",
    "left": "left the group",
    "away": "away",
    "back": "absence gone: own turn again",
    "overlap": "overlaps a pinned turn",
    "joined": "joined the group",
    "fairness": "round robin",
    "renamed": "a first name is now shared: full name",
}


def default_freeze(role: RoleConfig) -> int:
    """Handoffs after the coming one that are not replanned by default: 2 weekly, 0 monthly."""
    return DEFAULT_FREEZE[role.cadence]


@dataclass(frozen=True)
class PlannedTurn:
    """One handoff of the plan. `reason` says why it is created or moved; `trade` is the other
    handoff of an away trade this turn is half of; `substitute` that its owner is away and
    nobody could trade, so someone serves it for them; `shortfall` that the rule had to give it
    to someone who overlaps a neighbour or is away (nobody else could)."""

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
    trade: date | None = None
    substitute: bool = False
    absence: Absence | None = None
    """Why the owner (first half, substitute) or the server (second half) needs the trade."""

    @property
    def pinned(self) -> bool:
        return self.pin is not None

    @property
    def before(self) -> Member | None:
        """Who served it before this plan (None: no event yet)."""
        return self.existing.server if self.existing else None

    @property
    def moved(self) -> bool:
        """Whether an existing event changes hands (a rename or a new owner alone is not a move)."""
        return self.action == "update" and self.before is not None and self.before.id != self.server.id


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
        state = "is pinned (a person decided it)" if self.turn == "pinned" else "is under way"
        return f"{what} names {who}, and {state}"

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
    order: tuple[Member, ...] = ()
    """The group the plan was made for (who can be told their dates moved)."""
    notes: tuple[str, ...] = ()

    @property
    def creates(self) -> list[NewEvent]:
        return [t.write for t in self.turns if t.action == "create" and t.write is not None]

    @property
    def updates(self) -> list[NewEvent]:
        """New content for existing events, each written in place by its `id`."""
        return [t.write for t in self.turns if t.action == "update" and t.write is not None]

    @property
    def moves(self) -> list[PlannedTurn]:
        """Turns whose event is rewritten in place: date, `before` → `server`, `reason`."""
        return [t for t in self.turns if t.action == "update"]

    @property
    def substitutes(self) -> list[PlannedTurn]:
        return [t for t in self.turns if t.substitute and t.action != "keep"]

    @property
    def changed(self) -> bool:
        return any(t.action != "keep" for t in self.turns)

    def turn_at(self, day: date) -> PlannedTurn | None:
        return next((t for t in self.turns if t.day == day), None)

    def server_at(self, day: date) -> Member | None:
        """Who serves the turn at `day` once the plan is written."""
        turn = self.turn_at(day)
        return turn.server if turn else None

    def problem_at(self, day: date) -> RotationError | None:
        """The error a rotation for `day` must stop with: the pinned turn there names someone who
        left or is away. None if that handoff can be rotated."""
        found = next((c for c in self.conflicts if c.day == day and c.turn == "pinned"), None)
        return found.error(self.role.key) if found else None

    def warnings(self) -> list[str]:
        """What people should hear about but that does not stop a run: conflicts not at the coming
        handoff, and substitutes."""
        out = [c.message() for c in self.conflicts if not (c.day == self.handoff and c.turn == "pinned")]
        out.extend(
            f"no turn within the horizon can trade with {turn.owner.name}'s turn on {turn.day} "
            f"(away): {turn.server.name} substitutes"
            for turn in self.substitutes
        )
        return out

    def applied_to(self, events: Iterable[CalendarEvent]) -> list[CalendarEvent]:
        """The calendar's events as they will be once the plan is written."""
        return apply_writes(events, self.creates, self.updates)

    def dates_by_member(
        self, *, include_new: bool = False, written: Collection[str] | None = None
    ) -> tuple[MemberDates, ...]:
        """Per member of the group, the handoffs they gain and drop through moved turns (and
        created ones if asked); with `written`, only through the events of those IDs (the writes
        that went through). Nobody who left the group is listed."""
        gained: dict[str, list[date]] = {}
        dropped: dict[str, list[date]] = {}
        for turn in self.turns:
            if written is not None and (turn.write is None or turn.write.id not in written):
                continue
            if turn.moved or (include_new and turn.action == "create"):
                gained.setdefault(turn.server.id, []).append(turn.day)
                if turn.before is not None:
                    dropped.setdefault(turn.before.id, []).append(turn.day)
        people = [m for m in self.order if m.id in gained or m.id in dropped]
        return tuple(MemberDates(m, tuple(gained.get(m.id, ())), tuple(dropped.get(m.id, ()))) for m in people)
