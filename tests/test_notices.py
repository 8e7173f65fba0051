"""The Slack planners: who the on-call group holds, the handoff messages (once per handoff), and one
message per member whose turns moved. Pure: plain tables, no services."""

from __future__ import annotations

from datetime import date

import pytest

from rolebot.config import RoleConfig, build_config
from rolebot.errors import RotationError
from rolebot.messages import moved_dates_text, render_notice
from rolebot.messaging import ChannelPost, DirectMessage
from rolebot.models import Member
from rolebot.notices import changes_of, plan_announcement, plan_group, plan_moved_dates, plan_welcome, serving
from rolebot.replan import MemberDates
from rolebot.state import Person, TeamState
from tests.helpers import ADA, BRUNO, CHEN, DANA, TEAM

WED = date(2026, 12, 2)
NEXT = date(2026, 12, 9)
LATER = date(2026, 12, 16)


def role(**slack: object) -> RoleConfig:
    settings = {"announce_channel": "#support", "dm": True, "oncall_usergroup": "triage-oncall", **slack}
    return build_config({"roles": {"support-triager": {"slack": settings}}}, "t").role("support-triager")


TRIAGER = role()
FACILITATOR = build_config({"roles": {"meeting-facilitator": {"slack": {"dm": True}}}}, "t").role("meeting-facilitator")


def team(*serving_now: Person | None, last: date | None = WED, **notified: date) -> TeamState:
    state = TeamState(roles={"support_triager": serving_now}, last_rotated={"support_triager": last} if last else {})
    for kind, day in notified.items():
        state = state.with_notified(TRIAGER, kind, day)
    return state


def person(member: Member, with_id: bool = True) -> Person:
    return Person(name=member.name, id=member.id if with_id else None)


# --- the on-call group ----------------------------------------------------------------------------


def test_the_group_holds_everyone_serving_newest_first() -> None:
    change = plan_group("@triage-oncall", TRIAGER, team(person(CHEN), person(BRUNO)), ())
    assert change.members == (CHEN, BRUNO)
    assert change.bare_handle == "triage-oncall"


def test_a_legacy_entry_without_an_id_is_found_by_name_and_an_unknown_one_is_an_error() -> None:
    assert serving(TRIAGER, team(person(CHEN, with_id=False), person(BRUNO)), TEAM) == (CHEN, BRUNO)
    with pytest.raises(RotationError, match="the state names 'Zed' as incoming without a Slack ID"):
        serving(TRIAGER, team(Person(name="Zed"), person(BRUNO)), TEAM)


def test_one_member_serving_is_the_whole_group_and_nobody_is_an_empty_one() -> None:
    assert plan_group("g", TRIAGER, team(person(CHEN), None), ()).members == (CHEN,)
    assert plan_group("g", TRIAGER, team(None, None), ()).members == ()


# --- the announcement and the direct message ------------------------------------------------------


def test_the_announcement_mentions_the_incoming_member_and_names_the_buddy() -> None:
    notice = plan_announcement("#support", TRIAGER, team(person(CHEN), person(BRUNO)), (), NEXT, record=True)
    assert notice.message == ChannelPost(
        "#support",
        "From Wednesday 2 December 2026, <@U03CHE> is our Support Triager, with Bruno Silva staying on as buddy.",
    )
    assert (notice.handoff, notice.already, notice.where) == (WED, False, "#support")


def test_the_direct_message_goes_to_whoever_starts() -> None:
    notice = plan_welcome(TRIAGER, team(person(CHEN), person(BRUNO)), (), NEXT, record=True)
    assert isinstance(notice.message, DirectMessage)
    assert notice.message.member == CHEN
    assert notice.message.text.startswith("Hi Chen! :wave: Your turn as Support Triager starts on Wednesday 2 Dec")
    assert "Bruno Silva stays on as your buddy" in notice.message.text
    assert notice.where == "a direct message to Chen Wei (U03CHE)"


def test_a_message_sent_for_the_state_s_handoff_is_already_done_and_one_for_an_older_is_not() -> None:
    sent = team(person(CHEN), person(BRUNO), announce=WED, dm=date(2026, 11, 25))
    assert plan_announcement("#s", TRIAGER, sent, (), NEXT, record=True).already
    assert not plan_welcome(TRIAGER, sent, (), NEXT, record=True).already


def test_without_last_rotated_the_coming_handoff_is_the_one_announced() -> None:
    notice = plan_announcement("#s", TRIAGER, team(person(CHEN), person(BRUNO), last=None), (), NEXT, record=True)
    assert notice.handoff == NEXT


def test_nobody_serving_is_an_error_saying_what_to_run() -> None:
    with pytest.raises(RotationError, match="nobody serves as Support Triager in the state yet"):
        plan_welcome(TRIAGER, team(None, None), (), NEXT, record=True)


def test_a_custom_template_gets_mentions_and_escaped_names() -> None:
    custom = role(announce_message="{buddy_mention} hands over to {mention} ({name}) on {handoff}")
    mallory = Member("U66", "<!channel> Mallory & co")
    notice = plan_announcement("#s", custom, team(person(mallory), person(BRUNO)), (), NEXT, record=True)
    assert notice.message.text == (
        "<@U02BRU> hands over to <@U66> (&lt;!channel&gt; Mallory &amp; co) on Wednesday 2 December 2026"
    )


def test_a_one_person_role_has_no_buddy_in_its_default_messages() -> None:
    text = render_notice(FACILITATOR.announce_message, FACILITATOR, ADA, None, date(2027, 1, 1))
    assert text == "From Friday 1 January 2027, <@U01ADA> is our Meeting Facilitator."
    assert "buddy" not in render_notice(FACILITATOR.dm_message, FACILITATOR, ADA, None, date(2027, 1, 1))


def test_a_two_person_role_with_one_member_says_nobody_yet_for_the_buddy() -> None:
    text = render_notice("{mention} with {buddy} ({buddy_mention})", TRIAGER, CHEN, None, WED)
    assert text == "<@U03CHE> with nobody yet (nobody yet)"


# --- moved dates ----------------------------------------------------------------------------------


def test_each_member_whose_turns_changed_gets_one_message_in_rotation_order() -> None:
    changes = {DANA.id: ([LATER], [NEXT]), ADA.id: ([NEXT], []), BRUNO.id: ([], [LATER])}
    plan = plan_moved_dates(TRIAGER, changes, TEAM)
    assert [m.member for m in plan.messages] == [ADA, BRUNO, DANA]
    assert [(c.added, c.dropped) for c in plan.changes] == [((NEXT,), ()), ((), (LATER,)), ((LATER,), (NEXT,))]
    dana = plan.messages[2].text
    assert dana == (
        "Hi Dana! Your turns as Support Triager have changed.\n"
        "New: the turn starting Wednesday 16 December 2026.\n"
        "No longer yours: the turn starting Wednesday 9 December 2026.\n"
        "The team calendar has the whole rota. If a date does not suit you, arrange cover with a colleague."
    )


def test_nobody_who_left_the_group_is_messaged() -> None:
    emeka = "U05EME"
    plan = plan_moved_dates(TRIAGER, {emeka: ([], [NEXT, LATER]), CHEN.id: ([NEXT, LATER], [])}, TEAM)
    assert [m.member for m in plan.messages] == [CHEN]
    assert plan.left == (emeka,)
    assert "New: the turns starting Wednesday 9 December 2026 and Wednesday 16 December 2026." in (
        plan.messages[0].text
    )


def test_a_date_gained_and_lost_cancels_out_and_no_change_means_no_message() -> None:
    plan = plan_moved_dates(TRIAGER, {ADA.id: ([NEXT, LATER], [NEXT]), BRUNO.id: ([WED], [WED])}, TEAM)
    assert [(c.member, c.added, c.dropped) for c in plan.changes] == [(ADA, (LATER,), ())]
    assert len(plan.messages) == 1


def test_without_direct_messages_the_changes_are_planned_but_nothing_is_sent() -> None:
    plan = plan_moved_dates(role(dm=False), {ADA.id: ([NEXT], [])}, TEAM)
    assert not plan.enabled
    assert plan.messages == ()
    assert [c.member for c in plan.changes] == [ADA]


def test_a_replan_s_dates_by_member_feed_the_planner() -> None:
    moved = (MemberDates(ADA, (NEXT,), ()), MemberDates(BRUNO, (), (NEXT,)))
    assert changes_of(moved) == {ADA.id: ((NEXT,), ()), BRUNO.id: ((), (NEXT,))}


def test_a_hostile_name_in_a_moved_dates_message_is_escaped() -> None:
    text = moved_dates_text(TRIAGER, Member("U9", "<@U01ADA> & <!here>"), [NEXT], [])
    assert text.startswith("Hi &lt;@U01ADA&gt;! Your turns as Support Triager have changed.")
