"""The rotate job's Slack steps, each planned from the rotated state (`rolebot.notices`) and applied
through the messenger (`rolebot.notify`). A role has each step only when its `[roles.<role>.slack]`
asks for it:

* **on-call group** (`oncall_usergroup`) — the group's members become everyone serving;
* **announce** (`announce_channel`) — the handoff posted in the channel, once per handoff;
* **dm** (`dm = true`) — a direct message to whoever starts, once per handoff;
* **dates moved** (`dm = true`) — a message to each member whose turns the calendar's replan moved
  (`rolebot.jobs.moved`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rolebot.errors import RolebotError
from rolebot.notices import Notice, needs_names, plan_announcement, plan_group, plan_welcome

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rolebot.config import RoleConfig
    from rolebot.jobs.rotate import Planning
    from rolebot.messaging import GroupMembers
    from rolebot.models import Member


def _order(planning: Planning) -> Sequence[Member]:
    """The group's members, read only when someone serving has no Slack ID yet (a legacy state)."""
    return planning.reads.order() if needs_names(planning.role, planning.team) else ()


def _setting(value: str | None, name: str) -> str:
    if value is None:  # a role has the step only when the setting is there
        raise RolebotError(f"internal error: the role has no slack.{name}", "please report this bug")
    return value


def has_group(role: RoleConfig) -> bool:
    return role.slack.oncall_usergroup is not None


def has_announcement(role: RoleConfig) -> bool:
    return role.slack.announce_channel is not None


def has_welcome(role: RoleConfig) -> bool:
    return role.slack.dm


def tells_moved_dates(role: RoleConfig) -> bool:
    return role.slack.dm


def plan_oncall(planning: Planning) -> GroupMembers:
    handle = _setting(planning.role.slack.oncall_usergroup, "oncall_usergroup")
    return plan_group(handle, planning.role, planning.team, _order(planning))


def plan_announce(planning: Planning) -> Notice:
    channel = _setting(planning.role.slack.announce_channel, "announce_channel")
    return plan_announcement(
        channel, planning.role, planning.team, _order(planning), planning.handoff, record=not planning.keep_state
    )


def plan_dm(planning: Planning) -> Notice:
    return plan_welcome(
        planning.role, planning.team, _order(planning), planning.handoff, record=not planning.keep_state
    )
