"""What rolebot says in Slack, and what came of it. Plain data: no I/O, no third-party imports.

Three kinds of message, each the whole of what a `rolebot.services.base.Messenger` needs:
a post to a channel, a direct message to a member, and the members a user group should have.
The live messenger sends them to Slack; the local one keeps them in the outbox for the
command to show. Text is Slack mrkdwn that its author has already escaped
(`rolebot.messages.slack_escape`); the messenger sends it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolebot.errors import ServiceError
from rolebot.models import Member


@dataclass(frozen=True)
class ChannelPost:
    """A message for a channel: `#name`, `name` or a channel ID (`C…`)."""

    channel: str
    text: str


@dataclass(frozen=True)
class DirectMessage:
    """A message for one member, sent to their direct-message conversation with the app."""

    member: Member
    text: str


@dataclass(frozen=True)
class GroupMembers:
    """A user group (its handle, with or without `@`) that should have exactly these members."""

    handle: str
    members: tuple[Member, ...]

    @property
    def bare_handle(self) -> str:
        return self.handle.strip().lstrip("@")

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(m.id for m in self.members)

    def require_members(self) -> None:
        """Slack cannot empty a user group (`usergroups.users.update` refuses an empty list): say so
        instead of sending one. Live and local messengers both check, so a preview cannot differ."""
        if not self.members:
            raise ServiceError(
                "Slack",
                f"nobody would be left in @{self.bare_handle}, and Slack cannot empty a user group",
                "check who serves the role (the state file); to retire the group, disable it in Slack "
                "(People → User groups) and remove it from rolebot.toml",
            )


@dataclass(frozen=True)
class Delivered:
    """Where a message went: Slack's channel (a `D…` for a direct message) and its `ts`.

    `ts` is None when nothing was sent (the local backend shows the message instead)."""

    channel: str
    ts: str | None

    @property
    def sent(self) -> bool:
        return self.ts is not None


@dataclass(frozen=True)
class GroupOutcome:
    """What setting a group's members did.

    `before` is the member IDs the group had (None when it was not read: the local backend);
    `written` says whether Slack was asked to change it (no write when it already had them)."""

    handle: str
    before: frozenset[str] | None
    after: frozenset[str]
    written: bool

    @property
    def added(self) -> frozenset[str]:
        return self.after - (self.before or frozenset())

    @property
    def removed(self) -> frozenset[str]:
        return (self.before or frozenset()) - self.after
