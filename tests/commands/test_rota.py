"""Replan, swap, cover and away through the real CLI, on both backends: the local iCalendar file
and the fake Google Calendar on a socket (Slack and Geekbot stay local)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from rolebot.turns import neighbours
from tests.commands.rota_kit import TRIAGER, Backend, group, set_group
from tests.conftest import Invoke, one_error_line, read_json
from tests.fakes.google import FakeGoogle
from tests.helpers import TRIAGER as ROLE

TODAY = "2026-11-30"  # a Monday: the coming handoff is Wednesday 2 December, frozen until 16 December
WEEK = timedelta(weeks=1)
ADA, BRUNO, CHEN, DANA, EMEKA, FARAH = (
    ("U05ADA1234", "Ada Okafor"),
    ("U05BRU5678", "Bruno Silva"),
    ("U05CHE9012", "Chen Wei"),
    ("U05DAN3456", "Dana Kowalski"),
    ("U05EME7890", "Emeka Nwosu"),
    ("U05FAR2345", "Farah Haddad"),
)
CARA = ("U05CAR0001", "Cara Ng")  # sorts between Bruno and Chen


@pytest.fixture(params=["local", "google"])
def backend(request: pytest.FixtureRequest, demo: Path, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "local":
        yield Backend("local", demo)
        return
    fake = FakeGoogle()
    with fake.serve():
        key = tmp_path / "keys" / "key.json"
        key.parent.mkdir()
        key.write_text(json.dumps(fake.key_for()))
        env = {
            "ROLEBOT_BACKEND": "auto",
            "ROLEBOT_GOOGLE_API_URL": fake.server.url,  # type: ignore[union-attr]
            "ROLEBOT_CALENDAR_ID": fake.calendar_id,
            "ROLEBOT_GOOGLE_CREDENTIALS": str(key),
        }
        yield Backend("google", demo, fake, env)


def run(rolebot: Invoke, backend: Backend, *args: str, today: str = TODAY) -> object:
    return rolebot("--today", today, *args, env=backend.env)


def filled(rolebot: Invoke, backend: Backend) -> dict[date, str]:
    result = rolebot("--today", TODAY, "rotate", TRIAGER, env=backend.env)
    assert result.exit_code == 0, result.output
    return served(backend)


def served(backend: Backend) -> dict[date, str]:
    """Who each support-triager event names, by start date."""
    return {e.start: e.summary.removeprefix("Support Triager: ") for e in backend.events()}


def replan(rolebot: Invoke, backend: Backend, *more: str, today: str = TODAY):  # type: ignore[no-untyped-def]
    result = rolebot("--today", today, "calendar", "replan", TRIAGER, "--yes", *more, env=backend.env)
    assert result.exit_code == 0, result.output
    return result


def check_calendar(backend: Backend, handoff: date, members: list[tuple[str, str]], away: list[dict[str, str]]) -> None:
    """One event per handoff from the current turn to the horizon, no gap, no duplicate, nobody on
    two overlapping turns, nobody absent or gone named in a planned event, owners fair within one."""
    events = [e for e in backend.events() if e.start >= handoff - WEEK]
    starts = [e.start for e in events]
    assert starts == [handoff - WEEK + n * WEEK for n in range(53)], "a gap or a duplicate"
    ids = {ident for ident, _ in members}
    by_day = {e.start: e for e in events}
    server = {d: e.private.get("rolebot_server") or e.private.get("rolebot_member") for d, e in by_day.items()}
    for day, event in by_day.items():
        for near in neighbours(ROLE, day):
            if near in server and day >= handoff:
                assert server[near] != server[day] or "rolebot_pinned" in event.private, (day, near)
        planned = "rolebot_member" in event.private and "rolebot_pinned" not in event.private
        if planned and day >= handoff:
            assert server[day] in ids, (day, event.summary)
            for item in away:
                if item["id"] == server[day]:
                    last = day + 2 * WEEK - timedelta(days=1)
                    assert not (date.fromisoformat(item["from"]) <= last and day <= date.fromisoformat(item["to"]))
    # Fairness: between pinned turns (where the round robin may restart), owners take turns.
    pinned = {server[d] for d in by_day if "rolebot_pinned" in by_day[d].private or not by_day[d].private}
    stretch: list[str | None] = []
    for day in [d for d in starts if d > handoff + 2 * WEEK]:
        event = by_day[day]
        if "rolebot_pinned" in event.private or not event.private:
            _fair(stretch, ids - pinned)
            stretch = []
        else:
            stretch.append(event.private.get("rolebot_member"))
    _fair(stretch, ids - pinned)


def _fair(owners: list[str | None], members: set[str]) -> None:
    counts = [owners.count(ident) for ident in members]
    if counts and len(owners) >= len(members):
        assert max(counts) - min(counts) <= 1, counts


# --- leavers, joiners, hand edits --------------------------------------------------------------


@pytest.mark.slow  # several whole jobs
def test_a_leaver_inside_the_freeze_window_is_replaced_and_the_rest_of_the_window_stays(
    rolebot: Invoke, backend: Backend
) -> None:
    before = filled(rolebot, backend)
    set_group(backend.state, [ADA, BRUNO, DANA, EMEKA, FARAH])  # Chen, who comes in on 2 December, left
    result = replan(rolebot, backend)
    after = served(backend)
    assert "Chen left the group" in result.stdout  # named as the event names him: he is gone
    assert after[date(2026, 12, 2)] != "Chen"
    assert [after[d] for d in (date(2026, 12, 9), date(2026, 12, 16))] == [before[date(2026, 12, 9)], "Emeka"]
    assert "Chen" not in [name for day, name in after.items() if day >= date(2026, 12, 2)]
    snapshot = backend.snapshot()
    again = replan(rolebot, backend)
    assert "nothing to move or create" in again.stderr
    assert backend.snapshot() == snapshot
    # The state follows: it was rotated for 2 December, whose turn moved.
    assert read_json(backend.state / "team-roles.json")["support_triager"]["incoming"]["id"] == after_id(after)
    check_calendar(backend, date(2026, 12, 2), group(backend.state), [])


def after_id(after: dict[date, str]) -> str:
    first = after[date(2026, 12, 2)]
    return next(ident for ident, name in (ADA, BRUNO, CHEN, DANA, EMEKA, FARAH) if name.split()[0] == first)


@pytest.mark.slow  # several whole jobs
def test_a_leaver_beyond_the_freeze_window_moves_only_turns_after_it(rolebot: Invoke, backend: Backend) -> None:
    before = filled(rolebot, backend)
    set_group(backend.state, [BRUNO, CHEN, DANA, EMEKA, FARAH])  # Ada's next turn is 30 December
    replan(rolebot, backend)
    after = served(backend)
    window = [date(2026, 11, 25) + n * WEEK for n in range(4)]
    assert [after[d] for d in window] == [before[d] for d in window]
    assert "Ada" not in after.values()
    check_calendar(backend, date(2026, 12, 2), group(backend.state), [])


@pytest.mark.slow  # several whole jobs
def test_a_joiner_serves_within_one_cycle_after_the_window(rolebot: Invoke, backend: Backend) -> None:
    filled(rolebot, backend)
    set_group(backend.state, [ADA, BRUNO, CARA, CHEN, DANA, EMEKA, FARAH])
    result = replan(rolebot, backend, "--json")
    plan = json.loads(result.stdout)
    assert any(change["reason"] == "joined" for change in plan["changes"])
    after = served(backend)
    cycle = [date(2026, 12, 23) + n * WEEK for n in range(7)]
    assert "Cara" in [after[d] for d in cycle]
    check_calendar(backend, date(2026, 12, 2), group(backend.state), [])


@pytest.mark.slow  # several whole jobs
def test_a_hand_edited_event_survives_a_replan(rolebot: Invoke, backend: Backend) -> None:
    filled(rolebot, backend)
    backend.retitle(date(2027, 1, 13), "Support Triager: Dana")  # Ada's turn, taken over by Dana
    set_group(backend.state, [ADA, BRUNO, DANA, EMEKA, FARAH])  # and Chen left
    replan(rolebot, backend)
    assert served(backend)[date(2027, 1, 13)] == "Dana"
    assert served(backend)[date(2027, 1, 6)] != "Dana"  # nobody holds two overlapping turns


@pytest.mark.slow  # several whole jobs
def test_a_pinned_event_naming_a_leaver_warns_and_blocks_only_its_own_handoff(
    rolebot: Invoke, backend: Backend
) -> None:
    filled(rolebot, backend)
    backend.retitle(date(2026, 12, 23), "Support Triager: Emeka")  # Farah's turn, given to Emeka
    set_group(backend.state, [ADA, BRUNO, CHEN, DANA, FARAH])  # who then left
    result = replan(rolebot, backend)
    assert "warning: calendar event 'Support Triager: Emeka' on 2026-12-23 names 'Emeka'" in " ".join(
        result.stderr.split()
    )
    assert served(backend)[date(2026, 12, 23)] == "Emeka"
    blocked = rolebot("--today", "2026-12-21", "rotate", TRIAGER, env=backend.env)
    assert blocked.exit_code == 1
    assert "✗ state: calendar event 'Support Triager: Emeka' on 2026-12-23 names 'Emeka'" in blocked.stderr


# --- swap, cover, away -------------------------------------------------------------------------


@pytest.mark.slow  # several whole jobs
def test_swap_previews_then_trades_two_turns_once(rolebot: Invoke, backend: Backend) -> None:
    before = filled(rolebot, backend)
    a, b = date(2026, 12, 30), date(2027, 1, 13)
    snapshot = backend.snapshot()
    dry = run(rolebot, backend, "swap", TRIAGER, a.isoformat(), b.isoformat(), "--dry-run")
    assert dry.exit_code == 0, dry.output  # type: ignore[attr-defined]
    assert backend.snapshot() == snapshot
    done = run(rolebot, backend, "swap", TRIAGER, a.isoformat(), b.isoformat())
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    after = served(backend)
    assert (after[a], after[b]) == (before[b], before[a])
    assert {d for d in after if after[d] != before[d]} == {a, b}
    snapshot = backend.snapshot()
    again = run(rolebot, backend, "swap", TRIAGER, b.isoformat(), a.isoformat())
    assert "already swapped: nothing to do" in again.stderr  # type: ignore[attr-defined]
    assert backend.snapshot() == snapshot
    replan(rolebot, backend)
    assert served(backend) == after  # pinned: the replan moves neither


@pytest.mark.slow  # several whole jobs
def test_cover_of_the_handoff_last_rotated_for_moves_the_state_and_the_standup(
    rolebot: Invoke, backend: Backend
) -> None:
    filled(rolebot, backend)
    snapshot, state = backend.snapshot(), (backend.state / "team-roles.json").read_bytes()
    dry = run(rolebot, backend, "cover", TRIAGER, "2026-12-02", "--by", "Farah", "--dry-run")
    assert "the state and the standup follow" in dry.stderr  # type: ignore[attr-defined]
    assert (backend.snapshot(), (backend.state / "team-roles.json").read_bytes()) == (snapshot, state)
    done = run(rolebot, backend, "cover", TRIAGER, "2026-12-02", "--by", "Farah")
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    assert served(backend)[date(2026, 12, 2)] == "Farah"
    assert read_json(backend.state / "team-roles.json")["support_triager"]["incoming"]["name"] == "Farah Haddad"
    assert "Hi Farah!" in done.stdout  # type: ignore[attr-defined]
    again = run(rolebot, backend, "cover", TRIAGER, "2026-12-02", "--by", "U05FAR2345")
    assert "already covers" in again.stderr  # type: ignore[attr-defined]


@pytest.mark.slow  # several whole jobs
def test_away_trades_the_absent_turn_and_removing_it_restores_the_calendar(rolebot: Invoke, backend: Backend) -> None:
    before = filled(rolebot, backend)
    args = ("away", "add", "Dana", "--from", "2026-12-10", "--to", "2026-12-20")
    snapshot, state = backend.snapshot(), (backend.state / "team-roles.json").read_bytes()
    dry = run(rolebot, backend, *args, "--dry-run")
    assert dry.exit_code == 0, dry.output  # type: ignore[attr-defined]
    assert (backend.snapshot(), (backend.state / "team-roles.json").read_bytes()) == (snapshot, state)
    done = run(rolebot, backend, *args)
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    after = served(backend)
    moved = {d for d in after if after[d] != before[d]}
    assert moved == {date(2026, 12, 9), date(2026, 12, 23)}  # her turn and the nearest she can trade with
    assert (after[date(2026, 12, 9)], after[date(2026, 12, 23)]) == ("Farah", "Dana")
    away = read_json(backend.state / "team-roles.json")["away"]
    assert away == [{"id": DANA[0], "name": DANA[1], "from": "2026-12-10", "to": "2026-12-20"}]
    check_calendar(backend, date(2026, 12, 2), group(backend.state), away)
    listed = run(rolebot, backend, "away", "list")
    assert "Dana Kowalski   U05DAN3456   2026-12-10   2026-12-20" in listed.stdout  # type: ignore[attr-defined]
    snapshot = backend.snapshot()
    again = run(rolebot, backend, *args)
    assert "already recorded" in again.stderr  # type: ignore[attr-defined]
    assert backend.snapshot() == snapshot
    removed = run(rolebot, backend, "away", "remove", "U05DAN3456")
    assert removed.exit_code == 0, removed.output  # type: ignore[attr-defined]
    assert served(backend) == before
    assert "away" not in read_json(backend.state / "team-roles.json")


# --- bad input: one clear line each, nothing changed --------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("swap", TRIAGER, "2026-12-30", "2026-12-31"), 2, "DATE_B: 2026-12-31 is not a Support Triager handoff"),
        (("swap", TRIAGER, "2026-02-30", "2026-12-30"), 2, "DATE_A: '2026-02-30' is not a date"),
        (("cover", TRIAGER, "2026-12-30", "--by", "Zed"), 2, "--by: nobody called 'Zed'"),
        (("cover", TRIAGER, "2029-01-03", "--by", "Ada"), 1, "the calendar has no Support Triager event on 2029-01-03"),
        (("away", "add", "Zed", "--from", "2026-12-10", "--to", "2026-12-20"), 2, "NAME: nobody called 'Zed'"),
        (("away", "add", "Ada", "--from", "2026-12-20", "--to", "2026-12-10"), 2, "--from 2026-12-20 is after --to"),
        (("away", "remove", "Ada", "--from", "soon"), 2, "--from: 'soon' is not a date"),
    ],
    ids=["not-a-handoff", "impossible-date", "unknown-name", "no-event", "away-unknown", "from-after-to", "bad-from"],
)
def test_bad_input_is_one_line_and_changes_nothing(
    rolebot: Invoke, backend: Backend, args: tuple[str, ...], code: int, message: str
) -> None:
    filled(rolebot, backend)
    snapshot, state = backend.snapshot(), (backend.state / "team-roles.json").read_bytes()
    result = run(rolebot, backend, *args)
    assert result.exit_code == code, result.output  # type: ignore[attr-defined]
    assert message in one_error_line(result.stderr)  # type: ignore[attr-defined]
    assert (backend.snapshot(), (backend.state / "team-roles.json").read_bytes()) == (snapshot, state)


def test_an_ambiguous_name_lists_the_candidates(rolebot: Invoke, backend: Backend) -> None:
    filled(rolebot, backend)
    set_group(backend.state, [*group(backend.state), ("U05ADA9999", "Ada Lovelace")])
    result = run(rolebot, backend, "cover", TRIAGER, "2026-12-30", "--by", "Ada")
    assert result.exit_code == 2
    line = one_error_line(result.stderr)  # type: ignore[attr-defined]
    assert "'Ada' matches several members: Ada Lovelace (U05ADA9999), Ada Okafor (U05ADA1234)" in line


# --- live batching -------------------------------------------------------------------------------


@pytest.mark.slow  # several whole jobs
def test_the_live_replan_of_fifty_moved_events_is_one_batch_request(
    demo: Path, rolebot: Invoke, tmp_path: Path
) -> None:
    fake = FakeGoogle()
    with fake.serve():
        key = tmp_path / "key.json"
        key.write_text(json.dumps(fake.key_for()))
        live = Backend(
            "google",
            demo,
            fake,
            {
                "ROLEBOT_BACKEND": "auto",
                "ROLEBOT_GOOGLE_API_URL": fake.server.url,  # type: ignore[union-attr]
                "ROLEBOT_CALENDAR_ID": fake.calendar_id,
                "ROLEBOT_GOOGLE_CREDENTIALS": str(key),
            },
        )
        (tmp_path / "rolebot.toml").write_text("[roles.support-triager]\nhorizon = 70\n[roles.meeting-facilitator]\n")
        filled(rolebot, live)
        assert fake.batch_sizes == [71]
        set_group(demo, [ADA, BRUNO, CHEN, DANA, EMEKA])  # Farah left: every turn after the window moves
        result = replan(rolebot, live, "--json")
        moved = [c for c in json.loads(result.stdout)["changes"] if c["action"] == "update"]
        assert len(moved) >= 50
        assert fake.batch_sizes == [71, len(moved)]  # every update in one batch request


# --- ten weeks through the CLI -------------------------------------------------------------------

POOL = [ADA, BRUNO, CHEN, DANA, EMEKA, FARAH, CARA, ("U05GAB1111", "Gabriel Costa"), ("U05HIN2222", "Hina Sato")]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ten_weeks_of_joins_leaves_swaps_and_absences_through_the_cli(
    rolebot: Invoke, backend: Backend, seed: int
) -> None:
    import random

    rng = random.Random(seed)  # noqa: S311 - a reproducible simulation, not a secret
    monday = date(2026, 11, 30)
    for week in range(10):
        today = monday + week * WEEK
        handoff = today + timedelta(days=2)
        members = group(backend.state)
        others = [p for p in POOL if p not in members]
        if rng.random() < 0.4 and others:
            joiner = rng.choice(others)
            set_group(backend.state, sorted([*members, joiner], key=lambda m: m[1]))
        if rng.random() < 0.4 and len(members) > 4:
            set_group(backend.state, [m for m in group(backend.state) if m != rng.choice(members)])
        members = group(backend.state)
        if rng.random() < 0.5:
            who = rng.choice(members)
            first = today + timedelta(days=rng.randint(0, 60))
            last = first + timedelta(days=rng.randint(0, 14))
            added = rolebot(
                "--today",
                today.isoformat(),
                "away",
                "add",
                who[0],
                "--from",
                first.isoformat(),
                "--to",
                last.isoformat(),
                env=backend.env,
            )
            assert added.exit_code in (0, 1), added.output
        if week and rng.random() < 0.5:
            a, b = (handoff + rng.randint(3, 30) * WEEK for _ in range(2))
            shifted = rolebot(
                "--today", today.isoformat(), "swap", TRIAGER, a.isoformat(), b.isoformat(), env=backend.env
            )
            assert shifted.exit_code in (0, 1, 2), shifted.output  # refused swaps change nothing
        result = rolebot("--today", today.isoformat(), "rotate", TRIAGER, env=backend.env)
        assert result.exit_code == 0, result.output
        away = read_json(backend.state / "team-roles.json").get("away", [])
        check_calendar(backend, handoff, group(backend.state), away)
        snapshot = backend.snapshot()
        again = rolebot("--today", today.isoformat(), "rotate", TRIAGER, env=backend.env)
        assert again.exit_code == 0, again.output
        assert "✓ calendar: nothing to create" in again.stderr
        assert backend.snapshot() == snapshot
