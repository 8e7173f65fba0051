"""Rich renderables for `rolebot history`: who served when, turns per person, and fairness.
Pure, like `rolebot.render`, whose conventions it follows (every string through `plain`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType

from rolebot.render import plain, titled_table
from rolebot.view import View, view

if TYPE_CHECKING:
    from rolebot.history import HistoryPlan, HistoryTurn, MemberRecord

PIN_TEXT = {"swap": "swap", "cover": "cover", "edited": "title edited", "hand-made": "hand-made event"}


def _turn_note(turn: HistoryTurn) -> str:
    notes = ["serving now"] if turn.status == "serving" else []
    if turn.shifted:
        how = PIN_TEXT.get(turn.pin or "edited", turn.pin or "")
        notes.append(f"in place of {turn.owner.name} ({how})")
    elif turn.pin == "hand-made":
        notes.append(PIN_TEXT["hand-made"])
    if turn.source == "state":
        notes.append("from the state (no calendar event)")
    return "; ".join(notes)


def _member_note(record: MemberRecord, usergroup: str) -> str:
    if not record.in_group:
        return f"left @{usergroup}" if record.member.id else f"not in @{usergroup}"
    return "no turns yet" if record.turns == 0 else ""


def _day(day: date | None) -> str:
    return day.isoformat() if day else "—"


def fairness_lines(plan: HistoryPlan) -> list[str]:
    """Turns per member of the group over the period, the spread, and who is furthest behind."""
    fair, group = plan.fairness, f"@{plan.role.usergroup}"
    if fair.counted == 0:
        return [f"fairness: nobody in {group} to compare"]
    if not fair.behind:
        return [f"fairness: each of the {fair.counted} members of {group} has {fair.most} turns (spread 0: balanced)"]
    verdict = "balanced" if fair.balanced else "unbalanced"
    first = fair.behind[0]
    served = f"last served {first.last_served}" if first.last_served else "none served in the period"
    others = f" (and {len(fair.behind) - 1} more with {fair.fewest})" if len(fair.behind) > 1 else ""
    return [
        f"fairness: {fair.fewest} to {fair.most} turns per member of {group} (spread {fair.spread}: {verdict})",
        f"furthest behind: {first.member.name}, {fair.fewest} turns, {served}{others}",
    ]


def history_table(plan: HistoryPlan) -> View:
    """Who served when (the turns up to today), turns per person, and the fairness line."""
    role = plan.role
    parts: list[RenderableType] = []
    past = plan.past
    if past:
        turns = titled_table(
            f"{role.title}: who served from {plan.first} to today ({plan.today})", "Handoff", "Served by", "Note"
        )
        for turn in past:
            turns.add_row(turn.day.isoformat(), turn.server.name, _turn_note(turn))
        parts.append(turns)
    else:
        parts.append(plain(f"{role.title}: no turn recorded from {plan.first} to today ({plan.today})", style="bold"))
    people = titled_table(
        f"{role.title}: turns per person from {plan.first} to {plan.last} (the horizon)",
        "Member",
        "Served",
        "Ahead",
        "Last served",
        "Next",
        "Taken",
        "Given",
        "Note",
    )
    for record in plan.members:
        people.add_row(
            record.member.label() if record.member.id else record.member.name,
            str(record.served),
            str(record.ahead),
            _day(record.last_served),
            _day(record.next_turn),
            str(record.swaps_taken),
            str(record.swaps_given),
            _member_note(record, role.usergroup),
        )
    parts += [plain(""), people, plain("Taken/Given: turns served in someone else's place / by someone else in yours")]
    parts += [plain(line, style="bold") for line in fairness_lines(plan)]
    return view(Group(*parts), notes=plan.notes, warnings=plan.warnings)
