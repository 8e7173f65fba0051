import json
from datetime import date
from pathlib import Path

import pytest

from rolebot.errors import LocalDataError
from rolebot.events import new_event
from rolebot.models import Member
from rolebot.services.local.ics_store import IcsCalendar
from rolebot.services.local.roster import LocalRoster
from rolebot.services.local.terminal import TerminalNotifier
from rolebot.standups import plan_standup, standup_spec
from tests.helpers import ADA, BRUNO, CHEN, DANA, TRIAGER, listed


def roster(tmp_path: Path, content: object) -> LocalRoster:
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(content) if not isinstance(content, str) else content)
    return LocalRoster(path, "state/roster.json")


def test_roster_lists_a_groups_members(tmp_path: Path) -> None:
    source = roster(tmp_path, {"support-triagers": [{"id": "U1", "name": "Ada"}], "other": []})
    assert source.members("support-triagers") == [Member("U1", "Ada")]
    assert source.description == "local roster state/roster.json"


@pytest.mark.parametrize(
    ("content", "group", "message"),
    [
        ({"other": []}, "support-triagers", "state/roster.json has no user group 'support-triagers' (groups: other)"),
        ({"support-triagers": [{"id": "U1"}]}, "support-triagers", "support-triagers[0].name: Field required"),
        ({"support-triagers": [{"id": "U1", "name": "A", "x": 1}]}, "support-triagers", "[0].x: Extra inputs"),
        ({"support-triagers": {"id": "U1"}}, "support-triagers", "expected a list of members"),
        ("{not json", "support-triagers", "is not valid JSON (line 1, column 2"),
        ([], "support-triagers", "expected an object of user groups"),
    ],
)
def test_a_malformed_roster_is_a_clear_error(tmp_path: Path, content: object, group: str, message: str) -> None:
    with pytest.raises(LocalDataError) as caught:
        roster(tmp_path, content).members(group)
    assert message in str(caught.value)


def test_a_missing_roster_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(LocalDataError, match="does not exist"):
        LocalRoster(tmp_path / "nope.json").members("x")


def test_ics_calendar_round_trip_and_idempotent_creation(tmp_path: Path) -> None:
    store = IcsCalendar(tmp_path / "calendar.ics", "UTC")
    assert store.list_events(date(2026, 1, 1), None) == []
    events = [new_event(TRIAGER, ADA, date(2026, 12, 2)), new_event(TRIAGER, BRUNO, date(2026, 12, 9))]
    progress: list[int] = []
    report = store.create_events(events, progress.append)
    assert (len(report.done), report.already, sum(progress)) == (2, [], 2)
    again = store.create_events(events, progress.append)
    assert (again.done, len(again.already)) == ([], 2)
    listed = store.list_events(date(2026, 12, 1), None)
    assert [(e.id, e.summary, e.start, e.end, e.private["rolebot_member"]) for e in listed] == [
        (events[0].id, "Support Triager: Ada", date(2026, 12, 2), date(2026, 12, 16), ADA.id),
        (events[1].id, "Support Triager: Bruno", date(2026, 12, 9), date(2026, 12, 23), BRUNO.id),
    ]
    text = (tmp_path / "calendar.ics").read_text()
    assert text.count("BEGIN:VEVENT") == 2
    assert "TRANSP:TRANSPARENT" in text
    assert "DTSTART;VALUE=DATE:20261202" in text


def test_ics_listing_window_and_deletion(tmp_path: Path) -> None:
    store = IcsCalendar(tmp_path / "calendar.ics", "UTC")
    events = [new_event(TRIAGER, m, date(2026, 12, 2 + 7 * i)) for i, m in enumerate((ADA, BRUNO, CHEN))]
    store.create_events(events, lambda n: None)
    # Ends after 16 Dec: the events starting 9 and 16 Dec (the 2 Dec one ends on the 16th).
    assert [e.start.day for e in store.list_events(date(2026, 12, 16), None)] == [9, 16]
    assert [e.start.day for e in store.list_events(date(2026, 12, 1), date(2026, 12, 9))] == [2]
    report = store.delete_events([listed(e) for e in events[:2]], lambda n: None)
    assert len(report.done) == 2
    assert len(store.delete_events([listed(events[0])], lambda n: None).already) == 1
    assert [e.start.day for e in store.list_events(date(2026, 1, 1), None)] == [16]


def test_ics_hand_made_timed_events_become_dates_in_the_team_time_zone(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:hand1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Support Triager: Chen\r\n"
        "DTSTART:20261202T230000Z\r\nDTEND:20261203T010000Z\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:gone\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Support Triager: Ada\r\n"
        "STATUS:CANCELLED\r\nDTSTART;VALUE=DATE:20261209\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    (event,) = IcsCalendar(path, "Asia/Tokyo").list_events(date(2026, 11, 1), None)
    # 23:00–01:00 UTC is 08:00–10:00 in Tokyo: one day, the 3rd, start and end alike.
    assert (event.id, event.start, event.end) == ("hand1", date(2026, 12, 3), date(2026, 12, 3))


def test_a_malformed_ics_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    path.write_text("this is not a calendar")
    with pytest.raises(LocalDataError, match="is not a valid iCalendar file"):
        IcsCalendar(path, "UTC", "state/calendar.ics").list_events(date(2026, 1, 1), None)
    assert path.read_text() == "this is not a calendar"


def test_terminal_notifier_shows_instead_of_sending() -> None:
    shown = []
    notifier = TerminalNotifier(shown.append)
    spec = standup_spec(TRIAGER, [CHEN, BRUNO], ADA, date(2026, 12, 2))
    assert notifier.find_standup(spec.name).standup is None
    created = notifier.create_standup(spec)
    assert shown == [spec]
    assert created.standup.participants == (CHEN.id, ADA.id)


def test_terminal_notifier_remembers_what_it_showed_once_the_command_succeeds(tmp_path: Path) -> None:
    memory = tmp_path / "standups-shown.json"
    spec = standup_spec(TRIAGER, [CHEN, BRUNO], ADA, date(2026, 12, 2))
    failed = TerminalNotifier(lambda spec: None, memory)
    failed.create_standup(spec)
    assert failed.find_standup(spec.name).standup is not None  # within the run
    assert not memory.exists()  # the command did not succeed: nothing is written
    run = TerminalNotifier(lambda spec: None, memory)
    run.create_standup(spec)
    run.commit()
    found = TerminalNotifier(lambda spec: None, memory).find_standup(spec.name).standup
    assert found is not None
    assert (found.id, found.participants, found.questions) == ("", (CHEN.id, ADA.id), (spec.question,))
    assert plan_standup(spec, found).action == "unchanged"
    later = standup_spec(TRIAGER, [DANA, CHEN], ADA, date(2026, 12, 9))
    assert plan_standup(later, found).changed == ("participants", "question")
    memory.write_text("{not json")
    assert TerminalNotifier(lambda spec: None, memory).find_standup(spec.name).standup is None  # shown again
