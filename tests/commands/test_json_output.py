"""Every command's `--json` is one JSON document on stdout, built from its plan, on the local backend:
a dry run, a write, and a re-run. Messages stay on stderr, so a script can parse stdout whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.commands.test_help import COMMANDS
from tests.conftest import Invoke

TRIAGER = "support-triager"
TODAY = ("--today", "2026-11-30")


def pick(data: Any, *path: str | int) -> Any:
    for key in path:
        data = data[key]
    return data


# Each case: the command line (after --today), what to run before it (once the calendar is filled),
# and what its JSON must say: (path, value) pairs, `...` as the value for "present".
CASES: dict[str, tuple[list[str], list[list[str]], list[tuple[tuple[str | int, ...], Any]]]] = {
    "members (role)": (["members", TRIAGER, "--json"], [], [((0, "name"), "Ada Okafor"), ((5, "id"), "U05FAR2345")]),
    "members (user group)": (["members", "support-triagers", "--json"], [], [((1, "name"), "Bruno Silva")]),
    "rotate (fresh calendar)": (
        ["rotate", TRIAGER, "--json"],
        [["calendar-is-empty"]],
        [
            (("ok",), True),
            (("plans", "state", "slots", 0, "after", "name"), "Chen Wei"),
            (("plans", "standup", "action"), "create"),
            (("plans", "calendar", "changes", 52, "handoff"), "2027-11-24"),
            (("steps", 2, "text"), "53 created; the series reaches 2027-11-24"),
        ],
    ),
    "rotate (re-run)": (
        ["rotate", TRIAGER, "--json"],
        [],
        [(("plans", "state", "rotate"), False), (("plans", "calendar", "changes"), []), (("dry_run",), False)],
    ),
    "rotate --dry-run": (
        ["rotate", TRIAGER, "--dry-run", "--json"],
        [["calendar-is-empty"]],
        [(("dry_run",), True), (("plans", "state", "slots", 0, "after", "name"), "Chen Wei")],
    ),
    "standup": (["standup", TRIAGER, "--json"], [], [(("standup", "action"), "unchanged"), (("result",), ...)]),
    "standup --dry-run": (
        ["standup", TRIAGER, "--dry-run", "--json"],
        [],
        [(("standup", "participant_names", 0), "Chen Wei (U05CHE9012)"), (("result",), None)],
    ),
    "init": (
        ["init", TRIAGER, "--current", "Dana", "--standup-manager", "Chen", "--json"],
        [],
        [(("entries", 0, "after", "name"), "Emeka Nwosu"), (("written",), True)],
    ),
    "init --dry-run": (
        ["init", TRIAGER, "--current", "Dana", "--standup-manager", "Chen", "--dry-run", "--json"],
        [],
        [(("entries", 1, "after", "name"), "Dana Kowalski"), (("written",), None)],
    ),
    "schedule": (["schedule", TRIAGER, "-n", "3", "--json"], [], [((2, "incoming", "name"), "Emeka Nwosu")]),
    "swap": (
        ["swap", TRIAGER, "2026-12-30", "2027-01-13", "--json"],
        [],
        [(("turns", 0, "after", "name"), "Chen Wei"), (("steps", 0, "text"), "2 updated in place"), (("ok",), True)],
    ),
    "cover": (
        ["cover", TRIAGER, "2026-12-16", "--by", "Ada", "--json"],
        [],
        [(("turns", 0, "owner", "name"), "Emeka Nwosu"), (("turns", 0, "after", "name"), "Ada Okafor")],
    ),
    "history": (["history", TRIAGER, "--json"], [], [(("role",), TRIAGER), (("members", 0, "name"), "Ada Okafor")]),
    "calendar next": (["calendar", "next", TRIAGER, "--json"], [], [(("items",), []), (("written",), None)]),
    "calendar bulk": (
        ["calendar", "bulk", TRIAGER, "-n", "2", "--start", "2028-01-05", "--yes", "--json"],
        [],
        [(("items", 1, "handoff"), "2028-01-12"), (("written", "already"), [])],
    ),
    "calendar bulk --dry-run": (
        ["calendar", "bulk", TRIAGER, "-n", "2", "--start", "2028-01-05", "--dry-run", "--json"],
        [],
        [(("items", 0, "action"), "create"), (("written",), None)],
    ),
    "calendar delete": (
        ["calendar", "delete", TRIAGER, "--from", "2027-11-10", "--yes", "--json"],
        [],
        [(("events", 0, "start"), "2027-11-10"), (("to",), None), (("deleted", "already"), [])],
    ),
    "calendar replan": (
        ["calendar", "replan", TRIAGER, "--yes", "--json"],
        [["farah-leaves"]],
        [
            (("changes", 0, "before", "name"), "Farah"),
            (("changes", 0, "reason"), "left"),
            (("steps", 0, "ok"), True),
            (("dates", 0, "member"), ...),
        ],
    ),
    "calendar replan --dry-run": (
        ["calendar", "replan", TRIAGER, "--dry-run", "--json"],
        [["farah-leaves"]],
        [(("changes", 0, "before", "name"), "Farah"), (("steps",), []), (("dry_run",), True)],
    ),
    "away add": (
        ["away", "add", "Dana", "--from", "2026-12-10", "--to", "2026-12-20", "--json"],
        [],
        [
            (("away", 0, "name"), "Dana Kowalski"),
            (("plans", TRIAGER, "changes", 0, "handoff"), "2026-12-09"),
            (("steps", 0, "ok"), True),
        ],
    ),
    "away add --dry-run": (
        ["away", "add", "Dana", "--from", "2026-12-10", "--to", "2026-12-20", "--dry-run", "--json"],
        [],
        [(("dry_run",), True), (("plans", TRIAGER, "changes", 1, "after", "name"), "Dana Kowalski")],
    ),
    "away list": (
        ["away", "list", "--json"],
        [["away", "add", "Dana", "--from", "2026-12-10", "--to", "2026-12-20"]],
        [((0, "from"), "2026-12-10")],
    ),
    "away remove": (
        ["away", "remove", "Dana", "--json"],
        [["away", "add", "Dana", "--from", "2026-12-10", "--to", "2026-12-20"]],
        [(("away",), []), (("plans", TRIAGER, "changes", 0, "after", "name"), "Dana Kowalski")],
    ),
    "secrets check": (
        ["secrets", "check", "--json"],
        [],
        [(("ok",), True), (("credentials", 0, "found_in"), None), (("services", "calendar"), "local")],
    ),
    "config show": (["config", "show", "--json"], [], [(("config",), ...), (("settings", 0, "key"), ...)]),
    "config check": (["config", "check", "--json"], [], [(("ok",), True), (("problems",), [])]),
    "doctor": (["doctor", TRIAGER, "--json"], [], [(("ok",), False), (("checks", 0, "detail"), "no Slack bot token")]),
}
FAILING = {"doctor": 1}
"""Cases whose command fails (and says so in its JSON): doctor, without credentials."""


def command_of(argv: list[str]) -> tuple[str, ...]:
    words = [word for word in argv if not word.startswith("-")]
    return (words[0], words[1]) if words[0] in ("calendar", "away", "secrets", "config") else (words[0],)


def test_every_command_has_a_json_case() -> None:
    covered = {command_of(argv) for argv, _, _ in CASES.values()}
    assert covered == set(COMMANDS)


@pytest.mark.parametrize("case", list(CASES))
def test_json_parses_and_says_what_the_plan_says(demo: Path, rolebot: Invoke, case: str) -> None:
    argv, before, expected = CASES[case]
    if ["calendar-is-empty"] not in before:
        assert rolebot(*TODAY, "rotate", TRIAGER).exit_code == 0
    for setup in before:
        if setup == ["farah-leaves"]:
            roster = json.loads((demo / "roster.json").read_text())
            roster["support-triagers"] = [m for m in roster["support-triagers"] if m["name"] != "Farah Haddad"]
            (demo / "roster.json").write_text(json.dumps(roster))
        elif setup != ["calendar-is-empty"]:
            assert rolebot(*TODAY, *setup).exit_code == 0
    result = rolebot(*TODAY, *argv)
    assert result.exit_code == FAILING.get(case, 0), result.output
    data = json.loads(result.stdout)  # the whole of stdout: nothing else is printed there
    for path, value in expected:
        found = pick(data, *path)
        assert value is ... or found == value, (path, found)
    if case not in FAILING:
        assert "Error" not in result.stderr
