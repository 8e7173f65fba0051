from dataclasses import replace
from datetime import date

import pytest

from rolebot.errors import RotationError
from rolebot.events import PRIVATE_PINNED, CalendarView
from rolebot.models import Member
from rolebot.turns import Turn, handoffs, neighbours, read_turn, read_turns, summary_for, turn_days
from tests.helpers import ADA, BRUNO, CHEN, FACILITATOR, TEAM, TRIAGER, hand_made, rolebot_event

WED = date(2026, 12, 2)
SAM_LEE, SAM_WU = Member("U20SAM", "Sam Lee"), Member("U21SAM", "Sam Wu")


def test_a_planned_event_is_its_members_turn() -> None:
    event = rolebot_event(TRIAGER, ADA, WED)
    assert read_turn(TRIAGER, event, TEAM) == Turn(WED, event, ADA, ADA, None)


def test_a_summary_naming_someone_else_is_a_swap_by_editing_and_keeps_the_owner() -> None:
    event = rolebot_event(TRIAGER, ADA, WED, summary="Support Triager: Chen")
    turn = read_turn(TRIAGER, event, TEAM)
    assert (turn.owner, turn.server, turn.pin, turn.pinned) == (ADA, CHEN, "edited", True)


def test_an_event_without_rolebot_properties_is_pinned_and_owned_by_whoever_it_names() -> None:
    turn = read_turn(TRIAGER, hand_made("Support Steward: Bruno", WED), TEAM)
    assert (turn.owner, turn.server, turn.pin) == (BRUNO, BRUNO, "hand-made")
    stranger = read_turn(TRIAGER, hand_made("Support Triager: Emeka", WED), TEAM)
    assert (stranger.server, stranger.server.id) == (Member("", "Emeka"), "")


def test_a_departed_owner_is_the_one_their_own_summary_names() -> None:
    emeka = Member("U09EME", "Emeka Obi")
    turn = read_turn(TRIAGER, rolebot_event(TRIAGER, emeka, WED), TEAM)
    assert (turn.owner, turn.server, turn.pin) == (Member(emeka.id, "Emeka"), Member(emeka.id, "Emeka"), None)
    edited = read_turn(TRIAGER, rolebot_event(TRIAGER, emeka, WED, summary="Support Triager: Ada"), TEAM)
    assert (edited.owner, edited.server, edited.pin) == (Member(emeka.id, emeka.id), ADA, "edited")
    untitled = read_turn(TRIAGER, rolebot_event(TRIAGER, emeka, WED, summary="Support Triager:"), TEAM)
    assert (untitled.owner, untitled.server) == (Member(emeka.id, emeka.id), Member(emeka.id, emeka.id))


def test_an_owner_in_the_group_and_a_stranger_in_the_summary_is_a_pin_naming_the_stranger() -> None:
    turn = read_turn(TRIAGER, rolebot_event(TRIAGER, ADA, WED, summary="Support Triager: Maria"), TEAM)
    assert (turn.owner, turn.server, turn.pin) == (ADA, Member("", "Maria"), "edited")


def test_a_shared_first_name_resolves_to_the_owner_and_is_an_error_only_without_one() -> None:
    team = (*TEAM, SAM_LEE, SAM_WU)
    assert read_turn(TRIAGER, rolebot_event(TRIAGER, SAM_WU, WED), team).server == SAM_WU
    with pytest.raises(RotationError, match=r"names 'Sam', which matches several members: Sam Lee \(U20SAM\)"):
        read_turn(TRIAGER, hand_made("Support Triager: Sam", WED), team)
    with pytest.raises(RotationError, match="names no one"):
        read_turn(
            TRIAGER,
            replace(rolebot_event(TRIAGER, ADA, WED), summary="triage", private={"rolebot_role": "support-triager"}),
            team,
        )


def test_rolebot_pinned_marks_swaps_and_covers() -> None:
    event = rolebot_event(TRIAGER, ADA, WED, summary="Support Triager: Chen")
    for mark in ("swap", "cover"):
        marked = replace(event, private={**event.private, PRIVATE_PINNED: mark})
        assert read_turn(TRIAGER, marked, TEAM).pin == mark
    planned = rolebot_event(TRIAGER, ADA, WED)
    unknown = replace(planned, private={**planned.private, PRIVATE_PINNED: "someday"})
    assert read_turn(TRIAGER, unknown, TEAM).pin == "edited"


def test_events_on_one_handoff_naming_the_same_person_are_one_turn_a_pinned_one_first() -> None:
    own, twin = rolebot_event(TRIAGER, ADA, WED), replace(rolebot_event(TRIAGER, ADA, WED), id="copy")
    view = CalendarView(TRIAGER, [twin, own], TEAM)
    assert read_turns(TRIAGER, view, [WED, date(2026, 12, 9)]) == {WED: Turn(WED, own, ADA, ADA, None)}
    made = hand_made("Support Triager: Ada", WED)
    view = CalendarView(TRIAGER, [own, made], TEAM)
    assert read_turns(TRIAGER, view, [WED]) == {WED: Turn(WED, made, ADA, ADA, "hand-made")}


def test_handoff_days_turn_days_and_overlapping_neighbours() -> None:
    assert handoffs(TRIAGER, WED, date(2026, 12, 16)) == [WED, date(2026, 12, 9), date(2026, 12, 16)]
    assert turn_days(TRIAGER, WED) == (WED, date(2026, 12, 15))
    assert turn_days(FACILITATOR, date(2027, 2, 1)) == (date(2027, 2, 1), date(2027, 2, 28))
    assert neighbours(TRIAGER, WED) == [date(2026, 11, 25), date(2026, 12, 9)]
    assert neighbours(FACILITATOR, date(2027, 1, 1)) == []


def test_a_summary_uses_the_first_name_unless_someone_else_shares_it() -> None:
    team = (*TEAM, SAM_LEE, SAM_WU)
    assert summary_for(TRIAGER, ADA, team) == "Support Triager: Ada"
    assert summary_for(TRIAGER, SAM_LEE, team) == "Support Triager: Sam Lee"
    assert summary_for(TRIAGER, SAM_LEE, TEAM) == "Support Triager: Sam"


def test_an_event_off_the_handoff_day_is_the_turn_of_the_handoff_before_it() -> None:
    thursday = hand_made("Support Triager: Ada", date(2026, 12, 10), date(2026, 12, 24))
    turns = read_turns(TRIAGER, CalendarView(TRIAGER, [thursday], TEAM), [date(2026, 12, 9), date(2026, 12, 16)])
    assert turns == {date(2026, 12, 9): Turn(date(2026, 12, 9), thursday, ADA, ADA, "hand-made")}
