"""What `schedule` says about each handoff beyond who serves: whether a person pinned it (a hand-made
or edited event, a swap, a cover), whether it is half of an away trade or a substitute's turn,
whether whoever serves it is away, and who serves twice in a cycle while another is skipped.
Pure: it reads the turns of the calendar and the absences."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rolebot import dates
from rolebot.absences import Away
from rolebot.config import RoleConfig
from rolebot.errors import RotationError
from rolebot.events import CalendarView
from rolebot.models import Absence
from rolebot.series import ScheduleRow
from rolebot.turns import Turn, read_turns, turn_days


@dataclass(frozen=True)
class Mark:
    """A handoff's turn as the calendar has it (None when it has no event) and the absence that
    keeps whoever comes in from serving it."""

    turn: Turn | None
    absence: Absence | None = None

    def text(self) -> str | None:
        """`pinned: cover for Ada Okafor`, `away trade with 2027-01-27`, …; None for a plain turn."""
        turn, parts = self.turn, []
        if turn is not None and turn.pin is not None:
            partner = turn.swap_partner()
            detail = {
                "hand-made": "hand-made event",
                "edited": f"title edited ({turn.owner.name}'s turn)",
                "swap": f"swap with {partner[0]}" if partner else "swap",
                "cover": f"cover for {turn.owner.name}",
            }[turn.pin]
            parts.append(f"pinned: {detail}")
        elif turn is not None and turn.trade is not None:
            parts.append(f"away trade with {turn.trade} ({turn.owner.name}'s turn)")
        elif turn is not None and turn.away is not None:
            parts.append(f"substitute for {turn.owner.name} (away)")
        if self.absence is not None:
            parts.append(f"but {self.absence.describe()}")
        return "; ".join(parts) or None


def schedule_marks(
    role: RoleConfig, calendar: CalendarView, rows: Sequence[ScheduleRow], absences: Iterable[Absence]
) -> list[Mark]:
    """One mark per row. A calendar rolebot cannot read (the rows say why) gives plain marks."""
    try:
        turns = read_turns(role, calendar, [row.day for row in rows])
    except RotationError:
        turns = {}
    away = Away(absences)
    marks = []
    for row in rows:
        absent = away.during(row.incoming.id, *turn_days(role, row.day)) if row.incoming else None
        marks.append(Mark(turns.get(row.day), absent))
    return marks


def double_turns(role: RoleConfig, rows: Sequence[ScheduleRow], marks: Sequence[Mark], size: int) -> list[str]:
    """A warning for each edited or covered turn whose server also serves another turn in the same
    cycle (`size` handoffs) while the turn's owner is skipped."""
    out: list[str] = []
    served: dict[str, list[date]] = {}
    for row in rows:
        if row.incoming is not None:
            served.setdefault(row.incoming.id, []).append(row.day)
    for row, mark in zip(rows, marks, strict=True):
        turn = mark.turn
        if turn is None or turn.pin not in ("edited", "cover") or turn.server.id == turn.owner.id:
            continue
        again = [d for d in served.get(turn.server.id, []) if d != row.day and _within(role, row.day, d, size)]
        if again:
            out.append(
                f"{turn.server.name} serves twice in a cycle ({_dates(row.day, again[0])}) while "
                f"{turn.owner.name} is skipped: {turn.server.name} serves {turn.owner.name}'s turn on {row.day}"
            )
    return out


def _within(role: RoleConfig, a: date, b: date, size: int) -> bool:
    low, high = sorted((a, b))
    return dates.shift(low, role, size) > high


def _dates(a: date, b: date) -> str:
    low, high = sorted((a, b))
    return f"{low} and {high}"
