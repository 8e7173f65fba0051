"""Ten simulated handoffs of a team that churns: each week people join, leave, go away, swap and
cover; the calendar is replanned and written, then the state is rotated from it. Every
invariant holds after every week, and a re-run writes nothing.

A week's events are a `Change`, so a run Hypothesis found failing is pinned below as a plain
list of weeks (`FOUND`), replayed on every run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
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
from tests.hypothesis_setup import budget
from tests.replan_checks import check_invariants, check_stable, inputs, replan
from tests.replan_world import PEOPLE, STARTS, Edit, edit, edits, held

# `plan_rotation` reads the calendar by summary alone, so the simulated team has no shared first name.
TEAM_POOL = tuple(p for p in PEOPLE if p.name != "Sam Wu")
ADA, BO, BRUNO, CHEN, DANA, EMILE = PEOPLE[:6]


@dataclass(frozen=True)
class Change:
    """What happens in a week before its replan: someone joins, then someone leaves, someone records
    an absence (`away`: who, from how many days after the run, for how many days more), and people
    edit the calendar."""

    joiner: Member | None = None
    leaver: Member | None = None
    away: tuple[Member, int, int] | None = None
    edits: tuple[Edit, ...] = ()


@st.composite
def changes(draw: st.DrawFn, group: tuple[Member, ...]) -> Change:
    """A week's change to a team of `group`: a leaver only while more than two remain."""
    others = [p for p in TEAM_POOL if p not in group]
    joiner = draw(st.sampled_from(others)) if draw(st.booleans()) and others else None
    group = (*group, joiner) if joiner else group
    leaver = draw(st.sampled_from(group)) if draw(st.booleans()) and len(group) > 2 else None
    group = tuple(m for m in group if m != leaver)
    away = None
    if draw(st.booleans()):
        away = (draw(st.sampled_from(group)), draw(st.integers(0, 90)), draw(st.integers(0, 21)))
    return Change(joiner, leaver, away, tuple(draw(st.lists(edits, max_size=2))))


class Week:
    """One simulated team: its group, absences, calendar and state, one handoff at a time."""

    def __init__(self, role: RoleConfig, group: Sequence[Member]) -> None:
        self.role, self.group = role, rotation_order(group)
        self.state: RoleState = held(role, self.group, 0, STARTS[role.key])
        self.events: list[CalendarEvent] = []
        self.absences: tuple[Absence, ...] = ()
        self.freeze = default_freeze(role)
        self.replan(STARTS[role.key])  # the first fill

    def replan(self, handoff: date) -> ReplanPlan:
        args = (self.role, self.state, self.group)
        plan = replan(*args, self.events, handoff, freeze=self.freeze, absences=self.absences)
        check_invariants(plan, self.group, self.events, self.absences)
        self.events = check_stable(
            plan, self.state, self.group, self.events, freeze=self.freeze, absences=self.absences
        )
        return plan

    def run(self, n: int, change: Change) -> None:
        """Week `n`: the change, two days before its handoff; the replan; the rotation."""
        handoff = dates.shift(STARTS[self.role.key], self.role, n)
        today = handoff - timedelta(days=2)
        if change.joiner is not None:
            self.group = rotation_order([*self.group, change.joiner])
        if change.leaver is not None:
            self.group = tuple(m for m in self.group if m != change.leaver)
        if change.away is not None:
            member, start, length = change.away
            first = today + timedelta(days=start)
            self.absences = with_absence(self.absences, absence(member, first, first + timedelta(days=length)))
        self.absences = prune(self.absences, today)
        for made in change.edits:
            self.events = edit(self.role, self.group, self.events, handoff, made, self.absences)
        plan = self.replan(handoff)
        if plan.problem_at(handoff) is not None:
            self.settle_conflict(handoff)
            settled = self.replan(handoff).problem_at(handoff)
            assert settled is None or "away" in settled.message  # everyone is away: someone must still serve
        self.rotate(handoff)

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
@budget(30)
@given(data=st.data(), role=st.sampled_from([TRIAGER, FACILITATOR]))
def test_ten_weeks_of_joins_leaves_swaps_and_absences_keep_every_invariant(
    data: st.DataObject, role: RoleConfig
) -> None:
    team = data.draw(st.lists(st.sampled_from(TEAM_POOL), min_size=3, max_size=10, unique=True), label="team")
    week = Week(role, team)
    for n in range(1, 11):
        week.run(n, data.draw(changes(week.group), label=f"week {n}"))


def _quiet(weeks: int) -> tuple[Change, ...]:
    return (Change(),) * weeks


# Runs Hypothesis found failing, replayed on every run: on main before this fix (the first and the
# last two), or against a fix on the way to it (the others).
FOUND: dict[str, tuple[RoleConfig, tuple[Member, ...], tuple[Change, ...]]] = {
    # The round robin gave the turn of a leaver (13 Jan) to Chen, who serves the kept frozen
    # turn just before it for bo (away): kept turns' servers are busy too.
    "a leaver's turn next to a kept away trade": (
        TRIAGER,
        (ADA, BO, BRUNO, CHEN, DANA),
        (*_quiet(2), Change(away=(BO, 9, 21)), Change(leaver=BRUNO)),
    ),
    # Ada substitutes for two frozen turns (Bruno and Dana away) and was given the first open turn
    # too; the re-run, keeping those frozen turns, passed her over there: a re-run wrote again.
    "a substitute in the window and the first open turn": (
        TRIAGER,
        (ADA, BO, BRUNO),
        (
            Change(away=(ADA, 0, 0)),
            Change(leaver=ADA),
            Change(joiner=ADA, leaver=ADA),
            Change(away=(BO, 0, 0)),
            Change(away=(BRUNO, 50, 21)),
            Change(),
            Change(joiner=CHEN, leaver=BO, away=(BRUNO, 0, 0)),
            Change(joiner=DANA, leaver=CHEN, away=(DANA, 30, 0)),
            Change(),
            Change(joiner=ADA),
        ),
    ),
    # Bruno substitutes for Chen (away) in the window; bo's frozen turn after it went to Bruno as
    # well, overlapping, though Chen is back by then: the owner of a kept turn who does not serve
    # it is not busy.
    "a leaver's frozen turn after a substitute's": (
        TRIAGER,
        (ADA, BO, BRUNO),
        (Change(joiner=CHEN, leaver=ADA, away=(CHEN, 37, 0)), Change(leaver=BO, away=(CHEN, 0, 9))),
    ),
    # Ada (back in the group) substitutes for Chen, away, in the window; the round robin also gave
    # her the next turn, so she held two overlapping turns; the re-run, keeping the substitute,
    # passed her over there: a re-run wrote again.
    "a substitute in the window who would own the next turn": (
        TRIAGER,
        (ADA, BO, BRUNO),
        (Change(joiner=CHEN, leaver=ADA, away=(CHEN, 37, 0)), Change(leaver=BO), Change(joiner=ADA)),
    ),
    # Main's failures with `--hypothesis-seed=0`: a re-run rewrote 27 Jan; 20 Jan was left
    # overlapping while someone else was free.
    "a hand-made turn, an absence, then a leaver": (
        TRIAGER,
        (ADA, BO, BRUNO),
        (
            Change(leaver=ADA, away=(BO, 0, 0)),
            Change(),
            Change(joiner=ADA),
            Change(away=(BO, 24, 13)),
            Change(edits=(("hand-made", 5, 0, ADA),)),
            Change(leaver=BRUNO),
        ),
    ),
    "two absences, then a leaver": (
        TRIAGER,
        (ADA, BO, BRUNO, CHEN, DANA, EMILE),
        (Change(), Change(away=(ADA, 0, 0)), Change(away=(BO, 16, 21)), Change(), Change(leaver=BRUNO)),
    ),
    # Pinned swaps around leavers; then Bruno, who served Chen's frozen 27 Jan (the second half of
    # a trade for 20 Jan, which Chen serves), left: 27 Jan stayed Chen's, overlapping, while Ada was
    # free. A frozen turn neither its server nor its owner can serve is replaced.
    "swaps around leavers, then an absence and a leaver": (
        TRIAGER,
        (ADA, BO, BRUNO, CHEN),
        (
            Change(leaver=ADA, edits=(("swap", 46, 49, ADA), ("swap", 23, 11, ADA))),
            Change(joiner=PEOPLE[8], leaver=BO, away=(BRUNO, 39, 7), edits=(("swap", 60, 53, PEOPLE[11]),)),
            Change(),
            Change(),
            Change(edits=(("swap", 0, 16, ADA), ("swap", 0, 0, ADA))),
            Change(),
            Change(joiner=ADA),
            Change(away=(ADA, 0, 0), edits=(("edit", 60, 0, BO), ("swap", 0, 0, ADA))),
            Change(leaver=BRUNO),
        ),
    ),
    # A kept first half whose other half a person pinned (`_pinned_partner`) held bo's place out of
    # the round robin's order once people joined (bo owned 3 and 10 Mar): Dana waited longer than
    # one cycle. A kept open turn whose owner the round robin no longer gives there is derived afresh.
    "a kept trade half with a pinned partner, then joiners": (
        TRIAGER,
        (ADA, BO, BRUNO, CHEN),
        (
            Change(leaver=ADA),
            Change(joiner=PEOPLE[8], away=(BO, 0, 0)),
            Change(),
            Change(away=(BO, 71, 16)),
            Change(joiner=PEOPLE[7]),
            Change(joiner=ADA),
            Change(joiner=DANA),
            Change(edits=(("edit", 60, 0, ADA),)),
            Change(leaver=ADA),
        ),
    ),
    # Zoë left; her frozen 6 Jan could only go to Priya (Dana and Mia away), who serves the kept
    # first half of a trade on 13 Jan for Dana: kept beside a turn the plan gives its server, the
    # re-run decided 13 Jan again. A kept away turn crowded by this plan's servers is decided afresh.
    "a leaver's frozen turn beside a kept away trade": (
        TRIAGER,
        (PEOPLE[15], PEOPLE[11], BRUNO, DANA),
        (
            Change(away=(BRUNO, 48, 3), edits=(("cover", 37, 41, ADA),)),
            Change(
                joiner=PEOPLE[8],
                leaver=BRUNO,
                away=(DANA, 25, 21),
                edits=(("cover", 14, 48, DANA), ("swap", 48, 52, PEOPLE[7])),
            ),
            Change(edits=(("cover", 56, 26, PEOPLE[14]), ("swap", 24, 26, BRUNO))),
            Change(away=(PEOPLE[8], 21, 8), edits=(("edit", 7, 22, BO),)),
            Change(leaver=PEOPLE[15], away=(DANA, 43, 21), edits=(("edit", 7, 43, PEOPLE[9]),)),
        ),
    ),
    # Ada, away, owns a frozen turn (27 Jan) that trades with Chen's 3 Feb; deriving the owners
    # again as the next run keeps that trade, the round robin passed Chen over at 3 Feb for serving
    # 27 Jan (Bruno, next after Ada, serves a pinned turn beside it): the first half named a second
    # half that was no longer its. The turn owed back counts no overlap with the turn it repays.
    "a frozen trade whose second half follows a pinned neighbour": (
        TRIAGER,
        (PEOPLE[15], PEOPLE[11], ADA, CHEN, PEOPLE[12], BO, PEOPLE[13], PEOPLE[9], PEOPLE[10], EMILE),
        (
            Change(leaver=PEOPLE[10], away=(ADA, 1, 19)),
            Change(edits=(("hand-made", 32, 1, DANA),)),
            Change(leaver=PEOPLE[11]),
            Change(joiner=PEOPLE[10], edits=(("edit", 58, 12, BRUNO), ("cover", 19, 46, PEOPLE[12]))),
            Change(joiner=BRUNO, leaver=BO, edits=(("edit", 22, 58, ADA), ("hand-made", 26, 30, PEOPLE[9]))),
            Change(joiner=PEOPLE[6], away=(PEOPLE[9], 30, 19), edits=(("hand-made", 28, 49, EMILE),)),
            Change(leaver=PEOPLE[9], away=(ADA, 1, 19)),
        ),
    ),
    # Sam, away, owns the frozen 13 Jan, traded with Ada's 20 Jan; Mia left, and her 6 Jan could
    # only go to Ada, crowding 13 Jan, which was decided again; 20 Jan, kept as the second half of a
    # trade that no longer was, changed on the re-run. A second half goes with its crowded first half.
    "a crowded first half and its kept second half": (
        TRIAGER,
        (PEOPLE[15], PEOPLE[6], PEOPLE[13], PEOPLE[12]),
        (
            Change(leaver=PEOPLE[12], away=(PEOPLE[15], 4, 5)),
            Change(
                joiner=PEOPLE[11], leaver=PEOPLE[11], away=(PEOPLE[13], 20, 15), edits=(("edit", 60, 20, PEOPLE[15]),)
            ),
            Change(
                leaver=PEOPLE[15],
                away=(PEOPLE[13], 21, 10),
                edits=(("hand-made", 43, 41, PEOPLE[9]), ("cover", 46, 40, PEOPLE[15])),
            ),
            Change(joiner=PEOPLE[8], leaver=PEOPLE[6]),
            Change(joiner=ADA, edits=(("swap", 10, 59, PEOPLE[15]),)),
            Change(
                leaver=PEOPLE[8],
                away=(PEOPLE[13], 8, 7),
                edits=(("hand-made", 25, 43, PEOPLE[11]), ("hand-made", 7, 43, PEOPLE[6])),
            ),
        ),
    ),
    # Noor, who served Zoë's frozen 20 Jan as the second half of a trade for the started 13 Jan
    # (Zoë serves it), left: the turn Noor owed Zoë went back to Zoë, overlapping, while others were
    # free. One who left owes nothing: the frozen turn is replaced.
    "a leaver who owed the second half of a trade": (
        TRIAGER,
        (PEOPLE[12], EMILE, PEOPLE[8], PEOPLE[15], PEOPLE[9]),
        (
            Change(joiner=PEOPLE[7], leaver=PEOPLE[12]),
            Change(away=(PEOPLE[9], 39, 0)),
            Change(),
            Change(joiner=CHEN),
            Change(joiner=ADA),
            Change(away=(PEOPLE[9], 0, 3)),
            Change(),
            Change(leaver=PEOPLE[9]),
        ),
    ),
    # Found with `--hypothesis-seed=49`: Ada, away, owns 24 Feb; Bruno, away on his own 3 Mar next
    # to it, still counted as serving 3 Mar when stand-ins for 24 Feb were looked for (his turn is
    # given away later in the pass), so Chen took 24 Feb overlapping while Bruno was free. Before
    # settling for an overlap, the pass looks again past the away owners' turns still to give away.
    "an away owner's turn next to another's": (
        TRIAGER,
        (ADA, BO, BRUNO, CHEN),
        (
            Change(edits=(("hand-made", 9, 0, ADA),)),
            Change(leaver=BO),
            *_quiet(5),
            Change(joiner=BO, leaver=BO, away=(BRUNO, 55, 0), edits=(("edit", 20, 0, PEOPLE[12]),)),
            Change(away=(ADA, 36, 4)),
        ),
    ),
    # Found with `--hypothesis-profile=hunt --hypothesis-seed=20261201`: after a pinned swap, two
    # leavers, two absences and a hand edit naming a leaver, the stretch from 17 Feb 2027 gave
    # Bruno 3 turns, Dana 1 and Émile 4: the first half of a trade kept because a person pinned its
    # other half made the round robin pass its server over. Such a kept turn is now derived afresh.
    "a swap, leavers and absences, then a hand edit naming a leaver": (
        TRIAGER,
        (ADA, BO, BRUNO, CHEN),
        (
            *_quiet(2),
            Change(joiner=DANA),
            *_quiet(2),
            Change(edits=(("swap", 15, 1, ADA),)),
            Change(leaver=ADA, away=(BRUNO, 72, 7)),
            Change(joiner=EMILE, leaver=BO, away=(CHEN, 37, 21)),
            Change(leaver=CHEN, edits=(("edit", 11, 0, ADA),)),
        ),
    ),
}


# Runs that fail on main and still fail here: the replanner's known bugs, each a strict xfail so
# that the fix that makes one pass has to move it up to FOUND.
STILL_FAILING: dict[str, tuple[RoleConfig, tuple[Member, ...], tuple[Change, ...]]] = {
    # Found exploring (dev profile), failing on main as this session found it too: after a rejoin,
    # a joiner and three absences, the trade of 27 Jan 2027 names 24 Feb as its other half, whose
    # owner and server are not 27 Jan's the other way round.
    "a rejoin, a joiner and three absences": (
        TRIAGER,
        (ADA, BO, BRUNO),
        (
            Change(leaver=ADA),
            Change(joiner=ADA),
            Change(),
            Change(joiner=CHEN, away=(ADA, 51, 7)),
            Change(),
            Change(leaver=BO, away=(BRUNO, 37, 0)),
            Change(away=(ADA, 0, 16)),
        ),
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize(
    "found",
    [
        *FOUND.values(),
        *(
            pytest.param(weeks, marks=pytest.mark.xfail(raises=AssertionError, strict=True))
            for weeks in STILL_FAILING.values()
        ),
    ],
    ids=[*FOUND, *STILL_FAILING],
)
def test_ten_weeks_hypothesis_found_failing_keep_every_invariant(
    found: tuple[RoleConfig, tuple[Member, ...], tuple[Change, ...]],
) -> None:
    role, team, weeks = found
    week = Week(role, team)
    for n, change in enumerate(weeks, 1):
        week.run(n, change)
