"""Plans applied through the services: calendar writes (with a progress bar), the standup, and
what each write did, in words for people. Commands and jobs call these; nothing here plans."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rolebot.errors import ServiceError

if TYPE_CHECKING:
    from rolebot.context import AppContext
    from rolebot.models import CalendarEvent, NewEvent, WriteReport
    from rolebot.standups import StandupChange


def create_events(app: AppContext, events: Sequence[NewEvent], *, bar: bool = True) -> WriteReport:
    from rolebot.output import progress

    store = app.services.calendar()
    if not bar or len(events) <= 1:
        return store.create_events(events, lambda n: None)
    with progress(app, "creating events", len(events)) as advance:
        return store.create_events(events, advance)


def delete_events(app: AppContext, events: Sequence[CalendarEvent]) -> WriteReport:
    from rolebot.output import progress

    with progress(app, "deleting events", len(events)) as advance:
        return app.services.calendar().delete_events(events, advance)


def summarise_writes(report: WriteReport, verb: str, labels: dict[str, str]) -> str:
    """'3 created, 1 already there'; raises with every failed item named if any failed."""
    parts = [f"{len(report.done)} {verb}"]
    if report.already:
        parts.append(f"{len(report.already)} already {'there' if verb == 'created' else 'gone'}")
    if report.failed:
        failures = "; ".join(f"{labels.get(item, item)}: {reason}" for item, reason in report.failed)
        raise ServiceError(
            "calendar",
            f"{len(report.failed)} event(s) not {verb} ({failures}); {', '.join(parts)}",
            "re-run the same command: what exists is skipped, so it finishes the job",
        )
    return ", ".join(parts)


def event_labels(events: Sequence[NewEvent | CalendarEvent]) -> dict[str, str]:
    return {e.id: f"{e.start} {e.summary}" for e in events}


def apply_standup(app: AppContext, change: StandupChange) -> str:
    """Make the notifier match the plan; return what happened, for people."""
    spec = change.spec
    services = app.services
    notifier = services.notifier()
    live = services.is_live("notifier")
    if change.existing is None:
        notifier.create_standup(spec)
        if not live:
            return f"{spec.name} shown above (local backend: nothing sent)"
        return f"created {spec.name}; it runs weekly on {', '.join(spec.days)} at {spec.time} ({spec.timezone})"
    if change.action == "unchanged":
        return f"{spec.name} already up to date: nothing sent"
    notifier.update_standup(change.existing, spec)
    return f"updated the {' and '.join(change.changed)} of {spec.name}, keeping its schedule"
