"""Rich renderables for messages: the Geekbot standup, Slack posts, direct messages and user
groups, as the local backend shows them instead of sending and as a dry run previews them. Pure,
like `rolebot.render`, whose conventions it follows (every string through `plain`)."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rolebot import dates
from rolebot.messaging import ChannelPost, DirectMessage, GroupMembers
from rolebot.models import StandupSpec
from rolebot.notices import MovedDates, Notice
from rolebot.outbox import Unsent
from rolebot.render import plain
from rolebot.standups import StandupChange
from rolebot.view import View, view


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
