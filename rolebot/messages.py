"""What rolebot writes to people: the standup question and the Slack messages, rendered from the
role's templates with every name made safe for Slack."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rolebot import dates
from rolebot.config import RoleConfig
from rolebot.models import Member

NOBODY = "nobody yet"
"""What a template says for a buddy when a two-person role has only one member serving."""


def slack_escape(text: str) -> str:
    """Escape the three characters Slack treats as markup, so a name can never become
    a link or a `<!channel>` ping."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(member: Member) -> str:
    """`<@U…>`: Slack shows the member's name and notifies them."""
    return f"<@{slack_escape(member.id)}>"


def _fields(role: RoleConfig, member: Member, buddy: Member | None, handoff: date) -> dict[str, str]:
    """The question's placeholders: names escaped for Slack; the buddy's only for two-person roles."""
    fields = {
        "first_name": slack_escape(member.first_name),
        "name": slack_escape(member.name),
        "title": slack_escape(role.title),
        "handoff": dates.human(handoff),
    }
    if role.tenure == 2:
        fields["buddy"] = slack_escape(buddy.name) if buddy else NOBODY
        fields["buddy_first_name"] = slack_escape(buddy.first_name) if buddy else NOBODY
    return fields


def render_question(role: RoleConfig, member: Member, buddy: Member | None, handoff: date) -> str:
    return role.question.format(**_fields(role, member, buddy, handoff))


def render_notice(template: str, role: RoleConfig, member: Member, buddy: Member | None, handoff: date) -> str:
    """A Slack message about a handoff (the announcement, the direct message to whoever starts):
    the question's placeholders, plus `{mention}` (and `{buddy_mention}` for two-person roles)."""
    fields = _fields(role, member, buddy, handoff)
    fields["mention"] = mention(member)
    if role.tenure == 2:
        fields["buddy_mention"] = mention(buddy) if buddy else NOBODY
    return template.format(**fields)


def moved_dates_text(role: RoleConfig, member: Member, added: Sequence[date], dropped: Sequence[date]) -> str:
    """The one message a member gets when their turns change: the turns they gain and lose."""
    return moved_dates_message(member, [(role, added, dropped)])


RoleDates = tuple[RoleConfig, Sequence[date], Sequence[date]]
"""A role, and the turns a member gains and loses in it."""


def moved_dates_message(member: Member, changes: Sequence[RoleDates]) -> str:
    """The one message a member gets when their turns change, in one role or several: the turns
    they gain and lose, role by role."""
    first = slack_escape(member.first_name)
    if len(changes) == 1:
        ((role, added, dropped),) = changes
        lines = [f"Hi {first}! Your turns as {slack_escape(role.title)} have changed."]
        if added:
            lines.append(f"New: {_turns(added)}.")
        if dropped:
            lines.append(f"No longer yours: {_turns(dropped)}.")
    else:
        titles = [slack_escape(role.title) for role, _, _ in changes]
        lines = [f"Hi {first}! Your turns as {', '.join(titles[:-1])} and {titles[-1]} have changed."]
        for title, (_, added, dropped) in zip(titles, changes, strict=True):
            said = ([f"new: {_turns(added)}"] if added else []) + (
                [f"no longer yours: {_turns(dropped)}"] if dropped else []
            )
            lines.append(f"{title}: {'; '.join(said)}.")
    lines.append("The team calendar has the whole rota. If a date does not suit you, arrange cover with a colleague.")
    return "\n".join(lines)


def _turns(days: Sequence[date]) -> str:
    """'the turn starting Wednesday 2 December 2026', 'the turns starting …, … and …'."""
    named = [dates.human(day) for day in days]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    return f"the {'turn' if len(named) == 1 else 'turns'} starting {listed}"
