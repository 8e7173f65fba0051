"""Invariants of the replanner over generated groups, pins, absences, joins and leaves."""

from datetime import date, timedelta

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from rolebot import dates
from rolebot.config import RoleConfig
from rolebot.errors import RolebotError
from rolebot.events import CalendarView
from rolebot.models import Absence, CalendarEvent, Member
from rolebot.replan import PlannedTurn
from rolebot.rotation import rotation_order
from rolebot.shifts import plan_cover, plan_swap
from rolebot.turns import apply_writes, neighbours, read_turns, turn_days
from tests.helpers import FACILITATOR, TRIAGER
from tests.hypothesis_setup import budget
from tests.replan_checks import check_invariants, check_stable, inputs, replan
from tests.replan_world import PEOPLE, STARTS, World, filled, held, world, worlds

ADA, BO, BRUNO, CHEN, DANA, EMILE = PEOPLE[:6]
ZOE = PEOPLE[15]


@pytest.mark.slow
@budget(150)
@given(world=worlds())
# Found: the owner of a frozen turn is away, its trade partner the next turn's owner; deriving the
# owners again as the next run keeps that trade, the partner's turn must stay owed to them.
@example(
    world=world(
        FACILITATOR, (ADA, BO, BRUNO), absences=(Absence(ADA.id, ADA.name, date(2026, 12, 1), date(2026, 12, 1)),)
    )
)
# Found: a group of two, Ada away for three turns and a pinned turn of hers edited to Zoë: nobody
# could stand in for Ada's 9 Dec without overlapping, so Zoë substituted, and served 16 Dec too,
# while Ada was back and free. A trade that only the stand-in's half overlaps is made instead.
@example(
    world=world(
        TRIAGER,
        (ADA, ZOE),
        changes=(("edit", 4, 0, ZOE),),
        absences=(Absence(ADA.id, ADA.name, date(2026, 11, 25), date(2026, 12, 9)),),
    )
)
def test_a_replan_keeps_every_invariant_and_replanning_its_result_moves_nothing(world: World) -> None:
    plan = replan(
        world.role, world.state, world.order, world.events, world.handoff, freeze=world.freeze, absences=world.absences
    )
    check_invariants(plan, world.order, world.events, world.absences)
    check_stable(plan, world.state, world.order, world.events, freeze=world.freeze, absences=world.absences)


@pytest.mark.slow
@budget(80)
@given(
    role=st.sampled_from([TRIAGER, FACILITATOR]),
    team=st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=12, unique=True),
    seed=st.integers(0, 11),
    ahead=st.integers(0, 8),
    freeze=st.integers(0, 3),
    kept=st.sets(st.integers(0, 52), max_size=30),
)
def test_a_calendar_filled_with_nothing_changed_since_is_left_untouched(
    role: RoleConfig, team: list[Member], seed: int, ahead: int, freeze: int, kept: set[int]
) -> None:
    order = rotation_order(team)
    start = STARTS[role.key]
    state = held(role, order, seed, start)
    # Some events were filled on an earlier run, the rest by a later one: the same series.
    partial = [e for i, e in enumerate(filled(role, state, order, start)) if i in kept]
    events = partial + filled(role, state, order, start, partial)
    handoff = dates.shift(start, role, ahead)  # and weeks have passed without a rotation
    plan = replan(role, state, order, events, handoff, freeze=freeze)
    assert plan.updates == []
    last = max(e.start for e in events)
    assert all(e.start > last for e in plan.creates)
    check_invariants(plan, order, events, ())


def _chen_away_after_a_swap(first: int, second: int) -> World:
    """Three of four left after a swap of their turns; Chen and Émile joined; Chen is away from the
    first handoff (the world two found runs below share)."""
    return world(
        TRIAGER,
        (ADA, BO, BRUNO, DANA),
        changes=(("swap", first, second, ADA),),
        leavers=(ADA, BO, BRUNO),
        joiners=(CHEN, EMILE),
        absences=(Absence(CHEN.id, CHEN.name, date(2026, 11, 25), date(2026, 12, 9)),),
    )


@pytest.mark.slow
@budget(100)
@given(world=worlds(), kind=st.sampled_from(["swap", "cover"]), picks=st.tuples(st.integers(0, 60), st.integers(0, 60)))
# Found: three left, Chen and Émile joined, Chen away from the first handoff: nobody could trade or
# stand in for Chen's 2 Dec without overlapping, so Dana substituted. Émile's cover of Chen's 10 Feb
# freed Chen beside Dana's 17 Feb, and the next replan traded 2 Dec with it: still an overlap.
@example(world=_chen_away_after_a_swap(8, 10), kind="cover", picks=(9, 2))
# Found: the same group, and nobody could serve Chen's 2 Dec without overlapping, so Émile took it
# in a trade with his 3 Feb; then Émile covered his own 3 Feb. The first half stays as it was
# written (a person settled its other half), rather than going to Dana, who overlaps too.
@example(world=_chen_away_after_a_swap(9, 11), kind="cover", picks=(9, 2))
# Found: Dana, away, trades 20 Jan with bo's 10 Mar and 24 Feb with bo's 14 Apr (Dana serving 10 Mar
# rules out the turns beside it). bo covered his own 10 Mar, which freed Ada's 3 Mar, nearer: the
# next replan moved the second trade there. A trade in the calendar stays while it can be made.
@example(
    world=world(
        TRIAGER,
        (ADA, BO),
        changes=(("edit", 0, 0, BO),),
        joiners=(BRUNO, CHEN, DANA),
        absences=(Absence(DANA.id, DANA.name, date(2027, 1, 15), date(2027, 2, 24)),),
    ),
    kind="cover",
    picks=(14, 1),
)
def test_a_swap_or_cover_of_planned_turns_then_a_replan_moves_nothing_else(
    world: World, kind: str, picks: tuple[int, int]
) -> None:
    """On a replanned calendar; a shift of a turn that was already pinned may free a neighbour that
    had to avoid its server (see test_replan), so the shifted turns here are planned ones."""
    args = (world.role, world.state, world.order)
    settled = replan(*args, world.events, world.handoff, freeze=world.freeze, absences=world.absences)
    events = settled.applied_to(world.events)
    planned = [t.day for t in settled.turns if not t.pinned and t.stage != "started"]
    assume(planned)
    a, b = (planned[i % len(planned)] for i in picks)
    planning = inputs(world.role, world.order, events, world.handoff)
    try:
        if kind == "swap":
            shift = plan_swap(planning, a, b, absences=world.absences)
        else:
            member = world.order[picks[1] % len(world.order)]
            shift = plan_cover(planning, a, member, absences=world.absences)
    except RolebotError:
        assume(False)
        raise
    changed = apply_writes(events, updates=shift.updates)
    plan = replan(*args, changed, world.handoff, freeze=world.freeze, absences=world.absences)
    assert not plan.changed, [(t.day, t.before, t.server, t.reason) for t in plan.turns if t.action != "keep"]
    served = {t.day: t.server for t in plan.turns if t.day in shift.days}
    assert served == dict(zip(shift.days, shift.after, strict=True))
    assert [t.owner for t in plan.turns] == [t.owner for t in settled.turns]
    check_invariants(plan, world.order, changed, world.absences)


@pytest.mark.slow
@budget(100)
@given(world=worlds(), later=st.integers(1, 3))
def test_handoffs_later_with_nothing_changed_nothing_moves(world: World, later: int) -> None:
    """Only the horizon's new end is created; no run after the first one rewrites an event."""
    args = (world.role, world.state, world.order)
    settled = replan(*args, world.events, world.handoff, freeze=world.freeze, absences=world.absences)
    events = settled.applied_to(world.events)
    handoff = dates.shift(world.handoff, world.role, later)
    plan = replan(*args, events, handoff, freeze=world.freeze, absences=world.absences)
    assert plan.updates == [], [(t.day, t.before, t.server, t.reason) for t in plan.moves]
    assert [e.start for e in plan.creates] == [t.day for t in plan.turns[-later:]]


@pytest.mark.slow
@budget(80)
@given(world=worlds(), who=st.integers(0, 11), start=st.integers(0, 300), length=st.integers(0, 30))
# Found: Ada away on the coming handoff; a trade in the window must not move the next turn's owner.
@example(world=world(TRIAGER, (ADA, BO, BRUNO)), who=0, start=0, length=0)
def test_an_absence_moves_only_the_turns_it_must_and_removing_it_restores_the_calendar(
    world: World, who: int, start: int, length: int
) -> None:
    """On a settled calendar without absences, one absence rewrites the absent member's planned turns
    that overlap it and, for each, at most the one later turn it trades with; owners never move,
    except those of frozen turns that must be replaced (their owner left, or serves a pinned turn
    next to them), which go to whoever can serve them. Removing it gives back the calendar as it was."""
    args = (world.role, world.state, world.order)
    settled = replan(*args, world.events, world.handoff, freeze=world.freeze)
    events = settled.applied_to(world.events)
    member = world.order[who % len(world.order)]
    first = world.handoff + timedelta(days=start)
    away = (Absence(member.id, member.name, first, first + timedelta(days=length)),)
    plan = replan(*args, events, world.handoff, freeze=world.freeze, absences=away)
    check_invariants(plan, world.order, events, away)
    hit = [
        t for t in settled.turns if t.server == member and t.absence is None and _overlaps(world.role, t.day, away[0])
    ]
    hit = [t for t in hit if not t.pinned and t.stage != "started"]
    pinned = {t.day: t.server for t in settled.turns if t.pinned}

    def replaced(turn: PlannedTurn) -> bool:
        owner = turn.existing.owner if turn.existing is not None else None
        return (
            turn.stage == "frozen"
            and not turn.pinned
            and (
                owner not in world.order or any(pinned.get(near) == owner for near in neighbours(world.role, turn.day))
            )
        )

    kept = [not replaced(t) for t in settled.turns]
    assert [t.owner for t, k in zip(plan.turns, kept, strict=True) if k] == [
        t.owner for t, k in zip(settled.turns, kept, strict=True) if k
    ]
    moved = {t.day for t in plan.moves}
    assert {t.day for t in hit} <= moved | {t.day for t in plan.turns if t.shortfall}
    assert len(moved) <= 2 * len(hit)
    for turn in plan.moves:
        assert turn.day in {t.day for t in hit} or turn.server == member, turn.day
    changed = plan.applied_to(events)
    back = replan(*args, changed, world.handoff, freeze=world.freeze)
    assert _turns(world, back.applied_to(changed)) == _turns(world, events)


def _turns(world: World, events: list[CalendarEvent]) -> dict[date, tuple[str, str, str | None, str | None]]:
    """Who owns and serves each turn, whether it is pinned, and any away mark."""
    view = CalendarView(world.role, events, world.order)
    found = read_turns(world.role, view, sorted({e.start for e in view.events}))
    return {day: (t.owner.id, t.server.id, t.pin, t.away) for day, t in found.items()}


def _overlaps(role: RoleConfig, day: date, absence: Absence) -> bool:
    return absence.overlaps(*turn_days(role, day))


@pytest.mark.slow
@pytest.mark.xfail(raises=AssertionError, strict=True)
def test_known_failure_a_replaced_frozen_turn_is_not_given_back_when_the_absence_ends() -> None:
    """Found by the hunt profile (seed 4). Ada owns the frozen turn beside the one a person pinned her
    on, so it is replaced; nobody can take it without overlapping and she was the replacement. Away
    on it, it goes to Bruno, who serves the started turn before it; once her absence is removed the
    freeze window keeps Bruno (his own planned turn), so the calendar is not given back as it was.
    Replacing a frozen turn whose server serves a kept turn next to it would give it back, but
    breaks other runs (two found ten-week runs): left as a known failure."""
    the_world = world(TRIAGER, (ADA, BO, BRUNO), changes=(("edit", 1, 0, ADA),), leavers=(BO,))
    test_an_absence_moves_only_the_turns_it_must_and_removing_it_restores_the_calendar.hypothesis.inner_test(
        the_world, 0, 0, 0
    )
