from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest

from rolebot.absences import Absence
from rolebot.errors import RotationError, UsageError
from rolebot.events import PRIVATE_MEMBER, PRIVATE_PINNED
from rolebot.models import CalendarEvent, Member, NewEvent
from rolebot.replan import ReplanPlan, default_freeze, plan_replan
from rolebot.rotation import rotation_order
from rolebot.series import plan_fill
from rolebot.shifts import plan_cover, plan_swap
from rolebot.state import RoleState
from rolebot.turns import apply_writes, listed
from tests.helpers import ADA, BRUNO, CHEN, DANA, FACILITATOR, TEAM, TRIAGER, hand_made, state
from tests.replan_checks import check_invariants, check_stable, inputs, replan

WED = date(2026, 12, 2)
ROTATED = state(CHEN, BRUNO, last=WED)  # Chen came in on 2 Dec, Bruno on 25 Nov
CARA = Member("U10CAR", "Cara Ng")  # sorts between Bruno and Chen


def wed(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def filled(team: tuple[Member, ...] = TEAM, held: RoleState = ROTATED) -> list[CalendarEvent]:
    """The calendar `rotate` fills today: a year of planned events from the state."""
    return [listed(e) for e in plan_fill(inputs(TRIAGER, team, [], WED, held)).to_create]


def run(
    events: list[CalendarEvent], team: tuple[Member, ...], *, freeze: int = 2, absences: tuple[Absence, ...] = ()
) -> ReplanPlan:
    order = rotation_order(team)
    plan = replan(TRIAGER, ROTATED, order, events, WED, freeze=freeze, absences=absences)
    check_invariants(plan, order, events, absences)
    check_stable(plan, ROTATED, order, events, freeze=freeze, absences=absences)
    return plan


def rows(plan: ReplanPlan, count: int) -> list[tuple[date, str, str]]:
    return [(t.day, t.server.first_name, t.reason or "") for t in plan.turns[:count]]


def test_an_unchanged_group_moves_nothing_and_the_plan_covers_what_fill_covers() -> None:
    plan = run(filled(), TEAM)
    assert not plan.changed
    assert (plan.turns[0].day, plan.turns[-1].day) == (wed(11, 25), date(2027, 11, 24))
    assert [t.stage for t in plan.turns[:5]] == ["started", "frozen", "frozen", "frozen", "open"]
    assert plan.freeze_end == wed(12, 16)


def test_an_empty_calendar_gets_the_events_fill_would_create() -> None:
    plan = run([], TEAM)
    assert plan.creates == plan_fill(inputs(TRIAGER, TEAM, [], WED, ROTATED)).to_create
    assert {t.reason for t in plan.turns} == {"new"}


def test_a_leaver_inside_the_freeze_window_is_replaced_and_nothing_else_in_the_window_moves() -> None:
    plan = run(filled(), (ADA, BRUNO, DANA))  # Chen left; Chen serves from 2 Dec
    assert rows(plan, 9) == [
        (wed(11, 25), "Bruno", ""),
        (wed(12, 2), "Ada", "left"),  # Bruno and Dana hold the overlapping turns: only Ada can
        (wed(12, 9), "Dana", ""),
        (wed(12, 16), "Ada", ""),
        (wed(12, 23), "Bruno", ""),
        (wed(12, 30), "Dana", "left"),
        (date(2027, 1, 6), "Ada", "fairness"),
        (date(2027, 1, 13), "Bruno", "fairness"),
        (date(2027, 1, 20), "Dana", "fairness"),
    ]
    moved = plan.moves[0]
    assert (moved.before, moved.owner, moved.action) == (Member(CHEN.id, "Chen"), ADA, "update")
    assert isinstance(moved.write, NewEvent)
    assert moved.write.id == moved.existing.event.id if moved.existing else False
    assert dict(moved.write.private) == {"rolebot_role": "support-triager", PRIVATE_MEMBER: ADA.id}
    assert moved.write.summary == "Support Triager: Ada"
    assert all(t.server != CHEN and t.server.id != CHEN.id for t in plan.turns if t.day >= WED)


def test_a_leaver_beyond_the_freeze_window_leaves_the_window_alone() -> None:
    plan = run(filled(), (BRUNO, CHEN, DANA), freeze=1)  # Ada's next turn is 16 Dec, after the window
    assert [t.action for t in plan.turns[:3]] == ["keep", "keep", "keep"]
    assert rows(plan, 6)[3:] == [
        (wed(12, 16), "Bruno", "left"),
        (wed(12, 23), "Chen", "fairness"),
        (wed(12, 30), "Dana", "fairness"),
    ]


def test_a_joiner_enters_at_their_place_within_one_cycle_after_the_window() -> None:
    team = (ADA, BRUNO, CARA, CHEN, DANA)
    plan = run(filled(), team)
    after_window = [t for t in plan.turns if t.stage == "open"]
    assert CARA in [t.server for t in after_window[: len(team)]]
    assert rows(plan, 8)[4:] == [
        (wed(12, 23), "Bruno", ""),
        (wed(12, 30), "Cara", "joined"),
        (date(2027, 1, 6), "Chen", "fairness"),
        (date(2027, 1, 13), "Dana", "fairness"),
    ]


def test_nobody_away_is_named_in_a_planned_turn_even_inside_the_window() -> None:
    away = (Absence(DANA.id, DANA.name, wed(12, 10), wed(12, 20)),)  # overlaps her turn from 9 Dec
    plan = run(filled(), TEAM, absences=away)
    # Her frozen turn trades with the nearest open turn whose owner can take it: Bruno's on 23 Dec.
    assert [(t.day, t.server.first_name, t.reason, t.trade) for t in plan.moves] == [
        (wed(12, 9), "Bruno", "away", wed(12, 23)),
        (wed(12, 23), "Dana", "away", wed(12, 9)),
    ]
    assert [(t.owner, t.absence) for t in plan.moves] == [(DANA, away[0]), (BRUNO, away[0])]
    assert plan.turn_at(date(2027, 1, 6)).server == DANA  # type: ignore[union-attr]


def test_an_absent_members_turn_trades_with_the_nearest_later_turn_and_nothing_else_moves() -> None:
    away = (Absence(ADA.id, ADA.name, date(2027, 1, 1), date(2027, 1, 25)),)  # her turn from 13 Jan
    plan = run(filled(), TEAM, absences=away)
    # Bruno's turn from 20 Jan overlaps her absence; Chen's from 27 Jan does not: they trade.
    assert [(t.day, t.owner.first_name, t.server.first_name, t.reason) for t in plan.moves] == [
        (date(2027, 1, 13), "Ada", "Chen", "away"),
        (date(2027, 1, 27), "Chen", "Ada", "away"),
    ]
    assert [t.owner for t in plan.turns] == [t.owner for t in run(filled(), TEAM).turns]
    counts = Counter(t.server for t in plan.turns if t.stage == "open")
    assert counts == Counter(t.server for t in run(filled(), TEAM).turns if t.stage == "open")
    update = plan.moves[0].write
    assert update is not None
    assert update.summary == "Support Triager: Chen"
    assert dict(update.private) == {
        "rolebot_role": "support-triager",
        PRIVATE_MEMBER: ADA.id,
        "rolebot_server": CHEN.id,
        "rolebot_away": "2027-01-27",
    }


def test_removing_the_absence_undoes_the_trade_and_restores_the_calendar() -> None:
    away = (Absence(ADA.id, ADA.name, date(2027, 1, 1), date(2027, 1, 25)),)
    events = filled()
    traded = run(events, TEAM, absences=away).applied_to(events)
    back = run(traded, TEAM)
    assert [(t.day, t.server.first_name, t.reason) for t in back.moves] == [
        (date(2027, 1, 13), "Ada", "back"),
        (date(2027, 1, 27), "Chen", "back"),
    ]
    assert sorted(back.applied_to(traded), key=lambda e: e.start) == sorted(events, key=lambda e: e.start)


def test_with_no_turn_to_trade_within_the_horizon_a_substitute_serves_and_the_plan_says_so() -> None:
    away = (Absence(ADA.id, ADA.name, date(2027, 1, 1), date(2028, 12, 31)),)  # away past the horizon
    plan = run(filled(), TEAM, absences=away)
    first = plan.turn_at(date(2027, 1, 13))
    assert first is not None
    assert (first.owner, first.server, first.substitute, first.reason) == (ADA, CHEN, True, "away")  # Bruno: 20 Jan
    assert "no turn within the horizon can trade with Ada Okafor's turn on 2027-01-13 (away): " in " ".join(
        plan.warnings()
    )


def test_a_hand_edited_event_survives_a_replan_and_its_owner_keeps_their_place() -> None:
    events = filled()
    edited = next(e for e in events if e.start == wed(12, 23))  # Bruno's, edited to name Dana
    events = [replace(e, summary="Support Triager: Dana") if e is edited else e for e in events]
    plan = run(events, (ADA, BRUNO, DANA))  # and Chen left
    turn = plan.turn_at(wed(12, 23))
    assert turn is not None
    assert (turn.action, turn.pin, turn.owner, turn.server) == ("keep", "edited", BRUNO, DANA)
    # The queue continues after Bruno (the owner), skipping Dana, who serves the overlapping turn.
    assert rows(plan, 8)[5:] == [
        (wed(12, 30), "Ada", "left"),
        (date(2027, 1, 6), "Bruno", "fairness"),
        (date(2027, 1, 13), "Dana", "fairness"),
    ]


def test_legacy_events_are_pinned_and_the_rotation_continues_after_the_last_one() -> None:
    legacy = [
        hand_made(f"Support Steward: {m.first_name}", d, ident=f"old{i}")
        for i, (m, d) in enumerate([(BRUNO, wed(11, 25)), (CHEN, wed(12, 2)), (ADA, wed(12, 9))])
    ]
    plan = run(legacy, TEAM)
    assert [t.pin for t in plan.turns[:3]] == ["hand-made"] * 3
    assert [(t.server, t.action) for t in plan.turns[3:5]] == [(BRUNO, "create"), (CHEN, "create")]


def test_a_pinned_event_naming_a_leaver_is_kept_with_a_warning_that_blocks_only_its_handoff() -> None:
    events = [e if e.start != wed(12, 16) else replace(e, summary="Support Triager: Emeka") for e in filled()]
    plan = run(events, TEAM)
    turn = plan.turn_at(wed(12, 16))
    assert turn is not None
    assert (turn.action, turn.pin, turn.server.name) == ("keep", "edited", "Emeka")
    assert [(c.day, c.turn, c.why) for c in plan.conflicts] == [(wed(12, 16), "pinned", "left")]
    assert plan.problem_at(WED) is None
    problem = plan.problem_at(wed(12, 16))
    assert problem is not None
    assert str(problem) == (
        "calendar event 'Support Triager: Emeka' on 2026-12-16 names 'Emeka', who is not in @support-triagers, "
        "and is pinned (a person decided it) — run `rolebot cover support-triager 2026-12-16 --by NAME`, or edit "
        "the event's title"
    )


def test_a_started_turn_is_never_moved_but_its_leaver_is_reported() -> None:
    plan = run(filled(), (ADA, CHEN, DANA))  # Bruno left; he started on 25 Nov
    assert (plan.turns[0].action, plan.turns[0].server.id) == ("keep", BRUNO.id)
    assert [(c.day, c.turn) for c in plan.conflicts] == [(wed(11, 25), "started")]
    assert plan.problem_at(wed(11, 25)) is None


def test_swap_and_cover_then_a_replan_move_nothing_else() -> None:
    events = filled()
    swap = plan_swap(inputs(TRIAGER, TEAM, events, WED), wed(12, 30), date(2027, 1, 13))
    events = apply(events, swap.updates)
    cover = plan_cover(inputs(TRIAGER, TEAM, events, WED), wed(12, 16), CHEN)
    events = apply(events, cover.updates)
    plan = run(events, TEAM)
    assert not plan.changed
    pinned = [(t.day, t.pin, t.owner.first_name, t.server.first_name) for t in plan.turns if t.pinned]
    assert pinned == [
        (wed(12, 16), "cover", "Ada", "Chen"),
        (wed(12, 30), "swap", "Chen", "Ada"),
        (date(2027, 1, 13), "swap", "Ada", "Chen"),
    ]
    owners = [t.owner for t in plan.turns]
    assert owners == [t.owner for t in run(filled(), TEAM).turns]


def test_a_hand_edit_overlapping_the_next_turn_moves_it_and_covering_back_restores_it() -> None:
    events = [replace(e, summary="Support Triager: Dana") if e.start == wed(12, 30) else e for e in filled()]
    plan = run(events, TEAM)  # Dana also holds the planned turn from 6 January
    assert [(t.day, t.server.first_name, t.reason) for t in plan.moves[:3]] == [
        (date(2027, 1, 6), "Ada", "overlap"),
        (date(2027, 1, 13), "Bruno", "fairness"),
        (date(2027, 1, 20), "Chen", "fairness"),
    ]
    edited = plan.applied_to(events)
    back = plan_cover(inputs(TRIAGER, TEAM, edited, WED), wed(12, 30), CHEN)
    restored = run(apply(edited, back.updates), TEAM)
    assert [t.owner for t in restored.turns] == [t.owner for t in run(filled(), TEAM).turns]
    assert {t.reason for t in restored.moves} == {"fairness"}


def apply(events: list[CalendarEvent], updates: tuple[NewEvent, ...]) -> list[CalendarEvent]:
    return apply_writes(events, updates=updates)


def test_when_everyone_is_away_the_turn_still_goes_to_someone_with_a_warning() -> None:
    away = tuple(Absence(m.id, m.name, date(2027, 3, 1), date(2027, 3, 31)) for m in TEAM)
    plan = run(filled(), TEAM, absences=away)
    unfilled = [c for c in plan.conflicts if c.turn == "unfilled"]
    # Every turn overlapping March; the round robin goes on as if nobody were away, so nothing moves.
    assert [c.day for c in unfilled] == [date(2027, 2, 17) + timedelta(weeks=i) for i in range(7)]
    assert all(plan.turn_at(c.day).shortfall == "away" for c in unfilled)  # type: ignore[union-attr]
    assert not plan.changed
    assert unfilled[0].message() == (
        "nobody in @support-triagers can take the turn on 2027-02-17; "
        "it goes to Bruno Silva, who is away from 2027-03-01 to 2027-03-31"
    )


def test_a_monthly_role_replans_from_the_coming_handoff() -> None:
    team = (ADA, BRUNO, CHEN)
    held = state(CHEN, last=date(2026, 12, 1))
    events = [listed(e) for e in plan_fill(inputs(FACILITATOR, TEAM, [], date(2027, 1, 1), held)).to_create]
    handoff, freeze = date(2027, 1, 1), default_freeze(FACILITATOR)
    plan = replan(FACILITATOR, held, team, events, handoff, freeze=freeze)
    check_invariants(plan, team, events, ())
    check_stable(plan, held, team, events, freeze=freeze)
    assert freeze == 0
    assert [(t.day.month, t.server.first_name, t.reason) for t in plan.turns[:5]] == [
        (1, "Ada", "left"),  # Dana was due in January: the coming handoff is replaced, not frozen
        (2, "Bruno", "fairness"),
        (3, "Chen", "fairness"),
        (4, "Ada", "fairness"),
        (5, "Bruno", "left"),
    ]


def test_members_hear_which_dates_they_gained_and_dropped() -> None:
    plan = run(filled(), (ADA, BRUNO, DANA))
    dates = {d.member.first_name: d for d in plan.dates_by_member()}
    assert "Chen" not in dates  # who left is told nothing
    assert dates["Ada"].gained[:2] == (wed(12, 2), date(2027, 1, 6))
    assert set(dates["Ada"].dropped).isdisjoint(dates["Ada"].gained)
    creations = run([], TEAM).dates_by_member(include_new=True)
    assert sum(len(d.gained) for d in creations) == 53


def test_over_the_open_range_every_member_serves_within_one_of_the_others() -> None:
    for team in [(ADA, BRUNO, DANA), (ADA, BRUNO, CARA, CHEN, DANA), (BRUNO, CHEN)]:
        plan = run(filled(), team)
        counts = Counter(t.owner for t in plan.turns if t.stage == "open")
        assert set(counts) == set(team)
        assert max(counts.values()) - min(counts.values()) <= 1


def test_an_older_state_is_walked_forward_to_seed_the_rotation() -> None:
    three_weeks_late = RoleState(ROTATED.slots, WED - timedelta(weeks=3))
    plan = plan_replan(inputs(TRIAGER, TEAM, [], WED, three_weeks_late), freeze=2)
    fill = plan_fill(inputs(TRIAGER, TEAM, [], WED, three_weeks_late))
    assert plan.creates == fill.to_create


def test_two_events_on_one_handoff_naming_different_people_are_an_error() -> None:
    events = [*filled(), hand_made("Support Triager: Ada", wed(12, 23))]
    with pytest.raises(RotationError, match=r"2 calendar events start on 2026-12-23 and name different people"):
        run(events, TEAM)
    same = [*filled(), hand_made("Support Triager: Bruno", wed(12, 23))]
    assert not run(same, TEAM).changed


def test_freeze_is_a_count_of_handoffs() -> None:
    with pytest.raises(UsageError, match="freeze must be 0 or more"):
        run(filled(), TEAM, freeze=-1)
    assert default_freeze(TRIAGER) == 2
    assert run(filled(), (ADA, BRUNO, DANA), freeze=0).freeze_end == WED


def test_a_rolebot_pinned_mark_pins_the_event_whatever_it_says() -> None:
    marked = {PRIVATE_PINNED: "cover"}
    events = [e if e.start != wed(12, 23) else replace(e, private={**e.private, **marked}) for e in filled()]
    plan = run(events, (ADA, CHEN, DANA))  # Bruno, named by that pinned event, left
    turn = plan.turn_at(wed(12, 23))
    assert turn is not None
    assert (turn.pin, turn.action) == ("cover", "keep")
