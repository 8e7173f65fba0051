from dataclasses import replace
from datetime import date

import pytest

from rolebot.absences import Absence
from rolebot.errors import RotationError, UsageError
from rolebot.events import PRIVATE_MEMBER, PRIVATE_PINNED, PRIVATE_ROLE, PRIVATE_SERVER, PRIVATE_SWAP, CalendarView
from rolebot.models import CalendarEvent, Member
from rolebot.series import plan_fill
from rolebot.shifts import ShiftPlan, plan_cover, plan_swap
from rolebot.turns import apply_writes, listed, read_turns
from tests.helpers import ADA, BRUNO, CHEN, DANA, TEAM, TRIAGER, state
from tests.replan_checks import inputs

WED = date(2026, 12, 2)
ROTATED = state(CHEN, BRUNO, last=WED)
# The filled calendar: 25 Nov Bruno, 2 Dec Chen, 9 Dec Dana, 16 Dec Ada, 23 Dec Bruno, 30 Dec Chen,
# 6 Jan Dana, 13 Jan Ada, 20 Jan Bruno, ...
DEC30, JAN13 = date(2026, 12, 30), date(2027, 1, 13)


def filled(team: tuple[Member, ...] = TEAM) -> list[CalendarEvent]:
    return [listed(e) for e in plan_fill(inputs(TRIAGER, team, [], WED, ROTATED)).to_create]


def swap(events: list[CalendarEvent], a: date, b: date, **kwargs: object) -> ShiftPlan:
    team = kwargs.pop("team", TEAM)
    return plan_swap(inputs(TRIAGER, team, events, WED), a, b, **kwargs)  # type: ignore[arg-type]


def cover(events: list[CalendarEvent], day: date, member: Member, **kwargs: object) -> ShiftPlan:
    return plan_cover(inputs(TRIAGER, TEAM, events, WED), day, member, **kwargs)  # type: ignore[arg-type]


def who(events: list[CalendarEvent]) -> dict[date, tuple[str, str, str | None]]:
    turns = read_turns(TRIAGER, CalendarView(TRIAGER, events, TEAM), [e.start for e in events])
    return {d: (t.owner.first_name, t.server.first_name, t.pin) for d, t in turns.items()}


def test_swap_trades_the_servers_pins_both_and_keeps_the_owners() -> None:
    events = filled()
    plan = swap(events, DEC30, JAN13)
    assert plan.changed
    assert plan.days == (DEC30, JAN13)
    assert plan.after == (ADA, CHEN)
    after = apply_writes(events, updates=plan.updates)
    assert who(after)[DEC30] == ("Chen", "Ada", "swap")
    assert who(after)[JAN13] == ("Ada", "Chen", "swap")
    changed = {d: v for d, v in who(after).items() if who(events)[d] != v}
    assert set(changed) == {DEC30, JAN13}
    first = plan.updates[0]
    assert first.id == next(e.id for e in events if e.start == DEC30)
    assert first.summary == "Support Triager: Ada"
    assert dict(first.private) == {
        PRIVATE_ROLE: "support-triager",
        PRIVATE_MEMBER: CHEN.id,
        PRIVATE_PINNED: "swap",
        PRIVATE_SERVER: ADA.id,
        PRIVATE_SWAP: f"2027-01-13 {CHEN.id}",
    }
    assert first.description == (
        "Ada Okafor serves as Support Triager from Wednesday 30 December 2026 until Wednesday 13 January 2027, "
        "swapped with Chen Wei, who serves the turn from Wednesday 13 January 2027. Pinned by `rolebot swap`: "
        "rolebot will not move it, and Chen Wei keeps their place in the rotation."
    )


def test_swapping_again_is_a_no_op_and_a_half_written_swap_is_finished() -> None:
    events = filled()
    plan = swap(events, DEC30, JAN13)
    done = apply_writes(events, updates=plan.updates)
    for a, b in ((DEC30, JAN13), (JAN13, DEC30)):
        again = swap(done, a, b)
        assert not again.changed
        assert again.notes == (f"{a} and {b} are already swapped: nothing to do",)
    for written in plan.updates:  # an interrupted run wrote only one of the two
        half = apply_writes(events, updates=[written])
        finish = swap(half, DEC30, JAN13)
        assert [u.id for u in finish.updates] == [u.id for u in plan.updates if u is not written]
        assert apply_writes(half, updates=finish.updates) == done


def test_a_half_written_swap_with_someone_who_left_since_is_refused() -> None:
    events = filled()
    plan = swap(events, DEC30, JAN13)
    half = apply_writes(events, updates=plan.updates[:1])  # 30 Dec names Ada; 13 Jan should name Chen
    with pytest.raises(RotationError, match=rf"^{CHEN.id} is not in @support-triagers, so cannot serve 2027-01-13"):
        swap(half, DEC30, JAN13, team=(ADA, BRUNO, DANA))


@pytest.mark.parametrize(
    ("a", "b", "error", "message"),
    [
        (DEC30, DEC30, UsageError, "DATE_A and DATE_B are both 2026-12-30 — give two different handoffs"),
        (
            date(2026, 12, 31),
            JAN13,
            UsageError,
            "DATE_A: 2026-12-31 is not a Support Triager handoff — use 2026-12-30 or 2027-01-06",
        ),
        (
            DEC30,
            date(2028, 1, 5),
            RotationError,
            "DATE_B: the calendar has no Support Triager event on 2028-01-05 — "
            "run `rolebot calendar replan support-triager` to fill the calendar, then try again",
        ),
        (
            date(2026, 11, 18),
            JAN13,
            UsageError,
            "DATE_A: the turn that started on 2026-11-18 is over — give a handoff from 2026-11-25 on",
        ),
        (
            WED,
            date(2026, 12, 23),
            RotationError,
            "Bruno Silva would serve the overlapping turns from 2026-11-25 and 2026-12-02 — "
            "choose other dates, or use `rolebot cover` for one of them",
        ),
        (
            DEC30,
            WED,
            UsageError,
            "Chen Wei serves both 2026-12-30 and 2026-12-02: nothing to swap — give another date",
        ),
    ],
)
def test_a_swap_that_cannot_be_done_is_one_clear_error(a: date, b: date, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as raised:
        swap(filled(), a, b)
    assert str(raised.value) == message


def test_a_swap_may_not_name_someone_away_or_gone() -> None:
    away = (Absence(CHEN.id, CHEN.name, date(2027, 1, 20), date(2027, 1, 22)),)  # the second week from 13 Jan
    with pytest.raises(RotationError, match=r"^Chen Wei is away from 2027-01-20 to 2027-01-22, so cannot serve"):
        swap(filled(), DEC30, JAN13, absences=away)
    with pytest.raises(RotationError, match=r"^Chen is not in @support-triagers, so cannot serve 2027-01-13"):
        swap(filled(), DEC30, JAN13, team=(ADA, BRUNO, DANA))


def test_cover_pins_the_turn_to_the_coverer_and_the_owner_keeps_their_place() -> None:
    events = filled()
    plan = cover(events, DEC30, ADA)
    after = apply_writes(events, updates=plan.updates)
    assert who(after)[DEC30] == ("Chen", "Ada", "cover")
    assert [d for d, v in who(after).items() if who(events)[d] != v] == [DEC30]
    assert plan.updates[0].private[PRIVATE_PINNED] == "cover"
    assert "covering for Chen Wei" in plan.updates[0].description
    again = cover(after, DEC30, ADA)
    assert (again.changed, again.notes) == (False, ("Ada Okafor already covers 2026-12-30: nothing to do",))
    back = cover(after, DEC30, CHEN)  # the owner takes their turn back
    assert who(apply_writes(after, updates=back.updates))[DEC30] == ("Chen", "Chen", "cover")


@pytest.mark.parametrize(
    ("day", "member", "error", "message"),
    [
        (DEC30, CHEN, UsageError, "--by: Chen Wei already serves 2026-12-30 — name whoever takes over with --by"),
        (
            DEC30,
            BRUNO,
            RotationError,
            "Bruno Silva would serve the overlapping turns from 2026-12-23 and 2026-12-30 — "
            "choose someone else with --by",
        ),
        (date(2026, 12, 29), ADA, UsageError, "DATE: 2026-12-29 is not a Support Triager handoff"),
    ],
)
def test_a_cover_that_cannot_be_done_is_one_clear_error(
    day: date, member: Member, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        cover(filled(), day, member)
    assert str(raised.value).startswith(message)


def test_a_cover_may_not_name_someone_away_or_outside_the_group() -> None:
    away = (Absence(DANA.id, DANA.name, date(2027, 1, 1), date(2027, 1, 1)),)
    with pytest.raises(RotationError, match=r"^Dana Kowalski is away from 2027-01-01 to 2027-01-01, so cannot"):
        cover(filled(), DEC30, DANA, absences=away)
    with pytest.raises(RotationError, match=r"^Zoë Bauer is not in @support-triagers"):
        cover(filled(), DEC30, Member("U99ZOE", "Zoë Bauer"))


def test_a_shared_first_name_is_written_in_full_so_the_summary_names_one_person() -> None:
    sam_lee, sam_wu = Member("U20SAM", "Sam Lee"), Member("U21SAM", "Sam Wu")
    team = (ADA, BRUNO, CHEN, DANA, sam_lee, sam_wu)
    events = filled(team)
    day = next(e.start for e in events if e.start > WED and "Chen" in e.summary)
    plan = plan_cover(inputs(TRIAGER, team, events, WED), day, sam_wu)
    assert plan.updates[0].summary == "Support Triager: Sam Wu"
    after = apply_writes(events, updates=plan.updates)
    assert read_turns(TRIAGER, CalendarView(TRIAGER, after, team), [day])[day].server == sam_wu


def test_a_pinned_summary_stays_readable_when_someone_with_the_same_first_name_joins() -> None:
    sam_lee, sam_wu = Member("U20SAM", "Sam Lee"), Member("U21SAM", "Sam Wu")
    team = (*TEAM, sam_lee)
    events = filled(team)
    plan = plan_cover(inputs(TRIAGER, team, events, WED), DEC30, sam_lee)
    assert plan.updates[0].summary == "Support Triager: Sam"
    after = apply_writes(events, updates=plan.updates)
    grown = (*team, sam_wu)
    assert read_turns(TRIAGER, CalendarView(TRIAGER, after, grown), [DEC30])[DEC30].server == sam_lee
    edited = [replace(e, summary="Support Triager: Sam Wu") if e.start == DEC30 else e for e in after]
    assert read_turns(TRIAGER, CalendarView(TRIAGER, edited, grown), [DEC30])[DEC30].server == sam_wu
