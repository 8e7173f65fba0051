"""Slack through its Web API: who is in a user group (`SlackMembers`), and posts, direct
messages and user-group members (`SlackMessenger`), both over one `SlackApi` per workspace.

* `api` — one call: the `ok` envelope, the scopes header, every error code;
* `groups` — a user group by its handle (`usergroups.list`);
* `members` — a group's members by the cheapest route (`users.list` pages or `users.info`);
* `messenger` — `chat.postMessage` and `usergroups.users.update`.
"""

from rolebot.services.slack.api import FEATURE_SCOPES, SlackApi, SlackRefusal
from rolebot.services.slack.members import SlackMembers
from rolebot.services.slack.messenger import SlackMessenger

__all__ = ["FEATURE_SCOPES", "SlackApi", "SlackMembers", "SlackMessenger", "SlackRefusal"]
