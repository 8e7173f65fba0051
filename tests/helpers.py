"""Small builders shared by the engine tests."""

from __future__ import annotations

from datetime import date

from rolebot.config import RoleConfig, load_config
from rolebot.events import CalendarView, event_id, new_event
from rolebot.models import CalendarEvent, Member, NewEvent
from rolebot.state import Person, RoleState
from tests.conftest import TEAM_CONFIG

CONFIG = load_config(TEAM_CONFIG, TEAM_CONFIG.parent)
"""The team's roles, as the repository's rolebot.toml configures them."""
TRIAGER: RoleConfig = CONFIG.role("support-triager")
FACILITATOR: RoleConfig = CONFIG.role("meeting-facilitator")

ADA = Member("U01ADA", "Ada Okafor")
BRUNO = Member("U02BRU", "Bruno Silva")
CHEN = Member("U03CHE", "Chen Wei")
DANA = Member("U04DAN", "Dana Kowalski")
TEAM = (ADA, BRUNO, CHEN, DANA)


def person(member: Member, with_id: bool = True) -> Person:
    return Person(name=member.name, id=member.id if with_id else None)


def state(*serving: Member | None, last: date | None = None) -> RoleState:
    return RoleState(tuple(person(m) if m else None for m in serving), last)


def listed(event: NewEvent, summary: str | None = None) -> CalendarEvent:
    """An event rolebot wrote, as a calendar lists it back (optionally retitled by a person)."""
    return CalendarEvent(
        id=event.id,
        summary=event.summary if summary is None else summary,
        start=event.start,
        end=event.end,
        private=event.private,
    )


def rolebot_event(role: RoleConfig, member: Member, start: date, summary: str | None = None) -> CalendarEvent:
    return listed(new_event(role, member, start), summary)


def hand_made(summary: str, start: date, end: date | None = None, *, ident: str = "handmade1") -> CalendarEvent:
    return CalendarEvent(id=ident, summary=summary, start=start, end=end or start)


def view(role: RoleConfig, *events: CalendarEvent, order: tuple[Member, ...] = TEAM) -> CalendarView:
    return CalendarView(role, events, order)


__all__ = ["event_id"]
