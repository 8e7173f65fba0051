from datetime import date

import pytest

from rolebot.errors import RotationError
from rolebot.events import (
    CalendarView,
    belongs_to,
    event_id,
    event_ids,
    new_event,
    other_event_id,
    same_event,
    second_event_id,
    summary_name,
)
from rolebot.models import CalendarEvent, Member
from tests.helpers import ADA, BRUNO, CHEN, FACILITATOR, TEAM, TRIAGER, hand_made, rolebot_event, view

WED = date(2026, 12, 2)


def test_event_ids_are_deterministic_and_valid_for_google() -> None:
    ident = event_id("support-triager", WED)
    assert ident == event_id("support-triager", WED)
    assert ident != event_id("meeting-facilitator", WED)
    assert ident != event_id("support-triager", date(2026, 12, 9))
    assert all(c in "abcdefghijklmnopqrstuv0123456789" for c in ident)
    assert 5 <= len(ident) <= 1024


def test_each_role_and_date_has_a_second_id_for_when_google_keeps_the_first_reserved() -> None:
    first, second = event_ids("support-triager", WED)
    assert (first, second) == (event_id("support-triager", WED), second_event_id("support-triager", WED))
    assert second != first
    assert second == second_event_id("support-triager", WED)  # deterministic: concurrent runs agree
    assert second not in event_ids("support-triager", date(2026, 12, 9))
    assert second not in event_ids("meeting-facilitator", WED)
    assert all(c in "abcdefghijklmnopqrstuv0123456789" for c in second)
    assert (other_event_id(first), other_event_id(second)) == (second, first)
    assert same_event(first, second)
    assert same_event(second, first)
    assert same_event(first, first)
    assert not same_event(first, event_id("support-triager", date(2026, 12, 9)))
    # IDs rolebot does not make have no other ID.
    for foreign in ("6mifnab99iin5rrb48lqff4fad", "rolebottestsupp20270106", "rolebot1234abcd2026120v2", first + "v3"):
        assert other_event_id(foreign) is None


def test_an_event_with_the_second_id_is_the_roles_event_on_that_date() -> None:
    second = CalendarEvent(second_event_id(TRIAGER.key, WED), "Support Triager: Chen", WED, date(2026, 12, 16))
    assert belongs_to(TRIAGER, second)  # even without its properties
    assert not belongs_to(FACILITATOR, second)
    calendar = view(TRIAGER, second)
    assert calendar.has(WED)
    assert calendar.member_at(WED) == CHEN
    # Both IDs for one date naming the same person are the same turn, not a conflict.
    first = rolebot_event(TRIAGER, CHEN, WED)
    assert view(TRIAGER, first, second).member_at(WED) == CHEN


def test_a_new_event_is_all_day_for_the_tenure_and_names_the_first_name() -> None:
    event = new_event(TRIAGER, CHEN, WED)
    assert (event.start, event.end) == (WED, date(2026, 12, 16))
    assert event.summary == "Support Triager: Chen"
    assert event.private == {"rolebot_role": "support-triager", "rolebot_member": CHEN.id}
    assert new_event(FACILITATOR, ADA, date(2027, 1, 1)).end == date(2027, 2, 1)


@pytest.mark.parametrize(
    ("summary", "name"),
    [
        ("Support Triager: Ada", "Ada"),
        ("support triager:  Ada Okafor ", "Ada Okafor"),
        ("Support Steward: Bruno", "Bruno"),
        ("Support Triager sync", None),
        ("Meeting Facilitator: Ada", None),
    ],
)
def test_summary_prefixes_including_the_older_title(summary: str, name: str | None) -> None:
    assert summary_name(TRIAGER, summary) == name


def test_events_of_other_roles_and_unrelated_events_are_not_the_roles() -> None:
    other_role = rolebot_event(FACILITATOR, ADA, WED)
    meeting = CalendarEvent("m1", "Team meeting", WED, WED)
    mislabelled = CalendarEvent("x1", "Support Triager: Ada", WED, WED, {"rolebot_role": "meeting-facilitator"})
    assert not belongs_to(TRIAGER, other_role)
    assert not belongs_to(TRIAGER, meeting)
    assert not belongs_to(TRIAGER, mislabelled)


def test_a_rolebot_event_names_its_member() -> None:
    assert view(TRIAGER, rolebot_event(TRIAGER, CHEN, WED)).member_at(WED) == CHEN


def test_when_the_summary_names_someone_else_the_summary_wins() -> None:
    edited = rolebot_event(TRIAGER, CHEN, WED, summary="Support Triager: Bruno")
    assert view(TRIAGER, edited).member_at(WED) == BRUNO


def test_hand_made_and_old_events_are_matched_by_name() -> None:
    assert view(TRIAGER, hand_made("Support Steward: ada okafor", WED)).member_at(WED) == ADA
    timed = CalendarEvent("t1", "Support Triager: Chen", WED, WED)  # a timed event, reduced to its date
    assert view(TRIAGER, timed).member_at(WED) == CHEN


def test_a_name_matching_nobody_is_an_error_naming_the_event_and_members() -> None:
    with pytest.raises(RotationError) as caught:
        view(TRIAGER, hand_made("Support Triager: Zed", WED)).member_at(WED)
    message = str(caught.value)
    assert "'Support Triager: Zed' on 2026-12-02 names 'Zed'" in message
    assert "Ada Okafor (U01ADA)" in message


def test_a_name_matching_several_members_is_an_error_listing_them() -> None:
    sams = (Member("U1", "Sam Lee"), Member("U2", "Sam Wu"), ADA)
    with pytest.raises(RotationError, match=r"matches several members: Sam Lee \(U1\), Sam Wu \(U2\)"):
        CalendarView(TRIAGER, [hand_made("Support Triager: Sam", WED)], sams).member_at(WED)
    # the full name settles it; a rolebot event's own member settles it too
    assert CalendarView(TRIAGER, [hand_made("Support Triager: Sam Wu", WED)], sams).member_at(WED) == sams[1]
    own = rolebot_event(TRIAGER, sams[0], WED)
    assert CalendarView(TRIAGER, [own], sams).member_at(WED) == sams[0]


def test_two_events_naming_different_people_on_one_date_is_an_error() -> None:
    two = view(TRIAGER, rolebot_event(TRIAGER, ADA, WED), hand_made("Support Triager: Bruno", WED))
    with pytest.raises(RotationError, match="2 calendar events start on 2026-12-02 and name different people"):
        two.member_at(WED)
    same = view(TRIAGER, rolebot_event(TRIAGER, ADA, WED), hand_made("Support Triager: Ada", WED))
    assert same.member_at(WED) == ADA


def test_view_queries() -> None:
    events = view(TRIAGER, rolebot_event(TRIAGER, ADA, WED), rolebot_event(TRIAGER, BRUNO, date(2026, 12, 9)))
    assert events.has(WED)
    assert not events.has(date(2026, 12, 16))
    assert events.last_start() == date(2026, 12, 9)
    assert [e.start for e in events.starting_between(date(2026, 12, 3), None)] == [date(2026, 12, 9)]
    assert view(TRIAGER).member_at(WED) is None
    assert TEAM
