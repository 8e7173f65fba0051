"""The "dates moved" step: after a calendar write that moves turns — `rotate`'s replan, `calendar
replan`, `swap`, `cover`, `away` — each member whose dates moved gets one message listing the
turns they gain and lose, when the role has `slack.dm` (the local backend shows it instead).

Only the writes that went through count: a failed update moved nobody. Nobody who left the group
is told. A run that moves nothing sends nothing, so a re-run, which finds the calendar as the
first run left it, sends nothing either. A command that moves turns in several roles sends each
member one message with all of their changes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from rolebot.errors import WritesFailed
from rolebot.jobs.steps import StepLog, StepResult
from rolebot.notices import MovedDates, changes_of, combine_moved, plan_moved_dates
from rolebot.notify import send_moved_dates

if TYPE_CHECKING:
    from rolebot.config import RoleConfig
    from rolebot.context import AppContext
    from rolebot.models import Member
    from rolebot.replan import MemberDates

NAME = "dates moved"
CALENDAR = "calendar"


class Moves(Protocol):
    """A plan that moves turns (`ReplanPlan`, `ShiftPlan`)."""

    @property
    def role(self) -> RoleConfig: ...

    @property
    def order(self) -> tuple[Member, ...]: ...

    def dates_by_member(self, *, written: Collection[str] | None = None) -> tuple[MemberDates, ...]: ...


@dataclass(frozen=True)
class DatesMoved:
    """The turns a calendar write moves, and the IDs of the events it wrote: None before the write
    (every move as planned, what a dry run shows) or when every write went through."""

    moves: Moves
    written: frozenset[str] | None = None

    def notices(self) -> MovedDates:
        dates = self.moves.dates_by_member(written=self.written)
        return plan_moved_dates(self.moves.role, changes_of(dates), self.moves.order)

    def following(self, calendar: StepResult | None) -> DatesMoved:
        """Narrowed to what the calendar step wrote (see `written_by`); None: it did not run."""
        if calendar is None:
            return replace(self, written=frozenset())
        return replace(self, written=written_by(None if calendar.ok else calendar.error))


def written_by(failure: BaseException | None) -> frozenset[str] | None:
    """The events a write put in place, given how it ended: all of them (None) if it succeeded, the
    ones a `WritesFailed` names if some writes failed, none if it failed otherwise."""
    if failure is None:
        return None
    return failure.written if isinstance(failure, WritesFailed) else frozenset()


def tell(app: AppContext, moved: Iterable[DatesMoved]) -> str:
    """Send each member whose dates moved (in any of these writes) their one message; what that
    did, for people. Raises naming whoever was not told (see `rolebot.notify.send_moved_dates`)."""
    return send_moved_dates(app, combine_moved(item.notices() for item in moved))


def tell_moved(app: AppContext, moved: DatesMoved) -> str:
    """The step's applier in `rotate`."""
    return tell(app, [moved])


def write_and_tell(app: AppContext, moves: Moves, write: Callable[[], str]) -> tuple[StepResult, ...]:
    """Write the calendar (`write` returns what it did, for people), then tell whoever the written
    events moved: the calendar's ✓/✗ line, then the dates-moved one when the role sends direct
    messages. Neither raises a RolebotError."""
    log = StepLog([CALENDAR, NAME])
    writes = {CALENDAR: write}
    if moves.role.slack.dm:
        writes[NAME] = lambda: tell(app, [DatesMoved(moves).following(log.result(CALENDAR))])
    log.apply(writes, after={NAME: CALENDAR})
    return log.results


def recording(moves: Moves, write: Callable[[], str], into: list[DatesMoved]) -> str:
    """`write()`, noting in `into` what it moved — even when it fails, since the writes that went
    through moved turns all the same — for one message per member once every role is written."""
    try:
        done = write()
    except WritesFailed as failure:
        into.append(DatesMoved(moves, written_by(failure)))
        raise
    into.append(DatesMoved(moves))
    return done
