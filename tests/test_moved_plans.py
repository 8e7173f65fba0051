"""Whose dates a write moved: swaps, covers and replans counted only through the writes that went
through, the dates-moved step narrowed to what the calendar step wrote, and one message per member
across roles. Pure: plain tables, no services."""

from __future__ import annotations

from datetime import date

from rolebot.config import build_config
from rolebot.errors import RolebotError, WritesFailed
from rolebot.jobs.moved import DatesMoved, written_by
from rolebot.jobs.steps import StepResult
from rolebot.messages import moved_dates_message
from rolebot.models import CalendarEvent, Member
from rolebot.notices import combine_moved, plan_moved_dates
from rolebot.replan import ReplanPlan
from rolebot.rotation import rotation_order
from rolebot.series import plan_fill
from rolebot.shifts import ShiftPlan, plan_cover, plan_swap
from rolebot.turns import apply_writes, listed
from tests.helpers import ADA, BRUNO, CHEN, DANA, TEAM, TRIAGER, state
from tests.replan_checks import inputs, replan

WED = date(2026, 12, 2)
ROTATED = state(CHEN, BRUNO, last=WED)
# The filled calendar: 25 Nov Bruno, 2 Dec Chen, 9 Dec Dana, 16 Dec Ada, 23 Dec Bruno, 30 Dec Chen,
# 6 Jan Dana, 13 Jan Ada, 20 Jan Bruno, ...
DEC9, DEC16, DEC30, JAN13 = date(2026, 12, 9), date(2026, 12, 16), date(2026, 12, 30), date(2027, 1, 13)
EMEKA = Member("U05EME", "Emeka Nwosu")

CONFIG = build_config(
    {"roles": {"support-triager": {"slack": {"dm": True}}, "meeting-facilitator": {"slack": {"dm": True}}}}, "t"
)
TELLING_TRIAGER, TELLING_FACILITATOR = CONFIG.role("support-triager"), CONFIG.role("meeting-facilitator")
SILENT_FACILITATOR = build_config({}, "t").role("meeting-facilitator")


def filled(team: tuple[Member, ...] = TEAM) -> list[CalendarEvent]:
    return [listed(e) for e in plan_fill(inputs(TRIAGER, team, [], WED, ROTATED)).to_create]


def event_at(events: list[CalendarEvent], day: date) -> str:
    return next(e.id for e in events if e.start == day)


def dates(plan: ShiftPlan | ReplanPlan, written: frozenset[str] | None = None) -> dict[str, tuple[date, ...]]:
    """'Ada +' and 'Ada -': the handoffs each member gains and drops."""
    found: dict[str, tuple[date, ...]] = {}
    for entry in plan.dates_by_member(written=written):
        if entry.gained:
            found[f"{entry.member.first_name} +"] = entry.gained
        if entry.dropped:
            found[f"{entry.member.first_name} -"] = entry.dropped
    return found


# --- who a shift moves --------------------------------------------------------------------------


def test_a_swap_moves_its_two_servers_and_nobody_else() -> None:
    plan = plan_swap(inputs(TRIAGER, TEAM, filled(), WED), DEC30, JAN13)
    assert dates(plan) == {"Ada +": (DEC30,), "Ada -": (JAN13,), "Chen +": (JAN13,), "Chen -": (DEC30,)}


def test_only_the_written_half_of_a_swap_counts() -> None:
    events = filled()
    plan = plan_swap(inputs(TRIAGER, TEAM, events, WED), DEC30, JAN13)
    assert dates(plan, frozenset({event_at(events, DEC30)})) == {"Ada +": (DEC30,), "Chen -": (DEC30,)}
    assert dates(plan, frozenset()) == {}


def test_a_cover_moves_the_covered_and_the_coverer_and_a_swap_already_done_moves_nobody() -> None:
    events = filled()
    plan = plan_cover(inputs(TRIAGER, TEAM, events, WED), DEC16, CHEN)
    assert dates(plan) == {"Ada -": (DEC16,), "Chen +": (DEC16,)}
    done = plan_swap(inputs(TRIAGER, TEAM, events, WED), DEC30, JAN13)
    again = plan_swap(inputs(TRIAGER, TEAM, apply_writes(events, updates=done.updates), WED), DEC30, JAN13)
    assert not again.changed
    assert dates(again) == {}


def test_covering_for_someone_who_left_tells_only_the_coverer() -> None:
    events = filled((*TEAM, EMEKA))  # Emeka serves 16 Dec in this calendar, then leaves
    assert next(e.start for e in events if e.summary.endswith("Emeka")) == DEC16
    plan = plan_cover(inputs(TRIAGER, TEAM, events, WED), DEC16, CHEN)
    assert dates(plan) == {"Chen +": (DEC16,)}


# --- who a replan moves -------------------------------------------------------------------------


def test_a_replan_counts_only_the_events_written() -> None:
    events = filled()
    order = rotation_order((ADA, BRUNO, DANA))  # Chen left
    plan = replan(TRIAGER, ROTATED, order, events, WED, freeze=2)
    every = plan.dates_by_member()
    assert every
    assert "Chen" not in {entry.member.first_name for entry in every}
    first = next(t for t in plan.moves if t.moved)
    assert first.write is not None
    only = plan.dates_by_member(written=frozenset({first.write.id}))
    gained = {e.member.id: e.gained for e in only if e.gained}
    assert gained == {first.server.id: (first.day,)}


# --- the step narrowed to what the calendar step wrote --------------------------------------------


def test_the_step_follows_what_the_calendar_step_wrote() -> None:
    events = filled()
    plan = plan_swap(inputs(TRIAGER, TEAM, events, WED), DEC30, JAN13)
    half = frozenset({event_at(events, JAN13)})
    failed = WritesFailed("calendar", "1 event(s) not updated in place", "re-run", half)
    step = DatesMoved(plan)
    assert step.following(StepResult("calendar", True, "2 updated in place")).written is None
    assert step.following(StepResult("calendar", False, str(failed), failed)).written == half
    other = RolebotError("the calendar is busy", "try later")
    assert step.following(StepResult("calendar", False, str(other), other)).written == frozenset()
    assert step.following(None).written == frozenset()
    assert written_by(None) is None


def test_a_failure_combined_from_creates_and_updates_knows_every_event_written() -> None:
    failed = WritesFailed("calendar", "1 event(s) not created (…)", "re-run", frozenset({"a"}))
    both = failed.also_written(frozenset({"b", "c"}))
    assert both.written == {"a", "b", "c"}
    assert str(both) == str(failed)


# --- one message per member, whatever the roles ---------------------------------------------------


def test_a_member_moved_in_two_roles_gets_one_message_with_both() -> None:
    triager = plan_moved_dates(TELLING_TRIAGER, {CHEN.id: ([JAN13], [DEC30]), DANA.id: ([DEC30], [JAN13])}, TEAM)
    facilitator = plan_moved_dates(TELLING_FACILITATOR, {CHEN.id: ([date(2027, 2, 1)], [date(2027, 1, 1)])}, TEAM)
    plan = combine_moved([triager, facilitator])
    assert [m.member for m in plan.messages] == [CHEN, DANA]
    assert plan.messages[0].text == (
        "Hi Chen! Your turns as Support Triager and Meeting Facilitator have changed.\n"
        "Support Triager: new: the turn starting Wednesday 13 January 2027; no longer yours: the turn starting "
        "Wednesday 30 December 2026.\n"
        "Meeting Facilitator: new: the turn starting Monday 1 February 2027; no longer yours: the turn starting "
        "Friday 1 January 2027.\n"
        "The team calendar has the whole rota. If a date does not suit you, arrange cover with a colleague."
    )
    assert plan.messages[1].text == triager.messages[1].text  # one role: the message a role alone sends


def test_a_role_without_direct_messages_adds_nothing_to_them() -> None:
    triager = plan_moved_dates(TELLING_TRIAGER, {DANA.id: ([DEC30], [])}, TEAM)
    facilitator = plan_moved_dates(SILENT_FACILITATOR, {DANA.id: ([], [date(2027, 1, 1)]), ADA.id: ([DEC9], [])}, TEAM)
    plan = combine_moved([triager, facilitator])
    assert plan.enabled
    assert [(m.member, "Facilitator" in m.text) for m in plan.messages] == [(DANA, False)]
    assert plan.silent == (SILENT_FACILITATOR,)
    assert not combine_moved([facilitator]).enabled


def test_someone_who_left_one_group_is_still_told_of_the_other_role() -> None:
    triager = plan_moved_dates(TELLING_TRIAGER, {EMEKA.id: ([], [DEC30])}, TEAM)  # left the triagers
    facilitator = plan_moved_dates(TELLING_FACILITATOR, {EMEKA.id: ([date(2027, 1, 1)], [])}, (EMEKA,))
    plan = combine_moved([triager, facilitator])
    assert [m.member for m in plan.messages] == [EMEKA]
    assert "Support Triager" not in plan.messages[0].text
    assert plan.left == ()
    assert combine_moved([triager]).left == (EMEKA.id,)


def test_names_and_titles_in_a_message_about_several_roles_are_escaped() -> None:
    hostile = build_config({"roles": {"support-triager": {"title": "<!here> & co"}}}, "t").role("support-triager")
    text = moved_dates_message(
        Member("U9", "<@U01ADA> x"), [(hostile, [DEC9], []), (TELLING_FACILITATOR, [], [date(2027, 1, 1)])]
    )
    assert text.startswith("Hi &lt;@U01ADA&gt;! Your turns as &lt;!here&gt; &amp; co and Meeting Facilitator")
    assert "<" not in text
    assert ">" not in text
