from datetime import date, timedelta

import pytest

from rolebot.errors import RotationError
from rolebot.models import Member
from rolebot.rotation import (
    PlanInputs,
    described_handoff,
    plan_rotation,
    resolve_person,
    rotation_order,
    successor,
)
from rolebot.state import Person, RoleState
from tests.helpers import ADA, BRUNO, CHEN, DANA, FACILITATOR, TEAM, TRIAGER, hand_made, rolebot_event, state, view

WED = date(2026, 12, 2)
PREV = date(2026, 11, 25)


def test_order_is_by_display_name_case_insensitive_then_id() -> None:
    zed = Member("U09", "zed")
    twin_a, twin_b = Member("U07", "Sam Lee"), Member("U05", "sam lee")
    assert rotation_order([zed, twin_a, ADA, twin_b, ADA]) == (ADA, twin_b, twin_a, zed)


def test_successor_wraps_around() -> None:
    assert successor(TEAM, BRUNO) == CHEN
    assert successor(TEAM, DANA) == ADA


def test_a_departed_member_is_counted_from_where_their_name_would_sort() -> None:
    departed = Member("U99", "Bea Gone")  # between Ada and Bruno
    assert successor(TEAM, departed) == BRUNO
    assert successor(TEAM, Member("U98", "Zoe Last")) == ADA


def test_a_newcomer_enters_at_their_alphabetical_place() -> None:
    newcomer = Member("U10", "Cara Ng")
    order = rotation_order([*TEAM, newcomer])
    assert successor(order, BRUNO) == newcomer
    assert successor(order, newcomer) == CHEN


def test_a_group_of_one_serves_every_time() -> None:
    assert successor((ADA,), ADA) == ADA


def test_an_empty_group_is_an_error() -> None:
    with pytest.raises(RotationError, match="has no members"):
        successor((), ADA, "support-triagers")


def test_weekly_rotation_moves_incoming_to_current_and_brings_in_the_next() -> None:
    plan = plan_rotation(PlanInputs(TRIAGER, state(BRUNO, ADA, last=PREV), TEAM, view(TRIAGER), WED))
    assert plan.rotate
    assert plan.after == (CHEN, BRUNO)
    assert plan.sources == ("rotation", "state")
    new = plan.new_state()
    assert new.last_rotated == WED
    assert [p.id for p in new.slots if p] == [CHEN.id, BRUNO.id]


def test_a_calendar_event_at_the_handoff_wins_and_is_noted_as_a_swap() -> None:
    swapped = rolebot_event(TRIAGER, CHEN, WED, summary="Support Triager: Dana")
    plan = plan_rotation(PlanInputs(TRIAGER, state(BRUNO, ADA, last=PREV), TEAM, view(TRIAGER, swapped), WED))
    assert plan.after == (DANA, BRUNO)
    assert plan.sources[0] == "calendar"
    assert plan.notes == ("the calendar names Dana Kowalski for 2026-12-02 (a swap: round robin gives Chen Wei)",)


def test_rotating_again_for_the_same_or_an_earlier_handoff_changes_nothing() -> None:
    done = state(CHEN, BRUNO, last=WED)
    for handoff in (WED, PREV):
        plan = plan_rotation(PlanInputs(TRIAGER, done, TEAM, view(TRIAGER), handoff))
        assert not plan.rotate
        assert plan.new_state() == done


def test_force_redoes_the_rotation_for_the_handoff_and_is_itself_stable() -> None:
    done = state(CHEN, BRUNO, last=WED)
    late_swap = hand_made("Support Triager: Dana", WED)
    plan = plan_rotation(PlanInputs(TRIAGER, done, TEAM, view(TRIAGER, late_swap), WED), force=True)
    assert plan.after == (DANA, BRUNO)
    again = plan_rotation(PlanInputs(TRIAGER, plan.new_state(), TEAM, view(TRIAGER, late_swap), WED), force=True)
    assert again.after == plan.after


def test_missed_weeks_are_walked_through_the_calendar_and_round_robin() -> None:
    three_weeks_late = date(2026, 12, 16)
    swap = hand_made("Support Triager: Ada", date(2026, 12, 2))
    plan = plan_rotation(PlanInputs(TRIAGER, state(BRUNO, ADA, last=PREV), TEAM, view(TRIAGER, swap), three_weeks_late))
    # 2 Dec: Ada (calendar), 9 Dec: Bruno (after Ada), 16 Dec: Chen.
    assert plan.after == (CHEN, BRUNO)


def test_a_legacy_state_without_date_is_taken_as_the_previous_handoff() -> None:
    plan = plan_rotation(PlanInputs(TRIAGER, state(BRUNO, ADA), TEAM, view(TRIAGER), WED))
    assert plan.after == (CHEN, BRUNO)


def test_legacy_null_ids_are_resolved_by_name() -> None:
    legacy = state(None, None, last=PREV)
    legacy = legacy.__class__((Person(name="bruno silva", id=None), Person(name="Ada Okafor", id=None)), PREV)
    plan = plan_rotation(PlanInputs(TRIAGER, legacy, TEAM, view(TRIAGER), WED))
    assert plan.after == (CHEN, BRUNO)


def test_an_unknown_legacy_name_is_an_error_listing_the_members() -> None:
    with pytest.raises(RotationError, match=r"'Zed' as incoming without a Slack ID.*not in @support-triagers"):
        resolve_person(Person(name="Zed", id=None), TEAM, TRIAGER, "incoming")


def test_nobody_known_starts_from_the_first_in_order_and_says_so() -> None:
    plan = plan_rotation(PlanInputs(FACILITATOR, state(None), TEAM, view(FACILITATOR), date(2027, 1, 1)))
    assert plan.after == (ADA,)
    assert "first in rotation order" in plan.notes[0]


def test_monthly_rotation_fills_its_single_slot() -> None:
    plan = plan_rotation(
        PlanInputs(FACILITATOR, state(CHEN, last=date(2026, 12, 1)), TEAM, view(FACILITATOR), date(2027, 1, 1))
    )
    assert plan.after == (DANA,)
    assert plan.new_state().last_rotated == date(2027, 1, 1)


def test_a_member_who_left_keeps_their_slot_until_rotated_out() -> None:
    gone = Member("U77", "Bea Gone")
    plan = plan_rotation(PlanInputs(TRIAGER, state(gone, ADA, last=PREV), TEAM, view(TRIAGER), WED))
    assert plan.after == (BRUNO, gone)


# --- switching over from the old scripts -------------------------------------------------------


def test_a_legacy_state_the_calendar_names_for_the_coming_handoff_is_already_rotated_for_it() -> None:
    # The old job wrote Chen (incoming) and Bruno on Monday, for Wednesday; the calendar agrees.
    events = (hand_made("Support Steward: Bruno", PREV, ident="a"), hand_made("Support Steward: Chen", WED, ident="b"))
    legacy = state(CHEN, BRUNO)
    plan = plan_rotation(PlanInputs(TRIAGER, legacy, TEAM, view(TRIAGER, *events), WED))
    assert not plan.rotate
    assert plan.adopted
    assert plan.new_state() == state(CHEN, BRUNO, last=WED)
    assert plan.notes[0].startswith("already rotated for 2026-12-02: the state has no last_rotated")
    forced = plan_rotation(PlanInputs(TRIAGER, legacy, TEAM, view(TRIAGER, *events), WED), force=True)
    assert forced.after == (CHEN, BRUNO)  # redoing that handoff gives the same pair


def test_a_legacy_state_matched_by_first_name_only_counts_too() -> None:
    legacy = RoleState((Person(name="Chen", id=None), Person(name="Bruno", id=None)))
    plan = plan_rotation(PlanInputs(TRIAGER, legacy, TEAM, view(TRIAGER, hand_made("Support Steward: Chen", WED)), WED))
    assert plan.adopted


def test_a_legacy_state_the_calendar_contradicts_describes_the_previous_handoff() -> None:
    plan = plan_rotation(PlanInputs(TRIAGER, state(BRUNO, ADA), TEAM, view(TRIAGER, hand_made("X: y", WED)), WED))
    assert plan.rotate
    assert plan.after == (CHEN, BRUNO)
    swapped = hand_made("Support Triager: Dana", WED)
    plan = plan_rotation(PlanInputs(TRIAGER, state(BRUNO, ADA), TEAM, view(TRIAGER, swapped), WED))
    assert plan.after == (DANA, BRUNO)


# --- handoff days that changed ------------------------------------------------------------------

MONDAYS = TRIAGER.model_copy(update={"weekday": "monday"})
FIFTEENTH = FACILITATOR.model_copy(update={"day_of_month": 15})


def test_a_last_rotated_off_the_handoff_day_is_the_handoff_on_or_before_it() -> None:
    # Rotated for Wednesday 2 December; the role now hands over on Mondays: that was Monday 30 November.
    inputs = PlanInputs(MONDAYS, state(CHEN, BRUNO, last=WED), TEAM, view(MONDAYS), date(2026, 12, 7))
    assert described_handoff(inputs) == date(2026, 11, 30)
    plan = plan_rotation(inputs)
    assert plan.after == (DANA, CHEN)
    assert plan.notes == (
        "the state was last rotated for 2026-12-02, not a handoff day: read as Monday 30 November 2026",
    )
    same_week = PlanInputs(MONDAYS, state(CHEN, BRUNO, last=WED), TEAM, view(MONDAYS), date(2026, 11, 30))
    assert not plan_rotation(same_week).rotate


def test_events_on_the_old_handoff_day_count_for_the_new_one_and_the_series_moves() -> None:
    old = [rolebot_event(TRIAGER, m, WED + timedelta(weeks=i)) for i, m in enumerate((CHEN, ADA, BRUNO))]
    inputs = PlanInputs(MONDAYS, state(CHEN, BRUNO, last=WED), TEAM, view(MONDAYS, *old), date(2026, 12, 7))
    plan = plan_rotation(inputs)
    assert plan.after == (ADA, CHEN)  # Ada's Wednesday 9 December counts for Monday 7 December
    assert plan.sources[0] == "calendar"
    assert plan.notes[1] == (
        "3 Support Triager event(s) start on another day than the handoff day (from 2026-12-02): each counts "
        "for the handoff on or before it, and the series moves to Mondays"
    )


def test_a_monthly_role_moved_to_the_15th_rotates_from_the_1st() -> None:
    inputs = PlanInputs(FIFTEENTH, state(CHEN, last=date(2026, 12, 1)), TEAM, view(FIFTEENTH), date(2026, 12, 15))
    assert described_handoff(inputs) == date(2026, 11, 15)
    plan = plan_rotation(inputs)
    assert plan.after == (DANA,)
    assert "the series moves" not in " ".join(plan.notes)
    assert "read as Sunday 15 November 2026" in plan.notes[0]
