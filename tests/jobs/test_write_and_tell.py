"""`write_and_tell`, the end of `calendar replan`, `swap` and `cover`: when one of a swap's two
writes fails (the event was deleted meanwhile), the calendar's line fails and only the two people
the other write moved are told — on the local backend, whose messages wait in the outbox."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from rolebot.context import AppContext
from rolebot.jobs.moved import write_and_tell
from rolebot.jobs.shift import read_role, write_updates
from rolebot.messaging import DirectMessage
from rolebot.reads import current_handoff, role_and_state
from rolebot.services.local.ics_store import IcsCalendar
from rolebot.settings import GlobalOptions
from rolebot.shifts import plan_swap
from tests.conftest import Invoke

TODAY = "2026-11-30"
DEC30, JAN13 = date(2026, 12, 30), date(2027, 1, 13)  # Ada's turn and Chen's


def test_a_failed_write_fails_the_calendar_line_and_only_the_written_half_is_told(
    demo: Path, rolebot: Invoke, tmp_path: Path
) -> None:
    (tmp_path / "rolebot.toml").write_text(
        "[roles.meeting-facilitator]\n[roles.support-triager]\nhorizon = 8\n[roles.support-triager.slack]\ndm = true\n"
        "[roles.support-triager.standup]\nenabled = false\n"
    )
    filled = rolebot("--today", TODAY, "rotate", "support-triager")
    assert filled.exit_code == 0, filled.output
    app = AppContext(options=GlobalOptions(today=TODAY, backend="local"), environ={}, cwd=tmp_path)
    role, team = role_and_state(app, "support-triager")
    reads = read_role(app, role, team, also=(DEC30, JAN13))
    plan = plan_swap(reads.inputs(role, team.role(role), current_handoff(app, role)), DEC30, JAN13)
    store = IcsCalendar(demo / "calendar.ics", "UTC")
    gone = next(e for e in store.list_events(DEC30, JAN13) if e.start == DEC30)
    store.delete_events([gone], lambda n: None)  # deleted in a calendar app after the plan was made

    calendar, told = write_and_tell(app, plan, partial(write_updates, app, plan.updates))
    assert not calendar.ok
    assert calendar.text.startswith("calendar: 1 event(s) not updated in place (2026-12-30 Support Triager: Chen")
    assert told.line() == "✓ dates moved: 2 message(s) about moved dates shown above (local backend: nothing sent)"
    held = {m.member.first_name: m.text for m in app.services.outbox.take() if isinstance(m, DirectMessage)}
    assert sorted(held) == ["Ada", "Chen"]  # 13 January went from Chen to Ada; 30 December moved nobody
    assert "New: the turn starting Wednesday 13 January 2027." in held["Ada"]
    assert "No longer yours: the turn starting Wednesday 13 January 2027." in held["Chen"]
    assert all("30 December" not in text for text in held.values())
    app.close()
