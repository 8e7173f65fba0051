"""Plans as JSON-ready data, for `--json`: built from the plan objects, never from rendered text.

Every function here is pure: a plan (and what applying it did) in, plain dicts and lists out,
with dates as `YYYY-MM-DD` and people as `{"id", "name"}`. The README's *JSON output* documents
the shapes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from rolebot.history import HistoryPlan
    from rolebot.jobs.steps import StepResult
    from rolebot.messaging import GroupMembers
    from rolebot.models import Absence, CalendarEvent, WriteReport
    from rolebot.notices import MovedDates, Notice
    from rolebot.replan_plan import ReplanPlan
    from rolebot.rotation import RotationPlan
    from rolebot.series import DeletePlan, SeriesPlan
    from rolebot.shifts import ShiftPlan
    from rolebot.standups import StandupChange

JSON = dict[str, Any]


class Named(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def id(self) -> str | None: ...


def person(who: Named | None) -> JSON | None:
    """`{"id", "name"}` (the ID is null when rolebot knows none: a legacy state entry without one, a
    name only a calendar title gives); None for nobody."""
    return None if who is None else {"id": who.id or None, "name": who.name}


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def steps(results: Iterable[StepResult]) -> list[JSON]:
    """Each step of a job: its name, whether it succeeded, and its line's text."""
    return [{"step": r.name, "ok": r.ok, "text": r.text} for r in results]


def writes(report: WriteReport) -> JSON:
    """What a batch of calendar writes did: the event IDs written and those already so."""
    return {"done": list(report.done), "already": list(report.already)}


def rotation(plan: RotationPlan) -> JSON:
    """The state step: who serves each slot before and after, and why the newest one comes in."""
    slots = []
    for index, slot in enumerate(plan.role.slots):
        before = plan.before.slots[index] if index < len(plan.before.slots) else None
        after = plan.after[index] if plan.rotate and index < len(plan.after) else before
        slots.append({"slot": slot, "before": person(before), "after": person(after)})
    return {
        "handoff": day(plan.handoff),
        "rotate": plan.rotate,
        "source": plan.sources[0] if plan.rotate and plan.sources else None,
        "slots": slots,
        "notes": list(plan.notes),
        "warnings": list(dict.fromkeys(plan.warnings)),
    }


def standup(change: StandupChange) -> JSON:
    """The standup step: what would be sent, and whether it creates, updates or leaves it."""
    spec = change.spec
    return {
        "action": change.action,
        "name": spec.name,
        "channel": spec.channel,
        "days": list(spec.days),
        "time": spec.time,
        "timezone": spec.timezone,
        "wait_time": spec.wait_time,
        "question": spec.question,
        "participants": list(spec.participants),
        "participant_names": list(spec.participant_names),
        "changed": list(change.changed),
        "existing_id": change.existing.id if change.existing else None,
        "record_id": change.new_id,
        "duplicates": [s.id for s in change.extras],
    }


def replan(plan: ReplanPlan) -> JSON:
    """The calendar step (and `calendar replan`): every turn created or rewritten, the warnings,
    and who gains or drops which dates."""
    changes = [
        {
            "handoff": day(turn.day),
            "action": turn.action,
            "before": person(turn.before),
            "after": person(turn.server),
            "owner": person(turn.owner),
            "reason": turn.reason,
            "trade": day(turn.trade),
            "substitute": turn.substitute,
        }
        for turn in plan.turns
        if turn.action != "keep"
    ]
    return {
        "role": plan.role.key,
        "handoff": day(plan.handoff),
        "freeze_until": day(plan.freeze_end),
        "changes": changes,
        "warnings": plan.warnings(),
        "dates": [
            {
                "member": person(item.member),
                "gained": [d.isoformat() for d in item.gained],
                "dropped": [d.isoformat() for d in item.dropped],
            }
            for item in plan.dates_by_member()
        ],
    }


def replan_run(plan: ReplanPlan, dry_run: bool, results: Sequence[StepResult], follow: Sequence[str]) -> JSON:
    """`calendar replan`: the plan, then what was done: the calendar step and the dates-moved one
    (none for a dry run), and how the state and the standup followed."""
    return {
        **replan(plan),
        "dry_run": dry_run,
        "ok": all(r.ok for r in results),
        "steps": steps(results),
        "follow": list(follow),
    }


def group(change: GroupMembers) -> JSON:
    """The on-call group step: the members the user group is given."""
    return {"usergroup": change.bare_handle, "members": [person(m) for m in change.members]}


def notice(item: Notice) -> JSON:
    """The announce or dm step: the message, where it goes, and whether it went out already."""
    message = item.message
    to = getattr(message, "channel", None)
    member = getattr(message, "member", None)
    return {
        "kind": item.kind,
        "handoff": day(item.handoff),
        "channel": to,
        "member": person(member),
        "text": message.text,
        "already_sent": item.already,
        "recorded": item.record,
    }


def moved_dates(plan: MovedDates) -> JSON:
    """The dates-moved step: each member whose turns changed (gained and dropped, per role), the
    message each is sent, and who left the group (not told)."""
    return {
        "changes": [
            {
                "role": change.role.key,
                "member": person(change.member),
                "gained": [d.isoformat() for d in change.added],
                "dropped": [d.isoformat() for d in change.dropped],
            }
            for change in plan.changes
        ],
        "messages": [{"member": person(m.member), "text": m.text} for m in plan.messages],
        "left": list(plan.left),
    }


def any_plan(value: object) -> JSON | None:
    """Any of the rotate job's plans, by its type."""
    from rolebot.jobs.moved import DatesMoved
    from rolebot.jobs.rotate import StatePlan
    from rolebot.messaging import GroupMembers
    from rolebot.notices import Notice
    from rolebot.replan_plan import ReplanPlan
    from rolebot.standups import StandupChange

    if isinstance(value, StatePlan):
        return rotation(value.rotation)
    if isinstance(value, StandupChange):
        return standup(value)
    if isinstance(value, ReplanPlan):
        return replan(value)
    if isinstance(value, GroupMembers):
        return group(value)
    if isinstance(value, Notice):
        return notice(value)
    if isinstance(value, DatesMoved):
        return moved_dates(value.notices())
    return None


def rotate(
    role: str,
    handoff: date,
    dry_run: bool,
    order: Sequence[str],
    plans: Mapping[str, object],
    results: Sequence[StepResult],
) -> JSON:
    """`rotate --json`: each step's plan, in the job's `order` (null for a step turned off or that
    could not be planned), and each step's result (a dry run has results only for those)."""
    return {
        "role": role,
        "handoff": day(handoff),
        "dry_run": dry_run,
        "ok": all(r.ok for r in results),
        "plans": {name: any_plan(plans.get(name)) for name in order},
        "steps": steps(results),
    }


def series(plan: SeriesPlan, dry_run: bool, report: WriteReport | None) -> JSON:
    """`calendar next|bulk`: every handoff considered, whether it is created, and what was written."""
    return {
        "role": plan.role.key,
        "dry_run": dry_run,
        "items": [
            {
                "handoff": day(item.day),
                "end": day(item.event.end) if item.event else None,
                "member": person(item.member),
                "action": item.action,
                "source": item.source,
                "problem": item.problem,
            }
            for item in plan.items
        ],
        "notes": list(plan.notes),
        "written": writes(report) if report is not None else None,
    }


def event(item: CalendarEvent) -> JSON:
    return {"id": item.id, "start": day(item.start), "end": day(item.end), "summary": item.summary}


def deletion(plan: DeletePlan, dry_run: bool, report: WriteReport | None) -> JSON:
    """`calendar delete`: the events in the range, and what was deleted."""
    return {
        "role": plan.role.key,
        "from": day(plan.first),
        "to": day(plan.last),
        "dry_run": dry_run,
        "events": [event(e) for e in plan.events],
        "deleted": writes(report) if report is not None else None,
    }


def shift(plan: ShiftPlan, dry_run: bool, results: Sequence[StepResult], follow: Sequence[str]) -> JSON:
    """`swap` and `cover`: each handoff touched, whose turn it is, who serves before and after; then
    what was done (the calendar step and the dates-moved one) and how the state followed."""
    return {
        "role": plan.role.key,
        "kind": plan.kind,
        "days": [d.isoformat() for d in plan.days],
        "dry_run": dry_run,
        "changed": plan.changed,
        "turns": [
            {"handoff": day(turn.day), "owner": person(turn.owner), "before": person(turn.server), "after": person(a)}
            for turn, a in zip(plan.before, plan.after, strict=True)
        ],
        "notes": list(plan.notes),
        "ok": all(r.ok for r in results),
        "steps": steps(results),
        "follow": list(follow),
    }


def absence(item: Absence) -> JSON:
    return {"id": item.member_id, "name": item.name, "from": day(item.first), "to": day(item.last)}


def history(plan: HistoryPlan) -> JSON:
    """`rolebot history`: every turn, every person, the fairness, notes and warnings."""
    fairness = plan.fairness
    return {
        "role": plan.role.key,
        "today": plan.today.isoformat(),
        "since": plan.since.isoformat(),
        "first": plan.first.isoformat(),
        "last": plan.last.isoformat(),
        "turns": [
            {
                "handoff": t.day.isoformat(),
                "last_day": t.last_day.isoformat(),
                "server": person(t.server),
                "owner": person(t.owner),
                "status": t.status,
                "source": t.source,
                "pin": t.pin,
                "shifted": t.shifted,
                "before": person(t.before),
            }
            for t in plan.turns
        ],
        "members": [
            {
                **(person(m.member) or {}),
                "in_group": m.in_group,
                "served": m.served,
                "ahead": m.ahead,
                "turns": m.turns,
                "last_served": day(m.last_served),
                "next_turn": day(m.next_turn),
                "swaps_taken": m.swaps_taken,
                "swaps_given": m.swaps_given,
            }
            for m in plan.members
        ],
        "fairness": {
            "counted": fairness.counted,
            "fewest": fairness.fewest,
            "most": fairness.most,
            "spread": fairness.spread,
            "balanced": fairness.balanced,
            "furthest_behind": [{**(person(m.member) or {}), "turns": m.turns} for m in fairness.behind],
        },
        "unrecorded": [day.isoformat() for day in plan.unrecorded],
        "notes": list(plan.notes),
        "warnings": list(plan.warnings),
    }
