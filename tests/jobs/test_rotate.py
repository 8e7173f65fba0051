"""The rotate job driven directly (no command line): the local backend, and a fake Geekbot."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from rolebot.context import AppContext
from rolebot.jobs.rotate import CALENDAR, STANDUP, STATE, RotateOptions, RotateRun, run_rotate
from rolebot.settings import GlobalOptions
from tests.conftest import Sleeps, read_json
from tests.fakes.geekbot import DEMO_KEY, FakeGeekbot
from tests.fakes.server import FakeServer

MONDAY = "2026-11-30"  # the demo state was rotated for Wed 25 Nov; this plans Wed 2 Dec
ROTATED = "rotated for Wednesday 2 December 2026: Chen Wei comes in, Bruno Silva stays on"
Snapshot = Callable[[Path], dict[str, bytes]]


def local_app(today: str = MONDAY, environ: dict[str, str] | None = None, sleeps: Sleeps | None = None) -> AppContext:
    return AppContext(
        options=GlobalOptions(today=today, backend=None if environ else "local"),
        environ={"ROLEBOT_STATE": "state/team-roles.json", **(environ or {})},  # the file itself, not a local copy
        sleep=sleeps or Sleeps(),
    )


def lines(run: RotateRun) -> list[str]:
    return [step.line() for step in run.steps]


def rotate(app: AppContext, **options: object) -> RotateRun:
    try:
        return run_rotate(RotateOptions("support-triager", **options), app)
    finally:
        app.close()


def test_a_run_writes_the_state_holds_the_standup_back_and_fills_the_calendar(demo: Path) -> None:
    app = local_app()
    run = rotate(app)
    assert lines(run) == [
        f"✓ state: {ROTATED} (written to state/team-roles.json)",
        "✓ standup: SupportTriagerStandup shown above (local backend: nothing sent)",
        "✓ calendar: 53 created; the series reaches 2027-11-24",
    ]
    assert read_json(demo / "team-roles.json")["last_rotated"] == {"support_triager": "2026-12-02"}
    assert (demo / "calendar.ics").read_text().count("BEGIN:VEVENT") == 53
    [held_back] = app.services.outbox.take()
    assert held_back == run.plan(STANDUP).spec
    assert held_back.question.startswith("Hi Chen!")
    assert run.rotation is not None
    assert [m.name for m in run.rotation.after] == ["Chen Wei", "Bruno Silva"]
    assert len(run.plan(CALENDAR).creates) == 53


def test_a_rerun_changes_nothing(demo: Path, snapshot_files: Snapshot) -> None:
    rotate(local_app())
    before = snapshot_files(demo)
    run = rotate(local_app())
    assert lines(run)[0] == "✓ state: already rotated for 2026-12-02; nothing to do (use --force to redo)"
    assert lines(run)[2] == "✓ calendar: nothing to create; the series reaches 2027-11-24"
    assert snapshot_files(demo) == before


def test_a_dry_run_plans_every_step_and_changes_nothing(demo: Path, snapshot_files: Snapshot) -> None:
    before = snapshot_files(demo)
    app = local_app()
    run = rotate(app, dry_run=True)
    assert run.steps == ()
    assert set(run.plans) == {STATE.name, STANDUP.name, CALENDAR.name}
    assert run.plan(STANDUP).action == "create"
    assert app.services.outbox.take() == []
    assert snapshot_files(demo) == before


def test_the_plans_are_seen_before_anything_is_written(demo: Path, snapshot_files: Snapshot) -> None:
    before = snapshot_files(demo)
    seen: list[tuple[bool, bool]] = []

    def planned(run: RotateRun) -> None:
        seen.append((run.rotation is not None, snapshot_files(demo) == before))

    app = local_app()
    try:
        run_rotate(RotateOptions("support-triager"), app, on_planned=planned)
    finally:
        app.close()
    assert seen == [(True, True)]
    assert snapshot_files(demo) != before


def test_steps_turned_off_say_so_and_are_neither_read_nor_planned(demo: Path) -> None:
    app = local_app()
    run = rotate(app, skip=frozenset({"standup", "calendar"}))
    assert lines(run) == [
        f"✓ state: {ROTATED} (written to state/team-roles.json)",
        "✓ standup: left alone (--no-standup)",
        "✓ calendar: no events added (--no-calendar)",
    ]
    assert set(run.plans) == {STATE.name}
    assert app.services.describe("notifier") == "unavailable"  # never built: the standup was not read
    assert not (demo / "calendar.ics").exists()


def test_without_the_state_step_the_others_follow_the_state_as_it_is(demo: Path) -> None:
    run = rotate(local_app(), skip=frozenset({"state"}))
    assert lines(run)[0] == "✓ state: left as it is (--no-state)"
    assert run.rotation is None
    assert run.plan(STANDUP).spec.question.startswith("Hi Bruno!")
    assert read_json(demo / "team-roles.json")["last_rotated"] == {"support_triager": "2026-11-25"}


def test_force_redoes_a_rotation_already_done(demo: Path) -> None:
    rotate(local_app())
    run = rotate(local_app(), force=True)
    assert lines(run)[0] == f"✓ state: {ROTATED} (state unchanged)"


def test_an_unreadable_calendar_stops_the_steps_that_need_it_and_not_the_standup(demo: Path) -> None:
    (demo / "calendar.ics").write_text("not a calendar")
    run = rotate(local_app())
    assert lines(run)[0].startswith("✗ state: state/calendar.ics is not a valid iCalendar file")
    assert lines(run)[1:] == [
        "✓ standup: SupportTriagerStandup shown above (local backend: nothing sent)",
        "✗ calendar: not done: same problem as the state step",
    ]
    assert run.failed == ("state", "calendar")


def test_a_state_write_that_fails_stops_the_steps_after_it(demo: Path) -> None:
    def block_the_state_directory(run: RotateRun) -> None:  # after the reads, before the writes
        for path in demo.iterdir():
            path.unlink()
        demo.rmdir()
        demo.write_text("a file where the state directory was")

    app = local_app()
    try:
        run = run_rotate(RotateOptions("support-triager"), app, on_planned=block_the_state_directory)
    finally:
        app.close()
    assert lines(run)[0].startswith("✗ state: cannot write the state file state/team-roles.json")
    assert lines(run)[1:] == [
        "✗ standup: not done: same problem as the state step",
        "✗ calendar: not done: same problem as the state step",
    ]
    assert app.services.outbox.take() == []


@pytest.fixture
def geekbot() -> Iterator[tuple[FakeGeekbot, FakeServer]]:
    fake = FakeGeekbot()
    with FakeServer(fake) as server:
        yield fake, server


def test_a_failing_standup_service_does_not_stop_the_calendar(
    demo: Path, geekbot: tuple[FakeGeekbot, FakeServer], sleeps: Sleeps
) -> None:
    fake, server = geekbot
    refused = fake.fail(503, method="POST", times=None)
    env = {"ROLEBOT_GEEKBOT_API_URL": server.url, "ROLEBOT_GEEKBOT_TOKEN": DEMO_KEY}
    run = rotate(local_app(environ=env, sleeps=sleeps))
    assert run.failed == ("standup",)
    assert lines(run)[1].startswith("✗ standup: Geekbot: ")
    assert lines(run)[2] == "✓ calendar: 53 created; the series reaches 2027-11-24"
    assert refused.hits > 0
    assert (demo / "calendar.ics").read_text().count("BEGIN:VEVENT") == 53
