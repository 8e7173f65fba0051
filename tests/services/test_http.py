"""The bounds of every request (`rolebot.services.http`): the whole-request time, the command's
deadline, the answer's size, Retry-After against the deadline, one SSL context, env proxies.

Slow and huge answers come from a real socket (`tests.fakes.slow`), since that is where httpx's
per-read timeouts fall short; no test asserts a duration.
"""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from rolebot.deadline import Deadline
from rolebot.errors import BusyError, ServiceError
from rolebot.redaction import Secret
from rolebot.services.geekbot import GeekbotNotifier
from rolebot.services.http import HttpClient, transport
from rolebot.services.retry import RetryPolicy
from rolebot.services.slack import SlackMembers
from tests.conftest import Sleeps
from tests.fakes.server import FakeRequest, FakeResponse, FakeServer, mock_transport
from tests.fakes.slack import TOKEN, demo_workspace
from tests.fakes.slow import SlowServer

ONCE = RetryPolicy(attempts=1)


def client(url: str, sleeps: Sleeps, **options: object) -> HttpClient:
    return HttpClient("Test", url, {}, url_setting="ROLEBOT_TEST_URL", sleep=sleeps, **options)  # type: ignore[arg-type]


# --- time ----------------------------------------------------------------------------------------


@pytest.mark.slow  # waits out a real time limit
@pytest.mark.parametrize("behaviour", ["trickle-body", "trickle-head"])
def test_a_server_trickling_bytes_ends_at_the_requests_time_limit(behaviour: str, sleeps: Sleeps) -> None:
    with SlowServer(behaviour, interval=0.02) as server:  # type: ignore[arg-type]
        slow = client(server.url, sleeps, timeout=0.3, policy=ONCE)
        with pytest.raises(ServiceError) as caught:
            slow.request_json("GET", "/api/users.list")
    host = server.url.removeprefix("http://")
    assert caught.value.message == (
        f"Test: no answer from {host} (timed out: no whole answer within 0.3 s) after 1 tries"
    )
    assert "ROLEBOT_TEST_URL" in (caught.value.hint or "")


@pytest.mark.slow  # waits out a real time limit
def test_a_trickling_server_is_tried_again_within_the_policy(sleeps: Sleeps) -> None:
    with SlowServer("trickle-body", interval=0.02) as server:
        slow = client(server.url, sleeps, timeout=0.1, policy=RetryPolicy(attempts=3))
        with pytest.raises(ServiceError, match=r"timed out: no whole answer within 0.1 s\) after 3 tries"):
            slow.request_json("GET", "/api/users.list")
    assert len(sleeps.calls) == 2


@pytest.mark.slow  # waits out a real time limit
def test_a_trickling_slack_ends_with_the_commands_deadline(sleeps: Sleeps) -> None:
    with SlowServer("trickle-body", interval=0.05) as server:
        url = f"{server.url}/api/"
        members = SlackMembers.connect(url, Secret(TOKEN), sleep=sleeps, log=None, deadline=Deadline(0.5))
        with pytest.raises(BusyError) as caught:
            members.members("support-triagers")
    assert str(caught.value) == (
        "the command ran out of time (0.5 s) while waiting for Slack (GET usergroups.list) — "
        "a service is answering very slowly: try again later, or raise ROLEBOT_TIMEOUT (seconds)"
    )
    assert sleeps.calls == []


@pytest.mark.slow  # waits out a real time limit
def test_a_trickling_geekbot_ends_with_the_commands_deadline(sleeps: Sleeps) -> None:
    with SlowServer("trickle-body", interval=0.05) as server:
        notifier = GeekbotNotifier.connect(
            server.url, Secret("api_key"), sleep=sleeps, log=None, deadline=Deadline(0.5)
        )
        with pytest.raises(BusyError) as caught:
            notifier.find_standup("SupportTriagerStandup", "3221")
    assert str(caught.value).startswith("the command ran out of time (0.5 s) while waiting for Geekbot (GET ")
    assert sleeps.calls == []


def test_a_retry_after_longer_than_the_command_has_left_is_not_waited_for(sleeps: Sleeps) -> None:
    slack = demo_workspace()
    slack.rate_limit(times=None, retry_after=45, methods=["usergroups.list"])
    members = SlackMembers.connect(
        "https://slack.test/api/", Secret(TOKEN), sleep=sleeps, log=None, deadline=Deadline(30),
        transport=mock_transport(slack),
    )  # fmt: skip
    with pytest.raises(ServiceError) as caught:
        members.members("support-triagers")
    assert caught.value.message == "Slack: rate limit hit and still in force after 1 tries (HTTP 429)"
    assert sleeps.calls == []


# --- size ----------------------------------------------------------------------------------------


def test_an_answer_announcing_more_than_the_limit_is_refused_before_reading(sleeps: Sleeps) -> None:
    with SlowServer("huge-declared", declared=114 * 2**20) as server:
        huge = client(server.url, sleeps, max_body=2**20, policy=ONCE)
        with pytest.raises(ServiceError) as caught:
            huge.request_json("GET", "/api/users.list")
    assert caught.value.message == (
        "Test: the answer to GET /api/users.list is larger than rolebot reads (1 MiB; announced 114 MiB), "
        "so it stopped reading"
    )


def test_an_endless_answer_without_a_length_is_dropped_at_the_limit(sleeps: Sleeps) -> None:
    with SlowServer("endless-chunked") as server:
        endless = client(server.url, sleeps, max_body=2**20, policy=ONCE)
        with pytest.raises(ServiceError) as caught:
            endless.request_json("GET", "/api/users.list")
    assert caught.value.message.endswith("larger than rolebot reads (1 MiB; still coming), so it stopped reading")
    assert "ROLEBOT_TEST_URL" in (caught.value.hint or "")


def test_the_limit_counts_decoded_bytes_so_a_small_gzip_cannot_hide_a_huge_answer(sleeps: Sleeps) -> None:
    bomb = gzip.compress(b" " * (4 * 2**20))

    def handler(request: FakeRequest) -> FakeResponse:
        return FakeResponse(200, bomb, {"Content-Type": "application/json", "Content-Encoding": "gzip"})

    small = client("https://slack.test", sleeps, max_body=2**20, transport=mock_transport(handler))
    with pytest.raises(ServiceError, match="still coming"):
        small.request_json("GET", "/api/users.list")


def test_an_answer_within_the_limit_is_read_whole_and_decoded_once(sleeps: Sleeps) -> None:
    document = {"ok": True, "members": [{"id": f"U{i}"} for i in range(1000)]}

    def handler(request: FakeRequest) -> FakeResponse:
        body = gzip.compress(json.dumps(document).encode())
        return FakeResponse(200, body, {"Content-Type": "application/json", "Content-Encoding": "gzip", "X-Ok": "1"})

    fine = client("https://slack.test", sleeps, transport=mock_transport(handler))
    answer = fine.request_json("GET", "/api/users.list")
    assert (answer.status, answer.body, answer.headers["X-Ok"], answer.content_type) == (
        200,
        document,
        "1",
        "application/json",
    )
    assert "content-encoding" not in answer.headers  # the body is decoded once, and says so


def test_json_nested_absurdly_deep_is_not_an_answer_rather_than_a_crash(sleeps: Sleeps) -> None:
    def handler(request: FakeRequest) -> FakeResponse:
        return FakeResponse(200, b"[" * 100_000 + b"]" * 100_000, {"Content-Type": "application/json"})

    members = SlackMembers.connect(
        "https://slack.test/api/", Secret(TOKEN), sleep=sleeps, log=None, transport=mock_transport(handler)
    )
    with pytest.raises(ServiceError) as caught:
        members.members("support-triagers")
    assert caught.value.message == (
        "Slack: usergroups.list got HTTP 200 with a body that is not a Slack API answer (application/json)"
    )


# --- connections ---------------------------------------------------------------------------------


def test_every_live_client_of_the_process_shares_one_ssl_context(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []
    create = httpx.create_ssl_context

    def counted(*args: object, **kwargs: object) -> object:
        made.append(create())
        return made[-1]

    monkeypatch.setattr(transport, "_ssl_context", None)
    monkeypatch.setattr(httpx, "create_ssl_context", counted)
    slack = SlackMembers.connect("https://slack.com/api/", Secret(TOKEN), sleep=Sleeps(), log=None)
    geekbot = GeekbotNotifier.connect("https://api.geekbot.com", Secret("gb-key"), sleep=Sleeps(), log=None)
    again = SlackMembers.connect("https://slack.com/api/", Secret(TOKEN), sleep=Sleeps(), log=None)
    for service in (slack, geekbot, again):
        service.close()
    assert len(made) == 1
    assert transport.ssl_context() is made[0]


def test_a_proxy_the_environment_names_is_still_used(monkeypatch: pytest.MonkeyPatch, sleeps: Sleeps) -> None:
    slack = demo_workspace()
    with FakeServer(slack) as proxy:  # a forward proxy gets absolute URLs; the fake reads their path
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        members = SlackMembers.connect("http://slack.invalid/api/", Secret(TOKEN), sleep=sleeps, log=None)
        assert len(members.members("support-triagers")) == 6
    assert {r.path for r in proxy.requests} == {"/api/usergroups.list", "/api/users.list"}
