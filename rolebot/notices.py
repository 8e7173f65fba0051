"""What rolebot says in Slack besides the standup, planned from the state. Pure: no network, file
or clock.

* **The on-call group** (`slack.oncall_usergroup`): its members are everyone serving the role —
  incoming and current for a two-person role.
* **The announcement** (`slack.announce_channel`) and **the direct message** to whoever starts
  (`slack.dm`): each sent once per handoff. The state keeps the handoff each was last sent for
  (`TeamState.notified_for`), so a re-run sends nothing.
* **Moved dates** (`slack.dm`): when turns move (a replan, a swap, a cover, an absence), one
  message to each member whose turns changed, listing the turns they gain and lose — in every role
  the run moved (`combine_moved`). Nobody who left the group gets one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rolebot.config import RoleConfig
from rolebot.errors import RotationError
from rolebot.messages import moved_dates_message, render_notice
from rolebot.messaging import ChannelPost, DirectMessage, GroupMembers
from rolebot.models import Member
from rolebot.replan import MemberDates
from rolebot.rotation import named_as_stored, resolve_person
from rolebot.state import TeamState

Kind = Literal["announce", "dm"]
KIND_TEXT: Mapping[Kind, str] = {"announce": "the announcement", "dm": "the direct message"}

DateChanges = Mapping[str, tuple[Iterable[date], Iterable[date]]]
"""Per member ID, the handoffs whose turns they gain and the ones they lose."""


def needs_names(role: RoleConfig, team: TeamState) -> bool:
    """Whether someone serving has no Slack ID yet (a legacy state): then the members must be read
    to find them by name."""
    return any(p is not None and not p.id for p in team.role(role).slots)


def serving(role: RoleConfig, team: TeamState, order: Sequence[Member]) -> tuple[Member, ...]:
    """Everyone serving the role, newest first, each with their Slack ID (a legacy entry without
    one is matched by name in `order`; a name that matches nobody is an error)."""
    held = team.role(role).slots
    found = [resolve_person(p, order, role, slot) for slot, p in zip(role.slots, held, strict=True) if p]
    return tuple({m.id: m for m in found}.values())


def plan_group(handle: str, role: RoleConfig, team: TeamState, order: Sequence[Member]) -> GroupMembers:
    """The members the user group `handle` should have: everyone serving the role. An empty list is
    planned as it is: the messenger refuses it (Slack cannot empty a group), and says why."""
    return GroupMembers(handle, serving(role, team, order))


@dataclass(frozen=True)
class Notice:
    """A message sent once per handoff: the announcement, or the direct message to whoever starts."""

    role: RoleConfig
    kind: Kind
    handoff: date
    message: ChannelPost | DirectMessage
    sent_for: date | None
    """The handoff the state says this kind of message was last sent for."""
    record: bool
    """Whether the state may record that it was sent (not with `--no-state`). Live, a message that
    cannot be recorded is not sent: the record is what keeps a re-run from sending it again."""

    @property
    def already(self) -> bool:
        return self.sent_for == self.handoff

    @property
    def what(self) -> str:
        return KIND_TEXT[self.kind]

    @property
    def where(self) -> str:
        message = self.message
        if isinstance(message, ChannelPost):
            return message.channel
        return f"a direct message to {message.member.label()}"


@dataclass(frozen=True)
class _Handoff:
    """Who a handoff message is about: the incoming member (mentioned, so with their ID) and the
    buddy (only named), for the handoff the state records."""

    incoming: Member
    buddy: Member | None
    day: date


def _handoff(role: RoleConfig, team: TeamState, order: Sequence[Member], fallback: date) -> _Handoff:
    held = team.role(role)
    named = [(slot, p) for slot, p in zip(role.slots, held.slots, strict=True) if p]
    if not named:
        raise RotationError(
            f"nobody serves as {role.title} in the state yet, so there is nobody to tell",
            f"run `rolebot rotate {role.key}` or `rolebot init {role.key}` first",
        )
    incoming = resolve_person(named[0][1], order, role, named[0][0])
    buddy = named_as_stored(named[1][1], order) if len(named) > 1 else None
    return _Handoff(incoming, buddy, held.last_rotated or fallback)


def plan_announcement(
    channel: str, role: RoleConfig, team: TeamState, order: Sequence[Member], fallback: date, *, record: bool
) -> Notice:
    """The post to `channel` for the handoff the state records (`fallback` if it records none): it
    mentions the incoming member and names the buddy, from the role's template."""
    who = _handoff(role, team, order, fallback)
    text = render_notice(role.announce_message, role, who.incoming, who.buddy, who.day)
    return Notice(role, "announce", who.day, ChannelPost(channel, text), team.notified_for(role, "announce"), record)


def plan_welcome(role: RoleConfig, team: TeamState, order: Sequence[Member], fallback: date, *, record: bool) -> Notice:
    """The direct message to whoever starts at the handoff the state records, from the role's template."""
    who = _handoff(role, team, order, fallback)
    text = render_notice(role.dm_message, role, who.incoming, who.buddy, who.day)
    return Notice(role, "dm", who.day, DirectMessage(who.incoming, text), team.notified_for(role, "dm"), record)


@dataclass(frozen=True)
class MemberChange:
    """The turns one member gains and loses in one role, each sorted, none in both."""

    role: RoleConfig
    member: Member
    added: tuple[date, ...]
    dropped: tuple[date, ...]


@dataclass(frozen=True)
class MovedDates:
    """One direct message per member whose turns changed, in the roles with `slack.dm`: all their
    changes in it, whatever the roles."""

    roles: tuple[RoleConfig, ...]
    changes: tuple[MemberChange, ...]
    """Members still in the group whose turns changed, role by role, in rotation order."""
    messages: tuple[DirectMessage, ...]
    """One for each member with a change in a role that sends direct messages."""
    left: tuple[str, ...] = ()
    """IDs of people whose turns changed but who left the group: they get no message."""

    @property
    def enabled(self) -> bool:
        return any(role.slack.dm for role in self.roles)

    @property
    def silent(self) -> tuple[RoleConfig, ...]:
        """The roles that send no direct messages (`slack.dm` off)."""
        return tuple(role for role in self.roles if not role.slack.dm)


def changes_of(moved: Iterable[MemberDates]) -> dict[str, tuple[tuple[date, ...], tuple[date, ...]]]:
    """A replan's per-member dates (`ReplanPlan.dates_by_member()`) as `plan_moved_dates` takes them."""
    return {entry.member.id: (entry.gained, entry.dropped) for entry in moved}


def plan_moved_dates(role: RoleConfig, changes: DateChanges, order: Sequence[Member]) -> MovedDates:
    """A message for each member of the group (`order`) whose turns changed: `changes` maps a member
    ID to the handoffs they gain and the ones they lose. A date in both cancels out; a member left
    with no change gets nothing; someone not in `order` (who left the group) gets nothing."""
    index = {m.id: i for i, m in enumerate(order)}
    found: list[MemberChange] = []
    left: list[str] = []
    for member_id, (gained, lost) in changes.items():
        added, dropped = set(gained), set(lost)
        added, dropped = added - dropped, dropped - added
        if not added and not dropped:
            continue
        if member_id not in index:
            left.append(member_id)
            continue
        found.append(MemberChange(role, order[index[member_id]], tuple(sorted(added)), tuple(sorted(dropped))))
    found.sort(key=lambda change: index[change.member.id])
    return _messaged((role,), found, left)


def combine_moved(plans: Iterable[MovedDates]) -> MovedDates:
    """Several roles' moved dates as one message per member (a command that moves turns in several
    roles, like `away`), in the order the members first come."""
    roles: dict[str, RoleConfig] = {}
    changes: list[MemberChange] = []
    left: set[str] = set()
    for plan in plans:
        roles.update((role.key, role) for role in plan.roles)
        changes.extend(plan.changes)
        left.update(plan.left)
    return _messaged(tuple(roles.values()), changes, left)


def _messaged(roles: tuple[RoleConfig, ...], changes: Sequence[MemberChange], left: Iterable[str]) -> MovedDates:
    """The changes, and one message for each member with a change in a role that sends them."""
    told: dict[str, list[MemberChange]] = {}
    for change in changes:
        if change.role.slack.dm:
            told.setdefault(change.member.id, []).append(change)
    messages = tuple(
        DirectMessage(mine[0].member, moved_dates_message(mine[0].member, [(c.role, c.added, c.dropped) for c in mine]))
        for mine in told.values()
    )
    return MovedDates(roles, tuple(changes), messages, tuple(sorted(set(left) - set(told))))
