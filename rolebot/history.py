"""History and fairness of a role: who served when, who serves ahead, and how evenly. Pure.

The period runs from the first turn still running on `since` to the horizon, in two parts:

- **past** (turns that started on or before today): as the calendar records them, read as
  turns (`rolebot.turns`: the server, who served, and the owner, whose place in the queue it
  was); where the calendar has no event, as the state records them (it knows who serves now
  and since when); a handoff neither knows is *unrecorded* and counts for nobody.
- **ahead** (turns that start after today, up to the horizon): the rota as `rolebot.replan`
  plans it — the calendar's turns it keeps, and those it would create or give to someone else
  (someone left, is away, or the queue moved).

Per person: turns served (the one under way included) and ahead, the last turn served and the
next, and **swaps**: a turn *taken* is one served in someone else's place, a turn *given* one
served by someone else in yours — a swap gives one and takes one, a cover takes or gives one.
Counted over the whole period, so a cover arranged for next month counts today.

**Fairness** counts, for each member of the group, the turns they serve over the period
(served + ahead), and gives the spread (most − fewest; at most 1 is balanced: the replanner
keeps counts within one) and who is furthest behind: the fewest turns, and of those, the one
who last served longest ago. People named in the period who are not in the group (they left,
or were only ever named in a title) are listed but not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rolebot import dates
from rolebot.absences import Absence
from rolebot.config import RoleConfig
from rolebot.errors import UsageError
from rolebot.events import match_name
from rolebot.models import Member
from rolebot.replan import PlannedTurn, default_freeze, plan_replan
from rolebot.rotation import PlanInputs, Starter, fixed_from_state, moved_notes
from rolebot.series import horizon_range
from rolebot.turns import PinKind, Turn, handoffs, read_turns, turn_days

Status = Literal["served", "serving", "ahead"]
Source = Literal["calendar", "state", "planned", "replanned"]
"""Where a turn comes from: a calendar event (kept as it is), the state (no event), or the
replanner: `planned` has no event yet, `replanned` has one naming someone else (`before`)."""


@dataclass(frozen=True)
class HistoryTurn:
    """One handoff of the period: who serves it, whose turn in the queue it is, and how known."""

    day: date
    last_day: date
    owner: Member
    server: Member
    status: Status
    source: Source
    pin: PinKind | None = None
    before: Member | None = None
    """For a `replanned` turn: who the calendar names now."""

    @property
    def shifted(self) -> bool:
        """Served by someone else than its owner (a swap, a cover, a title edited by hand)."""
        return key(self.server) != key(self.owner)


@dataclass(frozen=True)
class MemberRecord:
    member: Member
    in_group: bool
    served: int
    ahead: int
    last_served: date | None
    next_turn: date | None
    swaps_taken: int
    swaps_given: int

    @property
    def turns(self) -> int:
        return self.served + self.ahead


@dataclass(frozen=True)
class Fairness:
    """Turns per member of the group over the period (served + ahead)."""

    counted: int
    fewest: int
    most: int
    behind: tuple[MemberRecord, ...]
    """The members with the fewest turns, the one who last served longest ago first; empty when
    everyone has as many."""

    @property
    def spread(self) -> int:
        return self.most - self.fewest

    @property
    def balanced(self) -> bool:
        return self.spread <= 1


@dataclass(frozen=True)
class HistoryPlan:
    role: RoleConfig
    today: date
    since: date
    first: date
    """The first handoff of the period: the turn running on `since`."""
    last: date
    """The last handoff of the horizon."""
    turns: tuple[HistoryTurn, ...]
    members: tuple[MemberRecord, ...]
    fairness: Fairness
    unrecorded: tuple[date, ...]
    """Past handoffs neither the calendar nor the state knows: counted for nobody."""
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def past(self) -> tuple[HistoryTurn, ...]:
        return tuple(t for t in self.turns if t.status != "ahead")

    @property
    def ahead(self) -> tuple[HistoryTurn, ...]:
        return tuple(t for t in self.turns if t.status == "ahead")


def default_since(today: date) -> date:
    """A year before `today` (28 February for the 29th)."""
    day = 28 if (today.month, today.day) == (2, 29) else today.day
    return max(dates.FIRST, today.replace(year=today.year - 1, day=day))


def check_since(since: date, today: date) -> None:
    """A history starts on or before today."""
    if since > today:
        raise UsageError(f"--since: {since} is after today ({today})", "give a date on or before today")


def period(role: RoleConfig, since: date, handoff: date) -> tuple[date, date]:
    """The first handoff of the period (the turn running on `since`) and the horizon's last."""
    first = dates.shift(dates.handoff_on_or_before(since, role), role, -(role.tenure - 1))
    return first, horizon_range(role, handoff)[1]


def read_from(role: RoleConfig, since: date, handoff: date) -> date:
    """The first day of calendar events the plan needs: the period's, and the handoff before the
    replanner's first (it continues the queue from there)."""
    return min(period(role, since, handoff)[0], dates.shift(horizon_range(role, handoff)[0], role, -1))


def key(member: Member) -> str:
    """Who a member is across turns: the Slack ID, or for someone named without one, the name."""
    return member.id or f"name:{member.name.casefold()}"


def plan_history(inputs: PlanInputs, *, today: date, since: date, absences: Iterable[Absence] = ()) -> HistoryPlan:
    """The role's turns from the one running on `since` to the horizon, per person and fairness.
    `inputs.handoff` is the coming handoff (the first on or after `today`)."""
    role = inputs.role
    check_since(since, today)
    first, last = period(role, since, inputs.handoff)
    past_days = [d for d in handoffs(role, first, last) if d <= today]
    past, unrecorded, warnings = _past(inputs, past_days, today)
    replan = plan_replan(inputs, freeze=default_freeze(role), absences=absences)
    ahead = [_ahead(role, t) for t in replan.turns if t.day > today]
    turns = (*past, *ahead)
    warnings += [c.message() for c in replan.conflicts if c.day > today]
    members = _records(inputs.order, turns)
    notes = [*_notes(role, turns, unrecorded), *moved_notes(inputs)]
    return HistoryPlan(
        role,
        today,
        since,
        first,
        last,
        turns,
        members,
        _fairness(members),
        unrecorded,
        tuple(notes),
        tuple(dict.fromkeys(warnings)),
    )


def _status(role: RoleConfig, day: date, today: date) -> tuple[date, Status]:
    last_day = turn_days(role, day)[1]
    return last_day, "served" if last_day < today else "serving"


def _past(
    inputs: PlanInputs, days: Sequence[date], today: date
) -> tuple[list[HistoryTurn], tuple[date, ...], list[str]]:
    """The calendar's turns on `days`, the state's where it has none; the days neither knows."""
    role = inputs.role
    recorded: Mapping[date, Turn] = read_turns(role, inputs.calendar, days)
    state = fixed_from_state(inputs)
    out: list[HistoryTurn] = []
    missing: list[date] = []
    warnings: list[str] = []
    for day in days:
        last_day, status = _status(role, day, today)
        turn, starter = recorded.get(day), state.get(day)
        if turn is not None:
            out.append(HistoryTurn(day, last_day, turn.owner, turn.server, status, "calendar", turn.pin))
            said = _stated(starter)
            if said is not None and key(said) != key(turn.server) and not match_name(said.name, [turn.server]):
                warnings.append(
                    f"the state says {said.name} started on {day}, the calendar names {turn.server.name}: "
                    "counted as the calendar says"
                )
        elif starter is not None and (member := _stated(starter)) is not None:
            out.append(HistoryTurn(day, last_day, member, member, status, "state"))
        else:
            missing.append(day)
    return out, tuple(missing), warnings


def _stated(starter: Starter | None) -> Member | None:
    """Who the state says started: the member, or the stored entry nobody in the group matches."""
    if starter is None:
        return None
    if starter.member is not None:
        return starter.member
    return Member(starter.stored.id or "", starter.stored.name) if starter.stored is not None else None


_SOURCES: Mapping[str, Source] = {"keep": "calendar", "create": "planned", "update": "replanned"}


def _ahead(role: RoleConfig, turn: PlannedTurn) -> HistoryTurn:
    source = _SOURCES[turn.action]
    before = turn.before if turn.action == "update" else None
    last_day = turn_days(role, turn.day)[1]
    return HistoryTurn(turn.day, last_day, turn.owner, turn.server, "ahead", source, turn.pin, before)


def _records(order: Sequence[Member], turns: Sequence[HistoryTurn]) -> tuple[MemberRecord, ...]:
    """One record per member of the group (rotation order), then everyone else the turns name."""
    people: dict[str, Member] = {key(m): m for m in order}
    in_group = set(people)
    for turn in turns:
        for member in (turn.owner, turn.server):
            known = people.get(key(member))
            if known is None or (known.name == known.id and member.name != member.id):
                people[key(member)] = member  # a departed member's name rather than their ID
    others = sorted(set(people) - in_group, key=lambda k: (people[k].name.casefold(), k))
    return tuple(_record(people[k], k in in_group, turns) for k in [*(key(m) for m in order), *others])


def _record(member: Member, in_group: bool, turns: Sequence[HistoryTurn]) -> MemberRecord:
    me = key(member)
    served = [t.day for t in turns if t.status != "ahead" and key(t.server) == me]
    ahead = [t.day for t in turns if t.status == "ahead" and key(t.server) == me]
    taken = sum(1 for t in turns if t.shifted and key(t.server) == me)
    given = sum(1 for t in turns if t.shifted and key(t.owner) == me)
    return MemberRecord(
        member, in_group, len(served), len(ahead), max(served, default=None), min(ahead, default=None), taken, given
    )


def _fairness(members: Sequence[MemberRecord]) -> Fairness:
    counted = [m for m in members if m.in_group]
    if not counted:
        return Fairness(0, 0, 0, ())
    fewest, most = min(m.turns for m in counted), max(m.turns for m in counted)
    if fewest == most:
        return Fairness(len(counted), fewest, most, ())
    behind = [m for m in counted if m.turns == fewest]
    behind.sort(key=lambda m: m.last_served or date.min)  # stable: rotation order among equals
    return Fairness(len(counted), fewest, most, tuple(behind))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _notes(role: RoleConfig, turns: Sequence[HistoryTurn], unrecorded: Sequence[date]) -> list[str]:
    notes: list[str] = []
    if unrecorded:
        one = len(unrecorded) == 1
        span = f"on {unrecorded[0]}" if one else f"from {unrecorded[0]} to {unrecorded[-1]}"
        notes.append(
            f"{_count(len(unrecorded), 'handoff')} {span} {'has' if one else 'have'} no {role.title} event and "
            f"{'is' if one else 'are'} older than the state: nobody is counted for {'it' if one else 'them'}"
        )
    planned = sum(1 for t in turns if t.source == "planned")
    if planned:
        notes.append(
            f"{_count(planned, 'turn')} ahead {'has' if planned == 1 else 'have'} no calendar event yet: counted "
            f"for whoever rolebot plans (`rolebot rotate {role.key}` adds {'it' if planned == 1 else 'them'})"
        )
    replanned = [t for t in turns if t.source == "replanned"]
    if replanned:
        notes.append(
            f"{_count(len(replanned), 'turn')} ahead {'names' if len(replanned) == 1 else 'name'} someone a replan "
            f"would replace (from {replanned[0].day}): counted for whoever replaces them"
        )
    return notes
