"""The live Slack messenger (posts, direct messages, user-group members) against the fake, run
for real over HTTP (httpx.MockTransport), with its requests counted.

Rate limits are tested on one fake clock: the client's waits move it, and the fake's limits
read it, so "never refused" means the client really kept to the limit.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from rolebot.errors import ServiceError
from rolebot.messaging import ChannelPost, Delivered, DirectMessage, GroupMembers, GroupOutcome
from rolebot.models import Member
from rolebot.redaction import Secret
from rolebot.services.slack import FEATURE_SCOPES, SlackMessenger
from rolebot.services.slack.messenger import POST_EVERY
from tests.conftest import Sleeps
from tests.fakes.clock import FakeClock
from tests.fakes.server import Recorder, mock_transport
from tests.fakes.slack import ALL_SCOPES, ONCALL, TOKEN, FakeSlack, Post, oncall_workspace

ADA = Member("U05ADA1234", "Ada Okafor")
BRUNO = Member("U05BRU5678", "Bruno Silva")
CHEN = Member("U05CHE9012", "Chen Wei")
BOT = Member("U05BOT0001", "Carla Bot")
SOL = Member("U05SOL0004", "Sol Single")


class Client:
    def __init__(self, fake: FakeSlack, sleeps: Sleeps, clock: FakeClock | None = None) -> None:
        self.recorder = Recorder(fake)
        transport = mock_transport(self.recorder)
        if clock is None:
            self.messenger = SlackMessenger.connect(
                "https://slack.test/api/", Secret(TOKEN), sleep=sleeps, log=None, transport=transport
            )
        else:
            self.messenger = SlackMessenger.connect(
                "https://slack.test/api/", Secret(TOKEN), sleep=clock.sleep, log=None, transport=transport, clock=clock
            )

    def count(self) -> Counter[str]:
        return Counter(r.path.removeprefix("/api/") for r in self.recorder.requests)

    def failure(self, call: Callable[[], object]) -> ServiceError:
        with pytest.raises(ServiceError) as caught:
            call()
        error = caught.value
        assert error.hint, "an error must name the fix"
        assert "\n" not in str(error)
        assert TOKEN not in str(error)
        return error


@pytest.fixture
def slack() -> FakeSlack:
    return oncall_workspace()


@pytest.fixture
def client(slack: FakeSlack, sleeps: Sleeps) -> Client:
    return Client(slack, sleeps)


def oncall(slack: FakeSlack) -> list[str]:
    return next(g for g in slack.groups if g.handle == ONCALL).users


# --- user groups ---------------------------------------------------------------------------------


def test_a_group_is_set_to_exactly_the_members_with_one_update(client: Client, slack: FakeSlack) -> None:
    outcome = client.messenger.set_group_members(GroupMembers(f"@{ONCALL}", (CHEN, BRUNO)))
    assert outcome == GroupOutcome(ONCALL, frozenset({ADA.id, BRUNO.id}), frozenset({CHEN.id, BRUNO.id}), written=True)
    assert (outcome.added, outcome.removed) == ({CHEN.id}, {ADA.id})
    assert oncall(slack) == [CHEN.id, BRUNO.id]
    assert client.count() == {"usergroups.list": 1, "usergroups.users.update": 1}
    update = client.recorder.requests[-1]
    assert update.method == "POST"
    assert update.header("content-type") == "application/x-www-form-urlencoded"
    assert update.form() == {"usergroup": ["S05ONCALL"], "users": [f"{CHEN.id},{BRUNO.id}"]}


def test_a_group_that_already_has_exactly_the_members_is_left_alone(client: Client, slack: FakeSlack) -> None:
    outcome = client.messenger.set_group_members(GroupMembers(ONCALL, (BRUNO, ADA)))
    assert outcome.written is False
    assert outcome.before == outcome.after == {ADA.id, BRUNO.id}
    assert client.count() == {"usergroups.list": 1}
    assert slack.updates == []


def test_setting_the_same_members_twice_writes_once(client: Client, slack: FakeSlack) -> None:
    change = GroupMembers(ONCALL, (CHEN, BRUNO))
    assert [client.messenger.set_group_members(change).written for _ in range(2)] == [True, False]
    assert slack.updates == [("S05ONCALL", (CHEN.id, BRUNO.id))]


def test_an_unknown_handle_is_an_error_naming_it(client: Client) -> None:
    error = client.failure(lambda: client.messenger.set_group_members(GroupMembers("triage-oncall", (ADA,))))
    assert error.message == (
        "Slack: no user group @triage-oncall in this workspace "
        f"(user groups: @meeting-facilitators, @{ONCALL}, @support-triagers)"
    )
    assert "slack.oncall_usergroup" in (error.hint or "")
    assert client.count() == {"usergroups.list": 1}


def test_a_disabled_group_is_not_written(client: Client) -> None:
    error = client.failure(lambda: client.messenger.set_group_members(GroupMembers("old-stewards", (ADA,))))
    assert error.message == "Slack: the user group @old-stewards is disabled"
    assert client.count() == {"usergroups.list": 1}


def test_an_empty_member_list_is_refused_before_asking_slack(client: Client) -> None:
    error = client.failure(lambda: client.messenger.set_group_members(GroupMembers(ONCALL, ())))
    assert error.message == f"Slack: nobody would be left in @{ONCALL}, and Slack cannot empty a user group"
    assert "disable it in Slack" in (error.hint or "")
    assert client.count() == {}


def test_a_token_without_usergroups_write_is_an_error_naming_the_scope(slack: FakeSlack, sleeps: Sleeps) -> None:
    slack.tokens = {TOKEN: ALL_SCOPES - {"usergroups:write"}}
    client = Client(slack, sleeps)
    error = client.failure(lambda: client.messenger.set_group_members(GroupMembers(ONCALL, (CHEN,))))
    assert error.message == (
        "Slack: the Slack app lacks the usergroups:write scope that usergroups.users.update needs "
        "(the token has: chat:write,usergroups:read,users:read)"
    )
    assert error.hint == (
        "add usergroups:write under OAuth & Permissions → Bot Token Scopes (rolebot needs it for a role's "
        "oncall_usergroup), then reinstall the app to the workspace"
    )


def test_permission_denied_explains_the_workspace_setting(slack: FakeSlack, sleeps: Sleeps) -> None:
    slack.group_edits_restricted = True
    client = Client(slack, sleeps)
    error = client.failure(lambda: client.messenger.set_group_members(GroupMembers(ONCALL, (CHEN,))))
    assert error.message == f"Slack: Slack does not let the app change the members of @{ONCALL} (permission_denied)"
    assert "Permissions → User Groups" in (error.hint or "")
    assert "everyone" in (error.hint or "")


@pytest.mark.parametrize(("member", "code"), [(BOT, "invalid_user"), (SOL, "single_channel_guests_cannot_be_added")])
def test_members_slack_will_not_put_in_a_group_are_named(
    member: Member, code: str, client: Client, slack: FakeSlack
) -> None:
    error = client.failure(lambda: client.messenger.set_group_members(GroupMembers(ONCALL, (CHEN, member))))
    assert error.message == f"Slack: Slack refused the members for @{ONCALL} ({code}): {CHEN.label()}, {member.label()}"
    assert oncall(slack) == [ADA.id, BRUNO.id]


def test_a_group_update_is_retried_after_a_429_as_slack_asks(client: Client, slack: FakeSlack, sleeps: Sleeps) -> None:
    slack.rate_limit(times=1, retry_after=3, methods=["usergroups.users.update"])
    assert client.messenger.set_group_members(GroupMembers(ONCALL, (CHEN,))).written
    assert sleeps.calls == [3.0]
    assert client.count() == {"usergroups.list": 1, "usergroups.users.update": 2}
    assert oncall(slack) == [CHEN.id]


# --- posts and direct messages -------------------------------------------------------------------


def test_a_post_goes_as_json_and_reports_slacks_channel_and_ts(client: Client, slack: FakeSlack) -> None:
    delivered = client.messenger.post(ChannelPost("#support-freshdesk", "Hi <@U05CHE9012> &amp; welcome"))
    assert delivered == Delivered("C05FRESH01", slack.posts[0].ts)
    assert delivered.sent
    assert slack.posts == [Post("C05FRESH01", "#support-freshdesk", "Hi <@U05CHE9012> &amp; welcome", delivered.ts)]
    (request,) = client.recorder.requests
    assert request.method == "POST"
    assert request.header("content-type") == "application/json"
    assert json.loads(request.body) == {"channel": "#support-freshdesk", "text": "Hi <@U05CHE9012> &amp; welcome"}


def test_a_direct_message_goes_to_the_user_id_and_lands_in_their_conversation(client: Client, slack: FakeSlack) -> None:
    delivered = client.messenger.send_dm(DirectMessage(CHEN, "Your turn from Wednesday"))
    assert delivered.channel == "D05CHE9012"  # what Slack answered, not the user ID asked for
    assert [(p.channel, p.asked) for p in slack.posts] == [("D05CHE9012", CHEN.id)]


def test_a_channel_without_the_app_says_to_invite_it(client: Client, slack: FakeSlack) -> None:
    error = client.failure(lambda: client.messenger.post(ChannelPost("#team-updates", "hello")))
    assert error.message == "Slack: the Slack app is not in #team-updates, so it cannot post there (not_in_channel)"
    assert error.hint == (
        "invite the app to #team-updates (type /invite @the-app-name in the channel), then run the command again"
    )
    assert slack.posts == []


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        ("#nowhere", "Slack knows no channel #nowhere that the app can see (channel_not_found)"),
        ("#leads", "Slack knows no channel #leads that the app can see (channel_not_found)"),
        ("#old-news", "#old-news is archived, so nothing can be posted there (is_archived)"),
    ],
)
def test_each_channel_problem_is_one_clear_message(channel: str, message: str, client: Client) -> None:
    assert client.failure(lambda: client.messenger.post(ChannelPost(channel, "hello"))).message == f"Slack: {message}"


def test_a_direct_message_to_someone_gone_names_them(client: Client) -> None:
    gone = Member("U05CAL0000", "Cal Departed")
    error = client.failure(lambda: client.messenger.send_dm(DirectMessage(gone, "hello")))
    assert error.message == (
        "Slack: Slack knows no channel a direct message to Cal Departed (U05CAL0000) that the app can see "
        "(channel_not_found)"
    )


def test_a_token_without_chat_write_is_an_error_naming_the_scope_and_the_features(
    slack: FakeSlack, sleeps: Sleeps
) -> None:
    slack.tokens = {TOKEN: frozenset({"usergroups:read", "users:read"})}
    client = Client(slack, sleeps)
    error = client.failure(lambda: client.messenger.post(ChannelPost("#support-freshdesk", "hi")))
    assert error.message.startswith("Slack: the Slack app lacks the chat:write scope that chat.postMessage needs")
    assert "announce_channel and dm" in (error.hint or "")


def test_a_post_is_not_sent_again_after_a_failure_where_it_may_have_arrived(
    client: Client, slack: FakeSlack, sleeps: Sleeps
) -> None:
    slack.server_error(500, times=1, methods=["chat.postMessage"])
    error = client.failure(lambda: client.messenger.post(ChannelPost("#support-freshdesk", "hi")))
    assert "HTTP 500" in error.message
    assert client.count() == {"chat.postMessage": 1}
    assert sleeps.calls == []


def test_a_post_refused_with_429_is_sent_once_it_may(slack: FakeSlack, sleeps: Sleeps) -> None:
    clock = FakeClock()
    client = Client(slack, sleeps, clock)
    slack.rate_limit(times=1, retry_after=2, methods=["chat.postMessage"])
    client.messenger.post(ChannelPost("#support-freshdesk", "hi"))
    assert clock.sleeps == [2.0]
    assert client.count() == {"chat.postMessage": 2}
    assert len(slack.posts) == 1


def test_posts_to_one_channel_go_one_a_second_and_slack_never_refuses_them(slack: FakeSlack, sleeps: Sleeps) -> None:
    clock = FakeClock()
    limits = slack.limit_rates(clock)
    client = Client(slack, sleeps, clock)
    for n in range(3):
        client.messenger.post(ChannelPost("#support-freshdesk", f"post {n}"))
        client.messenger.send_dm(DirectMessage(CHEN, f"message {n}"))
    assert limits.refused == []
    assert clock.sleeps == [POST_EVERY, POST_EVERY]  # the DMs go to another conversation, in the same seconds
    assert len(slack.posts) == 6


def test_the_fake_refuses_a_burst_of_posts_to_one_channel_and_of_calls_over_the_tier(slack: FakeSlack) -> None:
    clock = FakeClock()
    limits = slack.limit_rates(clock, per_minute={"users.info": 3})
    post = {"channel": "#support-freshdesk", "text": "hi"}
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url="https://slack.test/api/", transport=mock_transport(slack), headers=headers) as http:
        posts = [http.post("chat.postMessage", json=post), http.post("chat.postMessage", json=post)]
        clock.now += 1
        posts.append(http.post("chat.postMessage", json=post))
        infos = [http.get("users.info", params={"user": ADA.id}) for _ in range(4)]
        clock.now += 60
        infos.append(http.get("users.info", params={"user": ADA.id}))
    assert [r.status_code for r in posts] == [200, 429, 200]
    assert posts[1].headers["Retry-After"] == "1"
    assert posts[1].json() == {"ok": False, "error": "ratelimited"}
    assert [r.status_code for r in infos] == [200, 200, 200, 429, 200]
    assert infos[3].headers["Retry-After"] == "60"
    assert limits.refused == ["chat.postMessage", "users.info"]


# --- scopes --------------------------------------------------------------------------------------


def test_the_tokens_scopes_come_from_the_x_oauth_scopes_header(slack: FakeSlack, sleeps: Sleeps) -> None:
    slack.tokens = {TOKEN: frozenset({"chat:write", "users:read"})}
    client = Client(slack, sleeps)
    assert client.messenger.token_scopes() == {"chat:write", "users:read"}
    assert client.count() == {"auth.test": 1}
    assert FEATURE_SCOPES["oncall_usergroup"] - client.messenger.token_scopes() == {
        "usergroups:read",
        "usergroups:write",
    }


def test_every_answer_updates_the_scopes_seen(client: Client) -> None:
    assert client.messenger.api.scopes is None
    client.messenger.post(ChannelPost("#support-freshdesk", "hi"))
    assert client.messenger.api.scopes == ALL_SCOPES


# --- the fake itself speaks Slack's wire protocol ------------------------------------------------


def test_the_fake_takes_writes_as_a_form_or_json_and_answers_with_the_tokens_scopes(slack: FakeSlack) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url="https://slack.test/api/", transport=mock_transport(slack), headers=headers) as http:
        by_form = http.post("chat.postMessage", data={"channel": "C05FRESH01", "text": "form"})
        by_json = http.post("chat.postMessage", json={"channel": "support-freshdesk", "text": "json"})
        update = http.post("usergroups.users.update", data={"usergroup": "S05ONCALL", "users": f"{CHEN.id}, {ADA.id}"})
        empty = http.post("usergroups.users.update", data={"usergroup": "S05ONCALL", "users": ""})
        unknown = http.post("usergroups.users.update", data={"usergroup": "S05ONCALL", "users": "U0NOBODY"})
        whoami = http.post("auth.test")
    assert [p.text for p in slack.posts] == ["form", "json"]
    assert by_form.json()["channel"] == by_json.json()["channel"] == "C05FRESH01"
    assert update.json()["usergroup"]["users"] == [CHEN.id, ADA.id]
    assert (empty.json(), unknown.json()) == (
        {"ok": False, "error": "no_users_provided"},
        {"ok": False, "error": "invalid_users"},
    )
    assert whoami.json()["user_id"] == "U05ROLEBOT"
    assert {r.headers["x-oauth-scopes"] for r in (by_form, update, empty, whoami)} == {
        "chat:write,usergroups:read,usergroups:write,users:read"
    }
