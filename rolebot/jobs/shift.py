"""What `calendar replan`, `swap`, `cover` and `away` share once they have a plan: reading a
role's calendar over the horizon, replanning it, writing the changes, and letting the state
and the standup follow when the handoff the state was last rotated for changed hands (as
`rotate --force` would). Nothing here parses options or prints tables; the commands do."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from rolebot import dates
from rolebot.apply import apply_standup, event_labels, summarise_writes, update_events
from rolebot.events import CalendarView
from rolebot.reads import Reads, current_handoff, read_services, through
from rolebot.replan import ReplanPlan, plan_replan
from rolebot.rotation import PlanInputs, plan_rotation
from rolebot.series import horizon_range
from rolebot.standups import plan_standup_change
from rolebot.state import TeamState, save_state
from rolebot.turns import apply_writes

if TYPE_CHECKING:
    from rolebot.config import RoleConfig
    from rolebot.context import AppContext
    from rolebot.models import Absence, CalendarEvent, Member, NewEvent


def read_role(
    app: AppContext, role: RoleConfig, team: TeamState, *, also: Iterable[date] = (), standup: bool = False
) -> Reads:
    """The group and the role's events from the current turn to the horizon (and past it to the
    turns of `also`, dates named on the command line), and the standup if asked. The messenger
    too, when the role tells members whose dates move (`slack.dm`)."""
    handoff = current_handoff(app, role)
    _, last = horizon_range(role, handoff)
    reach = max([last, *(dates.shift(day, role, role.tenure) for day in also)])
    window = (dates.shift(handoff, role, -role.tenure), through(reach))
    return read_services(
        app,
        role,
        members=True,
        events=window,
        standup=standup,
        standup_id=team.standup_id(role),
        messenger=role.slack.dm,
    )


def rotated_for(role: RoleConfig, team: TeamState) -> date | None:
    """The handoff the state was last rotated for (None if it does not say)."""
    last = team.role(role).last_rotated
    return dates.handoff_on_or_before(last, role) if last is not None else None


def replan_role(
    app: AppContext, role: RoleConfig, team: TeamState, reads: Reads, absences: Sequence[Absence]
) -> ReplanPlan:
    inputs = reads.inputs(role, team.role(role), current_handoff(app, role))
    return plan_replan(inputs, absences=absences)


def write_updates(app: AppContext, updates: Sequence[NewEvent]) -> str:
    """Rewrite events in place; what that did, for people (raises naming every failure)."""
    report = update_events(app, updates, bar=len(updates) > 3)
    return summarise_writes(report, "updated in place", event_labels(updates))


def follow(
    app: AppContext,
    role: RoleConfig,
    team: TeamState,
    order: Sequence[Member],
    events: Sequence[CalendarEvent],
    changed: Iterable[date],
) -> list[str]:
    """If the handoff the state was last rotated for is among `changed`, redo that rotation from
    the calendar as it now is (`events`), write the state and update the standup. What that did,
    for people; nothing when the state is not concerned."""
    handoff = rotated_for(role, team)
    if handoff is None or handoff not in set(changed):
        return []
    held = team.role(role)
    inputs = PlanInputs(role, held, order, CalendarView(role, events, order), handoff)
    rotation = plan_rotation(inputs, force=True)
    after = team.with_role(role, rotation.new_state())
    written = save_state(app.settings.state_path, after, app.config, team)
    who = ", ".join(m.name for m in rotation.after)
    done = [f"state: {handoff} is the handoff last rotated for: now {who} ({'written' if written else 'unchanged'})"]
    standup = role.geekbot
    if standup is None:
        return done  # the role runs without Geekbot: no standup to follow
    notifier = app.services.notifier()
    found = notifier.find_standup(standup.name, after.standup_id(role))
    change = plan_standup_change(role, after, order, found, handoff)
    done.append(f"standup: {apply_standup(app, change)}")
    return done


def events_after(reads: Reads, updates: Sequence[NewEvent], creates: Sequence[NewEvent] = ()) -> list[CalendarEvent]:
    """The role's events as they are once these writes are done."""
    known: list[CalendarEvent] = reads.events.result() if reads.events is not None else []
    return apply_writes(known, creates, updates)


__all__ = ["events_after", "follow", "read_role", "replan_role", "rotated_for", "write_updates"]
