"""Seed data: `demo_workspace()` (the demo team of state/roster.json, plus the awkward cases) and
`large_workspace()` (thousands of users, groups spread across them)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from tests.fakes.slack.data import BOT_USER, Channel, SlackUser, UserGroup

if TYPE_CHECKING:
    from tests.fakes.slack import FakeSlack


def human(user_id: str, display: str, real: str | None = None, **extra: Any) -> SlackUser:
    real_name = display if real is None else real
    handle = (real_name or display or user_id).lower().replace(" ", ".")
    return SlackUser(user_id, handle, display_name=display, real_name=real_name, **extra)


DEMO_TRIAGERS = ["U05ADA1234", "U05BRU5678", "U05CHE9012", "U05DAN3456", "U05EME7890", "U05FAR2345"]
DEMO_FACILITATORS = ["U05ADA1234", "U05CHE9012", "U05EME7890", "U05GIT6789"]


def demo_users() -> list[SlackUser]:
    """The demo team of state/roster.json as Slack has them, plus the awkward cases.

    Chen Wei and Farah Haddad have no display name (the name comes from real_name). A
    deleted user (Cal Departed), a bot (Carla Bot), an app user and Slackbot are in the
    support-triagers group, and the first two sort between Bruno Silva and Chen Wei, where
    they would change the rotation if they were not left out. Omar Outsider is in no group.
    """
    return [
        human("U05ADA1234", "Ada Okafor"),
        human("U05BRU5678", "Bruno Silva", "Bruno Gomes da Silva"),
        human("U05CHE9012", "", "Chen Wei"),
        human("U05DAN3456", "Dana Kowalski"),
        human("U05EME7890", "Emeka Nwosu", tz="Africa/Lagos"),
        human("U05FAR2345", "", "Farah Haddad"),
        human("U05GIT6789", "Gita Rao", is_restricted=True),
        human("U05CAL0000", "Cal Departed", deleted=True),
        human("U05BOT0001", "Carla Bot", is_bot=True),
        human("U05APP0002", "Casey App", is_app_user=True),
        SlackUser("USLACKBOT", "slackbot", real_name="Slackbot"),
        human("U05OUT0003", "Omar Outsider"),
    ]


def demo_groups() -> list[UserGroup]:
    noise = ["U05CAL0000", "U05BOT0001", "U05APP0002", "USLACKBOT"]
    return [
        UserGroup("S05TRIAGE", "support-triagers", "Support Triagers", [*DEMO_TRIAGERS, *noise]),
        UserGroup("S05FACILI", "meeting-facilitators", "Meeting Facilitators", list(DEMO_FACILITATORS)),
        UserGroup("S05OLDTEAM", "old-stewards", "Old Stewards", ["U05ADA1234"], disabled=True),
    ]


def demo_channels() -> list[Channel]:
    """#support-freshdesk has the app in it; #team-updates does not; #old-news is archived;
    #leads is private without the app (so the app cannot even see it)."""
    team = set(DEMO_TRIAGERS)
    return [
        Channel("C05FRESH01", "support-freshdesk", {*team, BOT_USER}),
        Channel("C05TEAMUP2", "team-updates", team),
        Channel("C05OLDNEW3", "old-news", {*team, BOT_USER}, is_archived=True),
        Channel("G05LEADS04", "leads", {"U05ADA1234"}, is_private=True),
    ]


def demo_workspace(**options: Any) -> FakeSlack:
    from tests.fakes.slack import FakeSlack

    return FakeSlack(demo_users(), demo_groups(), channels=demo_channels(), **options)


ONCALL = "support-triager-oncall"


def oncall_workspace(**options: Any) -> FakeSlack:
    """The demo workspace, plus an on-call group (Ada and Bruno serve) and Sol Single, a
    single-channel guest, who cannot be put in a user group."""
    fake = demo_workspace(**options)
    fake.users.append(human("U05SOL0004", "Sol Single", is_ultra_restricted=True))
    fake.groups.append(UserGroup("S05ONCALL", ONCALL, "Support Triager On Call", ["U05ADA1234", "U05BRU5678"]))
    return fake


FIRST = ["Ada", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Gita", "Hana", "Ivan", "Jo", "Kofi", "Lena", "Mei"]
LAST = ["Okafor", "Silva", "Wei", "Kowalski", "Nwosu", "Haddad", "Rao", "Sato", "Petrov", "Lee", "Mensah", "Berg"]


def large_users(total: int, seed: int = 7) -> list[SlackUser]:
    """`total` users, about 1 in 20 deleted and 1 in 50 a bot, some with no display name."""
    rng = random.Random(seed)  # noqa: S311 - seed data, not cryptography
    users: list[SlackUser] = []
    for index in range(total):
        user_id = f"U{index:08d}"
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {index}"
        roll = rng.random()
        users.append(
            SlackUser(
                user_id,
                name.lower().replace(" ", "."),
                display_name="" if roll < 0.2 else name,
                real_name=name,
                deleted=0.2 <= roll < 0.25,
                is_bot=0.25 <= roll < 0.27,
            )
        )
    return users


def spread(users: list[SlackUser], count: int, seed: int) -> list[str]:
    """`count` user IDs spread over the whole workspace, the last user always among them."""
    rng = random.Random(seed)  # noqa: S311 - seed data, not cryptography
    chosen = [*rng.sample(range(len(users) - 1), count - 1), len(users) - 1]
    return [users[i].id for i in chosen]


def large_workspace(total: int = 20_000, groups: dict[str, int] | None = None, seed: int = 7) -> FakeSlack:
    """A workspace of `total` users with groups of the given sizes (handle → members)."""
    from tests.fakes.slack import FakeSlack

    users = large_users(total, seed)
    sizes = groups if groups is not None else {"platform-oncall": 300, "support-triagers": 12}
    made = [
        UserGroup(f"S{n:08d}", handle, handle.replace("-", " ").title(), spread(users, size, seed + n))
        for n, (handle, size) in enumerate(sizes.items())
    ]
    return FakeSlack(users, made)
