"""The fake-service framework itself: expected requests are checked, servers answer on real
sockets, and a closed port stays closed."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.server import (
    FakeRequest,
    FakeResponse,
    FakeServer,
    Recorder,
    closed_port_url,
    mock_transport,
    verify_expectations,
)

pytest_plugins = ["pytester"]


def ok(request: FakeRequest) -> FakeResponse:
    return FakeResponse.json({"ok": True, "path": request.path})


@pytest.fixture
def recorder() -> Recorder:
    return Recorder(ok)


def send(recorder: Recorder, *requests: tuple[str, str]) -> None:
    with httpx.Client(base_url="https://fake.test", transport=mock_transport(recorder)) as client:
        for method, path in requests:
            client.request(method, path)


def test_an_expected_request_that_was_made_passes(recorder: Recorder) -> None:
    recorder.expect("POST", "/api/chat.postMessage")
    send(recorder, ("POST", "/api/chat.postMessage"))
    assert verify_expectations() == []


def test_an_expected_request_never_made_fails_and_lists_what_was(recorder: Recorder) -> None:
    recorder.expect("POST", "/api/chat.postMessage")
    send(recorder, ("GET", "/api/users.info"))
    assert verify_expectations() == [
        "expected POST /api/chat.postMessage (1 time), got 0",
        "requests made: GET /api/users.info",
    ]


def test_times_is_an_exact_count(recorder: Recorder) -> None:
    recorder.expect("GET", "/v1/standups", times=2)
    send(recorder, *[("GET", "/v1/standups")] * 3, ("POST", "/v1/standups"), ("GET", "/v1/standups"))
    assert verify_expectations() == [
        "expected GET /v1/standups (2 times), got 4",
        "requests made: GET /v1/standups × 3, POST /v1/standups, GET /v1/standups",
    ]


def test_times_none_means_at_least_once(recorder: Recorder) -> None:
    recorder.expect("GET", "/v1/standups", times=None)
    send(recorder, *[("GET", "/v1/standups")] * 3)
    assert verify_expectations() == []
    recorder.expect("GET", "/v1/standups/1", times=None)
    assert verify_expectations()[0] == "expected GET /v1/standups/1 (at least once), got 0"


def test_zero_times_says_a_request_must_not_be_made(recorder: Recorder) -> None:
    recorder.expect("DELETE", "/v1/standups/*", times=0)
    send(recorder, ("DELETE", "/v1/standups/3221"))
    assert verify_expectations()[0] == "expected DELETE /v1/standups/* (0 times), got 1"


def test_a_path_may_be_a_pattern_and_the_method_is_case_blind(recorder: Recorder) -> None:
    recorder.expect("get", "/calendar/v3/calendars/*/events", times=2)
    send(recorder, ("GET", "/calendar/v3/calendars/team%40group/events"), ("GET", "/calendar/v3/calendars/x/events"))
    assert verify_expectations() == []


def test_nothing_else_names_each_unexpected_request(recorder: Recorder) -> None:
    recorder.expect("GET", "/api/usergroups.list")
    recorder.expect_nothing_else()
    send(recorder, ("GET", "/api/usergroups.list"), ("GET", "/api/users.list"))
    assert verify_expectations() == [
        "unexpected request GET /api/users.list",
        "requests made: GET /api/usergroups.list, GET /api/users.list",
    ]


def test_nothing_else_alone_means_no_request_at_all(recorder: Recorder) -> None:
    recorder.expect_nothing_else()
    assert verify_expectations() == []
    recorder.expect_nothing_else()
    send(recorder, ("GET", "/api/users.list"))
    assert verify_expectations()[0] == "unexpected request GET /api/users.list"


def test_verifying_forgets_the_expectations_it_checked(recorder: Recorder) -> None:
    recorder.expect("GET", "/never")
    recorder.expect_nothing_else()
    assert verify_expectations() != []
    assert verify_expectations() == []
    recorder.expect("GET", "/next")  # the next test starts afresh
    send(recorder, ("GET", "/next"), ("GET", "/other"))
    assert verify_expectations() == []


def test_a_negative_count_is_refused(recorder: Recorder) -> None:
    with pytest.raises(ValueError, match="count"):
        recorder.expect("GET", "/x", times=-1)
    assert verify_expectations() == []


def test_a_server_answers_on_a_real_socket_and_checks_its_expectations() -> None:
    with FakeServer(ok) as server:
        server.expect("PUT", "/thing", times=2)
        server.expect_nothing_else()
        with httpx.Client(base_url=server.url) as client:
            answers = [client.put("/thing", json={"n": n}) for n in range(2)]
    assert [a.json() for a in answers] == [{"ok": True, "path": "/thing"}] * 2
    assert [r.json() for r in server.requests] == [{"n": 0}, {"n": 1}]
    assert verify_expectations() == []


def test_a_crashing_handler_answers_599_and_the_server_goes_on() -> None:
    def broken(request: FakeRequest) -> FakeResponse:
        if request.path == "/boom":
            raise RuntimeError("the fake has a bug")
        return ok(request)

    with FakeServer(broken) as server, httpx.Client(base_url=server.url) as client:
        assert client.get("/boom").status_code == 599
        assert client.get("/fine").status_code == 200


def test_a_closed_port_refuses_every_connection() -> None:
    url = closed_port_url()
    assert closed_port_url() == url
    for _ in range(2):
        with pytest.raises(httpx.ConnectError):
            httpx.get(url)


def test_the_fixture_fails_a_test_whose_fake_missed_an_expected_request(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("from tests.conftest import expected_requests")
    pytester.makepyfile(
        """
        from tests.fakes.server import FakeResponse, Recorder

        def test_met():
            recorder = Recorder(lambda request: FakeResponse())
            recorder.expect("GET", "/met", times=0)

        def test_missed():
            Recorder(lambda request: FakeResponse()).expect("POST", "/api/chat.postMessage")
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_missed*",
            "*expected POST /api/chat.postMessage (1 time), got 0",
            "*requests made: none",
        ]
    )
