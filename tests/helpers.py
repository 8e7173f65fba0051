"""Small builders shared by the engine tests."""

from __future__ import annotations

from datetime import date

from rolebot.config import RoleConfig, build_config
from rolebot.events import CalendarView, event_id, new_event
from rolebot.models import CalendarEvent, Member
from rolebot.state import Person, RoleState

CONFIG = build_config({}, "test")
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


def rolebot_event(role: RoleConfig, member: Member, start: date, summary: str | None = None) -> CalendarEvent:
    event = new_event(role, member, start).as_calendar_event()
    if summary is None:
        return event
    return CalendarEvent(event.id, summary, event.start, event.end, event.private)


def hand_made(summary: str, start: date, end: date | None = None, *, ident: str = "handmade1") -> CalendarEvent:
    return CalendarEvent(ident, summary, start, end or start, {})


def view(role: RoleConfig, *events: CalendarEvent, order: tuple[Member, ...] = TEAM) -> CalendarView:
    return CalendarView(role, events, order)


__all__ = ["event_id"]
