"""The demo team's calendar on either backend — the local iCalendar file, or the fake Google on a
socket — for the tests of replan, swap, cover and away through the real CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rolebot.models import CalendarEvent
from rolebot.services.local.ics_store import IcsCalendar
from tests.fakes.google import FakeGoogle

TRIAGER = "support-triager"


@dataclass
class Backend:
    """Where the calendar lives, how the CLI reaches it, and how a person edits it by hand."""

    name: str
    state: Path
    google: FakeGoogle | None = None
    env: dict[str, str] = field(default_factory=dict)

    def events(self) -> list[CalendarEvent]:
        """The support-triager events, by start date."""
        if self.google is None:
            store = IcsCalendar(self.state / "calendar.ics", "UTC")
            found = store.list_events(date(2020, 1, 1), date(2040, 1, 1))
        else:
            found = [_listed(e) for e in self.google.events()]
        mine = [e for e in found if e.private.get("rolebot_role") == TRIAGER or e.summary.startswith("Support")]
        return sorted(mine, key=lambda e: (e.start, e.id))

    def retitle(self, start: date, summary: str) -> None:
        """A person edits the event's title in their calendar app."""
        event = next(e for e in self.events() if e.start == start)
        if self.google is not None:
            self.google.edit_event(event.id, summary=summary)
            return
        path = self.state / "calendar.ics"
        text = path.read_text()
        at = text.index(f"UID:{event.id}@rolebot")
        head, tail = text[:at], text[at:]
        line = next(line for line in tail.splitlines() if line.startswith("SUMMARY:"))
        path.write_text(head + tail.replace(line, f"SUMMARY:{summary}", 1))

    def snapshot(self) -> object:
        """What changes when anything is written: the count of writes live, the file's bytes locally."""
        if self.google is not None:
            return sum(len(self.google.calls_of(method)) for method in ("POST", "PUT", "PATCH", "DELETE"))
        ics = self.state / "calendar.ics"
        return ics.read_bytes() if ics.exists() else b""


def _listed(event: dict[str, Any]) -> CalendarEvent:
    start = date.fromisoformat(event["start"]["date"])
    end = date.fromisoformat(event["end"]["date"])
    private = event.get("extendedProperties", {}).get("private", {})
    return CalendarEvent(event["id"], event.get("summary", ""), start, end, private)


def set_group(state: Path, members: list[tuple[str, str]]) -> None:
    """The support-triagers user group now has exactly these (Slack ID, name) members."""
    roster = state / "roster.json"
    data = json.loads(roster.read_text())
    data["support-triagers"] = [{"id": ident, "name": name} for ident, name in members]
    roster.write_text(json.dumps(data, indent=4))


def group(state: Path) -> list[tuple[str, str]]:
    data = json.loads((state / "roster.json").read_text())
    return [(m["id"], m["name"]) for m in data["support-triagers"]]
