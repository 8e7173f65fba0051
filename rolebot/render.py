"""Rich renderables for plans and results. Pure: each function returns something to print — a
`View` (`rolebot.view`) when there are messages to go with the data, for stderr.

Every string shown here comes from outside at some point (display names, titles, event summaries,
questions, paths), so none is ever read as rich markup: each one becomes a `Text` through `plain`,
and the consoles themselves are made with markup off (`rolebot.consoles`). A display name
`[bold red]x[/bold red]` is shown with its brackets. Messages (the standup, Slack posts) are in
`rolebot.render_messages`, history in `rolebot.render_history`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from rolebot import dates
from rolebot.marks import Mark
from rolebot.models import Absence, Member
from rolebot.replan_plan import REASON_TEXT, PlannedTurn, ReplanPlan
from rolebot.rotation import RotationPlan
from rolebot.series import DeletePlan, ScheduleRow, SeriesPlan
from rolebot.shifts import ShiftPlan
from rolebot.state import Person
from rolebot.view import View, view

if TYPE_CHECKING:
    pass


def plain(text: str | Text, style: str = "") -> Text:
    """`text` as it is, never as markup: the one way a string reaches the screen."""
    return text if isinstance(text, Text) else Text(text, style=style)


class _Titled:
    """A table with its title on a line of its own (a title on the table wraps to its width)."""

    def __init__(self, title: str, *columns: str) -> None:
        self.title = title
        self.table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
        for column in columns:
            self.table.add_column(plain(column))

    def add_row(self, *cells: str | Text) -> None:
        self.table.add_row(*(plain(cell) for cell in cells))

    def __rich__(self) -> Group:
        return Group(plain(self.title, style="bold"), self.table)


def titled_table(title: str, *columns: str) -> _Titled:
    """A table with its title on a line of its own; cells are shown as written, never as markup."""
    return _Titled(title, *columns)


_table = titled_table


def _who(person: Member | Person | None) -> str:
    if person is None:
        return "—"
    return person.label()


def members_table(usergroup: str, members: Sequence[Member]) -> RenderableType:
    table = _table(f"@{usergroup}: {len(members)} members in rotation order", "#", "Name", "Slack ID")
    for index, member in enumerate(members, 1):
        table.add_row(str(index), member.name, member.id)
    return table


SOURCE_TEXT = {
    "state": "from the state",
    "calendar": "calendar event",
    "rotation": "round robin",
    "first in order": "first in order",
    "chosen": "chosen with --member",
}


def rotation_table(plan: RotationPlan) -> View:
    role = plan.role
    title = f"{role.title}: handoff {dates.human(plan.handoff)}"
    if not plan.rotate:
        table = _table(title, "Slot", "Serving")
        for slot, person in zip(role.slots, plan.before.slots, strict=False):
            table.add_row(slot, _who(person))
        return view(table, notes=plan.notes[1:], warnings=plan.warnings)  # the step line says notes[0]
    table = _table(title, "Slot", "Before", "After", "Why")
    for index, slot in enumerate(role.slots):
        before = plan.before.slots[index] if index < len(plan.before.slots) else None
        after = plan.after[index] if index < len(plan.after) else None
        why = "moves up" if index > 0 else SOURCE_TEXT.get(plan.sources[0], plan.sources[0])
        table.add_row(slot, _who(before), _who(after), why)
    return view(table, notes=plan.notes, warnings=plan.warnings)


def series_table(plan: SeriesPlan, *, only_changes: bool = False) -> View:
    items = [i for i in plan.items if i.action == "create"] if only_changes else list(plan.items)
    if not plan.items:
        return view(None, said=plan.notes)
    creating = sum(1 for i in plan.items if i.action == "create")
    title = f"{plan.role.title} calendar: {creating} to create, {len(plan.items) - creating} already there"
    table = _table(title, "Starts", "Ends", "Who", "Action", "Why")
    for item in items:
        end = item.event.end.isoformat() if item.event else ""
        why = item.problem or SOURCE_TEXT.get(item.source, item.source)
        action = Text("create", style="green") if item.action == "create" else Text("exists", style="dim")
        table.add_row(item.day.isoformat(), end, _who(item.member), action, why)
    return view(table, notes=plan.notes)


def why_moved(turn: PlannedTurn) -> str:
    """Why a turn is created or rewritten, for people: `away: traded with 2027-01-27 (…)`."""
    reason = turn.reason or ""
    text = REASON_TEXT.get(reason, reason)
    if turn.server.id != turn.owner.id and not turn.pinned:
        item = turn.absence
        absence = f" ({item.name} away {item.first} to {item.last})" if item else ""
        if turn.trade is not None:
            text = f"away: traded with {turn.trade}{absence}"
        elif turn.substitute:
            text = f"away: substitute for {turn.owner.name}, nobody could trade{absence}"
    elif reason == "left" and turn.before is not None:
        text = f"{turn.before.name} left the group"
    elif reason == "joined":
        text = f"{turn.server.name} joined the group"
    return text


def replan_table(plan: ReplanPlan, *, creates: bool = True, limit: int | None = None) -> View:
    """The turns a replan moves (and, if asked, the events it creates): date, before → after, why;
    the first `limit` of them (all by default), then how many more there are."""
    moved = plan.moves
    created = [t for t in plan.turns if t.action == "create"]
    shown = sorted([*moved, *(created if creates else [])], key=lambda t: t.day)
    warnings = plan.warnings()
    if not shown:
        return view(None, said=[f"{plan.role.title} calendar: nothing to move or create"], warnings=warnings)
    span = f" ({shown[0].day} to {shown[-1].day})" if len(shown) > 1 else f" ({shown[0].day})"
    counts = f"{len(moved)} to update in place" + (f", {len(created)} to create" if creates else "")
    table = _table(f"{plan.role.title} calendar: {counts}{span}", "Handoff", "Before", "After", "Action", "Why")
    listed = shown if limit is None else shown[:limit]
    for turn in listed:
        before = _who(turn.before) if turn.before is not None else "—"
        action = Text("update", style="yellow") if turn.action == "update" else Text("create", style="green")
        table.add_row(turn.day.isoformat(), before, _who(turn.server), action, why_moved(turn))
    rest = shown[len(listed) :]
    if not rest:
        return view(table, warnings=warnings)
    updates = sum(1 for t in rest if t.action == "update")
    kinds = [f"{n} to {verb}" for n, verb in ((len(rest) - updates, "create"), (updates, "update")) if n]
    what = f"more {kinds[0].partition(' ')[2]}" if len(kinds) == 1 else f"more ({', '.join(kinds)})"
    more = plain(f"… and {len(rest)} {what}, up to {rest[-1].day}")
    return view(Group(table, more), warnings=warnings)


def shift_table(plan: ShiftPlan) -> View:
    """A swap or a cover: each handoff it touches, whose turn it is, who serves before and after."""
    days = " and ".join(d.isoformat() for d in plan.days)
    verb = "already done" if not plan.changed else f"{len(plan.updates)} event(s) to update in place, pinned"
    table = _table(f"{plan.role.title}: {plan.kind} {days}: {verb}", "Handoff", "Whose turn", "Before", "After")
    for turn, after in zip(plan.before, plan.after, strict=True):
        table.add_row(turn.day.isoformat(), _who(turn.owner), _who(turn.server), _who(after))
    return view(table, notes=plan.notes)


def absences_table(absences: Sequence[Absence], today: date) -> View:
    """The absences the state keeps, earliest first (ended ones are dropped when it is written)."""
    if not absences:
        return view(None, said=["nobody is away"])
    table = _table(f"Absences ({len(absences)})", "Name", "Slack ID", "From", "To", "")
    for item in absences:
        when = "ended" if item.last < today else "now" if item.first <= today else ""
        table.add_row(item.name, item.member_id, item.first.isoformat(), item.last.isoformat(), when)
    return View(table)


def delete_table(plan: DeletePlan) -> RenderableType:
    span = f"from {plan.first}" + (f" to {plan.last}" if plan.last else "")
    table = _table(
        f"{plan.role.title} events starting {span}: {len(plan.events)} to delete", "Starts", "Ends", "Summary", "ID"
    )
    for event in plan.events:
        table.add_row(event.start.isoformat(), event.end.isoformat(), event.summary, event.id)
    return table


def schedule_table(
    title: str,
    rows: Sequence[ScheduleRow],
    with_buddy: bool,
    notes: Sequence[str] = (),
    marks: Sequence[Mark] = (),
    warnings: Sequence[str] = (),
) -> View:
    columns = ["Handoff", "Comes in", *(["Stays on (buddy)"] if with_buddy else []), "Why"]
    table = _table(title, *columns)
    for index, row in enumerate(rows):
        cells = [row.day.isoformat(), _who(row.incoming) if row.incoming else "?"]
        if with_buddy:
            cells.append(_who(row.buddy))
        mark = marks[index] if index < len(marks) else None
        marked = mark.text() if mark is not None else None
        plain_turn = mark is not None and mark.turn is not None and marked is None
        why = "round robin (calendar)" if plain_turn else SOURCE_TEXT.get(row.source, row.source)
        if marked is not None and mark is not None and mark.turn is None:
            marked = f"{why}; {marked}"
        cells.append(row.problem or marked or why)
        table.add_row(*cells)
    return view(table, notes=notes, warnings=[*(row.warning for row in rows if row.warning), *warnings])


def state_table(
    title: str, rows: Sequence[tuple[str, Person | Member | None, Person | Member | None]]
) -> RenderableType:
    table = _table(title, "Entry", "Before", "After")
    for name, before, after in rows:
        table.add_row(name, _who(before), _who(after))
    return table


def secrets_table(rows: Sequence[tuple[str, str, str, bool]]) -> RenderableType:
    table = _table("Credentials (values are never shown)", "Credential", "Found in", "Status")
    for label, where, status, ok in rows:
        table.add_row(label, where, Text(status, style="green" if ok else "red"))
    return table


def scopes_table(needed: Mapping[str, Sequence[str]], has: frozenset[str] | None, unchecked: str) -> View:
    """The Slack scopes the configured features need, and whether the token has each (when it was asked)."""
    table = _table("Slack scopes the configured features need", "Scope", "Needed for", "Token")
    for scope, uses in needed.items():
        if has is None:
            status = Text("not checked", style="dim")
        else:
            status = Text("has it", style="green") if scope in has else Text("missing", style="red")
        table.add_row(scope, ", ".join(uses), status)
    if has is None:
        return view(table, said=[f"the token's scopes were not checked: {unchecked}"])
    return View(table)
