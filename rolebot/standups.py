"""Plans for the role's standup: what it should say, and what to change to get there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rolebot.config import RoleConfig
from rolebot.errors import RotationError
from rolebot.messages import render_question
from rolebot.models import ExistingStandup, Member, StandupSpec
from rolebot.rotation import named_as_stored, resolve_person
from rolebot.state import TeamState


def participants(incoming: Member, manager: Member) -> tuple[str, ...]:
    """The incoming member and the standup manager, each once."""
    return tuple(dict.fromkeys((incoming.id, manager.id)))


def standup_spec(role: RoleConfig, serving: Sequence[Member], manager: Member | None, handoff: date) -> StandupSpec:
    """The standup for the role as it stands: `serving` is newest first."""
    if not serving:
        raise RotationError(
            f"nobody serves as {role.title} in the state yet",
            f"run `rolebot rotate {role.key}` or `rolebot init {role.key}` first",
        )
    if manager is None:
        raise RotationError(
            "the state names no standup manager (the owner of the Geekbot API key)",
            f"set one with `rolebot init {role.key} ... --standup-manager NAME`",
        )
    incoming = serving[0]
    buddy = serving[1] if len(serving) > 1 else None
    settings = role.standup
    return StandupSpec(
        name=settings.name,
        channel=settings.channel,
        days=tuple(settings.days),
        time=settings.time,
        timezone=settings.timezone,
        wait_time=settings.wait_time,
        question=render_question(role, incoming, buddy, handoff),
        participants=participants(incoming, manager),
        participant_names=tuple({m.id: m.label() for m in (incoming, manager)}.values()),
    )


@dataclass(frozen=True)
class StandupChange:
    action: Literal["create", "update", "unchanged"]
    spec: StandupSpec
    existing: ExistingStandup | None
    changed: tuple[str, ...] = ()


def plan_standup(spec: StandupSpec, existing: ExistingStandup | None) -> StandupChange:
    """Create the standup if it is missing; otherwise change participants and question only,
    keeping the schedule people may have tuned; change nothing if it already says it all."""
    if existing is None:
        return StandupChange("create", spec, None, ("everything",))
    changed = []
    if sorted(existing.participants) != sorted(spec.participants):
        changed.append("participants")
    if existing.questions != (spec.question,):
        changed.append("question")
    return StandupChange("update" if changed else "unchanged", spec, existing, tuple(changed))


def needs_member_names(role: RoleConfig, team: TeamState) -> bool:
    """Whether someone the standup needs has no Slack ID yet (a legacy state): then the members
    must be read to find them by name."""
    people = (*team.role(role).slots, team.standup_manager)
    return any(p is not None and not p.id for p in people)


def plan_standup_change(
    role: RoleConfig,
    team: TeamState,
    order: Sequence[Member],
    existing: ExistingStandup | None,
    fallback_handoff: date,
) -> StandupChange:
    """What to change so the standup says what the state says (who serves, the manager)."""
    held = team.role(role)
    named = [(slot, p) for slot, p in zip(role.slots, held.slots, strict=True) if p]
    # The incoming member is notified and must be matched; the buddy is only named in the question.
    serving = [resolve_person(p, order, role, slot) for slot, p in named[:1]]
    serving += [named_as_stored(p, order) for _, p in named[1:]]
    manager = team.standup_manager
    resolved_manager = resolve_person(manager, order, role, "standup manager") if manager else None
    spec = standup_spec(role, serving, resolved_manager, held.last_rotated or fallback_handoff)
    return plan_standup(spec, existing)
