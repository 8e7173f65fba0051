"""What a command reads before it plans: the role and its state, the coming handoff, a member
named on the command line, and the services — members, calendar events, the standup — read at
the same time."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

from rolebot import dates
from rolebot.config import RoleConfig
from rolebot.errors import RolebotError, UsageError
from rolebot.events import CalendarView, match_name
from rolebot.hints import capped, closest_member
from rolebot.models import CalendarEvent, Member, StandupSearch
from rolebot.rotation import PlanInputs, rotation_order
from rolebot.state import RoleState, TeamState, load_state

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rolebot.context import AppContext, ServiceKind

T = TypeVar("T")


@dataclass(frozen=True)
class Reads:
    """The reads a command asked for, as finished futures: `.result()` gives a read's value, or
    raises the error it met, only when (and if) a planner needs it."""

    members: Future[list[Member]] | None = None
    events: Future[list[CalendarEvent]] | None = None
    standup: Future[StandupSearch] | None = None

    def order(self) -> tuple[Member, ...]:
        members: list[Member] = _result(self.members, "members")
        return rotation_order(members)

    def calendar(self, role: RoleConfig, order: Sequence[Member]) -> CalendarView:
        events: list[CalendarEvent] = _result(self.events, "calendar events")
        return CalendarView(role, events, order)

    def inputs(self, role: RoleConfig, state: RoleState, handoff: date) -> PlanInputs:
        """What the rotation and calendar planners need, from the members and events read."""
        order = self.order()
        return PlanInputs(role, state, order, self.calendar(role, order), handoff)

    def standup_search(self) -> StandupSearch | None:
        """What looking for the standup found; None if it was not looked for."""
        return None if self.standup is None else self.standup.result()

    def with_events(self, extra: Sequence[CalendarEvent]) -> Reads:
        """These reads with `extra` calendar events (read later, further ahead) added; each event once."""
        known: list[CalendarEvent] = _result(self.events, "calendar events")
        seen = {event.id for event in known}
        more: Future[list[CalendarEvent]] = Future()
        more.set_result([*known, *(event for event in extra if event.id not in seen)])
        return replace(self, events=more)


def through(last: date) -> date:
    """The end of a window of events that takes in those starting on `last` (the bound is exclusive)."""
    return last + timedelta(days=1)


def _result(future: Future[T] | None, what: str) -> T:
    if future is None:
        raise RolebotError(f"internal error: the {what} were not read", "please report this bug")
    return future.result()


def read_services(
    app: AppContext,
    role: RoleConfig,
    *,
    members: bool = False,
    events: tuple[date, date] | None = None,
    standup: bool = False,
    standup_id: str | None = None,
    messenger: bool = False,
) -> Reads:
    """Read members, calendar events and the standup at the same time (building each client,
    decrypting its credentials included, in its own thread), then show the backends used.
    `messenger` builds the Slack messenger as well (it reads nothing), so the banner names it.

    `events` is the window the plan needs, `(first, end)`: the events that end after `first`
    and begin before `end`. Always bounded: a calendar may hold an endless recurring meeting.
    The standup is looked for by `standup_id` (the ID the state keeps) first, then by name (not at
    all for a role without a Geekbot standup)."""
    services = app.services

    def list_events(first: date, end: date) -> list[CalendarEvent]:
        return services.calendar().list_events(first, end)

    geekbot = role.geekbot if standup else None  # a role without Geekbot never asks it anything

    def find_standup(name: str) -> StandupSearch:
        return services.notifier().find_standup(name, standup_id)

    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="rolebot-read") as pool:
        reads = Reads(
            pool.submit(lambda: services.members().members(role.usergroup)) if members else None,
            pool.submit(list_events, *events) if events else None,
            pool.submit(find_standup, geekbot.name) if geekbot else None,
        )
        built = pool.submit(services.messenger) if messenger else None
    used: tuple[tuple[ServiceKind, object], ...] = (
        ("members", reads.members),
        ("calendar", reads.events),
        ("notifier", reads.standup),
        ("messenger", built),
    )
    services.banner(*(kind for kind, future in used if future is not None))
    return reads


def role_and_state(app: AppContext, role_key: str, *, missing_ok: bool = False) -> tuple[RoleConfig, TeamState]:
    role = app.config.role(role_key.strip())
    return role, load_state(app.settings.state_path, app.config, missing_ok=missing_ok)


def current_handoff(app: AppContext, role: RoleConfig) -> date:
    return dates.handoff_on_or_after(app.today(), role)


def find_member(order: Sequence[Member], text: str, role: RoleConfig, option: str) -> Member:
    """A member named on the command line: a Slack ID, a display name, or a unique first name."""
    wanted = text.strip().lstrip("@")
    by_id = [m for m in order if m.id == wanted]
    found = by_id or match_name(wanted, order)
    if len(found) == 1:
        return found[0]
    listing = capped([m.label() for m in (found or order)])
    if not found:
        suggestion = closest_member(wanted, order)
        raise UsageError(f"{option}: nobody called {text!r} in @{role.usergroup}{suggestion}", f"members: {listing}")
    raise UsageError(f"{option}: {text!r} matches several members: {listing}", "give the full name or the Slack ID")
