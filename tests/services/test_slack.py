"""The live Slack members client, run for real over HTTP (httpx.MockTransport) against the fake.

The first `users.list` page goes out together with `usergroups.list`, so the two come in
either order: request counts are compared per method.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from rolebot.errors import ServiceError
from rolebot.models import Member
from rolebot.redaction import Secret
from rolebot.services.slack.members import FANOUT_MAX, PAGE_SIZE, SlackMembers
from tests.conftest import Sleeps
from tests.fakes.server import FakeRequest, FakeResponse, Recorder, closed_port_url, mock_transport
from tests.fakes.slack import (
    ALL_SCOPES,
    TOKEN,
    FakeSlack,
    SlackUser,
    UserGroup,
    demo_workspace,
    human,
    large_users,
    spread,
)

API = "https://slack.test/api/"

DEMO_TRIAGERS = {
    Member("U05ADA1234", "Ada Okafor"),
    Member("U05BRU5678", "Bruno Silva"),
    Member("U05CHE9012", "Chen Wei"),
    Member("U05DAN3456", "Dana Kowalski"),
    Member("U05EME7890", "Emeka Nwosu"),
    Member("U05FAR2345", "Farah Haddad"),
}


class Client:
    """A real SlackMembers wired to a fake over httpx.MockTransport, with its requests recorded."""

    def __init__(
        self,
        fake: Callable[[FakeRequest], FakeResponse],
        sleeps: Sleeps,
        token: str = TOKEN,
        api_url: str = API,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.recorder = Recorder(fake)
        self.source = SlackMembers.connect(
            api_url, Secret(token), sleep=sleeps, log=log, transport=mock_transport(self.recorder)
        )

    def members(self, group: str) -> set[Member]:
        found = self.source.members(group)
        assert len(found) == len(set(found)), "a member listed twice"
        return set(found)

    def failure(self, group: str) -> ServiceError:
        """The error members() raises — one line, naming a fix, without the token."""
        with pytest.raises(ServiceError) as caught:
            self.source.members(group)
        error = caught.value
        assert error.hint, "an error must name the fix"
        assert "\n" not in str(error)
        assert TOKEN not in str(error)
        assert "fakeslacktoken" not in str(error)
        return error

    def expect(self, *calls: tuple[str, int | None]) -> None:
        """The Slack methods this test must call, each `times` times (None: at least once),
        and no other: checked when the test ends."""
        for method, times in calls:
            self.recorder.expect("GET", f"/api/{method}", times)
        self.recorder.expect_nothing_else()

    @property
    def methods(self) -> list[str]:
        return [r.path.removeprefix("/api/") for r in self.recorder.requests]

    def count(self) -> Counter[str]:
        """Requests made, by method."""
        return Counter(self.methods)

    def pages(self) -> list[FakeRequest]:
        """The `users.list` requests, in order."""
        return [r for r in self.recorder.requests if r.path.endswith("/users.list")]


@pytest.fixture
def slack() -> FakeSlack:
    return demo_workspace()


@pytest.fixture
def client(slack: FakeSlack, sleeps: Sleeps) -> Client:
    return Client(slack, sleeps)


def workspace(users: list[SlackUser], **groups: list[str]) -> FakeSlack:
    made = [UserGroup(f"S{n:04d}", h.replace("_", "-"), h, ids) for n, (h, ids) in enumerate(groups.items())]
    return FakeSlack(users, made)


# --- who is a member, and by which name ----------------------------------------------------------


def test_members_leave_out_deleted_users_bots_app_users_and_slackbot(client: Client) -> None:
    assert client.members("support-triagers") == DEMO_TRIAGERS


def test_a_handle_may_carry_an_at_sign_and_capitals(client: Client) -> None:
    assert client.members("@Meeting-Facilitators") == {
        Member("U05ADA1234", "Ada Okafor"),
        Member("U05CHE9012", "Chen Wei"),
        Member("U05EME7890", "Emeka Nwosu"),
        Member("U05GIT6789", "Gita Rao"),  # a guest still serves
    }


@pytest.mark.parametrize(
    ("user", "name"),
    [
        (SlackUser("U1", "ada", display_name="Ada O.", real_name="Ada Okafor"), "Ada O."),
        (SlackUser("U1", "ada", display_name="", real_name="Ada Okafor"), "Ada Okafor"),
        (SlackUser("U1", "ada", display_name="   ", real_name="Ada Okafor"), "Ada Okafor"),
        (SlackUser("U1", "ada", display_name="", real_name=""), "ada"),
        (SlackUser("U1", "", display_name="", real_name=""), "U1"),
        (SlackUser("U1", "ada", display_name="  Ada  ", real_name=""), "Ada"),
    ],
)
def test_names_fall_back_from_display_name_to_real_name_to_user_name_to_id(
    user: SlackUser, name: str, sleeps: Sleeps
) -> None:
    client = Client(workspace([user], team=["U1"]), sleeps)
    assert client.members("team") == {Member("U1", name)}


def test_the_normalized_display_name_comes_first(sleeps: Sleeps) -> None:
    def accented(request: FakeRequest) -> FakeResponse:
        response = fake(request)
        if request.path.endswith(("users.info", "users.list")):
            body = response.body.replace(b'"display_name_normalized": "Zoe"', b'"display_name_normalized": "Zoe N."')
            return FakeResponse(response.status, body, response.headers)
        return response

    fake = workspace([human("U1", "Zoe")], team=["U1"])
    assert Client(accented, sleeps).members("team") == {Member("U1", "Zoe N.")}


def test_deleted_users_come_back_with_fewer_fields_and_are_left_out(sleeps: Sleeps) -> None:
    fake = workspace([human("U1", "Ada"), human("U2", "Gone", deleted=True)], team=["U1", "U2"])
    assert "tz" not in fake.users[1].payload()
    assert Client(fake, sleeps).members("team") == {Member("U1", "Ada")}


def test_two_members_with_the_same_name_both_stay(sleeps: Sleeps) -> None:
    fake = workspace([human("U1", "Sam Lee"), human("U2", "Sam Lee")], team=["U1", "U2"])
    assert Client(fake, sleeps).members("team") == {Member("U1", "Sam Lee"), Member("U2", "Sam Lee")}


def test_a_member_slack_no_longer_knows_is_left_out(sleeps: Sleeps) -> None:
    fake = workspace([human("U1", "Ada")], team=["U1", "U0GONE"])
    client = Client(fake, sleeps)
    assert client.members("team") == {Member("U1", "Ada")}
    assert client.count() == {"usergroups.list": 1, "users.list": 1}


def test_a_member_users_info_no_longer_finds_is_left_out(sleeps: Sleeps) -> None:
    users = large_users(1_500)
    fake = workspace(users, team=[users[1_200].id, "U0GONE"])
    client = Client(fake, sleeps)
    assert client.members("team") == expected(fake, "team")
    assert client.count() == {"usergroups.list": 1, "users.list": 1, "users.info": 2}


def test_an_empty_group_has_no_members_and_costs_only_the_first_two_requests(sleeps: Sleeps) -> None:
    client = Client(workspace([human("U1", "Ada")], team=[]), sleeps)
    assert client.members("team") == set()
    assert client.count() == {"usergroups.list": 1, "users.list": 1}


def test_a_group_that_does_not_exist_is_an_error_listing_the_groups_that_do(client: Client) -> None:
    error = client.failure("support-triager")
    assert error.message == (
        "Slack: no user group @support-triager in this workspace "
        "(user groups: @meeting-facilitators, @support-triagers)"
    )
    assert "usergroup" in (error.hint or "")


def test_a_workspace_without_groups_says_so(sleeps: Sleeps) -> None:
    error = Client(FakeSlack([human("U1", "Ada")], []), sleeps).failure("@team")
    assert error.message == "Slack: no user group @team in this workspace (it has no user groups)"


def test_a_disabled_group_is_reported_as_disabled(client: Client) -> None:
    error = client.failure("old-stewards")
    assert error.message == "Slack: the user group @old-stewards is disabled"
    assert "enable it" in (error.hint or "")


# --- how many requests ---------------------------------------------------------------------------


def test_a_workspace_that_fits_in_one_page_costs_two_requests(client: Client) -> None:
    client.members("support-triagers")
    assert client.count() == {"usergroups.list": 1, "users.list": 1}
    groups = next(r for r in client.recorder.requests if r.path.endswith("/usergroups.list"))
    assert groups.method == "GET"
    assert groups.query["include_users"] == ["true"]
    (page,) = client.pages()
    assert page.method == "GET"
    assert page.query == {"limit": [str(PAGE_SIZE)]}


def test_a_large_group_in_a_workspace_of_one_page_costs_two_requests(sleeps: Sleeps) -> None:
    users = large_users(1_000)
    fake = workspace(users, platform=spread(users, 100, seed=4))
    client = Client(fake, sleeps)
    assert client.members("platform") == expected(fake, "platform")
    assert client.count() == {"usergroups.list": 1, "users.list": 1}


def test_a_small_group_in_a_large_workspace_asks_users_info_for_the_members_page_one_lacks(sleeps: Sleeps) -> None:
    users = large_users(5_000)
    group = [users[10].id, *(users[i].id for i in range(1_500, 5_000, 500))]  # one on page 1, seven after it
    fake = workspace(users, team=group)
    client = Client(fake, sleeps)
    assert client.members("team") == expected(fake, "team")
    assert client.count() == {"usergroups.list": 1, "users.list": 1, "users.info": 7}
    asked = sorted(r.query["user"][0] for r in client.recorder.requests if r.path.endswith("/users.info"))
    assert asked == sorted(group[1:])


def test_the_largest_fan_out_still_uses_users_info_and_one_more_pages_instead(sleeps: Sleeps) -> None:
    users = large_users(3_000)
    late = [u.id for u in users[1_000:]]  # none on the first page
    largest = Client(workspace(users, team=late[:FANOUT_MAX]), sleeps)
    assert len(largest.members("team")) > 0
    assert largest.count() == {"usergroups.list": 1, "users.list": 1, "users.info": FANOUT_MAX}
    too_many = Client(workspace(users, team=late[: FANOUT_MAX + 1]), sleeps)
    too_many.members("team")
    assert too_many.count() == {"usergroups.list": 1, "users.list": 2}


def expected(fake: FakeSlack, handle: str) -> set[Member]:
    by_id = {u.id: u for u in fake.users}
    group = next(g for g in fake.groups if g.handle == handle)
    return {
        Member(u.id, u.display_name or u.real_name)
        for u in (by_id[i] for i in group.users if i in by_id)
        if not (u.deleted or u.is_bot)
    }


@pytest.mark.slow  # a workspace of thousands of users
def test_a_large_group_pages_users_list_so_requests_follow_pages_not_members(sleeps: Sleeps) -> None:
    users = large_users(2_500)
    fake = workspace(users, platform=spread(users, 150, seed=3))
    client = Client(fake, sleeps)
    assert client.members("platform") == expected(fake, "platform")
    assert client.count() == {"usergroups.list": 1, "users.list": 3}  # 1 + ⌈2500/1000⌉
    pages = client.pages()
    assert [r.query["limit"] for r in pages] == [[str(PAGE_SIZE)]] * 3
    assert "cursor" not in pages[0].query
    assert base64.b64decode(pages[1].query["cursor"][0]) == f"user:{users[999].id}".encode()


def test_paging_stops_once_every_member_has_been_seen(sleeps: Sleeps) -> None:
    users = large_users(5_000)
    early = [u.id for u in users[:120]]
    fake = workspace(users, early_birds=early)
    client = Client(fake, sleeps)
    assert client.members("early-birds") == expected(fake, "early-birds")
    assert client.count() == {"usergroups.list": 1, "users.list": 1}


def test_short_pages_are_followed_until_the_cursor_is_empty(sleeps: Sleeps) -> None:
    users = large_users(1_000)
    fake = workspace(users, platform=spread(users, 200, seed=5))
    fake.max_page = 300  # Slack may send fewer users than the limit asks for
    client = Client(fake, sleeps)
    assert client.members("platform") == expected(fake, "platform")
    assert client.count() == {"usergroups.list": 1, "users.list": 4}


def test_members_users_list_never_mentions_are_left_out_after_the_last_page(sleeps: Sleeps) -> None:
    users = large_users(1_200)
    group = [*spread(users, 150, seed=9), "U0NOWHERE"]
    fake = workspace(users, platform=group)
    client = Client(fake, sleeps)
    members = client.members("platform")
    assert members == expected(fake, "platform")
    assert "U0NOWHERE" not in {m.id for m in members}
    assert client.count() == {"usergroups.list": 1, "users.list": 2}


def test_a_cursor_slack_rejects_mid_listing_is_a_clear_error(sleeps: Sleeps) -> None:
    users = large_users(2_500)
    fake = workspace(users, platform=spread(users, 150, seed=1))

    def departing(request: FakeRequest) -> FakeResponse:
        response = fake(request)
        if request.path.endswith("users.list") and "cursor" not in request.query:
            fake.users.remove(users[999])  # the cursor's user leaves between two pages
        return response

    client = Client(departing, sleeps)
    client.expect(("usergroups.list", 1), ("users.list", 2))  # the refused page is not asked again
    error = client.failure("platform")
    assert error.message == "Slack: Slack rejected the page cursor while reading users.list (invalid_cursor)"
    assert "run the command again" in (error.hint or "")


def test_a_cursor_slack_returns_twice_stops_the_listing_instead_of_looping(sleeps: Sleeps) -> None:
    users = large_users(1_500)
    fake = workspace(users, platform=[u.id for u in users[1_000:1_100]])

    def same_cursor_forever(request: FakeRequest) -> FakeResponse:
        if not request.path.endswith("/users.list"):
            return fake(request)
        page = fake(FakeRequest(request.method, request.path, {"limit": ["1000"]}, request.headers))
        body = json.loads(page.body)
        body["response_metadata"]["next_cursor"] = "dXNlcjpVMDAwMDA5OTk="
        return FakeResponse.json(body)

    client = Client(same_cursor_forever, sleeps)
    error = client.failure("platform")
    assert error.message == (
        "Slack: users.list returned a page cursor it had returned before (after 2 pages), so paging would never end"
    )
    assert client.count() == {"usergroups.list": 1, "users.list": 2}


# --- rate limits and failing servers -------------------------------------------------------------


def test_429_is_retried_after_the_wait_slack_asks_for(client: Client, slack: FakeSlack, sleeps: Sleeps) -> None:
    slack.rate_limit(times=2, retry_after=7, methods=["usergroups.list"])
    assert client.members("support-triagers") == DEMO_TRIAGERS
    assert sleeps.calls == [7.0, 7.0]
    assert client.count() == {"usergroups.list": 3, "users.list": 1}


def test_429_on_users_info_holds_back_the_other_users_info_calls(sleeps: Sleeps) -> None:
    users = large_users(1_500)
    fake = workspace(users, team=[u.id for u in users[1_000:1_010]])
    fake.rate_limit(times=1, retry_after=2, methods=["users.info"])
    client = Client(fake, sleeps)
    assert client.members("team") == expected(fake, "team")
    assert client.count() == {"usergroups.list": 1, "users.list": 1, "users.info": 10 + 1}
    # The refused call waits 2 s in its retry loop; calls starting after the 429 wait out the same hold.
    assert sleeps.calls[0] == 2.0
    assert all(0 < wait <= 2.0 for wait in sleeps.calls)


def test_429_forever_gives_up_after_bounded_tries(client: Client, slack: FakeSlack, sleeps: Sleeps) -> None:
    slack.rate_limit(times=None, retry_after=30, methods=["usergroups.list"])
    error = client.failure("support-triagers")
    assert error.message == "Slack: rate limit hit and still in force after 5 tries (HTTP 429)"
    assert sleeps.calls == [30.0] * 4
    assert client.count() == {"usergroups.list": 5, "users.list": 1}


def test_a_huge_retry_after_is_capped(client: Client, slack: FakeSlack, sleeps: Sleeps) -> None:
    slack.rate_limit(times=1, retry_after=3600)
    client.members("support-triagers")
    assert sleeps.calls == [60.0]


def test_an_ok_false_ratelimited_body_is_retried_like_a_429(client: Client, slack: FakeSlack, sleeps: Sleeps) -> None:
    slack.ratelimited_body(times=2, retry_after=4)
    assert client.members("support-triagers") == DEMO_TRIAGERS
    assert sleeps.calls == [4.0, 4.0]


def test_an_ok_false_ratelimited_body_forever_gives_up(client: Client, slack: FakeSlack, sleeps: Sleeps) -> None:
    slack.ratelimited_body(times=None, retry_after=None, methods=["usergroups.list"])
    error = client.failure("support-triagers")
    assert error.message == "Slack: rate limit hit and still in force after 5 tries (usergroups.list: ratelimited)"
    assert len(sleeps.calls) == 4
    assert all(0 < s <= 8 for s in sleeps.calls)  # no Retry-After: the policy's backoff
    assert client.count() == {"usergroups.list": 5, "users.list": 1}


@pytest.mark.parametrize("status", [500, 503])
def test_an_html_server_error_then_success(status: int, client: Client, slack: FakeSlack, sleeps: Sleeps) -> None:
    slack.server_error(status, times=1, methods=["usergroups.list"])
    assert client.members("support-triagers") == DEMO_TRIAGERS
    assert len(sleeps.calls) == 1
    assert client.count() == {"usergroups.list": 2, "users.list": 1}


def test_an_html_server_error_forever_is_a_clear_error(client: Client, slack: FakeSlack, sleeps: Sleeps) -> None:
    slack.server_error(503, times=None, methods=["usergroups.list"])
    client.expect(("usergroups.list", 5), ("users.list", 1))
    error = client.failure("support-triagers")
    assert error.message == "Slack: the service is failing (HTTP 503, 5 tries)"
    assert len(sleeps.calls) == 4


def test_an_html_page_with_http_200_is_not_taken_for_an_answer(client: Client, slack: FakeSlack) -> None:
    slack.html_page(200, methods=["usergroups.list"])
    client.expect(("usergroups.list", 1), ("users.list", 1))  # an HTML page is not retried
    error = client.failure("support-triagers")
    assert error.message == "Slack: usergroups.list got HTTP 200 with a body that is not a Slack API answer (text/html)"
    assert "ROLEBOT_SLACK_API_URL" in (error.hint or "")


def test_an_answer_in_an_unexpected_shape_is_an_error_naming_every_problem(sleeps: Sleeps) -> None:
    def odd_groups(request: FakeRequest) -> FakeResponse:
        return FakeResponse.json({"ok": True, "usergroups": [{"id": "S1"}, {"handle": 7, "users": "all"}]})

    client = Client(odd_groups, sleeps)
    client.expect(("usergroups.list", 1), ("users.list", 1))
    error = client.failure("support-triagers")

    assert error.message == (
        "Slack: unexpected answer to usergroups.list: usergroups[0].handle: Field required; "
        "usergroups[1].id: Field required; usergroups[1].handle: Input should be a valid string; "
        "usergroups[1].users: Input should be a valid list"
    )


def test_a_base_url_without_api_finds_nothing_and_says_which_setting(slack: FakeSlack, sleeps: Sleeps) -> None:
    client = Client(slack, sleeps, api_url="https://slack.test")
    client.recorder.expect("GET", "/usergroups.list")
    client.recorder.expect("GET", "/users.list")
    client.recorder.expect_nothing_else()
    error = client.failure("support-triagers")
    assert error.message == "Slack: usergroups.list got HTTP 404 with a body that is not a Slack API answer (text/html)"
    assert "ROLEBOT_SLACK_API_URL" in (error.hint or "")


def test_connection_refused_is_retried_then_a_clear_error(sleeps: Sleeps) -> None:
    url = closed_port_url()
    source = SlackMembers.connect(url + "/api/", Secret(TOKEN), sleep=sleeps, log=None)
    with pytest.raises(ServiceError) as caught:
        source.members("support-triagers")
    host = url.removeprefix("http://")
    assert caught.value.message == f"Slack: cannot reach {host} (connection failed) after 5 tries"
    assert "ROLEBOT_SLACK_API_URL" in (caught.value.hint or "")
    assert TOKEN not in str(caught.value)
    assert len(sleeps.calls) == 2 * 4  # usergroups.list and the first page, each tried 5 times at once


# --- Slack's ok:false errors ---------------------------------------------------------------------


def test_a_token_slack_does_not_know_is_invalid_auth(slack: FakeSlack, sleeps: Sleeps) -> None:
    client = Client(slack, sleeps, token="xoxb-9999-not-a-real-one")
    client.expect(("usergroups.list", 1), ("users.list", 1))  # a refused token is not retried
    error = client.failure("support-triagers")
    assert error.message == "Slack: Slack does not accept the bot token (invalid_auth)"
    assert "ROLEBOT_SLACK_TOKEN or secrets/slack_bot_token.json" in (error.hint or "")
    assert "xoxb-9999-not-a-real-one" not in str(error)


def test_no_token_is_not_authed(slack: FakeSlack, sleeps: Sleeps) -> None:
    client = Client(slack, sleeps, token="")
    client.expect(("usergroups.list", 1), ("users.list", 1))
    error = client.failure("support-triagers")
    assert error.message == "Slack: no Slack bot token was sent"
    assert "ROLEBOT_SLACK_TOKEN" in (error.hint or "")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("token_revoked", "the Slack bot token has been revoked (token_revoked)"),
        ("token_expired", "the Slack bot token has expired (token_expired)"),
        ("account_inactive", "the Slack bot token belongs to a deactivated app or user (account_inactive)"),
        ("not_allowed_token_type", "usergroups.list does not accept this kind of token (not_allowed_token_type)"),
        ("plan_upgrade_required", "this Slack workspace's plan has no user groups (plan_upgrade_required)"),
        ("service_unavailable", "Slack failed to answer usergroups.list (service_unavailable)"),
        ("team_access_not_granted", "usergroups.list failed: team_access_not_granted"),
    ],
)
def test_each_ok_false_error_is_one_clear_message(code: str, message: str, client: Client, slack: FakeSlack) -> None:
    slack.error(code, methods=["usergroups.list"])
    error = client.failure("support-triagers")
    assert error.message == f"Slack: {message}"
    assert client.count() == {"usergroups.list": 1, "users.list": 1}


def test_an_unknown_code_points_at_the_methods_documentation(client: Client, slack: FakeSlack) -> None:
    slack.error("team_access_not_granted", methods=["usergroups.list"])
    client.expect(("usergroups.list", 1), ("users.list", 1))
    assert client.failure("support-triagers").hint == (
        "see https://api.slack.com/methods/usergroups.list for what team_access_not_granted means"
    )


def test_a_free_workspace_has_no_user_groups(sleeps: Sleeps) -> None:
    client = Client(demo_workspace(paid_plan=False), sleeps)
    client.expect(("usergroups.list", 1), ("users.list", 1))
    error = client.failure("support-triagers")
    assert "plan_upgrade_required" in error.message
    assert "--backend local" in (error.hint or "")


def test_missing_usergroups_scope_names_the_scope_and_the_reinstall(sleeps: Sleeps) -> None:
    fake = demo_workspace(tokens={TOKEN: frozenset({"users:read", "chat:write"})})
    client = Client(fake, sleeps)
    client.expect(("usergroups.list", 1), ("users.list", 1))
    error = client.failure("support-triagers")
    assert error.message == (
        "Slack: the Slack app lacks the usergroups:read scope that usergroups.list needs "
        "(the token has: chat:write,users:read)"
    )
    assert error.hint == (
        "add usergroups:read under OAuth & Permissions → Bot Token Scopes "
        "(rolebot needs usergroups:read and users:read), then reinstall the app to the workspace"
    )


def test_missing_users_scope_is_one_error_even_with_concurrent_calls(sleeps: Sleeps) -> None:
    fake = demo_workspace(tokens={TOKEN: frozenset({"usergroups:read"})})
    client = Client(fake, sleeps)
    error = client.failure("support-triagers")
    assert error.message.startswith("Slack: the Slack app lacks the users:read scope that users.list needs")
    assert client.count() == {"usergroups.list": 1, "users.list": 1}


def test_missing_users_scope_on_users_info(sleeps: Sleeps) -> None:
    users = large_users(1_500)
    fake = workspace(users, team=[u.id for u in users[1_000:1_012]])
    client = Client(fake, sleeps)

    def scopes_revoked_after_the_first_page(request: FakeRequest) -> FakeResponse:
        if request.path.endswith("/users.info"):
            fake.tokens = {TOKEN: frozenset({"usergroups:read"})}
        return fake(request)

    client.recorder.handler = scopes_revoked_after_the_first_page
    error = client.failure("team")
    assert error.message.startswith("Slack: the Slack app lacks the users:read scope that users.info needs")
    assert client.count()["users.info"] <= 12


def test_missing_users_scope_on_users_list(sleeps: Sleeps) -> None:
    users = large_users(1_500)
    fake = workspace(users, platform=spread(users, 200, seed=2))
    fake.tokens = {TOKEN: frozenset({"usergroups:read"})}
    client = Client(fake, sleeps)
    client.expect(("usergroups.list", 1), ("users.list", 1))
    error = client.failure("platform")
    assert error.message.startswith("Slack: the Slack app lacks the users:read scope that users.list needs")


# --- the token, the log, the description ---------------------------------------------------------


def test_the_token_travels_only_in_the_authorization_header(client: Client) -> None:
    client.members("support-triagers")
    for request in client.recorder.requests:
        assert request.header("authorization") == f"Bearer {TOKEN}"
        assert TOKEN not in request.path
        assert all(TOKEN not in v for values in request.query.values() for v in values)


def test_verbose_log_has_one_line_per_call_and_no_token(slack: FakeSlack, sleeps: Sleeps) -> None:
    lines: list[str] = []
    client = Client(slack, sleeps, log=lines.append)
    slack.rate_limit(times=1, retry_after=1, methods=["usergroups.list"])
    client.members("meeting-facilitators")
    assert len(lines) == len(client.recorder.requests) == 1 + 1 + 1
    groups = [line for line in lines if "usergroups.list" in line]
    assert groups[0].startswith("Slack: GET usergroups.list 429 (")
    assert groups[1].startswith("Slack: GET usergroups.list 200 (")
    assert next(line for line in lines if "users.list" in line).startswith("Slack: GET users.list 200 (")
    assert all(TOKEN not in line for line in lines)


def test_description_names_the_host_only(client: Client) -> None:
    assert client.source.description == "Slack (slack.test)"
    local = SlackMembers.connect("http://127.0.0.1:8080/api", Secret(TOKEN), sleep=Sleeps(), log=None)
    assert local.description == "Slack (127.0.0.1:8080)"


# --- the fake itself speaks Slack's wire protocol ------------------------------------------------


def fake_client(fake: FakeSlack, token: str | None = TOKEN) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url="https://slack.test/api/", transport=mock_transport(fake), headers=headers)


def test_the_fake_takes_arguments_from_query_form_or_json(slack: FakeSlack) -> None:
    with fake_client(slack) as http:
        by_query = http.get("users.info", params={"user": "U05ADA1234"}).json()
        by_form = http.post("users.info", data={"user": "U05ADA1234"}).json()
        by_json = http.post("users.info", json={"user": "U05ADA1234"}).json()
    assert by_query == by_form == by_json
    assert by_query["user"]["profile"]["display_name"] == "Ada Okafor"


def test_the_fake_takes_a_token_argument_and_answers_auth_errors_with_http_200(slack: FakeSlack) -> None:
    with fake_client(slack, token=None) as http:
        missing = http.get("users.info", params={"user": "U05ADA1234"})
        as_arg = http.post("users.info", data={"user": "U05ADA1234", "token": TOKEN})
        wrong = http.post("users.info", data={"user": "U05ADA1234", "token": "xoxb-wrong-wrong"})
    assert (missing.status_code, missing.json()) == (200, {"ok": False, "error": "not_authed"})
    assert as_arg.json()["ok"] is True
    assert wrong.json() == {"ok": False, "error": "invalid_auth"}


def test_the_fake_lists_groups_as_slack_does(slack: FakeSlack) -> None:
    with fake_client(slack) as http:
        bare = http.get("usergroups.list").json()["usergroups"]
        full = http.get("usergroups.list", params={"include_users": "1", "include_disabled": "TRUE"}).json()
        members = http.get("usergroups.users.list", params={"usergroup": "S05FACILI"}).json()
        disabled = http.get("usergroups.users.list", params={"usergroup": "S05OLDTEAM"}).json()
    assert [g["handle"] for g in bare] == ["support-triagers", "meeting-facilitators"]
    assert all("users" not in g for g in bare)
    assert [g["date_delete"] != 0 for g in full["usergroups"]] == [False, False, True]
    assert full["usergroups"][1]["users"] == members["users"]
    assert disabled == {"ok": False, "error": "no_such_subteam"}


def test_the_fake_pages_users_list_with_opaque_cursors(slack: FakeSlack) -> None:
    pages = []
    cursor = ""
    with fake_client(slack) as http:
        while True:
            body = http.get("users.list", params={"limit": "5", **({"cursor": cursor} if cursor else {})}).json()
            pages.append([m["id"] for m in body["members"]])
            cursor = body["response_metadata"]["next_cursor"]
            if not cursor:
                break
        bad = http.get("users.list", params={"cursor": "bm90LWEtY3Vyc29y"}).json()
        not_found = http.get("users.info", params={"user": "U0NOBODY"}).json()
    assert [len(p) for p in pages] == [5, 5, 2]
    assert [user_id for page in pages for user_id in page] == [u.id for u in slack.users]
    assert bad == {"ok": False, "error": "invalid_cursor"}
    assert not_found == {"ok": False, "error": "user_not_found"}


def test_the_fake_answers_missing_scope_with_needed_and_provided() -> None:
    fake = demo_workspace(tokens={TOKEN: ALL_SCOPES - {"users:read"}})
    with fake_client(fake) as http:
        body = http.get("users.list").json()
    assert body == {
        "ok": False,
        "error": "missing_scope",
        "needed": "users:read",
        "provided": "chat:write,usergroups:read,usergroups:write",
    }


def test_the_fake_faults_last_as_many_calls_as_asked(slack: FakeSlack) -> None:
    slack.rate_limit(times=1, retry_after=9)
    slack.server_error(503, times=1)
    with fake_client(slack) as http:
        limited, failing, fine = (http.get("usergroups.list") for _ in range(3))
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "9")
    assert limited.json() == {"ok": False, "error": "ratelimited"}
    assert failing.status_code == 503
    assert failing.text.startswith("<!DOCTYPE html>")
    assert fine.json()["ok"] is True
    assert slack.calls == ["usergroups.list"] * 3
