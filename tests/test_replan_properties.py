"""Invariants of the replanner over generated groups, pins, absences, joins and leaves."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rolebot import dates
from rolebot.config import RoleConfig
from rolebot.errors import RolebotError
from rolebot.models import Member
from rolebot.rotation import rotation_order
from rolebot.shifts import plan_cover, plan_swap
from rolebot.turns import apply_writes
from tests.helpers import FACILITATOR, TRIAGER
from tests.replan_checks import check_invariants, check_stable, inputs, replan
from tests.replan_world import PEOPLE, STARTS, World, filled, held, worlds


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(world=worlds())
def test_a_replan_keeps_every_invariant_and_replanning_its_result_moves_nothing(world: World) -> None:
    plan = replan(
        world.role, world.state, world.order, world.events, world.handoff, freeze=world.freeze, absences=world.absences
    )
    check_invariants(plan, world.order, world.events, world.absences)
    check_stable(plan, world.state, world.order, world.events, freeze=world.freeze, absences=world.absences)


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
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


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(world=worlds(), kind=st.sampled_from(["swap", "cover"]), picks=st.tuples(st.integers(0, 60), st.integers(0, 60)))
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
@settings(max_examples=100, deadline=None)
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
