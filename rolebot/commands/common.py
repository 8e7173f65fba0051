"""What several commands share: loading the role and state, and reading services together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rolebot import dates
from rolebot.concurrency import Outcome, gather
from rolebot.config import RoleConfig
from rolebot.context import AppContext, ServiceKind
from rolebot.errors import UsageError
from rolebot.events import CalendarView, match_name
from rolebot.models import CalendarEvent, ExistingStandup, Member
from rolebot.rotation import rotation_order
from rolebot.state import TeamState, load_state

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


@dataclass(frozen=True)
class Reads:
    """What a command read from the services, each read's value or error kept apart."""

    members: Outcome[object]
    events: Outcome[object]
    standup: Outcome[object]

    def order(self) -> tuple[Member, ...]:
        return rotation_order(self.members.get())  # type: ignore[arg-type]

    def calendar(self, role: RoleConfig, order: Sequence[Member]) -> CalendarView:
        events: list[CalendarEvent] = self.events.get()  # type: ignore[assignment]
        return CalendarView(role, events, order)

    def existing_standup(self) -> ExistingStandup | None:
        return self.standup.get()  # type: ignore[return-value]


SKIPPED: Outcome[object] = Outcome(None, None)


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
    kinds: list[ServiceKind] = []
    tasks: dict[str, Callable[[], object]] = {}
    services = app.services
    if members:
        kinds.append("members")
        tasks["members"] = lambda: services.members().members(role.usergroup)
    if events_from is not None:
        kinds.append("calendar")
        start = events_from
        tasks["events"] = lambda: services.calendar().list_events(start, None)
    if standup:
        kinds.append("notifier")
        tasks["standup"] = lambda: services.notifier().find_standup(role.standup.name)
    results = gather(tasks)
    services.banner(*kinds)
    return Reads(results.get("members", SKIPPED), results.get("events", SKIPPED), results.get("standup", SKIPPED))


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
