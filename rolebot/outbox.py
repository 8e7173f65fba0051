"""What the local backend would have sent, kept for the command to show.

The local backend never sends anything. Its notifier puts each message it would have sent in
the outbox; the command that ran renders what is there (`rolebot.render_messages.unsent`) with the rest
of its output, so the wiring never reaches the screen. Every message the local backend holds
takes this one path: a new kind of message is one more member of `Unsent` and one more case
in the renderer.
"""

from __future__ import annotations

import threading
from typing import TypeAlias

from rolebot.messaging import ChannelPost, DirectMessage, GroupMembers
from rolebot.models import StandupSpec

Unsent: TypeAlias = StandupSpec | ChannelPost | DirectMessage | GroupMembers
"""A message the local backend holds instead of sending: a Geekbot standup, a Slack channel
post, a Slack direct message, or the members a Slack user group would be given."""


class Outbox:
    """Messages in the order they were put; safe to fill from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Unsent] = []

    def put(self, item: Unsent) -> None:
        with self._lock:
            self._items.append(item)

    def take(self) -> list[Unsent]:
        """Everything put so far, oldest first; the outbox is empty afterwards."""
        with self._lock:
            items, self._items = self._items, []
        return items
