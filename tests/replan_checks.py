"""The replanner's invariants, checked on a plan; shared by the property and simulation tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from rolebot.absences import Absence, Away
from rolebot.config import RoleConfig
from rolebot.events import CalendarView
from rolebot.models import CalendarEvent, Member
from rolebot.replan import PlannedTurn, ReplanPlan, plan_replan
from rolebot.rotation import PlanInputs, successor
from rolebot.series import horizon_range
from rolebot.state import RoleState
from rolebot.turns import handoffs, neighbours, read_turns, turn_days


def inputs(
    role: RoleConfig,
    order: Sequence[Member],
    events: Sequence[CalendarEvent],
    handoff: date,
    state: RoleState | None = None,
) -> PlanInputs:
    """What the planners work from; the state only matters where no event says who serves."""
    held = state if state is not None else RoleState((None,) * role.tenure)
    return PlanInputs(role, held, order, CalendarView(role, events, order), handoff)


def replan(
    role: RoleConfig,
    state: RoleState,
    order: Sequence[Member],
    events: Sequence[CalendarEvent],
    handoff: date,
    *,
    freeze: int,
    absences: Sequence[Absence] = (),
) -> ReplanPlan:
    return plan_replan(inputs(role, order, events, handoff, state), freeze=freeze, absences=absences)


def _away(away: Away, role: RoleConfig, member: Member, day: date) -> bool:
    return away.during(member.id, *turn_days(role, day)) is not None


def check_invariants(
    plan: ReplanPlan, order: Sequence[Member], events: Sequence[CalendarEvent], absences: Sequence[Absence]
) -> None:
    """Everything a plan promises, over the plan itself and the calendar once it is applied."""
    role, away, ids = plan.role, Away(absences), {m.id for m in order}
    first, last = horizon_range(role, plan.handoff)
    by_day = {t.day: t for t in plan.turns}
    # One turn per handoff, no gap, no duplicate; applied, every handoff has events naming its server,
    # and only handoffs without one got a new event.
    assert [t.day for t in plan.turns] == handoffs(role, first, last)
    before = CalendarView(role, events, order)
    view = CalendarView(role, plan.applied_to(events), order)
    applied = read_turns(role, view, [t.day for t in plan.turns])
    for turn in plan.turns:
        assert len(view.events_at(turn.day)) == max(1, len(before.events_at(turn.day))), turn.day
        assert (applied[turn.day].owner, applied[turn.day].server) == (turn.owner, turn.server), turn.day
        assert (turn.action == "create") == (turn.existing is None)
        assert (turn.reason is None) == (turn.action == "keep")
        if turn.action == "update":
            assert turn.write is not None
            assert turn.existing is not None
            assert turn.write.id == turn.existing.event.id
            assert not turn.pinned
    # Nobody holds two overlapping turns, unless both were kept as they are (pinned, started, or
    # frozen; rolebot never plans such a pair) or nobody else could take one of them.
    anchored = [t for t in plan.turns if t.pinned or t.stage == "started"]
    kept = [*anchored, *(t for t in plan.turns if t.stage == "frozen" and t.action == "keep")]
    for turn in plan.turns:
        for near in neighbours(role, turn.day):
            other = by_day.get(near)
            if other is None or other.server != turn.server or not turn.server.id:
                continue
            if turn in kept and other in kept:
                continue
            assert "overlap" in (turn.shortfall, other.shortfall) or "away" in (turn.shortfall, other.shortfall), (
                turn.day,
                near,
            )
    # Nobody gone or away is named in a planned turn from the coming handoff on.
    for turn in plan.turns:
        if turn.pinned or turn.stage == "started":
            continue
        if turn.shortfall == "away":
            assert all(_away(away, role, m, turn.day) for m in order), turn.day
            continue
        assert turn.server.id in ids, turn.day
        assert not _away(away, role, turn.server, turn.day), turn.day
        if turn.shortfall == "overlap":
            free = [m for m in order if not _away(away, role, m, turn.day)]
            assert all(_serves_near(plan, m, turn) for m in free), turn.day
    # A planned turn served by someone else than its owner is half of an away trade (the other half
    # mirrors it), or a substitute's turn while the owner is away; owners are never the absent's
    # problem: the other half is served by the absent owner, who can serve it.
    for turn in plan.turns:
        if turn.pinned or turn.stage == "started" or turn.server.id == turn.owner.id:
            continue
        if turn in kept:
            continue
        if turn.trade is None:
            assert turn.substitute or turn.shortfall, turn.day
            assert _away(away, role, turn.owner, turn.day), turn.day
            continue
        other = by_day.get(turn.trade)
        if other is not None and other.stage != "started" and not other.pinned:
            assert (other.owner.id, other.server.id) == (turn.server.id, turn.owner.id), (turn.day, turn.trade)
        if turn.trade > turn.day:
            assert _away(away, role, turn.owner, turn.day), turn.day
    # Pinned or started turns naming someone who cannot serve are reported, not rewritten.
    for turn in anchored:
        cannot = turn.server.id not in ids or _away(away, role, turn.server, turn.day)
        assert cannot == any(c.day == turn.day and c.turn != "unfilled" for c in plan.conflicts), turn.day
        assert turn.action == "keep" or turn.existing is None
    check_fairness(plan, order, absences)


def _serves_near(plan: ReplanPlan, member: Member, turn: PlannedTurn) -> bool:
    near = set(neighbours(plan.role, turn.day))
    return any(t.day in near and t.server == member for t in plan.turns)


def stretches(plan: ReplanPlan, order: Sequence[Member]) -> list[tuple[bool, list[PlannedTurn]]]:
    """The open range cut before every pinned turn that restarts the round robin: (restarted, turns)."""
    earlier = [t for t in plan.turns if t.stage != "open"]
    previous = earlier[-1].owner if earlier else None
    out: list[tuple[bool, list[PlannedTurn]]] = [(False, [])]
    for turn in (t for t in plan.turns if t.stage == "open"):
        if turn.pinned and turn.owner != successor(order, previous):
            out.append((True, []))
        out[-1][1].append(turn)
        previous = turn.owner
    return [(restarted, turns) for restarted, turns in out if turns]


def check_fairness(plan: ReplanPlan, order: Sequence[Member], absences: Sequence[Absence]) -> None:
    """Over each stretch without a restart, members with no pinned turn overlapping it own numbers
    of turns that differ by at most one — absences or not: they never move an owner — and each owns
    one of its first n turns (after the restarting one)."""
    role = plan.role
    pinned = [t for t in plan.turns if t.pinned]

    def can_take(member: Member, turn: PlannedTurn) -> bool:
        near = set(neighbours(role, turn.day))
        return not any(p.day in near and p.server == member for p in pinned)

    for restarted, stretch in stretches(plan, order):
        able = [m for m in order if all(can_take(m, t) for t in stretch)]
        counts = Counter(t.owner for t in stretch)
        if able:
            numbers = [counts[m] for m in able]
            assert max(numbers) - min(numbers) <= 1, (stretch[0].day, {m.name: counts[m] for m in able})
        cycle = len(order) + restarted
        if len(stretch) >= cycle:
            assert {t.owner for t in stretch[:cycle]} >= set(able), stretch[0].day


def check_stable(
    plan: ReplanPlan,
    state: RoleState,
    order: Sequence[Member],
    events: Sequence[CalendarEvent],
    *,
    freeze: int,
    absences: Sequence[Absence] = (),
) -> list[CalendarEvent]:
    """Apply the plan; replanning the result with the same inputs changes nothing. Returns the events."""
    applied = plan.applied_to(events)
    again = replan(plan.role, state, order, applied, plan.handoff, freeze=freeze, absences=absences)
    assert not again.changed, [(t.day, t.action, t.before, t.server) for t in again.turns if t.action != "keep"]
    kept = [(t.day, t.stage, t.owner, t.server, t.pin) for t in again.turns]
    assert kept == [(t.day, t.stage, t.owner, t.server, t.pin) for t in plan.turns]
    return applied
