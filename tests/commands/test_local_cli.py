"""Every command end to end on the embedded local backend (no credentials, no network)."""

import json
import resource
import signal
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import Invoke, one_error_line, read_json

MONDAY = date(2026, 11, 30)


def monday(week: int) -> str:
    return (MONDAY + timedelta(weeks=week)).isoformat()


def plain(text: str) -> str:
    """Rendered output without the padding rich leaves at line ends."""
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def test_members_table_and_json(demo: Path, rolebot: Invoke) -> None:
    result = rolebot("members", "support-triagers")
    assert result.exit_code == 0
    assert plain(result.stdout) == (
        "@support-triagers: 6 members in rotation order\n"
        "#   Name            Slack ID\n"
        "──────────────────────────────\n"
        "1   Ada Okafor      U05ADA1234\n"
        "2   Bruno Silva     U05BRU5678\n"
        "3   Chen Wei        U05CHE9012\n"
        "4   Dana Kowalski   U05DAN3456\n"
        "5   Emeka Nwosu     U05EME7890\n"
        "6   Farah Haddad    U05FAR2345\n"
    )
    assert result.stderr == "backends: members: local roster state/roster.json\n"
    as_json = rolebot("members", "@meeting-facilitators", "--json")
    assert json.loads(as_json.stdout)[0] == {"id": "U05ADA1234", "name": "Ada Okafor"}


def test_unknown_group_names_the_groups_that_exist(demo: Path, rolebot: Invoke) -> None:
    result = rolebot("members", "triagers")
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == (
        "Error: state/roster.json has no user group 'triagers' (groups: meeting-facilitators, support-triagers)"
        " — add it to the roster file"
    )


def test_rotate_then_rerun_changes_nothing(demo: Path, rolebot: Invoke, snapshot_files) -> None:
    first = rolebot("--today", monday(0), "rotate", "support-triager")
    assert first.exit_code == 0, first.output
    assert "✓ state: rotated for Wednesday 2 December 2026: Chen Wei comes in, Bruno Silva stays on" in first.stderr
    assert "✓ calendar: 53 created; the series reaches 2027-11-24" in first.stderr
    assert "Hi Chen!" in first.stdout
    before = snapshot_files(demo)
    second = rolebot("--today", monday(0), "rotate", "support-triager")
    assert second.exit_code == 0
    assert "✓ state: already rotated for 2026-12-02; nothing to do" in second.stderr
    assert "✓ calendar: nothing to create; the series reaches 2027-11-24" in second.stderr
    assert snapshot_files(demo) == before


@pytest.mark.slow
def test_ten_weekly_runs_give_the_right_pairs_and_a_clean_calendar(demo: Path, rolebot: Invoke, snapshot_files) -> None:
    order = ["Ada Okafor", "Bruno Silva", "Chen Wei", "Dana Kowalski", "Emeka Nwosu", "Farah Haddad"]
    for week in range(10):
        result = rolebot("--today", monday(week), "rotate", "support-triager")
        assert result.exit_code == 0, result.output
        state = read_json(demo / "team-roles.json")["support_triager"]
        assert state["incoming"]["name"] == order[(week + 2) % 6]
        assert state["current"]["name"] == order[(week + 1) % 6]
        snapshot = snapshot_files(demo)
        again = rolebot("--today", monday(week), "rotate", "support-triager")
        assert again.exit_code == 0
        assert snapshot_files(demo) == snapshot
    calendar = (demo / "calendar.ics").read_text()
    starts = sorted(line.split(":")[1] for line in calendar.splitlines() if line.startswith("DTSTART"))
    expected = [(date(2026, 11, 25) + timedelta(weeks=i)).strftime("%Y%m%d") for i in range(53 + 9)]
    assert starts == expected  # one event per handoff: no gap, no duplicate


def test_dry_run_changes_nothing(demo: Path, rolebot: Invoke, snapshot_files) -> None:
    before = snapshot_files(demo)
    result = rolebot("--today", monday(0), "rotate", "support-triager", "--dry-run")
    assert result.exit_code == 0
    assert "dry run: nothing sent" in result.stdout
    assert "53 to create" in result.stdout
    assert snapshot_files(demo) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "state/team-roles.json is not valid JSON (line 1, column 2: Expecting property name"),
        (
            '{"support_triager": {"incoming": {"name": "Bo", "id": 5}}}',
            "support_triager.incoming.id: Input should be a valid string",
        ),
        ('{"support_triager": null, "on_call": {}}', "state/team-roles.json: on_call: unknown key"),
    ],
)
def test_a_broken_state_file_is_one_line_and_nothing_is_written(
    demo: Path, rolebot: Invoke, snapshot_files, content: str, message: str
) -> None:
    (demo / "team-roles.json").write_text(content)
    before = snapshot_files(demo)
    result = rolebot("--today", monday(0), "rotate", "support-triager")
    assert result.exit_code == 1
    assert message in one_error_line(result.stderr)
    assert snapshot_files(demo) == before


def test_usage_errors_exit_2(demo: Path, rolebot: Invoke) -> None:
    unknown = rolebot("rotate", "support")
    assert unknown.exit_code == 2
    assert "choose one of: meeting-facilitator, support-triager" in one_error_line(unknown.stderr)
    bad_date = rolebot("--today", "next monday", "rotate", "support-triager")
    assert bad_date.exit_code == 2
    assert "--today: 'next monday' is not a date — write it as YYYY-MM-DD" in one_error_line(bad_date.stderr)
    bad_backend = rolebot("--backend", "cloud", "members", "support-triagers")
    assert bad_backend.exit_code == 2


def test_a_calendar_event_naming_a_stranger_stops_the_state_step_only(demo: Path, rolebot: Invoke) -> None:
    ics = demo / "calendar.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:swap1\r\n"
        "DTSTAMP:20260101T000000Z\r\nSUMMARY:Support Triager: Zed\r\nDTSTART;VALUE=DATE:20261202\r\n"
        "DTEND;VALUE=DATE:20261216\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    state_before = (demo / "team-roles.json").read_bytes()
    result = rolebot("--today", monday(0), "rotate", "support-triager")
    assert result.exit_code == 1
    assert "✗ state: calendar event 'Support Triager: Zed' on 2026-12-02 names 'Zed'" in result.stderr
    # The calendar step replans around the pinned event and keeps it; only the rotation needs it.
    assert "Error: 1 of 3 steps failed (state)" in result.stderr
    assert (demo / "team-roles.json").read_bytes() == state_before


def test_a_swap_in_the_local_calendar_is_honoured(demo: Path, rolebot: Invoke) -> None:
    assert rolebot("--today", monday(0), "rotate", "support-triager").exit_code == 0
    ics = demo / "calendar.ics"
    text = ics.read_text().replace("SUMMARY:Support Triager: Dana", "SUMMARY:Support Triager: Farah", 1)
    ics.write_text(text)
    result = rolebot("--today", monday(1), "rotate", "support-triager")
    assert result.exit_code == 0
    assert "the calendar names Farah Haddad for 2026-12-09 (a swap: round robin gives Dana Kowalski)" in result.stderr
    assert read_json(demo / "team-roles.json")["support_triager"]["incoming"]["name"] == "Farah Haddad"


def test_step_summary_for_github_actions(demo: Path, rolebot: Invoke, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = rolebot("--today", monday(0), "rotate", "support-triager", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 0
    text = summary.read_text()
    assert text.startswith("### rolebot rotate support-triager: handoff 2026-12-02\n")
    assert "| ✅ state | rotated for Wednesday 2 December 2026: Chen Wei comes in, Bruno Silva stays on" in text
    assert "| ✅ calendar | 53 created; the series reaches 2027-11-24 |" in text


def test_standup_dry_run_shows_the_message_and_fields(demo: Path, rolebot: Invoke) -> None:
    result = rolebot("--today", monday(0), "standup", "support-triager", "--dry-run")
    assert result.exit_code == 0
    assert "Hi Bruno!" in result.stdout
    assert "#support-freshdesk" in result.stdout
    assert "Bruno Silva (U05BRU5678), Chen Wei (U05CHE9012)" in result.stdout
    assert "would create the standup SupportTriagerStandup (it runs weekly on Wed)" in result.stderr


def test_calendar_bulk_needs_confirmation_and_never_duplicates(demo: Path, rolebot: Invoke) -> None:
    refused = rolebot("--today", monday(0), "calendar", "bulk", "support-triager", "-n", "4")
    assert refused.exit_code == 1
    assert "there is no terminal to ask — review the preview, then pass --yes" in one_error_line(refused.stderr)
    assert not (demo / "calendar.ics").exists()
    declined = rolebot(
        "--today", monday(0), "calendar", "bulk", "support-triager", "-n", "4", input="n\n", interactive=True
    )
    assert declined.exit_code == 1
    assert not (demo / "calendar.ics").exists()
    accepted = rolebot(
        "--today", monday(0), "calendar", "bulk", "support-triager", "-n", "4", input="y\n", interactive=True
    )
    assert accepted.exit_code == 0, accepted.output
    assert "✓ calendar: 4 created" in accepted.stderr
    again = rolebot("--today", monday(0), "calendar", "bulk", "support-triager", "-n", "4", "--yes")
    assert "8 to create" not in again.stdout
    assert again.exit_code == 0
    assert (demo / "calendar.ics").read_text().count("BEGIN:VEVENT") == 8  # appended after the last


def test_calendar_bulk_from_a_start_date_with_a_member(demo: Path, rolebot: Invoke) -> None:
    result = rolebot(
        "calendar", "bulk", "support-triager", "-n", "2", "--start", "2027-01-04", "--member", "dana", "--yes"
    )
    assert result.exit_code == 0, result.output
    assert "2027-01-04 is not a handoff day: starting on Wednesday 6 January 2027 instead" in result.stderr
    assert "2027-01-06   2027-01-20   Dana Kowalski (U05DAN3456)" in result.stdout
    unknown = rolebot("calendar", "bulk", "support-triager", "--member", "Zed", "--yes")
    assert unknown.exit_code == 2
    assert "--member: nobody called 'Zed' in @support-triagers" in one_error_line(unknown.stderr)


def test_calendar_next_and_delete(demo: Path, rolebot: Invoke) -> None:
    assert rolebot("--today", monday(0), "calendar", "bulk", "support-triager", "-n", "3", "--yes").exit_code == 0
    nxt = rolebot("--today", monday(0), "calendar", "next", "support-triager")
    assert nxt.exit_code == 0
    assert "2026-12-16   2026-12-30   Emeka Nwosu (U05EME7890)   create" in nxt.stdout
    ics = demo / "calendar.ics"
    ics.write_text(
        ics.read_text().replace(
            "END:VCALENDAR",
            "BEGIN:VEVENT\r\nUID:meeting1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Team meeting\r\n"
            "DTSTART;VALUE=DATE:20261210\r\nEND:VEVENT\r\nEND:VCALENDAR",
        )
    )
    preview = rolebot("calendar", "delete", "support-triager", "--from", "2026-12-01", "--dry-run")
    assert "Support Triager events starting from 2026-12-01: 3 to delete" in preview.stdout
    deleted = rolebot("calendar", "delete", "support-triager", "--from", "2026-12-01", "--to", "2026-12-09", "--yes")
    assert deleted.exit_code == 0
    assert "✓ calendar: 2 deleted" in deleted.stderr
    text = ics.read_text()
    assert "Team meeting" in text
    assert text.count("BEGIN:VEVENT") == 3


def test_init_writes_the_state_from_names(demo: Path, rolebot: Invoke) -> None:
    result = rolebot(
        "--today", "2026-12-03", "init", "support-triager", "--current", "emeka", "--standup-manager", "Ada Okafor"
    )
    assert result.exit_code == 0, result.output
    written = read_json(demo / "team-roles.json")
    assert written["support_triager"] == {
        "incoming": {"name": "Farah Haddad", "id": "U05FAR2345"},
        "current": {"name": "Emeka Nwosu", "id": "U05EME7890"},
    }
    assert written["standup_manager"] == {"name": "Ada Okafor", "id": "U05ADA1234"}
    assert written["last_rotated"]["support_triager"] == "2026-12-02"


def test_init_errors_list_the_candidates_and_write_nothing(demo: Path, rolebot: Invoke, snapshot_files) -> None:
    before = snapshot_files(demo)
    unknown = rolebot("init", "support-triager", "--current", "Zed", "--standup-manager", "Chen")
    assert unknown.exit_code == 2
    assert "--current: nobody called 'Zed' in @support-triagers" in one_error_line(unknown.stderr)
    assert "Ada Okafor (U05ADA1234)" in unknown.stderr
    single = rolebot(
        "init", "meeting-facilitator", "--current", "Ada", "--incoming", "Chen", "--standup-manager", "Chen"
    )
    assert single.exit_code == 2
    dry = rolebot("init", "support-triager", "--current", "Ada", "--standup-manager", "Chen", "--dry-run")
    assert dry.exit_code == 0
    assert snapshot_files(demo) == before


def test_init_creates_a_state_file_from_scratch(demo: Path, rolebot: Invoke) -> None:
    (demo / "team-roles.json").unlink()
    result = rolebot(
        "--today", "2026-12-03", "init", "meeting-facilitator", "--current", "Gita", "--standup-manager", "U05CHE9012"
    )
    assert result.exit_code == 0, result.output
    assert read_json(demo / "team-roles.json") == {
        "standup_manager": {"name": "Chen Wei", "id": "U05CHE9012"},
        "meeting_facilitator": {"name": "Gita Rao", "id": "U05GIT6789"},
        "last_rotated": {"meeting_facilitator": "2026-12-01"},
    }


def test_schedule_table_and_json(demo: Path, rolebot: Invoke) -> None:
    result = rolebot("--today", monday(0), "schedule", "support-triager", "-n", "3")
    assert result.exit_code == 0
    assert "2026-12-02   Chen Wei (U05CHE9012)        Bruno Silva (U05BRU5678)" in result.stdout
    data = json.loads(rolebot("--today", monday(0), "schedule", "support-triager", "-n", "2", "--json").stdout)
    assert data[1] == {
        "handoff": "2026-12-09",
        "incoming": {"id": "U05DAN3456", "name": "Dana Kowalski"},
        "buddy": {"id": "U05CHE9012", "name": "Chen Wei"},
        "source": "rotation",
        "problem": None,
        "pin": None,
        "owner": None,
        "trade": None,
        "substitute": False,
        "away": None,
    }


def test_the_retired_role_starts_from_the_first_member_when_nobody_is_known(demo: Path, rolebot: Invoke) -> None:
    result = rolebot("--today", "2026-12-27", "rotate", "meeting-facilitator", "--dry-run")
    assert result.exit_code == 0
    assert "no previous member is known: starting from the first in rotation order" in result.stderr


def test_every_command_has_help(rolebot: Invoke) -> None:
    for command in (
        [],
        ["members"],
        ["rotate"],
        ["standup"],
        ["calendar"],
        ["calendar", "next"],
        ["calendar", "bulk"],
        ["calendar", "delete"],
        ["init"],
        ["schedule"],
    ):
        result = rolebot(*command, "--help")
        assert result.exit_code == 0
        assert "Usage: rolebot" in result.stdout


def test_a_state_file_that_cannot_be_written_stops_the_other_steps(demo: Path, rolebot: Invoke) -> None:
    # A file-size limit of 64 bytes makes every file write fail (EFBIG), even for root.
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, limits[1]))
    try:
        result = rolebot("--today", monday(0), "rotate", "support-triager")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, handler)
    assert "✗ state: cannot write the state file state/team-roles.json: File too large" in result.stderr
    assert "✗ standup: not done: same problem as the state step" in result.stderr
    assert "✗ calendar: not done: same problem as the state step" in result.stderr
    assert not (demo / "calendar.ics").exists()
    assert read_json(demo / "team-roles.json")["last_rotated"] == {"support_triager": "2026-11-25"}
    left = sorted(p.name for p in demo.iterdir())
    assert left == [".team-roles.json.lock", "roster.json", "team-roles.json"]  # no temporary file left
    assert one_error_line(result.stderr).startswith("Error: 3 of 3 steps failed")


def test_calendar_bulk_rerun_after_a_partial_failure_finishes_with_exactly_n_events(
    demo: Path, rolebot: Invoke
) -> None:
    bulk = ("--today", monday(0), "calendar", "bulk", "support-triager", "-n", "5", "--yes")
    assert rolebot(*bulk).exit_code == 0
    for lost in ("2026-12-09", "2026-12-23"):  # what a run that stopped part-way leaves: gaps
        assert rolebot("calendar", "delete", "support-triager", "--from", lost, "--to", lost, "--yes").exit_code == 0
    ics = demo / "calendar.ics"
    assert ics.read_text().count("BEGIN:VEVENT") == 3
    again = rolebot(*bulk)
    assert again.exit_code == 0, again.output
    assert "filling 2 gap(s) from 2026-12-09 to 2026-12-23 before extending it" in " ".join(again.stderr.split())
    assert "✓ calendar: 2 created" in again.stderr
    starts = sorted(line.split(":")[1] for line in ics.read_text().splitlines() if line.startswith("DTSTART"))
    assert starts == ["20261125", "20261202", "20261209", "20261216", "20261223"]
    extended = rolebot(*bulk)
    assert "the series has no gaps: extending it after its last event (2026-12-23)" in extended.stderr
    assert ics.read_text().count("BEGIN:VEVENT") == 10
