"""What several commands share: loading the role and state, and reading services together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from rolebot import dates
from rolebot.concurrency import Outcome, Together
from rolebot.config import RoleConfig
from rolebot.context import AppContext, ServiceKind
from rolebot.errors import RolebotError, UsageError
from rolebot.events import CalendarView, match_name
from rolebot.models import CalendarEvent, ExistingStandup, Member
from rolebot.rotation import PlanInputs, rotation_order
from rolebot.state import RoleState, TeamState, load_state

if TYPE_CHECKING:
    from collections.abc import Sequence

T = TypeVar("T")


@dataclass(frozen=True)
class Reads:
    """What a command read from the services, each read's value or error kept apart until needed."""

    members: Outcome[list[Member]] | None = None
    events: Outcome[list[CalendarEvent]] | None = None
    standup: Outcome[ExistingStandup | None] | None = None

    def order(self) -> tuple[Member, ...]:
        members: list[Member] = _read(self.members, "members")
        return rotation_order(members)

    def calendar(self, role: RoleConfig, order: Sequence[Member]) -> CalendarView:
        events: list[CalendarEvent] = _read(self.events, "calendar events")
        return CalendarView(role, events, order)

    def inputs(self, role: RoleConfig, state: RoleState, handoff: date) -> PlanInputs:
        """What the rotation and calendar planners need, from the members and events read."""
        order = self.order()
        return PlanInputs(role, state, order, self.calendar(role, order), handoff)

    def existing_standup(self) -> ExistingStandup | None:
        return None if self.standup is None else self.standup.get()


def _read(outcome: Outcome[T] | None, what: str) -> T:
    if outcome is None:
        raise RolebotError(f"internal error: the {what} were not read", "please report this bug")
    return outcome.get()


def read_services(
    app: AppContext,
    role: RoleConfig,
    *,
    members: bool = False,
    events_from: date | None = None,
    standup: bool = False,
) -> Reads:
    """Read members, calendar events and the standup at the same time (building each client,
    decrypting its credentials included, in its own thread), then show the backends used."""
    services = app.services
    start = events_from
    with Together(3) as together:
        found = together.start(lambda: services.members().members(role.usergroup)) if members else None
        listed = together.start(lambda: services.calendar().list_events(start, None)) if start else None
        existing = together.start(lambda: services.notifier().find_standup(role.standup.name)) if standup else None
    reads = Reads(
        found.result() if found else None, listed.result() if listed else None, existing.result() if existing else None
    )
    used: list[tuple[ServiceKind, object]] = [("members", found), ("calendar", listed), ("notifier", existing)]
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
    listing = ", ".join(m.label() for m in (found or order))
    if not found:
        raise UsageError(f"{option}: nobody called {text!r} in @{role.usergroup}", f"members: {listing}")
    raise UsageError(f"{option}: {text!r} matches several members: {listing}", "give the full name or the Slack ID")
