"""`rolebot history ROLE`: on the local backend after a few weeks of `rotate`, as JSON, on the live
fake Google, and with bad input."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from rolebot.history import Fairness, HistoryTurn, MemberRecord
from tests.conftest import Invoke, one_error_line
from tests.fakes.google import FakeGoogle, seed_team_calendar

MONDAY = date(2026, 11, 30)
ORDER = ["Ada Okafor", "Bruno Silva", "Chen Wei", "Dana Kowalski", "Emeka Nwosu", "Farah Haddad"]


def monday(week: int) -> str:
    return (MONDAY + timedelta(weeks=week)).isoformat()


def plain(text: str) -> str:
    """Rendered output without the padding rich leaves at line ends."""
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def retitle(calendar: Path, start: date, name: str) -> None:
    """Edit the summary of the role event starting on `start`, as a person swapping would."""
    text = calendar.read_bytes().decode()
    block = re.search(
        rf"BEGIN:VEVENT\r\n(?:(?!END:VEVENT).)*?DTSTART;VALUE=DATE:{start:%Y%m%d}.*?END:VEVENT", text, re.S
    )
    assert block is not None, f"no event on {start}"
    edited = re.sub(r"SUMMARY:[^\r\n]*", f"SUMMARY:Support Triager: {name}", block.group(0), count=1)
    calendar.write_text(text.replace(block.group(0), edited), newline="")


@pytest.fixture
def four_weeks(demo: Path, rolebot: Invoke) -> Path:
    """Four weekly rotations of the demo team; before the third, Emeka and Farah swap 16 and 23 December."""
    for week in range(4):
        if week == 2:
            retitle(demo / "calendar.ics", date(2026, 12, 16), "Farah")
            retitle(demo / "calendar.ics", date(2026, 12, 23), "Emeka")
        result = rolebot("--today", monday(week), "rotate", "support-triager")
        assert result.exit_code == 0, result.output
    return demo


@pytest.mark.slow  # weeks of whole jobs
def test_history_after_four_weeks_of_rotate(four_weeks: Path, rolebot: Invoke) -> None:
    result = rolebot("--today", monday(3), "history", "support-triager", "--since", "2026-11-25")
    assert result.exit_code == 0, result.output
    assert plain(result.stdout) == (
        "Support Triager: who served from 2026-11-18 to today (2026-12-21)\n"
        "Handoff      Served by       Note\n"
        "────────────────────────────────────────────────────────────────────────────────\n"
        "2026-11-25   Bruno Silva\n"
        "2026-12-02   Chen Wei\n"
        "2026-12-09   Dana Kowalski   serving now\n"
        "2026-12-16   Farah Haddad    serving now; in place of Emeka Nwosu (title edited)\n"
        "\n"
        "Support Triager: turns per person from 2026-11-18 to 2027-12-15 (the horizon)\n"
        "Member                       Served   Ahead   Last served   Next         Taken   Given   Note\n"
        "─────────────────────────────────────────────────────────────────────────────────────────────\n"
        "Ada Okafor (U05ADA1234)      0        9       —             2026-12-30   0       0\n"
        "Bruno Silva (U05BRU5678)     1        9       2026-11-25    2027-01-06   0       0\n"
        "Chen Wei (U05CHE9012)        1        9       2026-12-02    2027-01-13   0       0\n"
        "Dana Kowalski (U05DAN3456)   1        8       2026-12-09    2027-01-20   0       0\n"
        "Emeka Nwosu (U05EME7890)     0        9       —             2026-12-23   1       1\n"
        "Farah Haddad (U05FAR2345)    1        8       2026-12-16    2027-02-03   1       1\n"
        "Taken/Given: turns served in someone else's place / by someone else in yours\n"
        "fairness: 9 to 10 turns per member of @support-triagers (spread 1: balanced)\n"
        "furthest behind: Ada Okafor, 9 turns, none served in the period (and 3 more with 9)\n"
    )
    assert result.stderr == (
        "backends: members: local roster state/roster.json · calendar: local calendar state/calendar.ics\n"
        "note: 1 handoff on 2026-11-18 has no Support Triager event and is older than the state: nobody is counted for"
        " it\n"
    )


@pytest.mark.slow  # weeks of whole jobs
def test_json_parses_and_carries_every_field(four_weeks: Path, rolebot: Invoke) -> None:
    result = rolebot("--today", monday(3), "history", "support-triager", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["role"], data["today"], data["since"], data["last"]) == (
        "support-triager",
        "2026-12-21",
        "2025-12-21",  # a year back by default
        "2027-12-15",
    )
    turn_fields = {f.name for f in dataclasses.fields(HistoryTurn)} - {"day"} | {"handoff", "shifted"}
    assert all(set(turn) == turn_fields for turn in data["turns"])
    member_fields = {f.name for f in dataclasses.fields(MemberRecord)} - {"member"} | {"id", "name", "turns"}
    assert all(set(member) == member_fields for member in data["members"])
    fairness_fields = {f.name for f in dataclasses.fields(Fairness)} - {"behind"}
    assert set(data["fairness"]) == fairness_fields | {"spread", "balanced", "furthest_behind"}
    assert [m["name"] for m in data["members"]] == ORDER
    swapped = next(t for t in data["turns"] if t["handoff"] == "2026-12-16")
    assert swapped == {
        "handoff": "2026-12-16",
        "last_day": "2026-12-29",
        "server": {"id": "U05FAR2345", "name": "Farah Haddad"},
        "owner": {"id": "U05EME7890", "name": "Emeka Nwosu"},
        "status": "serving",
        "source": "calendar",
        "pin": "edited",
        "shifted": True,
        "before": None,
    }
    assert [t["status"] for t in data["turns"]].count("ahead") == 52
    assert data["unrecorded"][0] == "2025-12-10"  # the turn running on 21 December 2025 began then
    assert data["unrecorded"][-1] == "2026-11-18"
    assert data["fairness"]["spread"] == 1
    assert data["fairness"]["furthest_behind"][0] == {"id": "U05ADA1234", "name": "Ada Okafor", "turns": 9}
    assert data["notes"] == [
        "50 handoffs from 2025-12-10 to 2026-11-18 have no Support Triager event and are older than the state: "
        "nobody is counted for them"
    ]
    assert "note: 50 handoffs" in result.stderr


@pytest.mark.slow  # weeks of whole jobs
def test_a_member_who_left_is_shown_as_such(four_weeks: Path, rolebot: Invoke) -> None:
    roster = four_weeks / "roster.json"
    groups = json.loads(roster.read_text())
    groups["support-triagers"] = [m for m in groups["support-triagers"] if m["name"] != "Chen Wei"]
    roster.write_text(json.dumps(groups))
    result = rolebot("--today", monday(3), "history", "support-triager", "--since", "2026-11-25", "--json")
    assert result.exit_code == 0, result.output
    chen = json.loads(result.stdout)["members"][-1]
    assert (chen["name"], chen["in_group"], chen["served"], chen["ahead"]) == ("Chen", False, 1, 0)
    table = rolebot("--today", monday(3), "history", "support-triager", "--since", "2026-11-25")
    assert (
        "Chen (U05CHE9012)            1        0       2026-12-02    —            0       0       left" in table.stdout
    )


@pytest.mark.parametrize(
    ("since", "error"),
    [
        ("last year", "Error: --since: 'last year' is not a date — write it as YYYY-MM-DD"),
        ("2026-02-30", "Error: --since: '2026-02-30' is not a date — write it as YYYY-MM-DD"),
        ("2026-12-01", "Error: --since: 2026-12-01 is after today (2026-11-30) — give a date on or before today"),
    ],
)
def test_a_bad_since_is_one_line_and_exit_2(since: str, error: str, demo: Path, rolebot: Invoke) -> None:
    result = rolebot("--today", monday(0), "history", "support-triager", "--since", since)
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == error
    assert result.stdout == ""
    assert "backends" not in result.stderr  # refused before anything is read


def test_an_unknown_role_is_a_usage_error(demo: Path, rolebot: Invoke) -> None:
    result = rolebot("--today", monday(0), "history", "support-triage")
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == (
        "Error: unknown role 'support-triage' (did you mean 'support-triager'?) — choose one of: meeting-facilitator, "
        "support-triager"
    )


def test_names_and_titles_that_look_like_markup_keep_their_brackets(tmp_path: Path, rolebot: Invoke) -> None:
    state = tmp_path / "state"
    state.mkdir()
    people = [{"id": "U01", "name": "[bold red]x[/bold red]"}, {"id": "U02", "name": "[link=https://x.test]Bo[/link]"}]
    (state / "roster.json").write_text(json.dumps({"support-triagers": people}))
    (tmp_path / "rolebot.toml").write_text('[roles.support-triager]\ntitle = "[i]Triage[/i]"\n')
    today = ("--today", "2026-12-03")
    assert rolebot(*today, "init", "support-triager", "--current", "U01", "--standup-manager", "U02").exit_code == 0
    assert rolebot(*today, "rotate", "support-triager").exit_code == 0
    result = rolebot("--today", "2026-12-10", "history", "support-triager", "--since", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert "[i]Triage[/i]: who served from 2026-11-18" in result.stdout
    assert "2026-12-09   [bold red]x[/bold red]   " in result.stdout
    assert "[link=https://x.test]Bo[/link] (U02)" in result.stdout


# --- live Google -----------------------------------------------------------------------


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    fake = FakeGoogle()
    seed_team_calendar(fake)
    with fake.serve():
        yield fake


@pytest.mark.slow  # weeks of whole jobs
def test_history_on_the_live_calendar(demo: Path, rolebot: Invoke, google: FakeGoogle, tmp_path: Path) -> None:
    key = tmp_path / "keys" / "rolebot-test-service-account.json"
    key.parent.mkdir()
    key.write_text(json.dumps(google.key_for()))
    env = {
        "ROLEBOT_BACKEND": "auto",
        "ROLEBOT_GOOGLE_API_URL": google.server.url,  # type: ignore[union-attr]
        "ROLEBOT_CALENDAR_ID": google.calendar_id,
        "ROLEBOT_GOOGLE_CREDENTIALS": str(key),
    }
    assert rolebot("--today", monday(0), "rotate", "support-triager", env=env).exit_code == 0
    google.edit_event(google_id(google, date(2026, 12, 9)), summary="Support Triager: Farah")  # covers Dana
    lists = len(google.calls_of("GET"))
    result = rolebot("--today", monday(2), "history", "support-triager", "--json", env=env)
    assert result.exit_code == 0, result.output
    assert len(google.calls_of("GET")) == lists + 1  # one bounded listing
    data = json.loads(result.stdout)
    past = [(t["handoff"], t["server"]["name"], t["pin"], t["source"]) for t in data["turns"] if t["status"] != "ahead"]
    assert past[-5:] == [
        ("2026-11-11", "Farah Haddad", "hand-made", "calendar"),  # "Support Steward: Farah", made by hand
        ("2026-11-18", "Ada Okafor", "hand-made", "calendar"),
        ("2026-11-25", "Bruno Silva", None, "calendar"),
        ("2026-12-02", "Chen Wei", None, "calendar"),
        ("2026-12-09", "Farah Haddad", "edited", "calendar"),
    ]
    farah = next(m for m in data["members"] if m["name"] == "Farah Haddad")
    dana = next(m for m in data["members"] if m["name"] == "Dana Kowalski")
    assert (farah["served"], farah["swaps_taken"], dana["swaps_given"], dana["served"]) == (2, 1, 1, 0)
    assert "calendar: Google Calendar" in result.stderr


def google_id(google: FakeGoogle, start: date) -> str:
    found = [
        e["id"]
        for e in google.events()
        if e.get("start", {}).get("date") == start.isoformat() and e.get("summary", "").startswith("Support Triager")
    ]
    assert len(found) == 1
    return found[0]


@pytest.mark.slow  # weeks of whole jobs
def test_without_a_state_file_the_calendar_alone_tells(four_weeks: Path, rolebot: Invoke) -> None:
    (four_weeks / "team-roles.json").unlink()
    result = rolebot("--today", monday(3), "history", "support-triager", "--since", "2026-12-02", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    past = [(t["handoff"], t["server"]["name"], t["source"]) for t in data["turns"] if t["status"] != "ahead"]
    assert past == [
        ("2026-11-25", "Bruno Silva", "calendar"),
        ("2026-12-02", "Chen Wei", "calendar"),
        ("2026-12-09", "Dana Kowalski", "calendar"),
        ("2026-12-16", "Farah Haddad", "calendar"),
    ]
    assert [m["turns"] for m in data["members"]] == [9, 10, 10, 9, 9, 9]
