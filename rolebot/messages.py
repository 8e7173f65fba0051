"""The standup question, rendered from the role's template with names made safe for Slack."""

from __future__ import annotations

from datetime import date

from rolebot import dates
from rolebot.config import RoleConfig
from rolebot.models import Member


def slack_escape(text: str) -> str:
    """Escape the three characters Slack treats as markup, so a name can never become
    a link or a `<!channel>` ping."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_question(role: RoleConfig, member: Member, buddy: Member | None, handoff: date) -> str:
    fields = {
        "first_name": slack_escape(member.first_name),
        "name": slack_escape(member.name),
        "title": slack_escape(role.title),
        "handoff": dates.human(handoff),
    }
    if role.tenure == 2:
        fields["buddy"] = slack_escape(buddy.name) if buddy else "nobody yet"
        fields["buddy_first_name"] = slack_escape(buddy.first_name) if buddy else "nobody yet"
    return role.question.format(**fields)
