"""Ten simulated handoffs of a team that churns: each week people join, leave, go away, swap and
cover; the calendar is replanned and written, then the state is rotated from it. Every
invariant holds after every week, and a re-run writes nothing."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolebot import dates
from rolebot.absences import Absence, Away, absence, prune, with_absence
from rolebot.config import RoleConfig
from rolebot.errors import RolebotError
from rolebot.models import CalendarEvent, Member
from rolebot.replan import ReplanPlan, default_freeze
from rolebot.rotation import plan_rotation, rotation_order
from rolebot.shifts import plan_cover
from rolebot.state import RoleState
from rolebot.turns import apply_writes, read_turns, turn_days
from tests.helpers import FACILITATOR, TRIAGER
from tests.replan_checks import check_invariants, check_stable, inputs, replan
from tests.replan_world import PEOPLE, STARTS, edit, edits, held

# `plan_rotation` reads the calendar by summary alone, so the simulated team has no shared first name.
TEAM_POOL = tuple(p for p in PEOPLE if p.name != "Sam Wu")


class Week:
    """One simulated team: its group, absences, calendar and state, one handoff at a time."""

    def __init__(self, role: RoleConfig, group: tuple[Member, ...]) -> None:
        self.role, self.group = role, group
        self.state: RoleState = held(role, group, 0, STARTS[role.key])
        self.events: list[CalendarEvent] = []
        self.absences: tuple[Absence, ...] = ()
        self.freeze = default_freeze(role)

    def replan(self, handoff: date) -> ReplanPlan:
        args = (self.role, self.state, self.group)
        plan = replan(*args, self.events, handoff, freeze=self.freeze, absences=self.absences)
        check_invariants(plan, self.group, self.events, self.absences)
        self.events = check_stable(
            plan, self.state, self.group, self.events, freeze=self.freeze, absences=self.absences
        )
        return plan

    def settle_conflict(self, handoff: date) -> None:
        """What a person does when the handoff to rotate is pinned to someone who cannot serve:
        cover it (as rotate's error says), or failing that retitle the event by hand."""
        planning = inputs(self.role, self.group, self.events, handoff)
        for member in self.group:
            try:
                shift = plan_cover(planning, handoff, member, absences=self.absences)
            except RolebotError:
                continue
            self.events = apply_writes(self.events, updates=shift.updates)
            return
        away = Away(self.absences)
        present = [m for m in self.group if away.during(m.id, *turn_days(self.role, handoff)) is None]
        title = f"{self.role.title}: {(present or self.group)[0].name}"  # even if it overlaps a turn
        self.events = [e if e.start != handoff else CalendarEvent(e.id, title, e.start, e.end) for e in self.events]

    def rotate(self, handoff: date) -> None:
        planning = inputs(self.role, self.group, self.events, handoff, self.state)
        rotation = plan_rotation(planning)
        assert rotation.after[0] == read_turns(self.role, planning.calendar, [handoff])[handoff].server
        self.state = rotation.new_state()


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(data=st.data(), role=st.sampled_from([TRIAGER, FACILITATOR]))
def test_ten_weeks_of_joins_leaves_swaps_and_absences_keep_every_invariant(
    data: st.DataObject, role: RoleConfig
) -> None:
    team = data.draw(st.lists(st.sampled_from(TEAM_POOL), min_size=3, max_size=10, unique=True), label="team")
    week = Week(role, rotation_order(team))
    week.replan(STARTS[role.key])  # the first fill
    for n in range(1, 11):
        handoff = dates.shift(STARTS[role.key], role, n)
        today = handoff - timedelta(days=2)
        others = [p for p in TEAM_POOL if p not in week.group]
        if data.draw(st.booleans(), label="join") and others:
            week.group = rotation_order([*week.group, data.draw(st.sampled_from(others), label="joiner")])
        if data.draw(st.booleans(), label="leave") and len(week.group) > 2:
            leaver = data.draw(st.sampled_from(week.group), label="leaver")
            week.group = tuple(m for m in week.group if m != leaver)
        if data.draw(st.booleans(), label="away"):
            member = data.draw(st.sampled_from(week.group), label="absent")
            first = today + timedelta(days=data.draw(st.integers(0, 90), label="from"))
            last = first + timedelta(days=data.draw(st.integers(0, 21), label="days"))
            week.absences = with_absence(week.absences, absence(member, first, last))
        week.absences = prune(week.absences, today)
        for change in data.draw(st.lists(edits, max_size=2), label="edits"):
            week.events = edit(role, week.group, week.events, handoff, change, week.absences)
        plan = week.replan(handoff)
        if plan.problem_at(handoff) is not None:
            week.settle_conflict(handoff)
            settled = week.replan(handoff).problem_at(handoff)
            assert settled is None or "away" in settled.message  # everyone is away: someone must still serve
        week.rotate(handoff)
