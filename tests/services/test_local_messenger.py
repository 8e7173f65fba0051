"""The local messenger: every Slack message and user-group change it would make lands in the
outbox, and the renderer shows each as the terminal sees it (colour off, fixed width)."""

from __future__ import annotations

import pytest
from rich.console import Console

from rolebot.errors import ServiceError
from rolebot.messaging import ChannelPost, Delivered, DirectMessage, GroupMembers, GroupOutcome
from rolebot.models import Member
from rolebot.outbox import Outbox
from rolebot.render_messages import unsent
from rolebot.services.base import Messenger
from rolebot.services.local.messenger import LocalMessenger

ADA = Member("U05ADA1234", "Ada Okafor")
CHEN = Member("U05CHE9012", "Chen Wei")


def shown(item: object) -> str:
    console = Console(width=80, color_system=None, record=True)
    with console.capture() as capture:
        console.print(unsent(item))  # type: ignore[arg-type]
    return "".join(line.rstrip() + "\n" for line in capture.get().splitlines())


def test_the_local_messenger_records_each_message_in_order_and_sends_nothing() -> None:
    outbox = Outbox()
    messenger: Messenger = LocalMessenger(outbox.put)
    post = ChannelPost("#support-freshdesk", "Chen Wei is the Support Triager from Wednesday")
    dm = DirectMessage(CHEN, "Your turn from Wednesday")
    group = GroupMembers("@support-triager-oncall", (CHEN, ADA))
    assert messenger.post(post) == Delivered("#support-freshdesk", None)
    assert messenger.send_dm(dm) == Delivered(CHEN.id, None)
    assert messenger.set_group_members(group) == GroupOutcome(
        "support-triager-oncall", None, frozenset({CHEN.id, ADA.id}), written=False
    )
    assert not messenger.post(post).sent
    assert outbox.take() == [post, dm, group, post]
    assert outbox.take() == []


def test_the_local_messenger_refuses_an_empty_group_as_slack_would() -> None:
    outbox = Outbox()
    with pytest.raises(ServiceError, match="Slack cannot empty a user group"):
        LocalMessenger(outbox.put).set_group_members(GroupMembers("oncall", ()))
    assert outbox.take() == []


def test_a_channel_post_is_shown_as_it_would_be_sent() -> None:
    post = ChannelPost("#support-freshdesk", "<@U05CHE9012> is the Support Triager from Wednesday &amp; Ada stays on")
    assert shown(post) == (
        "╭─────────────────── Slack post to #support-freshdesk ───────────────────╮\n"
        "│ <@U05CHE9012> is the Support Triager from Wednesday &amp; Ada stays on │\n"
        "╰────────────────────────── shown here; the local backend sends nothing ─╯\n"
    )


def test_a_direct_message_names_its_recipient() -> None:
    text = shown(DirectMessage(CHEN, "Your turn from Wednesday 2 December 2026"))
    assert text.splitlines()[0].strip("╭─╮ ") == "Slack direct message to Chen Wei (U05CHE9012)"
    assert "│ Your turn from Wednesday 2 December 2026" in text


def test_a_user_group_change_lists_the_members_it_would_have() -> None:
    text = shown(GroupMembers("@support-triager-oncall", (CHEN, ADA)))
    assert text.splitlines() == [
        "╭─ Slack user group @support-triager-oncall: 2 members ─╮",
        "│ Chen Wei (U05CHE9012)                                 │",
        "│ Ada Okafor (U05ADA1234)                               │",
        "╰───────── shown here; the local backend sends nothing ─╯",
    ]
