"""One standup whatever runs at once. Geekbot has no idempotency key, so runs at the same time
may each create the standup; after creating, each lists again, keeps the oldest of those the key
owner created (lowest ID) and deletes its own copy if it is not that one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from rolebot.models import CreatedStandup, StandupSearch
from rolebot.redaction import Secret
from rolebot.services.geekbot import GeekbotNotifier
from tests.conftest import Sleeps
from tests.fakes.geekbot import DEMO_KEY, DEMO_OWNER, FakeGeekbot
from tests.fakes.server import FakeRequest, FakeResponse, FakeServer, Recorder
from tests.services.geekbot_kit import ADA, BRUNO, NAME, Connect, calls, connector, spec


@pytest.fixture
def fake() -> FakeGeekbot:
    return FakeGeekbot()


@pytest.fixture
def recorder(fake: FakeGeekbot) -> Recorder:
    return Recorder(fake)


@pytest.fixture
def log() -> list[str]:
    return []


@pytest.fixture
def connect(recorder: Recorder, sleeps: Sleeps, log: list[str]) -> Connect:
    return connector(recorder, sleeps, log)


def test_a_run_that_finds_an_older_twin_after_creating_deletes_its_own(
    connect: Connect, fake: FakeGeekbot, recorder: Recorder, log: list[str]
) -> None:
    twin = fake.seed(name=NAME, users=[BRUNO, DEMO_OWNER])  # another run's, made after our lookup

    created = connect().create_standup(spec())

    [ours] = [s for s in recorder.requests if s.method == "DELETE"]
    ours_id = ours.path.rsplit("/", 1)[1]
    assert created.standup.id == str(twin["id"])
    assert created.removed == (ours_id,)
    assert int(ours_id) > twin["id"]
    assert calls(recorder) == ["POST /v1/standups", "GET /v1/standups", f"DELETE /v1/standups/{ours_id}"]
    assert [s["id"] for s in fake.named(NAME)] == [twin["id"]]
    assert any("another run created SupportTriagerStandup at the same time" in line for line in log)


def test_the_run_that_made_the_oldest_keeps_it_and_leaves_the_newer_to_its_maker(
    connect: Connect, fake: FakeGeekbot, recorder: Recorder
) -> None:
    def another_run_creates_too(request: FakeRequest) -> FakeResponse:
        response = recorder(request)
        if request.method == "POST":
            fake.seed(name=NAME, users=[BRUNO, DEMO_OWNER])
        return response

    created = connect(handler=another_run_creates_too).create_standup(spec())

    assert created.removed == ()
    ours, newer = fake.named(NAME)  # the newer one is its own run's to delete
    assert (str(ours["id"]), ours["id"] < newer["id"]) == (created.standup.id, True)
    assert calls(recorder, "DELETE") == []


def test_a_twin_someone_else_made_is_never_deleted(connect: Connect, fake: FakeGeekbot, recorder: Recorder) -> None:
    theirs = fake.seed(owner=ADA, name=NAME, users=[ADA, DEMO_OWNER])

    created = connect().create_standup(spec())

    assert created == CreatedStandup(created.standup)
    assert created.standup.id != str(theirs["id"])
    assert calls(recorder, "DELETE") == []
    assert len(fake.named(NAME)) == 2


def test_a_create_whose_answer_was_lost_keeps_the_oldest_and_deletes_the_newer_copies(
    connect: Connect, fake: FakeGeekbot, recorder: Recorder
) -> None:
    twin = fake.seed(name=NAME, users=[BRUNO, DEMO_OWNER])
    theirs = fake.seed(owner=ADA, name=NAME, users=[ADA, DEMO_OWNER])
    fake.fail(500, method="POST", after_write=True)  # created, but the answer never came

    created = connect().create_standup(spec())

    # Which copy was this run's cannot be known after a lost answer, so every newer one of the
    # key owner's goes; someone else's stays.
    assert created.standup.id == str(twin["id"])
    assert len(created.removed) == 1
    assert calls(recorder) == [
        "POST /v1/standups",
        "GET /v1/me",
        "GET /v1/standups",
        f"DELETE /v1/standups/{created.removed[0]}",
    ]
    assert sorted(s["id"] for s in fake.named(NAME)) == [twin["id"], theirs["id"]]


@pytest.mark.parametrize("runs", [2, 3])
@pytest.mark.parametrize("trial", range(4))
def test_runs_at_the_same_time_leave_exactly_one_standup(runs: int, trial: int, sleeps: Sleeps) -> None:
    """Each run looks the standup up, finds none and creates it; the fake holds every create
    until all runs have sent theirs, so each really makes one. Exactly one must remain."""
    fake = FakeGeekbot()
    fake.hold_creates(runs)

    def run(server: FakeServer) -> CreatedStandup | StandupSearch:
        notifier = GeekbotNotifier.connect(server.url, Secret(DEMO_KEY), sleep=sleeps, log=None)
        try:
            found = notifier.find_standup(NAME)
            return found if found.standup is not None else notifier.create_standup(spec())
        finally:
            notifier.close()

    with FakeServer(fake, latency=0.002 * trial) as server, ThreadPoolExecutor(max_workers=runs) as pool:
        results = list(pool.map(lambda _: run(server), range(runs)))

    [kept] = fake.named(NAME)
    assert len([r for r in server.requests if r.method == "POST"]) == runs  # the race really happened
    assert all(isinstance(r, CreatedStandup) and r.standup.id == str(kept["id"]) for r in results)
    removed = sorted(i for r in results if isinstance(r, CreatedStandup) for i in r.removed)
    assert len(removed) == runs - 1
    assert [f"DELETE /v1/standups/{i}" for i in removed] == sorted(
        f"{r.method} {r.path}" for r in server.requests if r.method == "DELETE"
    )
    assert all(int(i) > kept["id"] for i in removed)
