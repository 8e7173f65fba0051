"""What every command shares: data on stdout and messages on stderr; tables a pipe reads whole;
--version, --color (and NO_COLOR, FORCE_COLOR), -q, --no-progress; usage errors exit 2 with a
suggestion; `rotate --dry-run` summarises the calendar; the local notifier remembers what it showed."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from rolebot.cli import app
from rolebot.context import AppContext
from tests.conftest import Invoke, one_error_line

TRIAGER = "support-triager"
TODAY = ("--today", "2026-11-30")
ESC = "\x1b["

LONG_NAMES = [
    "Maximiliana Wilhelmina Cornelia-Ottoline van der Heijden-Bakker",
    "Bartholomew Aloysius Fitzgerald-Montgomery the Third of Kensington",
    "Chen Wei",
    "Dorothea Evangelina Konstantinopoulou-Papadimitriou",
]


@pytest.fixture
def long_names(tmp_path: Path) -> Path:
    """A team whose names are far wider than the terminal (COLUMNS=40)."""
    state = tmp_path / "state"
    state.mkdir()
    people = [{"id": f"U{index:02d}", "name": name} for index, name in enumerate(LONG_NAMES)]
    (state / "roster.json").write_text(json.dumps({"support-triagers": people}))
    return state


def run(argv: list[str], *, terminal: bool | None = None, env: dict[str, str | None] | None = None) -> Result:
    """The CLI in-process, with stdout declared a terminal (or not) when `terminal` says."""
    return CliRunner().invoke(app, argv, obj=AppContext(terminal=terminal), env=env, catch_exceptions=False)


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


@pytest.mark.slow  # every command, one after another
def test_piped_tables_keep_each_full_name_on_one_line(long_names: Path, rolebot: Invoke) -> None:
    narrow = {"COLUMNS": "40"}
    init = rolebot(*TODAY, "init", TRIAGER, "--current", "Chen", "--standup-manager", "Chen", env=narrow)
    assert init.exit_code == 0, init.output
    commands = [
        ["members", TRIAGER],
        ["calendar", "bulk", TRIAGER, "-n", "8", "--dry-run"],
        ["rotate", TRIAGER, "--dry-run", "--full"],
        ["rotate", TRIAGER],  # its own output wraps only the standup's text; then:
        ["schedule", TRIAGER, "-n", "8"],
        ["history", TRIAGER],
    ]
    for argv in commands:
        result = rolebot(*TODAY, *argv, env=narrow)
        if argv == ["rotate", TRIAGER]:
            assert result.exit_code == 0, result.output
            continue
        assert result.exit_code == 0, (argv, result.output)
        for name in LONG_NAMES:
            assert any(name in line for line in lines(result.stdout)), (argv, name, result.stdout)
    schedule = rolebot(*TODAY, "schedule", TRIAGER, "-n", "8", env=narrow)
    rows = [line for line in lines(schedule.stdout) if line.startswith("20")]
    assert len(rows) == 8  # one line per handoff: nothing wrapped
    assert all(len(line) > 40 for line in rows)


def test_piped_secrets_check_shows_whole_paths(tmp_path: Path, rolebot: Invoke) -> None:
    secrets = Path("team-secrets-for-the-support-triager-rotation", "kept-by-the-infrastructure-team")
    (tmp_path / secrets).mkdir(parents=True)
    (tmp_path / secrets / "slack_bot_token.backup-from-the-old-scripts.json").write_text('{"slack_bot_token": "x"}')
    result = rolebot("--secrets-dir", str(secrets), "secrets", "check", env={"COLUMNS": "40"})
    assert result.exit_code == 1
    shown = f"{secrets}/slack_bot_token.backup-from-the-old-scripts.json"
    assert any(shown in line for line in lines(result.stdout)), result.stdout


def test_a_terminal_table_fits_the_terminal(long_names: Path) -> None:
    result = run(["members", TRIAGER], terminal=True, env={"COLUMNS": "60", "TERM": "xterm"})
    assert result.exit_code == 0
    assert max(len(line) for line in lines(result.stdout)) <= 60


def test_version() -> None:
    result = run(["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"rolebot {version('rolebot')}\n"


@pytest.mark.parametrize(
    ("argv", "env", "terminal", "coloured"),
    [
        (["--color", "always"], {"NO_COLOR": "1"}, False, True),  # the option wins over NO_COLOR
        (["--color", "never"], {"NO_COLOR": None, "FORCE_COLOR": "1"}, True, False),
        ([], {"NO_COLOR": "1"}, True, False),  # auto: NO_COLOR turns it off on a terminal
        ([], {"NO_COLOR": None}, True, True),  # auto: on a terminal, colour
        ([], {"NO_COLOR": None}, False, False),  # auto: in a pipe, none
        ([], {"NO_COLOR": None, "FORCE_COLOR": "1"}, False, True),
        ([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, False),  # NO_COLOR wins over FORCE_COLOR
    ],
)
def test_color(demo: Path, argv: list[str], env: dict[str, str | None], terminal: bool, coloured: bool) -> None:
    result = run(
        [*argv, *TODAY, "calendar", "bulk", TRIAGER, "-n", "2", "--dry-run"],
        terminal=terminal,
        env={**env, "TERM": "xterm"},
    )
    assert result.exit_code == 0, result.output
    assert (ESC in result.stdout) == coloured
    assert "create" in result.stdout


def test_an_unknown_color_is_a_usage_error(demo: Path, rolebot: Invoke) -> None:
    result = rolebot("--color", "sometimes", "schedule", TRIAGER)
    assert result.exit_code == 2
    assert "'sometimes' is not one of 'auto', 'always', 'never'" in result.stderr


def test_quiet_keeps_data_warnings_and_errors(demo: Path, rolebot: Invoke) -> None:
    loud = rolebot(*TODAY, "rotate", TRIAGER, "--dry-run")
    quiet = rolebot("-q", *TODAY, "rotate", TRIAGER, "--dry-run")
    assert quiet.exit_code == 0
    assert quiet.stdout == loud.stdout
    assert "backends:" in loud.stderr
    assert quiet.stderr == ""
    warned = rolebot("-q", *TODAY, "schedule", TRIAGER, env={"ROLEBOT_CALENDAR_ID": "team@example.com"})
    assert warned.stderr == (
        "Google Calendar: some credentials are missing (Google service account key); using the local backend\n"
    )
    failed = rolebot("-q", *TODAY, "cover", TRIAGER, "2026-12-16", "--by", "Zed")
    assert failed.exit_code == 2
    assert failed.stderr.startswith("Error: --by: nobody called 'Zed'")


def test_no_progress(demo: Path, rolebot: Invoke) -> None:
    shown = rolebot(*TODAY, "calendar", "bulk", TRIAGER, "-n", "5", "--yes")
    assert "creating events" in shown.stderr
    (demo / "calendar.ics").unlink()
    hidden = rolebot("--no-progress", *TODAY, "calendar", "bulk", TRIAGER, "-n", "5", "--yes")
    assert hidden.exit_code == 0
    assert "creating events" not in hidden.stderr
    assert "✓ calendar: 5 created" in hidden.stderr
    (demo / "calendar.ics").unlink()
    by_env = rolebot(*TODAY, "calendar", "bulk", TRIAGER, "-n", "5", "--yes", env={"ROLEBOT_NO_PROGRESS": "1"})
    assert "creating events" not in by_env.stderr


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["calendar", "delete", TRIAGER, "--from", "2027-02-01", "--to", "2027-01-01"], "--from 2027-02-01 is after"),
        (["away", "add", "Dana", "--from", "2027-02-01", "--to", "2027-01-01"], "--from 2027-02-01 is after"),
        (["schedule", TRIAGER, "-n", "0"], "Invalid value for '-n'"),
        (["--backend", "cloud", "schedule", TRIAGER], "'cloud' is not one of 'auto', 'live', 'local'"),
        (["schedule", "suport-triager"], "unknown role 'suport-triager' (did you mean 'support-triager'?)"),
        (["cover", TRIAGER, "2026-12-16", "--by", "Dnaa"], "(did you mean 'Dana Kowalski'?)"),
        (["away", "add", "Farrah", "--from", "2027-01-01", "--to", "2027-01-02"], "(did you mean 'Farah Haddad'?)"),
        (["swap", TRIAGER, "2026-12-30", "next week"], "DATE_B: 'next week' is not a date"),
    ],
)
def test_usage_errors_exit_2_with_a_suggestion(demo: Path, rolebot: Invoke, argv: list[str], said: str) -> None:
    assert rolebot(*TODAY, "rotate", TRIAGER).exit_code == 0
    before = {p.name: p.read_bytes() for p in demo.iterdir() if p.is_file()}
    result = rolebot(*TODAY, *argv)
    assert result.exit_code == 2, result.output
    assert said in result.stderr
    assert result.stdout == ""
    assert {p.name: p.read_bytes() for p in demo.iterdir() if p.is_file()} == before


def test_a_range_the_wrong_way_round_is_refused_before_anything_is_read(demo: Path, rolebot: Invoke) -> None:
    result = rolebot(*TODAY, "calendar", "delete", TRIAGER, "--from", "2027-02-01", "--to", "2027-01-01")
    assert one_error_line(result.stderr) == (
        "Error: --from 2027-02-01 is after --to 2027-01-01 — give the first start date with --from, the last with --to"
    )
    assert "backends" not in result.stderr


def test_listings_in_errors_are_capped(tmp_path: Path, rolebot: Invoke) -> None:
    state = tmp_path / "state"
    state.mkdir()
    people = [{"id": f"U{index:03d}", "name": f"Person {index:03d}"} for index in range(52)]
    (state / "roster.json").write_text(json.dumps({"support-triagers": people}))
    result = rolebot(*TODAY, "init", TRIAGER, "--current", "Nobody", "--standup-manager", "Person 001")
    assert result.exit_code == 2
    line = one_error_line(result.stderr)
    assert line.endswith("Person 011 (U011) … and 40 more")
    assert "Person 012" not in line


def test_members_takes_a_role_or_a_user_group(demo: Path, rolebot: Invoke) -> None:
    by_role = rolebot("members", TRIAGER)
    by_group = rolebot("members", "@support-triagers")
    assert by_role.exit_code == by_group.exit_code == 0
    assert by_role.stdout == by_group.stdout
    assert by_role.stdout.startswith("@support-triagers: 6 members in rotation order\n")


def test_rotate_dry_run_summarises_the_calendar_and_full_lists_it(demo: Path, rolebot: Invoke) -> None:
    summary = rolebot(*TODAY, "rotate", TRIAGER, "--dry-run")
    assert summary.exit_code == 0
    calendar = summary.stdout[summary.stdout.index("Support Triager calendar:") :]
    assert lines(calendar) == [
        "Support Triager calendar: 0 to update in place, 53 to create (2026-11-25 to 2027-11-24)",
        "Handoff      Before   After                        Action   Why",
        "───────────────────────────────────────────────────────────────",
        "2026-11-25   —        Bruno Silva (U05BRU5678)     create   new",
        "2026-12-02   —        Chen Wei (U05CHE9012)        create   new",
        "2026-12-09   —        Dana Kowalski (U05DAN3456)   create   new",
        "2026-12-16   —        Emeka Nwosu (U05EME7890)     create   new",
        "2026-12-23   —        Farah Haddad (U05FAR2345)    create   new",
        "… and 48 more to create, up to 2027-11-24",
    ]
    assert "--full lists all 53 calendar writes" in summary.stderr
    assert len(summary.stdout.splitlines()) < 40
    full = rolebot(*TODAY, "rotate", TRIAGER, "--dry-run", "--full")
    assert sum(1 for line in full.stdout.splitlines() if "   create   " in line) == 53
    assert "more to create" not in full.stdout


def test_schedule_of_one_handoff_says_so(demo: Path, rolebot: Invoke) -> None:
    result = rolebot(*TODAY, "schedule", TRIAGER, "-n", "1")
    assert result.stdout.startswith("Support Triager: the next handoff\n")


def test_messages_go_to_stderr_and_data_to_stdout(demo: Path, rolebot: Invoke) -> None:
    preview = rolebot(*TODAY, "standup", TRIAGER, "--dry-run")
    assert "Geekbot standup SupportTriagerStandup" in preview.stdout
    assert "would create the standup" in preview.stderr
    assert "would create" not in preview.stdout
    assert rolebot(*TODAY, "rotate", TRIAGER).exit_code == 0
    again = rolebot(*TODAY, "calendar", "next", TRIAGER)
    assert again.stdout == ""
    assert "the series already reaches" in again.stderr or "nothing to" in again.stderr
    listed = rolebot("away", "list")
    assert (listed.stdout, listed.stderr) == ("", "nobody is away\n")


def test_the_local_notifier_remembers_what_it_showed(demo: Path, rolebot: Invoke) -> None:
    first = rolebot(*TODAY, "rotate", TRIAGER)
    assert "Geekbot standup SupportTriagerStandup" in first.stdout
    again = rolebot(*TODAY, "rotate", TRIAGER)
    assert "Geekbot standup" not in again.stdout
    assert "✓ standup: SupportTriagerStandup already up to date: nothing sent" in again.stderr
    assert rolebot(*TODAY, "standup", TRIAGER, "--dry-run").stderr.endswith(
        "the standup SupportTriagerStandup already says this: nothing to send\n"
    )
    next_week = rolebot("--today", "2026-12-07", "rotate", TRIAGER)
    assert "Hi Dana!" in next_week.stdout  # a new member: the standup changed, shown again
    assert "✓ standup: updated the participants and question of SupportTriagerStandup" in next_week.stderr
    assert (demo / "standups-shown.json").exists()


def test_schedule_says_why_each_turn_is_who_it_is(demo: Path, rolebot: Invoke) -> None:
    """The marks read as sentences: the state, round robin in the calendar, pinned swaps, covers and
    edited titles (whose turn it was), away trades; and the warning when someone serves twice."""
    for argv in (
        ["rotate", TRIAGER],
        ["swap", TRIAGER, "2026-12-30", "2027-01-13"],
        ["cover", TRIAGER, "2027-01-20", "--by", "Farah"],
        ["away", "add", "Dana", "--from", "2026-12-10", "--to", "2026-12-20"],
    ):
        assert rolebot(*TODAY, *argv).exit_code == 0, argv
    calendar = demo / "calendar.ics"
    calendar.write_text(
        calendar.read_text().replace("SUMMARY:Support Triager: Emeka", "SUMMARY:Support Triager: Bruno")
    )
    result = rolebot(*TODAY, "schedule", TRIAGER, "-n", "8")
    header = next(line for line in lines(result.stdout) if line.startswith("Handoff"))
    why = {line[:10]: line[header.index("Why") :] for line in lines(result.stdout) if line.startswith("20")}
    assert why == {
        "2026-12-02": "from the state",
        "2026-12-09": "away trade with 2026-12-23 (Dana Kowalski's turn)",
        "2026-12-16": "pinned: title edited (Emeka Nwosu's turn)",
        "2026-12-23": "away trade with 2026-12-09 (Farah Haddad's turn)",
        "2026-12-30": "pinned: swap with 2027-01-13",
        "2027-01-06": "round robin (calendar)",
        "2027-01-13": "pinned: swap with 2026-12-30",
        "2027-01-20": "pinned: cover for Dana Kowalski",
    }
    assert (
        "warning: Bruno Silva serves twice in a cycle (2026-12-16 and 2027-01-06) while Emeka Nwosu is skipped: "
        "Bruno Silva serves Emeka Nwosu's turn on 2026-12-16"
    ) in result.stderr
