from datetime import date, timedelta

import pytest

from rolebot.errors import RotationError, UsageError
from rolebot.rotation import PlanInputs
from rolebot.series import horizon_range, plan_bulk, plan_delete, plan_fill, plan_next, plan_schedule
from tests.helpers import (
    ADA,
    BRUNO,
    CHEN,
    DANA,
    FACILITATOR,
    TEAM,
    TRIAGER,
    hand_made,
    listed,
    rolebot_event,
    state,
    view,
)

WED = date(2026, 12, 2)
ROTATED = state(CHEN, BRUNO, last=WED)  # Chen came in on 2 Dec, Bruno on 25 Nov


def weeks(start: date, n: int) -> list[date]:
    return [start + timedelta(weeks=i) for i in range(n)]


def test_horizon_covers_the_current_pair_and_a_year_ahead() -> None:
    assert horizon_range(TRIAGER, WED) == (date(2026, 11, 25), date(2027, 11, 24))
    assert horizon_range(FACILITATOR, date(2027, 1, 1)) == (date(2027, 1, 1), date(2027, 12, 1))


def test_fill_on_an_empty_calendar_plans_the_whole_horizon_from_the_state() -> None:
    plan = plan_fill(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER), WED))
    assert [i.day for i in plan.items] == weeks(date(2026, 11, 25), 53)
    assert [i.member for i in plan.items[:6]] == [BRUNO, CHEN, DANA, ADA, BRUNO, CHEN]
    assert all(i.action == "create" for i in plan.items)
    first = plan.to_create[0]
    assert (first.start, first.end, first.summary) == (date(2026, 11, 25), date(2026, 12, 9), "Support Triager: Bruno")


def test_fill_keeps_existing_events_and_continues_from_swaps() -> None:
    events = [rolebot_event(TRIAGER, BRUNO, date(2026, 11, 25)), rolebot_event(TRIAGER, CHEN, WED)]
    events.append(hand_made("Support Triager: Ada", date(2026, 12, 9)))  # Ada swapped in for Dana
    plan = plan_fill(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER, *events), WED))
    assert [i.action for i in plan.items[:4]] == ["exists", "exists", "exists", "create"]
    assert plan.items[3].member == BRUNO  # after Ada
    assert len(plan.to_create) == 50


def test_fill_plans_a_gap_in_the_middle_of_the_series() -> None:
    full = plan_fill(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER), WED))
    existing = [listed(e) for e in full.to_create if e.start != date(2027, 3, 3)]
    plan = plan_fill(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER, *existing), WED))
    assert [(e.start, e.member) for e in plan.to_create] == [(date(2027, 3, 3), DANA)]


def test_next_adds_one_after_the_last_unless_the_horizon_is_reached() -> None:
    last = rolebot_event(TRIAGER, DANA, date(2026, 12, 9))
    plan = plan_next(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER, last), WED))
    assert [(e.start, e.member) for e in plan.to_create] == [(date(2026, 12, 16), ADA)]

    far = rolebot_event(TRIAGER, DANA, date(2027, 11, 24))
    plan = plan_next(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER, far), WED))
    assert plan.to_create == []
    assert "already reaches 2027-11-24" in plan.notes[0]


def test_next_on_an_empty_calendar_starts_from_the_state() -> None:
    plan = plan_next(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER), WED))
    assert [(e.start, e.member) for e in plan.to_create] == [(date(2026, 11, 25), BRUNO)]


def test_next_after_a_hand_made_event_on_another_weekday_moves_to_the_next_handoff() -> None:
    thursday = hand_made("Support Triager: Chen", date(2026, 12, 10))
    plan = plan_next(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER, thursday), WED))
    assert [(e.start, e.member) for e in plan.to_create] == [(date(2026, 12, 16), DANA)]


SERIES = (
    rolebot_event(TRIAGER, BRUNO, date(2026, 11, 25)),
    rolebot_event(TRIAGER, CHEN, WED),
    rolebot_event(TRIAGER, DANA, date(2026, 12, 9)),
)
"""The series from the horizon's start to 9 December, without a gap."""


def test_bulk_appends_n_after_the_last_event_of_a_series_without_gaps() -> None:
    plan = plan_bulk(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER, *SERIES), WED), 3)
    assert plan.notes[0] == "the series has no gaps: extending it after its last event (2026-12-09)"
    assert [(e.start, e.member) for e in plan.to_create] == [
        (date(2026, 12, 16), ADA),
        (date(2026, 12, 23), BRUNO),
        (date(2026, 12, 30), CHEN),
    ]


def test_bulk_from_a_start_date_moves_to_a_handoff_day_and_skips_existing_dates() -> None:
    existing = rolebot_event(TRIAGER, ADA, date(2027, 1, 13))
    plan = plan_bulk(
        PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER, existing), WED), 3, start=date(2027, 1, 4), member=DANA
    )
    assert plan.notes == ("2027-01-04 is not a handoff day: starting on Wednesday 6 January 2027 instead",)
    assert [(i.day, i.member, i.action) for i in plan.items] == [
        (date(2027, 1, 6), DANA, "create"),
        (date(2027, 1, 13), ADA, "exists"),
        (date(2027, 1, 20), BRUNO, "create"),
    ]


def test_bulk_with_a_member_but_no_start_continues_after_the_last() -> None:
    plan = plan_bulk(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER, *SERIES), WED), 2, member=CHEN)
    assert [(e.start, e.member) for e in plan.to_create] == [(date(2026, 12, 16), CHEN), (date(2026, 12, 23), DANA)]


def test_planning_is_blocked_by_an_unresolvable_event_only_where_it_matters() -> None:
    bad = hand_made("Support Triager: Zed", date(2026, 12, 9))
    good = rolebot_event(TRIAGER, ADA, date(2026, 12, 16))
    # The event after the bad one names its own member: the rest of the fill can be planned.
    schedule = plan_schedule(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER, bad, good), WED), 3)
    assert schedule[1].incoming is None
    assert "names 'Zed'" in (schedule[1].problem or "")
    assert schedule[2].incoming == ADA
    # Without that, round robin needs to know who the bad event names: an error.
    with pytest.raises(RotationError, match="names 'Zed'"):
        plan_fill(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER, bad), WED))


def test_delete_selects_only_this_roles_events_in_the_range() -> None:
    inside = rolebot_event(TRIAGER, ADA, date(2026, 12, 9))
    legacy = hand_made("Support Steward: Bruno", date(2026, 12, 16), ident="old1")
    after = rolebot_event(TRIAGER, CHEN, date(2027, 1, 6))
    other_role = rolebot_event(FACILITATOR, ADA, date(2027, 1, 1))
    meeting = hand_made("Team meeting", date(2026, 12, 10), ident="meet1")
    events = view(TRIAGER, inside, legacy, after, other_role, meeting)
    plan = plan_delete(TRIAGER, events, date(2026, 12, 3), date(2026, 12, 31))
    assert [e.id for e in plan.events] == [inside.id, "old1"]
    assert len(plan_delete(TRIAGER, events, date(2026, 12, 3), None).events) == 3
    with pytest.raises(UsageError, match="--from 2026-12-31 is after --to 2026-12-01"):
        plan_delete(TRIAGER, events, date(2026, 12, 31), date(2026, 12, 1))


def test_schedule_shows_who_comes_in_and_who_stays_on() -> None:
    swap = hand_made("Support Triager: Ada", date(2026, 12, 16))
    rows = plan_schedule(
        PlanInputs(TRIAGER, state(BRUNO, ADA, last=date(2026, 11, 25)), TEAM, view(TRIAGER, swap), WED), 3
    )
    assert [(r.day, r.incoming, r.buddy, r.source) for r in rows] == [
        (WED, CHEN, BRUNO, "rotation"),
        (date(2026, 12, 9), DANA, CHEN, "rotation"),
        (date(2026, 12, 16), ADA, DANA, "calendar"),
    ]
    monthly = plan_schedule(
        PlanInputs(FACILITATOR, state(CHEN, last=date(2026, 12, 1)), TEAM, view(FACILITATOR), date(2027, 1, 1)), 2
    )
    assert [(r.incoming, r.buddy) for r in monthly] == [(DANA, None), (ADA, None)]


def test_bulk_finishes_a_run_that_stopped_part_way_before_extending() -> None:
    # `bulk -n 5` from an empty calendar created the 1st, 2nd and 4th events, then failed.
    full = plan_bulk(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER), WED), 5).to_create
    kept = [listed(full[i]) for i in (0, 1, 3)]
    again = plan_bulk(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER, *kept), WED), 5)
    assert [(e.start, e.member) for e in again.to_create] == [(e.start, e.member) for e in (full[2], full[4])]
    assert again.notes[0] == (
        "the series has 2 handoff(s) without an event up to its last event or 5 handoffs from 2026-11-25: "
        "filling 2 gap(s) from 2026-12-09 to 2026-12-23 before extending it"
    )
    done = [*kept, *(listed(e) for e in again.to_create)]
    assert sorted(e.start for e in done) == [e.start for e in full]
    extended = plan_bulk(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER, *done), WED), 5)
    assert extended.notes[0] == "the series has no gaps: extending it after its last event (2026-12-23)"
    assert len(extended.to_create) == 5


def test_bulk_fills_at_most_n_gaps_and_says_how_many_remain() -> None:
    far = rolebot_event(TRIAGER, ADA, date(2027, 1, 13))  # seven handoffs without an event before it
    plan = plan_bulk(PlanInputs(TRIAGER, ROTATED, TEAM, view(TRIAGER, far), WED), 3)
    assert [e.start for e in plan.to_create] == weeks(date(2026, 11, 25), 3)
    assert plan.notes[0].endswith("before extending it; 4 more remain (run it again)")


def test_schedule_of_a_one_person_role_starts_at_the_handoff() -> None:
    rows = plan_schedule(PlanInputs(FACILITATOR, state(None), TEAM, view(FACILITATOR), date(2027, 1, 1)), 2)
    assert [(r.day, r.incoming, r.buddy) for r in rows] == [
        (date(2027, 1, 1), ADA, None),
        (date(2027, 2, 1), BRUNO, None),
    ]
