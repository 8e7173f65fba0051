"""What `rolebot doctor` checks, worked out from the config alone, and the record of each check.

Pure: no network, file or clock. The checks themselves are made by `rolebot.jobs.doctor`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from rolebot.config import Config, RoleConfig

Status = Literal["ok", "failed", "skipped"]
MARKS: dict[Status, str] = {"ok": "✓", "failed": "✗", "skipped": "–"}

SLACK = "Slack"
CALENDAR = "Google Calendar"
GEEKBOT = "Geekbot"


@dataclass(frozen=True)
class Check:
    """One thing checked: its service, what (`bot token`, `@oncall`, `sharing`…), how it went, what
    was found, and for a failure the fix."""

    service: str
    name: str
    status: Status
    detail: str
    fix: str | None = None

    @property
    def mark(self) -> str:
        return MARKS[self.status]

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "check": self.name,
            "status": self.status,
            "detail": self.detail,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Preflight:
    """What the roles checked need of each service."""

    roles: tuple[str, ...]
    scopes: dict[str, tuple[str, ...]]
    """Each Slack scope the roles' features need → what needs it (`members`, `on-call: dm`)."""
    groups: dict[str, tuple[str, ...]]
    """Each Slack user group → what it is for (`on-call: usergroup`, `on-call: oncall_usergroup`)."""
    channels: dict[str, tuple[str, ...]]
    """Each channel a role announces in → the roles."""
    geekbot: tuple[str, ...]
    """The roles with a Geekbot standup."""

    def rotates(self, handle: str) -> bool:
        """Whether someone takes turns from this group (it must have members), rather than rolebot
        setting it (an on-call group)."""
        return any(use.endswith(": usergroup") for use in self.groups[handle])


def plan_preflight(config: Config, role: str | None = None) -> Preflight:
    """The checks for `role` (every role when None)."""
    roles = [config.role(role)] if role is not None else list(config.roles.values())
    groups: dict[str, list[str]] = {}
    channels: dict[str, list[str]] = {}
    for each in roles:
        groups.setdefault(_handle(each.usergroup), []).append(f"{each.key}: usergroup")
        if each.slack.oncall_usergroup is not None:
            groups.setdefault(_handle(each.slack.oncall_usergroup), []).append(f"{each.key}: oncall_usergroup")
        if each.slack.announce_channel is not None:
            channels.setdefault(each.slack.announce_channel, []).append(each.key)
    return Preflight(
        tuple(r.key for r in roles),
        {scope: tuple(uses) for scope, uses in scopes_needed(roles).items()},
        {handle: tuple(uses) for handle, uses in groups.items()},
        {channel: tuple(keys) for channel, keys in channels.items()},
        tuple(r.key for r in roles if r.geekbot is not None),
    )


def scopes_needed(roles: Iterable[RoleConfig]) -> dict[str, list[str]]:
    """Each Slack scope the roles' features need → what needs it (`members`, `<role>: dm`…)."""
    from rolebot.services.slack import FEATURE_SCOPES

    uses: list[tuple[str, str]] = [("members", "members")]
    for role in roles:
        slack = role.slack
        wanted = {"oncall_usergroup": slack.oncall_usergroup, "announce_channel": slack.announce_channel}
        features = [name for name, value in wanted.items() if value is not None] + (["dm"] if slack.dm else [])
        uses.extend((feature, f"{role.key}: {feature}") for feature in features)
    needed: dict[str, list[str]] = {}
    for feature, use in uses:
        for scope in sorted(FEATURE_SCOPES[feature]):
            needed.setdefault(scope, []).append(use)
    return dict(sorted(needed.items()))


def _handle(group: str) -> str:
    return group.strip().lstrip("@")
