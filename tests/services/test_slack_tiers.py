"""The members route against Slack's rate tiers, enforced by the fake on a shared fake clock:
`users.list` and `usergroups.list` are Tier 2 (20 a minute), `users.info` Tier 4 (100 a minute).

Every route a listing can take stays within the tiers — a second listing in the same minute
included — and a workspace that needs more pages than a minute allows waits as Slack asks.
"""

from __future__ import annotations

from collections import Counter

import pytest

from rolebot.redaction import Secret
from rolebot.services.slack.members import FANOUT_MAX, SlackMembers
from tests.conftest import Sleeps
from tests.fakes.clock import FakeClock
from tests.fakes.server import Recorder, mock_transport
from tests.fakes.slack import TOKEN, FakeSlack, UserGroup, demo_workspace, large_users, spread
from tests.fakes.slack.limits import TIER_2


def listing(fake: FakeSlack, clock: FakeClock, recorder: Recorder | None = None) -> SlackMembers:
    return SlackMembers.connect(
        "https://slack.test/api/",
        Secret(TOKEN),
        sleep=clock.sleep,
        log=None,
        transport=mock_transport(recorder or fake),
        clock=clock,
    )


def expected_ids(fake: FakeSlack, handle: str) -> set[str]:
    group = next(g for g in fake.groups if g.handle == handle)
    serving = {u.id for u in fake.users if not (u.deleted or u.is_bot or u.is_app_user or u.id == "USLACKBOT")}
    return set(group.users) & serving


def sized(total: int, members: list[int] | int, seed: int = 11) -> FakeSlack:
    users = large_users(total, seed)
    ids = spread(users, members, seed) if isinstance(members, int) else [users[i].id for i in members]
    return FakeSlack(users, [UserGroup("S0TEAM", "team", "Team", ids)])


ROUTES = {
    "demo team, one page": (lambda: demo_workspace(), "support-triagers", {"usergroups.list": 1, "users.list": 1}),
    "1,000 users / 100": (lambda: sized(1_000, 100), "team", {"usergroups.list": 1, "users.list": 1}),
    "5,000 users / 12": (lambda: sized(5_000, 12), "team", {"usergroups.list": 1, "users.list": 1, "users.info": 12}),
    "5,000 users / 300": (lambda: sized(5_000, 300), "team", {"usergroups.list": 1, "users.list": 5}),
    "3,000 users / 50 late": (
        lambda: sized(3_000, list(range(2_000, 2_000 + FANOUT_MAX))),
        "team",
        {"usergroups.list": 1, "users.list": 1, "users.info": FANOUT_MAX},
    ),
}


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.slow  # workspaces of thousands of users
def test_each_route_stays_within_the_tiers_even_twice_in_a_minute(route: str) -> None:
    build, handle, requests = ROUTES[route]
    fake = build()
    clock = FakeClock()
    limits = fake.limit_rates(clock)
    recorder = Recorder(fake)
    for _ in range(2):
        recorder.requests.clear()
        members = listing(fake, clock, recorder).members(handle)
        assert {m.id for m in members} == expected_ids(fake, handle)
        assert Counter(r.path.removeprefix("/api/") for r in recorder.requests) == requests
    assert limits.refused == []
    assert clock.sleeps == []


def test_a_workspace_needing_more_pages_than_a_minute_allows_waits_as_slack_asks(sleeps: Sleeps) -> None:
    fake = sized(2_100, 1_500)
    fake.max_page = 100  # 21 pages: one more than Tier 2 allows in a minute
    clock = FakeClock()
    limits = fake.limit_rates(clock)
    members = listing(fake, clock).members("team")
    assert {m.id for m in members} == expected_ids(fake, "team")
    assert limits.refused == ["users.list"]
    assert clock.sleeps == [60.0]  # Retry-After: until the first page leaves the minute
    assert fake.calls.count("users.list") == TIER_2 + 1 + 1
