"""Names, titles and summaries come from outside: rich output shows them as written, brackets
included, never as markup."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Invoke

MARKUP = "[bold red]x[/bold red]"


def test_a_display_name_that_looks_like_markup_keeps_its_brackets_everywhere(tmp_path: Path, rolebot: Invoke) -> None:
    state = tmp_path / "state"
    state.mkdir()
    people = [{"id": "U01", "name": MARKUP}, {"id": "U02", "name": "[link=https://x.test]Bo[/link]"}]
    (state / "roster.json").write_text(json.dumps({"support-triagers": people}))
    (tmp_path / "rolebot.toml").write_text('[roles.support-triager]\ntitle = "[i]Triage[/i]"\n')
    today = ("--today", "2026-12-03")
    init = rolebot(*today, "init", "support-triager", "--current", "U01", "--standup-manager", "U02")
    assert init.exit_code == 0, init.output
    assert f"current           —        {MARKUP} (U01)" in init.stdout
    assert "[i]Triage[/i] as of the handoff" in init.stdout

    standup = rolebot(*today, "standup", "support-triager", "--dry-run")
    assert "participants  [link=https://x.test]Bo[/link] (U02)" in standup.stdout
    assert "Hi [link=https://x.test]Bo[/link]! :wave:" in standup.stdout
    assert f"Your buddy this week is {MARKUP}," in standup.stdout
    assert "as [i]Triage[/i] for two" in standup.stdout

    schedule = rolebot(*today, "schedule", "support-triager", "-n", "1")
    assert f"{MARKUP} (U01)" in schedule.stdout

    rotate = rolebot(*today, "rotate", "support-triager")
    assert rotate.exit_code == 0, rotate.output
    assert f"{MARKUP} (U01)" in rotate.stdout
    assert "Geekbot standup SupportTriagerStandup" in rotate.stdout

    delete = rolebot(*today, "calendar", "delete", "support-triager", "--from", "2026-12-01", "--dry-run")
    assert "[i]Triage[/i]: [bold" in delete.stdout  # the event summary, as written

    members = rolebot("members", "support-triagers")
    assert MARKUP in members.stdout
