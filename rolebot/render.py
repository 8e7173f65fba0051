"""Rich renderables for plans and results. Pure: each function returns something to print.

Every string shown here comes from outside at some point (display names, titles, event summaries,
questions, paths), so none is ever read as rich markup: each one becomes a `Text` through `plain`,
and the consoles themselves are made with markup off (`rolebot.context`). A display name
`[bold red]x[/bold red]` is shown with its brackets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rolebot import dates
from rolebot.marks import Mark
from rolebot.messaging import ChannelPost, DirectMessage, GroupMembers
from rolebot.models import Absence, Member, StandupSpec
from rolebot.notices import MovedDates, Notice
from rolebot.outbox import Unsent
from rolebot.replan_plan import REASON_TEXT, PlannedTurn, ReplanPlan
from rolebot.rotation import RotationPlan
from rolebot.series import DeletePlan, ScheduleRow, SeriesPlan
from rolebot.shifts import ShiftPlan
from rolebot.standups import StandupChange
from rolebot.state import Person
from rolebot.view import View, view

if TYPE_CHECKING:
    from rolebot.history import HistoryPlan, HistoryTurn, MemberRecord


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
        turns = _table(
            f"{role.title}: who served from {plan.first} to today ({plan.today})", "Handoff", "Served by", "Note"
        )
        for turn in past:
            turns.add_row(turn.day.isoformat(), turn.server.name, _turn_note(turn))
        parts.append(turns)
    else:
        parts.append(plain(f"{role.title}: no turn recorded from {plan.first} to today ({plan.today})", style="bold"))
    people = _table(
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


class _Prose:
    """A message panel: wrapped to the console's reading width (`rolebot.consoles`), which is the
    terminal's, or in a pipe the width rich would have used there (a table in a pipe is not)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def _options(self, console: Console, options: ConsoleOptions) -> ConsoleOptions:
        reading = getattr(console, "reading_width", None)
        return options.update_width(min(options.max_width, reading)) if isinstance(reading, int) else options

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from console.render(self.renderable, self._options(console, options))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, self._options(console, options), self.renderable)


def _message(panel: Panel) -> RenderableType:
    return _Prose(panel)


def standup_panel(spec: StandupSpec, subtitle: str) -> RenderableType:
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold")
    fields.add_column()
    rows = (
        ("standup", spec.name),
        ("channel", spec.channel),
        ("schedule", f"{', '.join(spec.days)} at {spec.time} ({spec.timezone})"),
        ("wait time", "ask at the exact time" if spec.wait_time in (None, -1) else f"{spec.wait_time} min"),
        ("participants", ", ".join(spec.participant_names or spec.participants)),
    )
    for name, value in rows:
        fields.add_row(plain(name), plain(value))
    body = Group(plain(spec.question), plain(""), fields)
    title = plain(f"Geekbot standup {spec.name}")
    return _message(Panel(body, title=title, subtitle=plain(subtitle), subtitle_align="right", expand=False))


LOCAL_SUBTITLE = "shown here; the local backend sends nothing"


def unsent(item: Unsent) -> RenderableType:
    """A message the local backend shows instead of sending."""
    if isinstance(item, StandupSpec):
        return standup_panel(item, LOCAL_SUBTITLE)
    if isinstance(item, ChannelPost):
        return slack_message_panel(f"Slack post to {item.channel}", item.text, LOCAL_SUBTITLE)
    if isinstance(item, DirectMessage):
        return slack_message_panel(f"Slack direct message to {item.member.label()}", item.text, LOCAL_SUBTITLE)
    return usergroup_panel(item, LOCAL_SUBTITLE)


def slack_message_panel(title: str, text: str, subtitle: str) -> RenderableType:
    """A Slack message as it would be sent (mrkdwn, escapes and `<@ID>` mentions as they are)."""
    return _message(Panel(Text(text), title=title, subtitle=subtitle, subtitle_align="right", expand=False))


def usergroup_panel(change: GroupMembers, subtitle: str) -> RenderableType:
    """The members a Slack user group would be given."""
    names = Text("\n".join(member.label() for member in change.members))
    title = f"Slack user group @{change.bare_handle}: {len(change.members)} members"
    return _message(Panel(names, title=title, subtitle=subtitle, subtitle_align="right", expand=False))


DRY_RUN = "dry run: nothing sent"


def group_preview(change: GroupMembers) -> View:
    """The members a dry run would give the on-call group."""
    panel = usergroup_panel(change, DRY_RUN)
    if not change.members:
        note = f"nobody serves, and Slack cannot empty a user group: @{change.bare_handle} would be left as it is"
    else:
        note = f"@{change.bare_handle} is written only if it does not have exactly these members already"
    return view(panel, said=[note])


def notice_preview(notice: Notice, live: bool) -> View:
    """What a dry run would post or send once for the handoff, or that it went out already."""
    day = dates.human(notice.handoff)
    if notice.already:
        return view(None, said=[f"{notice.what} for {day} was sent already: nothing to send"])
    message = notice.message
    if isinstance(message, ChannelPost):
        panel = slack_message_panel(f"Slack post to {message.channel}", message.text, DRY_RUN)
    else:
        panel = slack_message_panel(f"Slack direct message to {message.member.label()}", message.text, DRY_RUN)
    if not live:
        said = f"the local backend would show {notice.what} and send nothing"
    elif notice.record:
        said = f"would send {notice.what} for {day}, once: the state records it"
    else:
        said = f"with --no-state, {notice.what} would not be sent: the state could not record it"
    return view(panel, said=[said])


def moved_preview(plan: MovedDates, live: bool) -> View:
    """What a dry run would send each member whose dates move (the panels), and a line saying so."""
    panels = [
        slack_message_panel(f"Slack direct message to {m.member.label()}", m.text, DRY_RUN) for m in plan.messages
    ]
    if not plan.messages:
        said = "nobody's turns would change: no messages about moved dates"
    elif live:
        said = f"would tell {len(plan.messages)} member(s) of their changed turns, once the calendar is written"
    else:
        said = "the local backend would show the messages about moved dates and send nothing"
    if plan.left:
        said += f"; {len(plan.left)} who left the group would not be told"
    return view(Group(*panels) if panels else None, said=[said])


def standup_preview(change: StandupChange) -> View:
    """What a dry run would send (the panel), and what that changes (said on stderr)."""
    return view(standup_panel(change.spec, "dry run: nothing sent"), said=standup_change_text(change).splitlines())


def standup_change_text(change: StandupChange) -> str:
    if change.action == "create":
        text = f"would create the standup {change.spec.name} (it runs weekly on {', '.join(change.spec.days)})"
    elif change.action == "update":
        text = f"would update {', '.join(change.changed)} of the standup {change.spec.name}, keeping its schedule"
    else:
        text = f"the standup {change.spec.name} already says this: nothing to send"
    if change.new_id is not None and change.record_in is not None:
        text += f"\nwould record its ID {change.new_id} in the state"
    if change.existing is not None and change.extras:
        ids = ", ".join(s.id for s in change.extras)
        text += f"\nwould delete {len(change.extras)} newer duplicate(s) (id {ids}), keeping id {change.existing.id}"
    return text


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
