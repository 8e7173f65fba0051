"""Whether the app is in a channel, without posting: `conversations.info` for a channel ID,
`conversations.list` for a name. Both need `channels:read` (public channels) or `groups:read`
(private ones), scopes rolebot does not otherwise need: the caller says which the token has.

`conversations.list` (Tier 2, cursor pages) filters after it cuts a page, so a page may be short
or empty while more follow: the listing goes on until the cursor is empty, the channel is found,
or `MAX_PAGES` pages were read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import Field, ValidationError

from rolebot.errors import ServiceError
from rolebot.services.slack.api import SERVICE, SlackApi, SlackRefusal, unexpected
from rolebot.validation import Tolerant, describe

CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
PAGE_SIZE = 200
"""`limit` for conversations.list: the most Slack recommends (it must be under 1,000)."""
MAX_PAGES = 25
"""Pages read at most (5,000 channels) before saying the channel could not be looked up by name."""
TYPES = {"channels:read": "public_channel", "groups:read": "private_channel"}


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    is_member: bool
    """Whether the app is in it (it can post only then)."""
    is_archived: bool
    is_private: bool


class SearchCut(ServiceError):
    """The channel was not among the first `MAX_PAGES` pages: whether it exists is unknown."""


class _Channel(Tolerant):
    id: str
    name: str = ""
    is_member: bool = False
    is_archived: bool = False
    is_private: bool = False

    def channel(self) -> Channel:
        return Channel(self.id, self.name, self.is_member, self.is_archived, self.is_private)


class _Metadata(Tolerant):
    next_cursor: str = ""


class _Page(Tolerant):
    channels: list[_Channel] = Field(default_factory=list)
    response_metadata: _Metadata = _Metadata()


def find_channel(api: SlackApi, channel: str, scopes: frozenset[str]) -> Channel | None:
    """The channel (an ID, `#name` or `name`) as the app sees it, or None if it sees none such.

    `scopes` are the token's: at least one of `channels:read` and `groups:read`. A private channel
    the app is not in cannot be seen at all."""
    wanted = channel.strip()
    if CHANNEL_ID.match(wanted):
        try:
            body = api.call("conversations.info", query={"channel": wanted})
        except SlackRefusal as refused:
            if refused.code == "channel_not_found":
                return None
            raise
        return _parse(_Channel, body.get("channel"), "conversations.info").channel()
    name = wanted.lstrip("#").casefold()
    types = ",".join(kind for scope, kind in TYPES.items() if scope in scopes)
    cursor = ""
    for _ in range(MAX_PAGES):
        query = {"types": types, "limit": str(PAGE_SIZE), **({"cursor": cursor} if cursor else {})}
        page = _parse(_Page, api.call("conversations.list", query=query), "conversations.list")
        found = next((c for c in page.channels if c.name.casefold() == name), None)
        if found is not None:
            return found.channel()
        cursor = page.response_metadata.next_cursor
        if not cursor:
            return None
    raise SearchCut(
        SERVICE,
        f"#{name} is not among the first {MAX_PAGES * PAGE_SIZE} channels listed, so whether the app is in it "
        "is unknown",
        "write the channel's ID (C…, in its details in Slack) as the announce_channel: it is then looked up directly",
    )


M = TypeVar("M", bound=Tolerant)


def _parse(model: type[M], value: Any, method: str) -> M:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise unexpected(method, describe(exc)) from None
