"""What the fake Slack workspace holds: users, user groups, channels and the posts made to them,
each able to render itself as Slack's answers show it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TOKEN = "xoxb-1111-2222-fakeslacktoken"
"""The bot token the fake accepts by default, with every scope rolebot needs."""
TEAM = "T0FAKE0001"
BOT_USER = "U05ROLEBOT"
"""The app's bot user: channel members include it when the app has been invited."""
ALL_SCOPES = frozenset({"usergroups:read", "users:read", "chat:write", "usergroups:write"})
SCOPE_OF: dict[str, str | None] = {
    "auth.test": None,
    "usergroups.list": "usergroups:read",
    "usergroups.users.list": "usergroups:read",
    "users.list": "users:read",
    "users.info": "users:read",
    "usergroups.users.update": "usergroups:write",
    "chat.postMessage": "chat:write",
    "conversations.info": None,  # by the channel's kind: channels:read, groups:read (checked by the method)
    "conversations.list": None,  # by the `types` asked for (checked by the method)
}
TYPE_SCOPES = {
    "public_channel": "channels:read",
    "private_channel": "groups:read",
    "mpim": "mpim:read",
    "im": "im:read",
}
"""The scope each kind of conversation needs to be read (conversations.info, conversations.list)."""
MAX_TEXT = 40_000
"""Longer `text` is refused with `msg_too_long` (Slack truncates at 40,000 characters)."""


@dataclass
class SlackUser:
    id: str
    name: str
    display_name: str = ""
    real_name: str = ""
    deleted: bool = False
    is_bot: bool = False
    is_app_user: bool = False
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    tz: str = "Europe/London"

    def payload(self) -> dict[str, Any]:
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "team": TEAM,
        }
        if self.deleted:
            # Deactivated users come back trimmed: no tz, no admin/guest flags, no top-level real_name.
            return {
                "id": self.id,
                "team_id": TEAM,
                "name": self.name,
                "deleted": True,
                "profile": profile,
                "is_bot": self.is_bot,
                "is_app_user": self.is_app_user,
                "updated": 1650000000,
            }
        if self.is_bot:
            profile["bot_id"] = "B" + self.id[1:]
        else:
            profile["email"] = f"{self.name}@example.org"
        return {
            "id": self.id,
            "team_id": TEAM,
            "name": self.name,
            "deleted": False,
            "color": "9f69e7",
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": "Local Time",
            "tz_offset": 0,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": self.is_restricted or self.is_ultra_restricted,
            "is_ultra_restricted": self.is_ultra_restricted,
            "is_bot": self.is_bot,
            "is_app_user": self.is_app_user,
            "updated": 1600000000,
            "has_2fa": False,
        }


@dataclass
class UserGroup:
    id: str
    handle: str
    name: str
    users: list[str]
    disabled: bool = False
    updated: int = 1446670362

    def payload(self, include_users: bool, include_count: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "team_id": TEAM,
            "is_usergroup": True,
            "name": self.name,
            "description": f"{self.name} rotation",
            "handle": self.handle,
            "is_external": False,
            "date_create": 1446598059,
            "date_update": self.updated,
            "date_delete": 1500000000 if self.disabled else 0,
            "auto_type": None,
            "created_by": "U0ADMIN001",
            "updated_by": "U0ADMIN001",
            "deleted_by": None,
            "prefs": {"channels": [], "groups": []},
        }
        if include_users:
            body["users"] = list(self.users)
        if include_count:
            body["user_count"] = str(len(self.users))  # Slack's own example sends a string here
        return body


@dataclass
class Channel:
    id: str
    name: str
    members: set[str]
    """User IDs in the channel; the app can post only when `BOT_USER` is among them."""
    is_private: bool = False
    is_archived: bool = False

    def payload(self) -> dict[str, Any]:
        """As conversations.info and conversations.list show it to the app (`is_member`: the app's)."""
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "created": 1449252889,
            "creator": "U0ADMIN001",
            "is_archived": self.is_archived,
            "is_general": False,
            "unlinked": 0,
            "name_normalized": self.name,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "pending_shared": [],
            "is_pending_ext_shared": False,
            "is_member": BOT_USER in self.members,
            "updated": 1678229664302,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": f"#{self.name}", "creator": "", "last_set": 0},
            "previous_names": [],
            "num_members": len(self.members),
        }


@dataclass(frozen=True)
class Post:
    """A message the fake accepted: the conversation it went to, what was asked, and its ts."""

    channel: str
    asked: str
    text: str
    ts: str
