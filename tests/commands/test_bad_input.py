"""Bad input is never "a bug in rolebot": whatever a person writes in the state file, the roster,
the config, a question template or a date option, the command ends with one `Error:` line naming
the file and the key (or the option; for `rotate`, its failed step's line does), a non-zero exit,
no traceback, and every file as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Invoke, one_error_line

DEEP = "[" * 100_000 + "]" * 100_000
ROTATE = ("--today", "2026-11-30", "rotate", "support-triager")

# name → (file to write, its bytes, the command, what the error line must say)
CASES: dict[str, tuple[str, bytes, tuple[str, ...], str]] = {
    "state nested too deeply": (
        "state/team-roles.json",
        DEEP.encode(),
        ROTATE,
        "state/team-roles.json nests objects or lists too deeply",
    ),
    "state not UTF-8": ("state/team-roles.json", b'{"x": "\xff"}', ROTATE, "cannot read state file"),
    "state date near year 9999": (
        "state/team-roles.json",
        b'{"last_rotated": {"support_triager": "9999-12-30"}}',
        ROTATE,
        "last_rotated.support_triager: 9999-12-30 is out of range",
    ),
    "state date near year 1": (
        "state/team-roles.json",
        b'{"away": [{"id": "U1", "name": "A", "from": "0001-01-01", "to": "0001-01-02"}]}',
        ROTATE,
        "away[0].from: 0001-01-01 is out of range",
    ),
    "state: a null name with an ID": (
        "state/team-roles.json",
        b'{"meeting_facilitator": {"name": null, "id": "U1"}}',
        ("--today", "2026-11-30", "rotate", "meeting-facilitator"),
        "meeting_facilitator.name: Input should be a valid string",
    ),
    "roster nested too deeply": ("state/roster.json", DEEP.encode(), ROTATE, "state/roster.json nests"),
    "config not UTF-8": ("rolebot.toml", b'timezone = "Europe/Z\xfcrich"\n', ROTATE, "rolebot.toml is not UTF-8"),
    "config nested too deeply": ("rolebot.toml", b"a = " + b"[" * 5000 + b"]" * 5000, ROTATE, "too deeply"),
    "template with a bad conversion": (
        "rolebot.toml",
        b'[roles.support-triager]\nquestion = "Hi {first_name!z}"\n',
        ROTATE,
        "rolebot.toml: roles.support-triager: question is not a valid template",
    ),
    "template with a bad format spec": (
        "rolebot.toml",
        b'[roles.support-triager]\nquestion = "Hi {first_name:>>>}"\n',
        ROTATE,
        "rolebot.toml: roles.support-triager: question is not a valid template",
    ),
    "--today near year 9999": ("", b"", ("--today", "9999-12-30", "rotate", "support-triager"), "--today: 9999"),
    "--today near year 1": ("", b"", ("--today", "0001-01-01", "schedule", "support-triager"), "--today: 0001"),
    "--start near year 1": (
        "",
        b"",
        ("calendar", "bulk", "support-triager", "--start", "0001-01-01", "--yes"),
        "--start: 0001-01-01 is out of range",
    ),
    "--to near year 9999": (
        "",
        b"",
        ("calendar", "delete", "support-triager", "--to", "9999-12-31", "--yes"),
        "--to: 9999-12-31 is out of range",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_naming_it_and_changes_nothing(
    demo: Path, tmp_path: Path, rolebot: Invoke, snapshot_files: Callable[[Path], dict[str, bytes]], case: str
) -> None:
    target, content, argv, expected = CASES[case]
    if target:
        (tmp_path / target).write_bytes(content)
    before = snapshot_files(tmp_path)
    result = rolebot(*argv)
    assert result.exit_code != 0
    line = one_error_line(result.stderr)
    said = line if "steps failed" not in line else result.stderr  # a failed step names it on its ✗ line
    assert expected in said
    assert "a bug in rolebot" not in result.stderr
    assert snapshot_files(tmp_path) == before
