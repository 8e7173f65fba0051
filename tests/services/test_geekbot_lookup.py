"""Finding the role's standup as Geekbot really lists them: by the ID the state keeps, then by
name (every standup of the team for an admin key), textless questions, duplicates, deletes.

The first tests pin down the fake itself (it once listed standups the key owner had left, and
never returned a question without text); the rest drive the live notifier against it."""

from __future__ import annotations

import httpx
import pytest

from rolebot.models import StandupSearch
from rolebot.services.geekbot import GeekbotNotifier
from rolebot.standups import plan_standup
from tests.conftest import Sleeps
from tests.fakes.geekbot import DEMO_KEY, DEMO_OWNER, FakeGeekbot
from tests.fakes.server import Recorder, mock_transport
from tests.services.geekbot_kit import ADA, API, BRUNO, NAME, OTHER_KEY, Connect, calls, connector, failure, spec

LIST, TEAMS, ME = "GET /v1/standups", "GET /v1/me/teams", "GET /v1/me"


@pytest.fixture
def fake() -> FakeGeekbot:
    return FakeGeekbot(keys={DEMO_KEY: DEMO_OWNER, OTHER_KEY: ADA})  # Chen Wei is an admin, Ada is not


@pytest.fixture
def recorder(fake: FakeGeekbot) -> Recorder:
    return Recorder(fake)


@pytest.fixture
def connect(recorder: Recorder, sleeps: Sleeps) -> Connect:
    return connector(recorder, sleeps, [])


@pytest.fixture
def notifier(connect: Connect) -> GeekbotNotifier:
    return connect()


def get(fake: FakeGeekbot, path: str, key: str = DEMO_KEY, method: str = "GET", **params: str) -> httpx.Response:
    with httpx.Client(base_url=API, transport=mock_transport(fake)) as client:
        return client.request(method, path, params=params, headers={"Authorization": key})


def ids(response: httpx.Response) -> list[int]:
    return [s["id"] for s in response.json()]


def query(recorder: Recorder, call: str) -> list[dict[str, list[str]]]:
    return [r.query for r in recorder.requests if f"{r.method} {r.path}" == call]


# -- the fake, as Geekbot behaves -----------------------------------------------------------


def test_the_fake_lists_only_the_standups_the_key_owner_takes_part_in(fake: FakeGeekbot) -> None:
    left = fake.seed(name="Left by its creator", users=[BRUNO])  # Chen Wei created it, then left it
    joined = fake.seed(owner=ADA, name="Ada's, with Chen in it", users=[ADA, DEMO_OWNER])
    adas = fake.seed(owner=ADA, name="Ada's own", users=[ADA])

    assert ids(get(fake, "/v1/standups")) == [joined["id"]]
    assert ids(get(fake, "/v1/standups", admin="true")) == [left["id"], joined["id"], adas["id"]]
    # Ada is no admin: the flag changes nothing for her.
    assert ids(get(fake, "/v1/standups", OTHER_KEY)) == [joined["id"], adas["id"]]
    assert ids(get(fake, "/v1/standups", OTHER_KEY, admin="true")) == [joined["id"], adas["id"]]


def test_the_fake_shows_a_standup_by_id_only_to_those_who_take_part(fake: FakeGeekbot) -> None:
    left = fake.seed(name=NAME, users=[BRUNO])
    adas = fake.seed(owner=ADA, name="Ada's own", users=[ADA])

    for key, standup in ((DEMO_KEY, left), (DEMO_KEY, adas), (OTHER_KEY, left)):
        response = get(fake, f"/v1/standups/{standup['id']}", key)
        assert (response.status_code, response.json()) == (404, {"error": "Standup not found"})
    assert get(fake, f"/v1/standups/{adas['id']}", OTHER_KEY).json()["name"] == "Ada's own"
    assert get(fake, "/v1/standups/999999").status_code == 404


def test_the_fake_says_who_owns_the_key_and_whether_they_are_an_admin(fake: FakeGeekbot) -> None:
    fake.seed(name=NAME)

    assert get(fake, "/v1/me/teams").json() == {
        "teams": [{"id": 456, "name": "Demo team", "is_admin": True, "standup_count": 1}]
    }
    assert get(fake, "/v1/me/teams", OTHER_KEY).json()["teams"][0]["is_admin"] is False
    me = get(fake, "/v1/me", OTHER_KEY).json()
    assert (me["user"]["id"], me["user"]["realname"], me["team"]) == (ADA, "Ada Okafor", fake.team)


def test_the_fake_deletes_once_and_only_for_who_may_edit(fake: FakeGeekbot) -> None:
    standup = fake.seed(name=NAME, users=[BRUNO])
    path = f"/v1/standups/{standup['id']}"

    refused = get(fake, path, OTHER_KEY, method="DELETE")
    deleted = get(fake, path, method="DELETE")  # its creator may, though he left it
    again = get(fake, path, method="DELETE")

    assert (refused.status_code, refused.json()) == (401, {"error": "Unauthorized"})
    assert (deleted.status_code, deleted.json()["id"]) == (200, standup["id"])
    assert (again.status_code, again.json()) == (404, {"error": "Not found"})
    assert fake.standups == {}


def test_the_fake_returns_questions_without_text_when_seeded_so(fake: FakeGeekbot) -> None:
    standup = fake.seed(name=NAME, users=[DEMO_OWNER], questions=[{"question": None}, {"question": "Any news?"}])

    questions = get(fake, f"/v1/standups/{standup['id']}").json()["questions"]

    assert [q["text"] for q in questions] == [None, "Any news?"]
    assert questions[0]["is_random"] is True


# -- questions without text -----------------------------------------------------------------


def test_a_standup_with_a_textless_question_is_found_and_its_question_updated(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    seeded = fake.seed(name=NAME, users=[BRUNO, DEMO_OWNER], questions=[{"question": None}])

    found = notifier.find_standup(NAME, str(seeded["id"])).standup
    assert found is not None
    assert found.questions == (None,)
    change = plan_standup(spec(), found)
    assert (change.action, change.changed) == ("update", ("question",))
    updated = notifier.update_standup(found, spec())

    assert updated.questions == (spec().question,)
    assert calls(recorder) == [f"GET /v1/standups/{seeded['id']}", f"PATCH /v1/standups/{seeded['id']}"]
    assert plan_standup(spec(), notifier.find_standup(NAME, updated.id).standup).action == "unchanged"


# -- by the ID the state keeps, then by name --------------------------------------------------


def test_the_id_the_state_keeps_is_fetched_directly(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    fake.seed(name=NAME, users=[DEMO_OWNER])  # an older one of the same name: not looked at
    kept = fake.seed(name=NAME, users=[BRUNO, DEMO_OWNER])

    found = notifier.find_standup(NAME, str(kept["id"]))

    assert found == StandupSearch(found.standup)
    assert found.standup is not None
    assert (found.standup.id, found.standup.participants) == (str(kept["id"]), (BRUNO, DEMO_OWNER))
    assert calls(recorder) == [f"GET /v1/standups/{kept['id']}"]


def test_a_kept_id_now_under_another_name_is_returned_as_it_is(notifier: GeekbotNotifier, fake: FakeGeekbot) -> None:
    renamed = fake.seed(name="Triage", users=[DEMO_OWNER])

    found = notifier.find_standup(NAME, str(renamed["id"])).standup

    assert found is not None
    assert (found.id, found.name) == (str(renamed["id"]), "Triage")  # the planner refuses it: see test_standups


def test_an_admin_key_finds_the_standup_its_owner_was_removed_from(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    removed = fake.seed(name=NAME, users=[BRUNO])  # someone took Chen Wei out of it in the dashboard
    standup_id = str(removed["id"])

    found = notifier.find_standup(NAME, standup_id).standup
    assert found is not None
    updated = notifier.update_standup(found, spec())

    assert found.id == standup_id
    assert calls(recorder) == [f"GET /v1/standups/{standup_id}", TEAMS, LIST, f"PATCH /v1/standups/{standup_id}"]
    assert query(recorder, LIST) == [{"admin": ["true"]}]
    assert updated.participants == (BRUNO, DEMO_OWNER)  # back in it
    assert len(fake.standups) == 1


def test_without_an_id_an_admin_key_lists_every_standup_of_the_team(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    removed = fake.seed(name=NAME, users=[BRUNO])

    found = notifier.find_standup(NAME).standup

    assert found is not None
    assert found.id == str(removed["id"])
    assert calls(recorder) == [TEAMS, LIST]
    assert query(recorder, LIST) == [{"admin": ["true"]}]


def test_an_admin_key_tells_that_the_kept_standup_was_deleted(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    fake.seed(owner=ADA, name="Something else", users=[ADA])

    assert notifier.find_standup(NAME, "3100") == StandupSearch()  # nothing hidden: a new one may be made
    assert calls(recorder) == ["GET /v1/standups/3100", TEAMS, LIST]


@pytest.mark.parametrize("how", ["removed", "deleted"])
def test_a_kept_id_a_non_admin_cannot_see_is_reported_not_guessed_about(
    connect: Connect, fake: FakeGeekbot, recorder: Recorder, how: str
) -> None:
    standup = fake.seed(owner=ADA, name=NAME, users=[ADA, BRUNO])
    if how == "removed":
        fake.standups[standup["id"]]["users"] = [u for u in standup["users"] if u["id"] != ADA]
    else:
        del fake.standups[standup["id"]]

    found = connect(key=OTHER_KEY).find_standup(NAME, str(standup["id"]))

    assert found == StandupSearch(unseen_id=str(standup["id"]))  # the two cases look alike
    assert calls(recorder) == [f"GET /v1/standups/{standup['id']}", TEAMS, LIST]
    assert query(recorder, LIST) == [{}]
    assert calls(recorder, "POST") == []


def test_a_kept_id_a_non_admin_cannot_see_gives_way_to_a_visible_standup_of_the_name(
    connect: Connect, fake: FakeGeekbot
) -> None:
    hidden = fake.seed(owner=ADA, name=NAME, users=[BRUNO])
    visible = fake.seed(owner=ADA, name=NAME, users=[ADA, BRUNO])

    found = connect(key=OTHER_KEY).find_standup(NAME, str(hidden["id"])).standup

    assert found is not None
    assert found.id == str(visible["id"])


def test_the_key_owners_teams_are_asked_once_per_run(notifier: GeekbotNotifier, recorder: Recorder) -> None:
    notifier.find_standup(NAME)
    notifier.find_standup(NAME, "3300")

    assert calls(recorder) == [TEAMS, LIST, "GET /v1/standups/3300", LIST]


# -- duplicates ----------------------------------------------------------------------------------


def test_duplicates_the_key_owner_made_are_found_oldest_first_and_nothing_is_deleted_yet(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    made = [fake.seed(name=NAME, users=[BRUNO, DEMO_OWNER]) for _ in range(3)]
    fake.standups[made[0]["id"]]["users"] = []  # the oldest one, hidden but for the admin listing

    found = notifier.find_standup(NAME)

    assert found.standup is not None
    assert found.standup.id == str(made[0]["id"])
    assert [s.id for s in found.extras] == [str(m["id"]) for m in made[1:]]
    assert calls(recorder) == [TEAMS, LIST, ME]
    assert len(fake.named(NAME)) == 3  # a lookup never deletes (a dry run looks up too)


def test_duplicates_not_all_made_by_the_key_owner_are_an_error_naming_them(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    mine = fake.seed(name=NAME, users=[DEMO_OWNER])
    theirs = fake.seed(owner=ADA, name=NAME, users=[ADA, BRUNO])

    text = failure(lambda: notifier.find_standup(NAME))

    assert f"2 standups are called {NAME} (ids {mine['id']}, {theirs['id']})" in text
    assert f"not all were created by the key owner ({theirs['id']} by {ADA})" in text
    assert "deletes none" in text
    assert "delete or rename the extras in Geekbot" in text
    assert calls(recorder, "DELETE") == []


def test_delete_says_whether_the_standup_was_still_there(
    notifier: GeekbotNotifier, fake: FakeGeekbot, recorder: Recorder
) -> None:
    seeded = fake.seed(name=NAME, users=[DEMO_OWNER])
    standup = notifier.find_standup(NAME, str(seeded["id"])).standup
    assert standup is not None

    assert notifier.delete_standup(standup) is True
    assert notifier.delete_standup(standup) is False
    assert calls(recorder, "DELETE") == [f"DELETE /v1/standups/{seeded['id']}"] * 2
    assert fake.standups == {}


def test_a_delete_refused_is_one_clear_line(connect: Connect, fake: FakeGeekbot) -> None:
    seeded = fake.seed(name=NAME, users=[DEMO_OWNER])
    standup = connect().find_standup(NAME, str(seeded["id"])).standup
    assert standup is not None

    text = failure(lambda: connect(key=OTHER_KEY).delete_standup(standup), key=OTHER_KEY)

    assert f"refused deleting the duplicate standup {NAME} (id {seeded['id']})" in text
    assert "its owner may not edit this standup" in text


def test_an_id_from_a_hand_edited_state_stays_inside_the_standups_path(
    notifier: GeekbotNotifier, recorder: Recorder
) -> None:
    assert notifier.find_standup(NAME, "../me") == StandupSearch()
    assert calls(recorder)[0] == "GET /v1/standups/..%2Fme"
