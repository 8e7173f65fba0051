"""The live messenger: posts, direct messages and user-group members, through the Slack Web API.

* **A channel post** is one `chat.postMessage` (POST, JSON body; scope `chat:write`). Slack allows
  about one message a second per channel: posts to one channel are spaced `POST_EVERY` apart,
  whichever thread sends them. A post is never re-sent after a failure where it may have
  arrived; a 429 or a refused connection (nothing posted) is retried.
* **A direct message** is a post to the member's user ID, which Slack delivers in the app's
  direct-message conversation with them (no `im:write` needed). The answer's `channel` (the
  `D…` conversation) and `ts` are what is reported.
* **A user group's members**: `usergroups.list` resolves the handle to the group's ID and
  shows who is in it; when that is already exactly the wanted members nothing is written,
  otherwise one `usergroups.users.update` (POST, form; scope `usergroups:write`; Tier 2) sends
  the whole new list. It sets rather than adds, so retrying it is safe. Slack refuses an empty
  list; that is said before any request.

Each refusal Slack can give names the channel or group and the fix (`_post_refusal`,
`_group_refusal`); the rest are `rolebot.services.slack.api`'s general messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rolebot.messaging import ChannelPost, Delivered, DirectMessage, GroupMembers, GroupOutcome
from rolebot.services.pacing import Pace
from rolebot.services.slack.api import SlackClient, SlackRefusal
from rolebot.services.slack.groups import find_group

if TYPE_CHECKING:
    pass

POST_EVERY = 1.0
"""Seconds between two posts to one channel (Slack: about one message a second per channel)."""
MEMBERS_SHOWN = 8


class SlackMessenger(SlackClient):
    """Writes to Slack with a bot token (scopes chat:write, usergroups:read, usergroups:write)."""

    def post(self, post: ChannelPost) -> Delivered:
        return self._post(post.channel, post.text, post.channel)

    def send_dm(self, message: DirectMessage) -> Delivered:
        return self._post(message.member.id, message.text, f"a direct message to {message.member.label()}")

    def set_group_members(self, change: GroupMembers) -> GroupOutcome:
        change.require_members()
        group = find_group(self.api, change.handle, "the role's slack.oncall_usergroup")
        before, after = frozenset(group.users), change.ids
        if before == after:
            return GroupOutcome(group.handle, before, after, written=False)
        users = ",".join(dict.fromkeys(m.id for m in change.members))
        try:
            body = self.api.call("usergroups.users.update", form={"usergroup": group.id, "users": users})
        except SlackRefusal as refused:
            raise _group_refusal(refused, group.handle, change) from None
        updated = body.get("usergroup")
        listed = updated.get("users") if isinstance(updated, dict) else None
        if isinstance(listed, list) and all(isinstance(i, str) for i in listed):
            after = frozenset(listed)
        return GroupOutcome(group.handle, before, after, written=True)

    def token_scopes(self) -> frozenset[str]:
        """The scopes the bot token has (for `secrets check` and a doctor)."""
        return self.api.token_scopes()

    def _post(self, channel: str, text: str, where: str) -> Delivered:
        pace = Pace(f"chat.postMessage {channel}", every=POST_EVERY)
        try:
            body = self.api.call("chat.postMessage", json={"channel": channel, "text": text}, once=True, pace=pace)
        except SlackRefusal as refused:
            raise _post_refusal(refused, where) from None
        return Delivered(str(body.get("channel") or channel), str(body.get("ts") or ""))


def _post_refusal(refused: SlackRefusal, where: str) -> SlackRefusal:
    said = {
        "not_in_channel": (
            f"the Slack app is not in {where}, so it cannot post there (not_in_channel)",
            f"invite the app to {where} (type /invite @the-app-name in the channel), then run the command again",
        ),
        "channel_not_found": (
            f"Slack knows no channel {where} that the app can see (channel_not_found)",
            "check the role's slack.announce_channel in rolebot.toml; a private channel needs the app invited",
        ),
        "is_archived": (
            f"{where} is archived, so nothing can be posted there (is_archived)",
            "unarchive it, or set the role's slack.announce_channel to another channel",
        ),
        "msg_too_long": (
            f"the message for {where} is too long for Slack (msg_too_long)",
            "shorten the role's message template in rolebot.toml",
        ),
        "no_text": (f"the message for {where} is empty (no_text)", "check the role's message template in rolebot.toml"),
        "restricted_action": (
            f"the workspace does not let the app post to {where} (restricted_action)",
            "ask a workspace admin to allow it (the channel's posting permissions)",
        ),
        "rate_limited": (
            f"Slack refused the post to {where}: the app has posted too many messages (rate_limited)",
            "wait a while, then run the command again",
        ),
    }
    return _reworded(refused, said)


def _group_refusal(refused: SlackRefusal, handle: str, change: GroupMembers) -> SlackRefusal:
    names = ", ".join(m.label() for m in change.members[:MEMBERS_SHOWN])
    if len(change.members) > MEMBERS_SHOWN:
        names += f" and {len(change.members) - MEMBERS_SHOWN} more"
    members_refused = (
        f"Slack refused the members for @{handle} ({refused.code}): {names}",
        "bots, single-channel guests and people outside the workspace cannot be in a user group; "
        "check who serves the role",
    )
    said = {
        "permission_denied": (
            f"Slack does not let the app change the members of @{handle} (permission_denied)",
            "a bot may change user groups only when the workspace lets everyone manage them: an admin can "
            "set Workspace settings → Permissions → User Groups to everyone",
        ),
        "invalid_users": members_refused,
        "invalid_user": members_refused,
        "failed_for_some_users": members_refused,
        "single_channel_guests_cannot_be_added": members_refused,
    }
    return _reworded(refused, said)


def _reworded(refused: SlackRefusal, said: dict[str, tuple[str, str]]) -> SlackRefusal:
    if refused.code not in said:
        return refused
    message, hint = said[refused.code]
    return SlackRefusal(message, hint, code=refused.code, method=refused.method)
