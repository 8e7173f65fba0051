"""The live Geekbot notifier, run for real over HTTP (httpx.MockTransport) against the fake."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from rolebot.models import ExistingStandup, StandupSpec
from rolebot.services.geekbot import CREATE_ATTEMPTS, GeekbotNotifier
from rolebot.services.retry import DEFAULT_POLICY
from rolebot.standups import plan_standup
from tests.conftest import Sleeps
from tests.fakes.geekbot import DEMO_KEY, DEMO_OWNER, FakeGeekbot
from tests.fakes.server import FakeRequest, FakeResponse, Recorder, mock_transport
from tests.services.geekbot_kit import (
    ADA,
    API,
    BRUNO,
    DANA,
    OTHER_KEY,
    Connect,
    calls,
    connector,
    expect,
    failure,
    spec,
)


@pytest.fixture
def fake() -> FakeGeekbot:
    return FakeGeekbot(keys={DEMO_KEY: DEMO_OWNER, OTHER_KEY: ADA})


@pytest.fixture
def recorder(fake: FakeGeekbot) -> Recorder:
    return Recorder(fake)


@pytest.fixture
def log() -> list[str]:
    return []


@pytest.fixture
def connect(recorder: Recorder, sleeps: Sleeps, log: list[str]) -> Connect:
    return connector(recorder, sleeps, log)


@pytest.fixture
def notifier(connect: Connect) -> GeekbotNotifier:
    return connect()


# -- create / find / update ---------------------------------------------------------------


def test_create_sends_the_v1_body_and_reads_the_standup_back(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    created = notifier.create_standup(spec())

    assert calls(recorder) == ["POST /v1/standups", "GET /v1/standups"]  # then listed again: see test_geekbot_race
    request = recorder.requests[0]
    assert request.header("authorization") == DEMO_KEY
    assert request.header("content-type") == "application/json"
    assert request.json() == {
        "name": "SupportTriagerStandup",
        "channel": "#support-freshdesk",
        "time": "10:00:00",
        "timezone": "user_local",
        "days": ["Wed"],
        "wait_time": 10,
        "questions": [{"question": spec().question}],
        "users": [BRUNO, DEMO_OWNER],
        "sync_channel_members": False,
        "personalised": False,
    }
    [stored] = fake.named("SupportTriagerStandup")
    assert created.removed == ()
    assert created.standup == ExistingStandup(
        id=str(stored["id"]),
        name="SupportTriagerStandup",
        channel="#support-freshdesk",
        days=("Wed",),
        time="10:00:00",
        timezone="user_local",
        questions=(spec().question,),
        participants=(BRUNO, DEMO_OWNER),
    )
    assert stored["wait_time"] == 600
    assert stored["master"] == DEMO_OWNER
    assert [u["realname"] for u in stored["users"]] == ["Bruno Silva", "Chen Wei"]


def test_create_without_wait_time_asks_at_the_exact_time(notifier: GeekbotNotifier, fake: FakeGeekbot) -> None:
    notifier.create_standup(spec(wait_time=None))

    [stored] = fake.named("SupportTriagerStandup")
    assert stored["wait_time"] == -1


def test_find_matches_the_exact_name_only(notifier: GeekbotNotifier, fake: FakeGeekbot) -> None:
    fake.seed(name="SupportTriagerStandup (old)", users=[DEMO_OWNER])
    fake.seed(name="supporttriagerstandup", users=[DEMO_OWNER])

    assert notifier.find_standup("SupportTriagerStandup").standup is None

    wanted = fake.seed(name="SupportTriagerStandup", users=[BRUNO, DEMO_OWNER])
    found = notifier.find_standup("SupportTriagerStandup").standup
    assert found is not None
    assert found.id == str(wanted["id"])


def test_find_reads_standups_tolerantly(notifier: GeekbotNotifier, fake: FakeGeekbot) -> None:
    """Real captures: channel null, days [], wait_time -1, no `flavor`; unknown fields too."""
    stored = fake.standups[fake.seed(name="SupportTriagerStandup", users=[BRUNO, DEMO_OWNER])["id"]]
    stored.update(channel=None, days=[], wait_time=-1, timezone=None, brand_new_field={"x": 1})
    for question in stored["questions"]:
        del question["flavor"]
    fake.seed(name="Someone else's", users=[DEMO_OWNER], questions=[{"question": "?"}])
    fake.standups[max(fake.standups)]["users"][0]["realname"] = None

    found = notifier.find_standup("SupportTriagerStandup").standup

    assert found is not None
    assert (found.channel, found.days, found.timezone) == (None, (), "")
    assert found.participants == (BRUNO, DEMO_OWNER)
    assert found.questions == ("How are you?",)


def test_find_ignores_standups_the_key_owner_has_no_part_in(connect: Connect, fake: FakeGeekbot) -> None:
    fake.seed(name="SupportTriagerStandup", users=[BRUNO, DEMO_OWNER])  # Ada, who is no admin, takes no part

    assert connect(key=OTHER_KEY).find_standup("SupportTriagerStandup").standup is None


def test_update_sends_only_participants_and_question_and_keeps_the_schedule(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    tuned: dict[str, Any] = {
        "time": "09:30:00",
        "days": ["Tue", "Wed"],
        "timezone": "Europe/Madrid",
        "channel": "#support",
    }
    before = fake.seed(name="SupportTriagerStandup", users=[ADA, DEMO_OWNER], wait_time=5, **tuned)
    existing = notifier.find_standup("SupportTriagerStandup").standup
    assert existing is not None
    wanted = spec(question="Hi Bruno! It is your turn now.")

    updated = notifier.update_standup(existing, wanted)

    assert calls(recorder) == ["GET /v1/me/teams", "GET /v1/standups", f"PATCH /v1/standups/{before['id']}"]
    assert recorder.requests[2].json() == {
        "users": [BRUNO, DEMO_OWNER],
        "sync_channel_members": False,
        "questions": [{"question": "Hi Bruno! It is your turn now."}],
    }
    [after] = fake.named("SupportTriagerStandup")
    assert {k: after[k] for k in tuned} == tuned
    assert after["wait_time"] == 300
    assert [u["id"] for u in after["users"]] == [BRUNO, DEMO_OWNER]
    assert after["questions"][0]["id"] != before["questions"][0]["id"]
    assert updated.participants == (BRUNO, DEMO_OWNER)
    assert updated.questions == ("Hi Bruno! It is your turn now.",)
    assert (updated.time, updated.days, updated.timezone, updated.channel) == (
        "09:30:00",
        ("Tue", "Wed"),
        "Europe/Madrid",
        "#support",
    )


def test_a_standup_that_already_says_it_all_gets_no_write(
    connect: Connect, fake: FakeGeekbot, recorder: Recorder
) -> None:
    connect().create_standup(spec(participants=(DEMO_OWNER, BRUNO)))
    recorder.requests.clear()

    existing = connect().find_standup("SupportTriagerStandup").standup
    change = plan_standup(spec(), existing)

    assert change.action == "unchanged"
    assert calls(recorder) == ["GET /v1/me/teams", "GET /v1/standups"]


def test_a_changed_question_is_planned_as_an_update(notifier: GeekbotNotifier) -> None:
    notifier.create_standup(spec())

    change = plan_standup(
        spec(question="Hi Dana!", participants=(DANA, DEMO_OWNER)), notifier.find_standup(spec().name).standup
    )

    assert change.action == "update"
    assert change.changed == ("participants", "question")


# -- errors -------------------------------------------------------------------------------


def test_a_wrong_key_is_refused_with_where_the_key_lives(connect: Connect, recorder: Recorder) -> None:
    wrong = "api_0000wrong0key0000000000000000"
    expect(recorder, ("GET", "/v1/me/teams", 1))  # a refused key is not retried

    text = failure(lambda: connect(key=wrong).find_standup("SupportTriagerStandup"), key=wrong)

    assert "HTTP 401" in text
    assert "API key is not valid" in text
    assert "ROLEBOT_GEEKBOT_TOKEN or secrets/geekbot_api_token.json" in text


def test_a_bearer_key_is_refused_by_geekbot(fake: FakeGeekbot) -> None:
    with httpx.Client(base_url=API, transport=mock_transport(fake)) as client:
        bearer = client.get("/v1/standups", headers={"Authorization": f"Bearer {DEMO_KEY}"})
        raw = client.get("/v1/standups", headers={"Authorization": DEMO_KEY})

    assert (bearer.status_code, bearer.json()) == (401, {"error": "Unauthorized"})
    assert (raw.status_code, raw.json()) == (200, [])


def test_a_key_whose_owner_may_not_edit_the_standup(connect: Connect, fake: FakeGeekbot, recorder: Recorder) -> None:
    fake.seed(owner=ADA, name="SupportTriagerStandup", users=[ADA, BRUNO])
    expect(recorder, ("GET", "/v1/me/teams", 1), ("GET", "/v1/standups", 1), ("PATCH", "/v1/standups/*", 1))
    theirs = connect(key=OTHER_KEY).find_standup("SupportTriagerStandup").standup
    assert theirs is not None

    text = failure(lambda: connect().update_standup(theirs, spec()))

    assert "HTTP 401" in text
    assert "its owner may not edit this standup" in text
    assert "standup manager named in the state" in text
    assert "ROLEBOT_GEEKBOT_TOKEN" in text
    assert [u["id"] for u in fake.named("SupportTriagerStandup")[0]["users"]] == [ADA, BRUNO]


@pytest.mark.parametrize(
    ("wanted", "message"),
    [
        (spec(time="10:00"), "Time should be in format xx:xx:xx (24 hours format)"),
        (spec(participants=("U0NOBODY99", DEMO_OWNER)), "User U0NOBODY99 is not a member of the team"),
    ],
)
def test_validation_errors_show_geekbots_message(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder, wanted: StandupSpec, message: str
) -> None:
    expect(recorder, ("POST", "/v1/standups", 1))  # a rejected create is neither retried nor looked up
    text = failure(lambda: notifier.create_standup(wanted))

    assert f"rejected creating the standup SupportTriagerStandup (HTTP 400): {message}" in text
    assert calls(recorder, "POST") == ["POST /v1/standups"]
    assert fake.standups == {}


def test_a_standup_deleted_meanwhile_says_a_rerun_creates_it(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    # The create (listed again after it), the lookup, then the one update that finds nothing.
    expect(
        recorder,
        ("POST", "/v1/standups", 1),
        ("GET", "/v1/me/teams", 1),
        ("GET", "/v1/standups", 2),
        ("PATCH", "/v1/standups/*", 1),
    )
    notifier.create_standup(spec())
    existing = notifier.find_standup("SupportTriagerStandup").standup
    assert existing is not None
    fake.standups.clear()

    text = failure(lambda: notifier.update_standup(existing, spec(question="Hi!")))

    assert f"SupportTriagerStandup (id {existing.id}) no longer exists (HTTP 404: Standup not found)" in text
    assert "run the command again: rolebot will create it anew" in text


def test_a_plan_without_api_access(notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder) -> None:
    fake.fail(403, times=None, body={"error": "API access is not included in your plan"})
    expect(recorder, ("GET", "/v1/me/teams", 1))

    text = failure(lambda: notifier.find_standup("SupportTriagerStandup"))

    assert "HTTP 403: API access is not included in your plan" in text
    assert "plan must include API access" in text


def test_a_bare_string_error_body_is_shown(notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder) -> None:
    fake.fail(422, method="POST", body="Unprocessable")
    expect(recorder, ("POST", "/v1/standups", 1))

    text = failure(lambda: notifier.create_standup(spec()))

    assert "HTTP 422: Unprocessable" in text


# -- retries ------------------------------------------------------------------------------


def test_rate_limits_are_waited_out_as_retry_after_says(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder, sleeps: Sleeps
) -> None:
    fake.fail(429, method="GET", times=2, headers={"Retry-After": "7"})
    fake.fail(429, method="POST", times=1, headers={"Retry-After": "3"})

    assert notifier.find_standup("SupportTriagerStandup").standup is None
    notifier.create_standup(spec())

    assert sleeps.calls == [7.0, 7.0, 3.0]
    assert calls(recorder) == [
        *["GET /v1/me/teams"] * 3,
        "GET /v1/standups",
        *["POST /v1/standups"] * 2,
        "GET /v1/standups",
    ]
    assert len(fake.named("SupportTriagerStandup")) == 1


def test_a_rate_limit_that_lasts_ends_in_a_clear_error(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder, sleeps: Sleeps
) -> None:
    fake.fail(429, times=None, headers={"Retry-After": "2"})
    expect(recorder, ("GET", "/v1/me/teams", DEFAULT_POLICY.attempts))

    text = failure(lambda: notifier.find_standup("SupportTriagerStandup"))

    assert "rate limit" in text
    assert len(recorder.requests) == DEFAULT_POLICY.attempts
    assert sleeps.calls == [2.0] * (DEFAULT_POLICY.attempts - 1)


def test_a_failing_service_is_retried_a_bounded_number_of_times(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder, sleeps: Sleeps
) -> None:
    fake.fail(503, times=None)
    expect(recorder, ("GET", "/v1/me/teams", DEFAULT_POLICY.attempts))

    text = failure(lambda: notifier.find_standup("SupportTriagerStandup"))

    assert f"the service is failing (HTTP 503, {DEFAULT_POLICY.attempts} tries)" in text
    assert "re-running is safe" in text
    assert len(recorder.requests) == DEFAULT_POLICY.attempts
    assert len(sleeps.calls) == DEFAULT_POLICY.attempts - 1


def test_a_create_that_always_fails_is_checked_before_each_retry(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder, sleeps: Sleeps
) -> None:
    fake.fail(500, method="POST", times=None, body={"error": "Internal Server Error"})

    text = failure(lambda: notifier.create_standup(spec()))

    assert f"could not create the standup SupportTriagerStandup in {CREATE_ATTEMPTS} tries" in text
    assert "HTTP 500: Internal Server Error" in text
    assert "nothing was created" in text
    # The key owner is asked for once, to know which standups of that name would be theirs.
    assert calls(recorder) == ["POST /v1/standups", "GET /v1/me", "GET /v1/standups"] + [
        "POST /v1/standups",
        "GET /v1/standups",
    ] * (CREATE_ATTEMPTS - 1)
    assert len(sleeps.calls) == CREATE_ATTEMPTS - 1
    assert fake.standups == {}


def test_a_create_that_failed_before_writing_is_sent_again(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    fake.fail(502, method="POST", times=1)

    created = notifier.create_standup(spec())

    assert calls(recorder) == [
        "POST /v1/standups",
        "GET /v1/me",
        "GET /v1/standups",
        "POST /v1/standups",
        "GET /v1/standups",
    ]
    [stored] = fake.named("SupportTriagerStandup")
    assert created.standup.id == str(stored["id"])


def test_a_create_whose_answer_was_lost_is_not_made_twice(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder, log: list[str]
) -> None:
    fake.fail(500, method="POST", after_write=True)

    created = notifier.create_standup(spec())

    assert calls(recorder) == ["POST /v1/standups", "GET /v1/me", "GET /v1/standups"]
    [stored] = fake.named("SupportTriagerStandup")
    assert created.standup.id == str(stored["id"])
    assert created.standup.participants == (BRUNO, DEMO_OWNER)
    assert any("although the create had no clear answer" in line for line in log)


def test_a_create_whose_connection_dropped_after_sending_is_not_made_twice(
    connect: Connect, fake: FakeGeekbot, recorder: Recorder
) -> None:
    def drop_after_post(request: FakeRequest) -> FakeResponse:
        response = recorder(request)
        if request.method == "POST":
            raise httpx.ReadTimeout("the answer never came")
        return response

    created = connect(handler=drop_after_post).create_standup(spec())

    assert calls(recorder) == ["POST /v1/standups", "GET /v1/me", "GET /v1/standups"]
    assert [str(s["id"]) for s in fake.named("SupportTriagerStandup")] == [created.standup.id]


def test_a_create_whose_lookup_fails_too_stops_without_resending(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    fake.fail(500, times=None)
    # The create fails, and so does every try of the lookup that would tell whether it happened.
    expect(recorder, ("POST", "/v1/standups", 1), ("GET", "/v1/me", DEFAULT_POLICY.attempts))

    text = failure(lambda: notifier.create_standup(spec()))

    assert "the service is failing (HTTP 500" in text
    assert calls(recorder, "POST") == ["POST /v1/standups"]


# -- addresses ----------------------------------------------------------------------------


def test_no_request_has_a_trailing_slash(connect: Connect, recorder: Recorder) -> None:
    notifier = connect(api_url=API + "/")
    created = notifier.create_standup(spec()).standup
    notifier.find_standup("SupportTriagerStandup", created.id)
    notifier.find_standup("SupportTriagerStandup")
    notifier.update_standup(created, spec(question="Hi!"))
    notifier.delete_standup(created)

    assert notifier.description == "Geekbot (api.geekbot.com)"
    assert len(recorder.requests) == 7
    assert all(not r.path.endswith("/") for r in recorder.requests)


def test_geekbot_redirects_trailing_slashes(fake: FakeGeekbot) -> None:
    with httpx.Client(base_url=API, transport=mock_transport(fake)) as client:
        response = client.get("/v1/standups/", params={"admin": "true"}, headers={"Authorization": DEMO_KEY})

    assert response.status_code == 301
    assert response.headers["Location"] == "/v1/standups?admin=true"


def test_a_base_url_that_redirects_is_a_clear_error(connect: Connect, fake: FakeGeekbot, recorder: Recorder) -> None:
    fake.moved_hosts["api.geekbot.io"] = API
    notifier = connect(api_url="http://api.geekbot.io")

    text = failure(lambda: notifier.find_standup("SupportTriagerStandup"))
    assert "unexpected redirect (HTTP 301 to https://api.geekbot.com/v1/me/teams)" in text
    assert "ROLEBOT_GEEKBOT_API_URL" in text
    assert "no trailing slash" in text

    failure(lambda: notifier.create_standup(spec()))
    assert calls(recorder) == ["GET /v1/me/teams", "POST /v1/standups"]
    assert fake.standups == {}


def test_several_standups_with_the_same_name_not_all_made_by_the_key_owner(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    expect(recorder, ("GET", "/v1/me/teams", 1), ("GET", "/v1/standups", 1), ("GET", "/v1/me", 1))
    first = fake.seed(name="SupportTriagerStandup", users=[DEMO_OWNER])
    second = fake.seed(owner=ADA, name="SupportTriagerStandup", users=[BRUNO, DEMO_OWNER])

    text = failure(lambda: notifier.find_standup("SupportTriagerStandup"))

    assert f"2 standups are called SupportTriagerStandup (ids {first['id']}, {second['id']})" in text
    assert "delete or rename the extras" in text


@pytest.mark.parametrize(
    ("teams", "expected"),
    [
        ({"data": [], "has_more": False}, "to GET /v1/me/teams (teams: Field required)"),
        ({"teams": []}, "to GET /v1/standups (expected a list of standups)"),
    ],
)
def test_an_answer_that_is_not_geekbots_is_a_clear_error(connect: Connect, teams: object, expected: str) -> None:
    def not_geekbot(request: FakeRequest) -> FakeResponse:
        return FakeResponse.json(teams if request.path == "/v1/me/teams" else {"data": [], "has_more": False})

    answered = Recorder(not_geekbot)
    # An answer in a shape Geekbot does not use is not retried, and nothing is asked after it.
    reached = ["/v1/me/teams"] if "/v1/me/teams" in expected else ["/v1/me/teams", "/v1/standups"]
    expect(answered, *[("GET", path, 1) for path in reached])
    text = failure(lambda: connect(handler=answered).find_standup("SupportTriagerStandup"))

    assert f"unexpected answer from api.geekbot.com {expected}" in text
    assert "ROLEBOT_GEEKBOT_API_URL" in text


def test_a_standup_in_an_unexpected_shape_is_an_error_naming_every_problem(connect: Connect) -> None:
    def odd_standup(request: FakeRequest) -> FakeResponse:
        if request.path == "/v1/me/teams":
            return FakeResponse.json({"teams": [{"id": 1, "name": "Team", "is_admin": False}]})
        return FakeResponse.json([{"name": "SupportTriagerStandup", "questions": [{"id": 7}], "users": "everyone"}])

    odd = Recorder(odd_standup)
    expect(odd, ("GET", "/v1/me/teams", 1), ("GET", "/v1/standups", 1))
    text = failure(lambda: connect(handler=odd).find_standup("SupportTriagerStandup"))

    assert (
        "unexpected answer from api.geekbot.com to GET /v1/standups (id: Field required; "
        "questions[0].text: Field required; users: Input should be a valid list)"
    ) in text


# -- the key ------------------------------------------------------------------------------


def test_the_key_is_sent_raw_and_never_logged(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder, log: list[str]
) -> None:
    fake.fail(429, method="GET", headers={"Retry-After": "1"})
    fake.fail(500, method="POST", after_write=True)
    created = notifier.create_standup(spec()).standup
    notifier.update_standup(created, spec(question="Hi!"))

    assert {r.header("authorization") for r in recorder.requests} == {DEMO_KEY}
    assert any(line.startswith("Geekbot: PATCH /v1/standups/") for line in log)
    assert all(DEMO_KEY not in line for line in log)
