"""The local calendar through the command line: a calendar.ics other apps wrote, read once per
run, and two real runs at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, Invoke

ROTATE = ("--today", "2026-11-30", "rotate")
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other app//EN\r\n"
    "BEGIN:VEVENT\r\nUID:lunch9\r\nSUMMARY:Team lunch\r\nDTSTART:20261399T120000Z\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:offsite\r\nSUMMARY:Offsite\r\nDTSTART;VALUE=DATE:20261210\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_an_unreadable_event_of_another_app_is_a_warning_and_kept(demo: Path, rolebot: Invoke) -> None:
    (demo / "calendar.ics").write_bytes(CALENDAR.encode())
    result = rolebot(*ROTATE, "support-triager")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        "warning: state/calendar.ics line 4: the event 'Team lunch' (UID 'lunch9') cannot be read: "
        "DTSTART '20261399T120000Z' is not a valid date or date-time — rolebot leaves it out, and keeps it "
        "in the file as it is\n"
    )
    assert "✓ calendar: 53 created; the series reaches 2027-11-24" in result.stderr
    text = (demo / "calendar.ics").read_bytes().decode()
    assert text.startswith(CALENDAR.removesuffix("END:VCALENDAR\r\n"))  # every byte of theirs, as it was
    assert text.count("BEGIN:VEVENT") == 55


def test_the_calendar_is_parsed_once_per_run(demo: Path, rolebot: Invoke) -> None:
    (demo / "calendar.ics").write_bytes(CALENDAR.encode())
    result = rolebot("-v", *ROTATE, "support-triager")
    assert result.exit_code == 0, result.output
    local = [line for line in result.stderr.splitlines() if line.startswith("state/calendar.ics: ")]
    assert local == ["state/calendar.ics: parsed 2 events", "state/calendar.ics: written (53 changed)"]
    again = rolebot("-v", *ROTATE, "support-triager")
    assert [line for line in again.stderr.splitlines() if line.startswith("state/calendar.ics: ")] == [
        "state/calendar.ics: parsed 55 events"  # and not written: nothing changed
    ]


@pytest.mark.slow
def test_two_roles_rotated_at_once_keep_both_series(demo: Path) -> None:
    """End to end, two real runs at once. (Runs this fast rarely overlap by chance: the race is
    forced, and the lock shown to be what wins it, in tests/services/test_ics_race.py.)"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROLEBOT_", "GITHUB_", "SOPS_"))}
    env.update({"PYTHONPATH": str(REPO), "ROLEBOT_BACKEND": "local"})
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "rolebot", *ROTATE, role],
            cwd=demo.parent,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role in ("support-triager", "meeting-facilitator")
    ]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    assert "✓ calendar: 53 created" in errors[0]
    assert "✓ calendar: 12 created" in errors[1]
    text = (demo / "calendar.ics").read_text()
    assert text.count("X-ROLEBOT-ROLE:support-triager") == 53
    assert text.count("X-ROLEBOT-ROLE:meeting-facilitator") == 12


def test_calendar_delete_removes_every_copy_of_an_event(demo: Path, rolebot: Invoke) -> None:
    assert rolebot(*ROTATE[:2], "calendar", "bulk", "support-triager", "-n", "2", "--yes").exit_code == 0
    ics = demo / "calendar.ics"
    text = ics.read_bytes().decode()
    last = text[text.rindex("BEGIN:VEVENT") : text.index("END:VCALENDAR")]
    assert "DTSTART;VALUE=DATE:20261202" in last
    ics.write_bytes(text.replace("END:VCALENDAR", last + "END:VCALENDAR").encode())  # imported twice
    result = rolebot(*ROTATE[:2], "calendar", "delete", "support-triager", "--to", "2026-12-02", "--yes")
    assert result.exit_code == 0, result.output
    assert "2 events have the ID" in result.stderr
    assert "✓ calendar: 1 deleted" in result.stderr
    after = ics.read_bytes().decode()
    assert after.count("BEGIN:VEVENT") == 1  # the one before: 25 November
    assert "DTSTART;VALUE=DATE:20261202" not in after


def test_a_repeating_hand_made_turn_is_read_as_its_occurrences(demo: Path, rolebot: Invoke) -> None:
    (demo / "calendar.ics").write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other app//EN\r\nBEGIN:VEVENT\r\nUID:farah-weekly\r\n"
        b"SUMMARY:Support Triager: Farah\r\nDTSTART;VALUE=DATE:20261209\r\nDTEND;VALUE=DATE:20261223\r\n"
        b"RRULE:FREQ=WEEKLY;COUNT=2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    result = rolebot(*ROTATE, "support-triager")
    assert result.exit_code == 0, result.output
    assert "✓ calendar: 51 created; the series reaches 2027-11-24" in result.stderr  # not on 9 and 16 December
    later = rolebot("--today", "2026-12-07", "rotate", "support-triager")
    assert later.exit_code == 0, later.output
    assert "✓ state: rotated for Wednesday 9 December 2026: Farah Haddad comes in" in later.stderr
