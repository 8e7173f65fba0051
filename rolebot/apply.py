"""Plans applied through the services: calendar writes (with a progress bar), the standup, and
what each write did, in words for people. Commands and jobs call these; nothing here plans."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rolebot.errors import StandupGone, WritesFailed

if TYPE_CHECKING:
    from rolebot.context import AppContext
    from rolebot.models import CalendarEvent, NewEvent, WriteReport
    from rolebot.replan_plan import ReplanPlan
    from rolebot.standups import StandupChange


def create_events(app: AppContext, events: Sequence[NewEvent], *, bar: bool = True) -> WriteReport:
    from rolebot.output import progress

    store = app.services.calendar()
    if not bar or len(events) <= 1:
        return store.create_events(events, lambda n: None)
    with progress(app, "creating events", len(events)) as advance:
        return store.create_events(events, advance)


def update_events(app: AppContext, events: Sequence[NewEvent], *, bar: bool = True) -> WriteReport:
    """Rewrite existing events in place (same IDs): live, in the same batches as creations."""
    from rolebot.output import progress

    store = app.services.calendar()
    if not bar or len(events) <= 1:
        return store.update_events(events, lambda n: None)
    with progress(app, "updating events", len(events)) as advance:
        return store.update_events(events, advance)


def apply_replan(app: AppContext, plan: ReplanPlan) -> str:
    """Write a replan: new events, then moved ones in place; what that did, for people. A failed
    write raises `WritesFailed`, naming every failed event and knowing the ones written (a re-run
    finishes the job)."""
    creates, updates = plan.creates, plan.updates
    last = plan.turns[-1].day if plan.turns else None
    reach = f"; the series reaches {last}" if last else ""
    if not creates and not updates:
        return f"nothing to create{reach}"
    parts: list[str] = []
    written: set[str] = set()
    failures: list[WritesFailed] = []
    for events, write, verb in ((creates, create_events, "created"), (updates, update_events, "updated in place")):
        if not events:
            continue
        report = write(app, events, bar=len(events) > 3)
        written.update(report.done)
        try:
            parts.append(summarise_writes(report, verb, event_labels(events)))
        except WritesFailed as error:
            failures.append(error)
    if failures:
        raise failures[0].also_written(frozenset(written))
    moved = sum(1 for t in plan.moves if t.moved)
    text = ", ".join(parts)
    if moved:
        text += f" ({moved} turn{'s' if moved != 1 else ''} moved)"
    return text + reach


def delete_events(app: AppContext, events: Sequence[CalendarEvent]) -> WriteReport:
    from rolebot.output import progress

    with progress(app, "deleting events", len(events)) as advance:
        return app.services.calendar().delete_events(events, advance)


def summarise_writes(report: WriteReport, verb: str, labels: dict[str, str]) -> str:
    """'3 created, 1 already there'; if any failed, raises `WritesFailed` naming every failed item
    (and knowing the ones this call wrote)."""
    parts = [f"{len(report.done)} {verb}"]
    if report.already:
        already = {"created": "there", "deleted": "gone"}.get(verb, "up to date")
        parts.append(f"{len(report.already)} already {already}")
    if report.failed:
        failures = "; ".join(f"{labels.get(item, item)}: {reason}" for item, reason in report.failed)
        raise WritesFailed(
            "calendar",
            f"{len(report.failed)} event(s) not {verb} ({failures}); {', '.join(parts)}",
            "re-run the same command: what exists is skipped, so it finishes the job",
            frozenset(report.done),
        )
    return ", ".join(parts)


def event_labels(events: Sequence[NewEvent | CalendarEvent]) -> dict[str, str]:
    return {e.id: f"{e.start} {e.summary}" for e in events}


def apply_standup(app: AppContext, change: StandupChange) -> str:
    """Make the notifier match the plan, keep the standup's ID in the state, delete duplicates;
    return what happened, for people.

    The ID is recorded before duplicates are deleted, so a failed delete never loses it; it is
    written only when the state does not keep it already."""
    from rolebot.standups import plan_standup

    spec = change.spec
    services = app.services
    notifier = services.notifier()
    if change.existing is None:
        created = notifier.create_standup(spec)
        if not services.is_live("notifier"):
            return f"{spec.name} shown above (local backend: nothing sent)"
        standup = created.standup
        if not created.removed:
            done = [f"created {spec.name}; it runs weekly on {', '.join(spec.days)} at {spec.time} ({spec.timezone})"]
        else:
            newer = "copy" if len(created.removed) == 1 else f"{len(created.removed)} copies"
            done = [
                f"another run created {spec.name} at the same time: kept the oldest (id {standup.id}) and deleted "
                f"the newer {newer} (id {', '.join(created.removed)})"
            ]
            catch_up = plan_standup(spec, standup)
            if catch_up.action == "update":
                standup = notifier.update_standup(standup, spec)
                done.append(f"updated its {' and '.join(catch_up.changed)}")
    elif change.action == "unchanged":
        standup = change.existing
        done = [f"{spec.name} already up to date: nothing sent"]
    else:
        try:
            standup = notifier.update_standup(change.existing, spec)
        except StandupGone:
            _forget_id(app, change, change.existing.id)  # so that the next run creates the standup anew
            raise
        done = [f"updated the {' and '.join(change.changed)} of {spec.name}, keeping its schedule"]
    done.extend(_record_id(app, change, standup.id))
    if change.extras:
        gone = [s.id for s in change.extras if notifier.delete_standup(s)]
        ids = ", ".join(s.id for s in change.extras)
        done.append(
            f"deleted {len(change.extras)} duplicate(s) the key owner had made (id {ids}), keeping the oldest"
            + ("" if len(gone) == len(change.extras) else f"; {len(change.extras) - len(gone)} already gone")
        )
    return "; ".join(done)


def _record_id(app: AppContext, change: StandupChange, standup_id: str) -> list[str]:
    """Keep the standup's ID in the state, unless it is kept already; what that did, for people."""
    from rolebot.state import update_state

    role = change.record_in
    if standup_id == change.state_id or not app.services.is_live("notifier"):
        return []
    if role is None:
        return [f"its ID {standup_id} is not recorded (the state is kept as it is)"]
    written = update_state(app.settings.state_path, app.config, lambda team: team.with_standup_id(role, standup_id))
    return [f"recorded its ID {standup_id} in the state"] if written else []


def _forget_id(app: AppContext, change: StandupChange, gone: str) -> None:
    """The standup `gone` was deleted meanwhile: if the state keeps its ID, drop it."""
    from rolebot.state import TeamState, update_state

    role = change.record_in
    if role is None or change.state_id != gone:
        return

    def forget(team: TeamState) -> TeamState:
        return team.with_standup_id(role, None) if team.standup_id(role) == gone else team

    update_state(app.settings.state_path, app.config, forget)
