"""Slack plans applied through the messenger: the on-call group, the handoff messages sent once per
handoff, and the moved-dates messages. Each returns what it did, in words for people; nothing here
plans (`rolebot.notices` does).

A message sent once per handoff is **claimed** in the state before it is sent (a compare-and-set
under the file's lock, `rolebot.state.claim_notice`), so of two runs at once only one sends it, and
a re-run finds it done. If Slack certainly did not take it (Slack refused it, or it never got
there), the claim is withdrawn and the next run sends it. If the answer was lost on the way back,
the message may have arrived: the claim stays, so it is never sent twice, and the error says how
to send it again. The local backend shows messages instead and records nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rolebot import dates
from rolebot.errors import NotSent, RolebotError
from rolebot.messaging import ChannelPost, Delivered, DirectMessage, GroupMembers

if TYPE_CHECKING:
    from rolebot.context import AppContext
    from rolebot.models import Member
    from rolebot.notices import MovedDates, Notice
    from rolebot.services.base import Messenger

SHOWN = "shown above (local backend: nothing sent)"
NAMES_SHOWN = 6


def set_group(app: AppContext, change: GroupMembers) -> str:
    """Make the on-call group hold exactly the members serving; what that did, for people."""
    outcome = app.services.messenger().set_group_members(change)
    who = _names(change.members)
    if outcome.before is None:
        return f"@{outcome.handle}: {who} {SHOWN}"
    if not outcome.written:
        return f"@{outcome.handle} already has {who}: nothing sent"
    changes = [f"{len(outcome.added)} added", f"{len(outcome.removed)} removed"]
    return f"@{outcome.handle} set to {who} ({', '.join(changes)})"


def send_notice(app: AppContext, notice: Notice) -> str:
    """Send the announcement or the direct message once for its handoff; what that did, for people."""
    from rolebot.state import claim_notice, release_notice

    day = dates.human(notice.handoff)
    if notice.already:
        return f"{notice.what} for {day} was sent already: nothing sent"
    services = app.services
    messenger = services.messenger()
    if not services.is_live("messenger"):
        _send(messenger, notice.message)
        return f"{notice.what} for {day} {SHOWN}"
    if not notice.record:
        return (
            f"{notice.what} for {day} not sent: with --no-state nothing is recorded in the state, and the "
            "state is what keeps it from being sent twice"
        )
    path, config = app.settings.state_path, app.config
    if not claim_notice(path, config, notice.role, notice.kind, notice.handoff):
        return f"{notice.what} for {day} was sent already (by another run): nothing sent"
    try:
        delivered = _send(messenger, notice.message)
    except RolebotError as error:
        if _certainly_unsent(error):
            release_notice(path, config, notice.role, notice.kind, notice.handoff, notice.sent_for)
            raise
        raise _maybe_sent(notice, error) from None
    if isinstance(notice.message, ChannelPost):
        return f"posted {notice.what} for {day} to {notice.message.channel} (ts {delivered.ts})"
    return f"sent {notice.message.member.name} {notice.what} for {day}"


def send_moved_dates(app: AppContext, plan: MovedDates) -> str:
    """Send each member whose turns changed their one message; what that did, for people.

    Every message is tried; if any fails, the error names who was not told (the change itself is
    made already, so a re-run will not send it: tell them yourself)."""
    if not plan.enabled:
        members = len({change.member.id for change in plan.changes})
        keys = ", ".join(role.key for role in plan.silent)
        return f"{members} member(s) have changed turns; no messages (slack.dm is off for {keys})"
    if not plan.messages:
        return "nobody's turns changed: no messages"
    live = app.services.is_live("messenger")
    messenger = app.services.messenger()
    told: list[str] = []
    failed: list[tuple[DirectMessage, RolebotError]] = []
    for message in plan.messages:
        try:
            messenger.send_dm(message)
        except RolebotError as error:
            failed.append((message, error))
        else:
            told.append(message.member.name)
    left = f"; {len(plan.left)} who left the group not told" if plan.left else ""
    if failed:
        names = ", ".join(m.member.label() for m, _ in failed)
        raise RolebotError(
            f"{len(failed)} of {len(plan.messages)} messages about moved dates not sent ({names}): "
            f"{failed[0][1].message}" + (f"; told {', '.join(told)}" if told else ""),
            "the calendar has the change already, so a re-run will not send them: tell them yourself",
        )
    if not live:
        return f"{len(told)} message(s) about moved dates {SHOWN}{left}"
    return f"told {_names([m.member for m in plan.messages])} of their changed turns{left}"


def _send(messenger: Messenger, message: ChannelPost | DirectMessage) -> Delivered:
    if isinstance(message, ChannelPost):
        return messenger.post(message)
    return messenger.send_dm(message)


def _certainly_unsent(error: RolebotError) -> bool:
    """Whether Slack certainly did not post: it answered with a refusal, or was never reached."""
    from rolebot.services.slack import SlackRefusal

    return isinstance(error, (SlackRefusal, NotSent))


def _maybe_sent(notice: Notice, error: RolebotError) -> RolebotError:
    """The post failed in a way that leaves open whether Slack took it: it stays recorded as sent."""
    key = f'"{notice.kind}" under "notified" → "{notice.role.state_key}"'
    return RolebotError(
        f"{error.message}; {notice.what} may have been posted all the same, so it stays recorded as sent "
        f"and rolebot will not send it again for {notice.handoff}",
        f"look at {notice.where}; to send it again, remove {key} in the state file and run rotate again",
    )


def _names(members: Sequence[Member]) -> str:
    if not members:
        return "nobody"
    more = len(members) - NAMES_SHOWN
    return ", ".join(m.name for m in members[:NAMES_SHOWN]) + (f" and {more} more" if more > 0 else "")
