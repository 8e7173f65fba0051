"""Invariants of the rotation engine, over generated teams and calendars."""

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolebot.events import CalendarView
from rolebot.models import Member
from rolebot.rotation import PlanInputs, Timeline, plan_rotation, rotation_order
from rolebot.series import plan_fill
from rolebot.state import Person, RoleState
from tests.helpers import FACILITATOR, TRIAGER, listed

START = date(2026, 11, 25)  # a Wednesday

names = st.sampled_from(["Ada", "ada", "Bruno", "Chen Wei", "Dana", "Émile", "Zoë", "bo", "Sam Lee", "Sam Wu"])


@st.composite
def teams(draw: st.DrawFn, min_size: int = 1, max_size: int = 8) -> tuple[Member, ...]:
    size = draw(st.integers(min_size, max_size))
    return rotation_order(Member(f"U{i:03d}", draw(names)) for i in range(size))


@settings(max_examples=60, deadline=None)
@given(team=teams(), k=st.integers(1, 4), seed=st.integers(0, 7))
def test_over_k_times_n_handoffs_everyone_starts_exactly_k_times(team: tuple[Member, ...], k: int, seed: int) -> None:
    previous = team[seed % len(team)]
    timeline = Timeline(TRIAGER, team, CalendarView(TRIAGER, (), team), {START: previous})
    first = START + timedelta(weeks=1)
    starters = timeline.walk(first, first + timedelta(weeks=k * len(team) - 1))
    assert Counter(s.member for s in starters) == dict.fromkeys(team, k)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(team=teams(), existing=st.sets(st.integers(0, 52), max_size=20), seed=st.integers(0, 7))
def test_a_filled_series_has_one_event_per_handoff_no_gap_no_double(
    team: tuple[Member, ...], existing: set[int], seed: int
) -> None:
    handoff = START + timedelta(weeks=1)
    held = RoleState((Person(name=team[seed % len(team)].name, id=team[seed % len(team)].id), None), START)
    empty = CalendarView(TRIAGER, (), team)
    full = plan_fill(PlanInputs(TRIAGER, held, team, empty, handoff))
    present = [listed(e) for i, e in enumerate(full.to_create) if i in existing]
    plan = plan_fill(PlanInputs(TRIAGER, held, team, CalendarView(TRIAGER, present, team), handoff))
    starts = sorted([e.start for e in present] + [e.start for e in plan.to_create])
    assert starts == [START + timedelta(weeks=i) for i in range(TRIAGER.horizon + 1)]
    assert {e.start for e in present}.isdisjoint(e.start for e in plan.to_create)
    # Run the plan: nothing is left to create.
    after = CalendarView(TRIAGER, [*present, *(listed(e) for e in plan.to_create)], team)
    assert plan_fill(PlanInputs(TRIAGER, held, team, after, handoff)).to_create == []


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(team=teams(), weeks_ahead=st.integers(0, 10), seed=st.integers(0, 7))
def test_planning_twice_gives_the_same_plan_and_rotating_twice_equals_once(
    team: tuple[Member, ...], weeks_ahead: int, seed: int
) -> None:
    held = RoleState((Person(name=team[seed % len(team)].name, id=team[seed % len(team)].id), None), START)
    handoff = START + timedelta(weeks=1 + weeks_ahead)
    view = CalendarView(TRIAGER, (), team)
    first = plan_rotation(PlanInputs(TRIAGER, held, team, view, handoff))
    assert first == plan_rotation(PlanInputs(TRIAGER, held, team, view, handoff))
    assert plan_fill(PlanInputs(TRIAGER, held, team, view, handoff)) == plan_fill(
        PlanInputs(TRIAGER, held, team, view, handoff)
    )
    once = first.new_state()
    twice = plan_rotation(PlanInputs(TRIAGER, once, team, view, handoff))
    assert not twice.rotate
    assert twice.new_state() == once


@settings(max_examples=40, deadline=None)
@given(team=teams(min_size=2), seed=st.integers(0, 7), months=st.integers(1, 6))
@pytest.mark.slow  # a simulation
def test_weekly_rotations_agree_with_the_calendar_they_planned(
    team: tuple[Member, ...], seed: int, months: int
) -> None:
    """Rotating week by week brings in exactly who the calendar planned on the first run."""
    for role in (TRIAGER, FACILITATOR):
        start = START if role is TRIAGER else date(2026, 12, 1)
        step = (lambda d, n: d + timedelta(weeks=n)) if role is TRIAGER else _add_months
        member = team[seed % len(team)]
        held = RoleState(
            tuple(Person(name=member.name, id=member.id) if i == 0 else None for i in range(role.tenure)), start
        )
        plan = plan_fill(PlanInputs(role, held, team, CalendarView(role, (), team), step(start, 1)))
        calendar = CalendarView(role, [listed(e) for e in plan.to_create], team)
        planned = {e.start: e.member for e in plan.to_create}
        for n in range(1, months + 1):
            rotation = plan_rotation(PlanInputs(role, held, team, calendar, step(start, n)))
            assert rotation.after[0] == planned[step(start, n)]
            held = rotation.new_state()


def _add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, day.day)
