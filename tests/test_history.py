"""The history planner: who served when, turns per person, swaps taken and given, fairness.

Mostly the monthly Meeting Facilitator (one slot, 12 handoffs ahead), so every count can be
worked out by hand: today is Monday 30 November 2026, the coming handoff 1 December.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rolebot import payloads
from rolebot.absences import Absence
from rolebot.config import RoleConfig
from rolebot.errors import RotationError, UsageError
from rolebot.history import HistoryPlan, MemberRecord, default_since, plan_history
from rolebot.models import CalendarEvent, Member
from rolebot.rotation import rotation_order
from rolebot.state import RoleState
from rolebot.turns import listed, pinned_update, read_turn
from tests.helpers import ADA, BRUNO, CHEN, DANA, FACILITATOR, TRIAGER, hand_made, rolebot_event, state
from tests.replan_checks import inputs

TODAY = date(2026, 11, 30)
SINCE = date(2026, 6, 15)  # the period starts with the turn running then: 1 June
TRIO = (ADA, BRUNO, CHEN)
JUNE = date(2026, 6, 1)
GITA = Member("U09GIT", "Gita Rao")
HELD = state(CHEN, last=date(2026, 11, 1))  # Chen has served since 1 November


def month(n: int, year: int = 2026) -> date:
    return date(year, n, 1)


def series(*served: Member, first: date = JUNE) -> list[CalendarEvent]:
    """rolebot's own facilitator events, one a month from `first`, served by `served` in turn."""
    out, day = [], first
    for member in served:
        out.append(rolebot_event(FACILITATOR, member, day))
        day = month(day.month % 12 + 1, day.year + day.month // 12)
    return out


def covered(event: CalendarEvent, by: Member, order: tuple[Member, ...] = TRIO) -> CalendarEvent:
    """`event` as `rolebot cover` leaves it: `by` serves, the owner keeps their place."""
    turn = read_turn(FACILITATOR, event, order)
    return listed(pinned_update(FACILITATOR, turn, by, order, "cover"))


def history(
    events: list[CalendarEvent],
    order: tuple[Member, ...] = TRIO,
    *,
    held: RoleState = HELD,
    since: date = SINCE,
    role: RoleConfig = FACILITATOR,
    absences: tuple[Absence, ...] = (),
) -> HistoryPlan:
    handoff = date(2026, 12, 1) if role.cadence == "monthly" else date(2026, 12, 2)
    members = rotation_order(order)
    return plan_history(inputs(role, members, events, handoff, held), today=TODAY, since=since, absences=absences)


def record(plan: HistoryPlan, name: str) -> MemberRecord:
    return next(m for m in plan.members if m.member.name == name)


def counts(plan: HistoryPlan) -> dict[str, tuple[int, int, int, int]]:
    """name → (served, ahead, taken, given)."""
    return {m.member.name: (m.served, m.ahead, m.swaps_taken, m.swaps_given) for m in plan.members}


ROUND = series(ADA, BRUNO, CHEN, ADA, BRUNO, CHEN)  # June to November


def test_round_robin_history_past_ahead_and_fairness() -> None:
    plan = history(ROUND)
    assert (plan.first, plan.last) == (month(6), month(11, 2027))
    assert [(t.day.month, t.server.first_name, t.status, t.source) for t in plan.past] == [
        (6, "Ada", "served", "calendar"),
        (7, "Bruno", "served", "calendar"),
        (8, "Chen", "served", "calendar"),
        (9, "Ada", "served", "calendar"),
        (10, "Bruno", "served", "calendar"),
        (11, "Chen", "serving", "calendar"),  # November's turn runs to the 30th: today
    ]
    ahead = plan.ahead
    assert len(ahead) == 12
    assert [t.server.first_name for t in ahead[:4]] == ["Ada", "Bruno", "Chen", "Ada"]
    assert {t.source for t in ahead} == {"planned"}  # no event ahead yet: as rolebot plans them
    assert counts(plan) == {"Ada Okafor": (2, 4, 0, 0), "Bruno Silva": (2, 4, 0, 0), "Chen Wei": (2, 4, 0, 0)}
    ada = record(plan, "Ada Okafor")
    assert (ada.last_served, ada.next_turn, ada.turns) == (month(9), month(12), 6)
    assert (plan.fairness.counted, plan.fairness.fewest, plan.fairness.most) == (3, 6, 6)
    assert plan.fairness.behind == ()
    assert plan.fairness.balanced
    assert plan.unrecorded == ()
    assert plan.notes == (
        "12 turns ahead have no calendar event yet: counted for whoever rolebot plans "
        "(`rolebot rotate meeting-facilitator` adds them)",
    )


def test_a_swap_by_editing_titles_takes_one_and_gives_one_each() -> None:
    events = list(ROUND)
    events[3] = replace(events[3], summary="Meeting Facilitator: Bruno")  # September: Ada's turn
    events[4] = replace(events[4], summary="Meeting Facilitator: Ada")  # October: Bruno's turn
    plan = history(events)
    september, october = plan.past[3], plan.past[4]
    assert (september.owner, september.server, september.pin, september.shifted) == (ADA, BRUNO, "edited", True)
    assert (october.owner, october.server) == (BRUNO, ADA)
    assert counts(plan) == {"Ada Okafor": (2, 4, 1, 1), "Bruno Silva": (2, 4, 1, 1), "Chen Wei": (2, 4, 0, 0)}
    assert record(plan, "Ada Okafor").last_served == month(10)
    assert plan.fairness.spread == 0


def test_a_cover_moves_a_turn_and_the_fairness_says_who_is_behind() -> None:
    events = list(ROUND)
    events[4] = covered(events[4], CHEN)  # Chen covers Bruno in October
    plan = history(events)
    assert plan.past[4].pin == "cover"
    assert counts(plan) == {"Ada Okafor": (2, 4, 0, 0), "Bruno Silva": (1, 4, 0, 1), "Chen Wei": (3, 4, 1, 0)}
    fair = plan.fairness
    assert (fair.fewest, fair.most, fair.spread, fair.balanced) == (5, 7, 2, False)
    assert [m.member for m in fair.behind] == [BRUNO]
    assert record(plan, "Bruno Silva").last_served == month(7)


def test_a_cover_arranged_ahead_counts_for_both_now() -> None:
    ahead = series(ADA, BRUNO, first=month(12))  # the calendar is filled for December and January
    events = [*ROUND, ahead[0], covered(ahead[1], ADA)]  # Ada covers Bruno in January
    plan = history(events)
    january = next(t for t in plan.ahead if t.day == month(1, 2027))
    assert (january.owner, january.server, january.source, january.pin) == (BRUNO, ADA, "calendar", "cover")
    assert counts(plan) == {"Ada Okafor": (2, 5, 1, 0), "Bruno Silva": (2, 3, 0, 1), "Chen Wei": (2, 4, 0, 0)}
    assert [m.member for m in plan.fairness.behind] == [BRUNO]


def test_hand_made_events_and_someone_never_in_the_group() -> None:
    events = list(ROUND)
    events[0] = hand_made("Meeting Facilitator: ada", month(6), month(7), ident="old1")
    events[1] = hand_made("Meeting Facilitator: Zed", month(7), month(8), ident="old2")
    plan = history(events)
    june, july = plan.past[0], plan.past[1]
    assert (june.server, june.pin, june.shifted) == (ADA, "hand-made", False)
    assert (july.server, july.owner) == (Member("", "Zed"), Member("", "Zed"))
    zed = record(plan, "Zed")
    assert (zed.in_group, zed.served, zed.ahead, zed.last_served) == (False, 1, 0, month(7))
    assert [m.member.name for m in plan.members] == ["Ada Okafor", "Bruno Silva", "Chen Wei", "Zed"]
    assert plan.fairness.counted == 3  # Zed is listed, not counted
    assert payloads.history(plan)["members"][3] == {
        "id": None,
        "name": "Zed",
        "in_group": False,
        "served": 1,
        "ahead": 0,
        "turns": 1,
        "last_served": "2026-07-01",
        "next_turn": None,
        "swaps_taken": 0,
        "swaps_given": 0,
    }


def test_a_leaver_keeps_their_past_turns_and_loses_their_planned_ones() -> None:
    team = (*TRIO, GITA)
    events = [*series(ADA, BRUNO, CHEN, GITA, ADA, BRUNO), *series(CHEN, GITA, first=month(12))]
    plan = history(events, order=TRIO, held=state(BRUNO, last=month(11)))
    gita = record(plan, "Gita")  # the name her events give her, with her Slack ID
    assert (gita.member.id, gita.in_group, gita.served, gita.ahead) == (GITA.id, False, 1, 0)
    assert gita.last_served == month(9)
    january = next(t for t in plan.ahead if t.day == month(1, 2027))
    assert january.source == "replanned"
    assert january.before == Member(GITA.id, "Gita")
    assert january.server in TRIO
    assert "1 turn ahead names someone a replan would replace (from 2027-01-01)" in " ".join(plan.notes)
    assert [m.member.name for m in plan.members][-1] == "Gita"
    with_her = history(events, order=team, held=state(BRUNO, last=month(11)))
    assert record(with_her, "Gita Rao").in_group


def test_a_joiner_with_no_turn_yet_is_furthest_behind() -> None:
    plan = history(ROUND, order=(*TRIO, DANA))
    dana = record(plan, "Dana Kowalski")
    assert (dana.in_group, dana.served, dana.last_served) == (True, 0, None)
    assert (dana.ahead, dana.next_turn) == (3, month(12))  # she sorts after Chen, who serves November
    assert counts(plan)["Ada Okafor"] == (2, 3, 0, 0)
    assert plan.fairness.behind == (dana,)
    assert (plan.fairness.spread, plan.fairness.balanced) == (2, False)


def test_a_member_with_no_turn_at_all() -> None:
    short = FACILITATOR.model_copy(update={"horizon": 1})
    bea = Member("U05BEA", "Bea Lund")  # sorts after Ada: December goes to Ada, after Chen
    plan = history(ROUND[-2:], order=(*TRIO, bea), since=month(10), role=short)
    assert [(t.day, t.server) for t in plan.turns] == [(month(10), BRUNO), (month(11), CHEN), (month(12), ADA)]
    joined = record(plan, "Bea Lund")
    assert (joined.served, joined.ahead, joined.turns, joined.last_served, joined.next_turn) == (0, 0, 0, None, None)
    assert [m.member for m in plan.fairness.behind] == [bea]


def test_the_state_fills_a_turn_the_calendar_lacks_and_says_when_it_disagrees() -> None:
    plan = history(ROUND[:5])  # no event for November: the state says Chen
    assert (plan.past[-1].server, plan.past[-1].source) == (CHEN, "state")
    disagree = history(ROUND[:5], held=state(ADA, last=month(11)))
    assert disagree.past[-1].server == ADA
    other = list(ROUND)
    other[5] = rolebot_event(FACILITATOR, ADA, month(11))
    warned = history(other)  # the state says Chen started on 1 November
    assert warned.past[-1].server == ADA
    assert warned.warnings == (
        "the state says Chen Wei started on 2026-11-01, the calendar names Ada Okafor: counted as the calendar says",
    )


def test_handoffs_neither_the_calendar_nor_the_state_knows_count_for_nobody() -> None:
    plan = history(ROUND[2:], since=month(3))
    assert plan.unrecorded == (month(3), month(4), month(5), month(6), month(7))
    assert plan.notes[0] == (
        "5 handoffs from 2026-03-01 to 2026-07-01 have no Meeting Facilitator event and are older than the state: "
        "nobody is counted for them"
    )
    assert record(plan, "Ada Okafor").served == 1


def test_a_two_week_role_counts_both_turns_under_way() -> None:
    wednesdays = [date(2026, 11, 4), date(2026, 11, 11), date(2026, 11, 18), date(2026, 11, 25)]
    events = [rolebot_event(TRIAGER, m, d) for m, d in zip((ADA, BRUNO, CHEN, DANA), wednesdays, strict=True)]
    plan = history(
        events,
        order=(ADA, BRUNO, CHEN, DANA),
        held=state(DANA, CHEN, last=wednesdays[-1]),
        since=date(2026, 11, 13),
        role=TRIAGER,
    )
    assert plan.first == date(2026, 11, 4)  # the turn from 4 November still runs on the 13th
    assert [(t.server.first_name, t.status) for t in plan.past] == [
        ("Ada", "served"),
        ("Bruno", "served"),
        ("Chen", "serving"),
        ("Dana", "serving"),
    ]
    assert plan.ahead[0].day == date(2026, 12, 2)
    assert plan.last == date(2027, 11, 24)
    assert len(plan.ahead) == 52


def test_a_pinned_turn_ahead_naming_a_leaver_is_a_warning() -> None:
    ahead = series(ADA, GITA, first=month(12))
    events = [*ROUND, ahead[0], replace(ahead[1], private={})]  # hand-made in effect: pinned
    plan = history(events)
    assert plan.warnings == (
        "calendar event 'Meeting Facilitator: Gita' on 2027-01-01 names 'Gita', who is not in "
        "@meeting-facilitators, and is pinned (a person decided it)",
    )


def test_an_absence_ahead_is_planned_around() -> None:
    away = (Absence(ADA.id, ADA.name, month(12), date(2026, 12, 31)),)
    plan = history(ROUND, absences=away)
    assert plan.ahead[0].server != ADA


def test_since_after_today_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"--since: 2026-12-01 is after today \(2026-11-30\)"):
        history(ROUND, since=month(12))


def test_an_event_naming_several_members_is_an_error() -> None:
    events = [*ROUND[:5], hand_made("Meeting Facilitator: Sam", month(11), month(12))]
    sams = (*TRIO, Member("U1", "Sam Lee"), Member("U2", "Sam Wu"))
    with pytest.raises(RotationError, match="matches several members"):
        history(events, order=sams)


@pytest.mark.parametrize(
    ("today", "since"),
    [
        (date(2026, 11, 30), date(2025, 11, 30)),
        (date(2028, 2, 29), date(2027, 2, 28)),
        (date(1900, 6, 1), date(1900, 1, 1)),
    ],
)
def test_default_since_is_a_year_back(today: date, since: date) -> None:
    assert default_since(today) == since
