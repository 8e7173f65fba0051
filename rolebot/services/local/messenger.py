"""The local messenger: keeps each Slack message and user-group change it would make in the
outbox (`rolebot.outbox`), for the command to show, and sends nothing."""

from __future__ import annotations

from collections.abc import Callable

from rolebot.messaging import ChannelPost, Delivered, DirectMessage, GroupMembers, GroupOutcome
from rolebot.outbox import Unsent


class LocalMessenger:
    description = "terminal (Slack messages are shown, not sent)"

    def __init__(self, record: Callable[[Unsent], None]) -> None:
        self._record = record

    def post(self, post: ChannelPost) -> Delivered:
        self._record(post)
        return Delivered(post.channel, None)

    def send_dm(self, message: DirectMessage) -> Delivered:
        self._record(message)
        return Delivered(message.member.id, None)

    def set_group_members(self, change: GroupMembers) -> GroupOutcome:
        change.require_members()
        self._record(change)
        return GroupOutcome(change.bare_handle, None, change.ids, written=False)
