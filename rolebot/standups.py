"""Plans for the role's standup: what it should say, and what to change to get there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rolebot.config import RoleConfig
from rolebot.errors import RotationError, ServiceError, UsageError
from rolebot.messages import render_question
from rolebot.models import ExistingStandup, Member, StandupSearch, StandupSpec
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
    settings = role.geekbot
    if settings is None:
        raise no_standup(role)
    incoming = serving[0]
    buddy = serving[1] if len(serving) > 1 else None
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
    extras: tuple[ExistingStandup, ...] = ()
    """Duplicates of the standup (newer, of the same name, also made by the key owner): deleted."""
    state_id: str | None = None
    """The standup ID the state keeps (None: none yet)."""
    record_in: RoleConfig | None = None
    """The role under which the state records the standup's ID; None: the state is kept as it is."""

    @property
    def new_id(self) -> str | None:
        """The ID of the standup found, when the state does not keep it yet. (The ID of one to be
        created is known only once it is; the terminal's standups have none to keep.)"""
        if self.existing is None or not self.existing.id or self.existing.id == self.state_id:
            return None
        return self.existing.id


def plan_standup(
    spec: StandupSpec,
    existing: ExistingStandup | None,
    *,
    extras: tuple[ExistingStandup, ...] = (),
    state_id: str | None = None,
    record_in: RoleConfig | None = None,
) -> StandupChange:
    """Create the standup if it is missing; otherwise change participants and question only,
    keeping the schedule people may have tuned; change nothing if it already says it all."""
    if existing is None:
        action: Literal["create", "update", "unchanged"] = "create"
        changed = ["everything"]
    else:
        changed = []
        if sorted(existing.participants) != sorted(spec.participants):
            changed.append("participants")
        if existing.questions != (spec.question,):
            changed.append("question")
        action = "update" if changed else "unchanged"
    return StandupChange(action, spec, existing, tuple(changed), extras, state_id, record_in)


def needs_member_names(role: RoleConfig, team: TeamState) -> bool:
    """Whether someone the standup needs has no Slack ID yet (a legacy state): then the members
    must be read to find them by name."""
    people = (*team.role(role).slots, team.standup_manager)
    return any(p is not None and not p.id for p in people)


def plan_standup_change(
    role: RoleConfig,
    team: TeamState,
    order: Sequence[Member],
    found: StandupSearch | None,
    fallback_handoff: date,
    *,
    record: bool = True,
) -> StandupChange:
    """What to change so the standup says what the state says (who serves, the manager).

    `found` is what looking for the standup found (None: it was not looked for). With `record`,
    the standup's ID is to be kept in the state once it is known."""
    held = team.role(role)
    named = [(slot, p) for slot, p in zip(role.slots, held.slots, strict=True) if p]
    # The incoming member is notified and must be matched; the buddy is only named in the question.
    serving = [resolve_person(p, order, role, slot) for slot, p in named[:1]]
    serving += [named_as_stored(p, order) for _, p in named[1:]]
    manager = team.standup_manager
    resolved_manager = resolve_person(manager, order, role, "standup manager") if manager else None
    spec = standup_spec(role, serving, resolved_manager, held.last_rotated or fallback_handoff)
    found = found or StandupSearch()
    state_id = team.standup_id(role)
    if found.unseen_id is not None:
        raise _unseen(role, team, found.unseen_id)
    if found.standup is not None and found.standup.name != spec.name:
        raise _renamed(role, found.standup)
    return plan_standup(spec, found.standup, extras=found.extras, state_id=state_id, record_in=role if record else None)


def no_standup(role: RoleConfig) -> UsageError:
    """The error for asking a role without Geekbot for its standup."""
    return UsageError(
        f"{role.title} runs without a Geekbot standup (no [roles.{role.key}.standup], or enabled = false in it)",
        f"to give it one, set a name, channel, days and time under [roles.{role.key}.standup] in the config",
    )


def standup_name(role: RoleConfig) -> str:
    """The name of the role's Geekbot standup ("" for a role without one)."""
    return role.geekbot.name if role.geekbot else ""


def _unseen(role: RoleConfig, team: TeamState, standup_id: str) -> ServiceError:
    """The state keeps a standup ID the key owner cannot see, and nothing tells whether that
    standup still exists: creating one could make a second, so say what each case needs."""
    manager = team.standup_manager.name if team.standup_manager else "the standup manager"
    return ServiceError(
        "Geekbot",
        f"the standup the state keeps for {role.title} (id {standup_id}) cannot be seen with {manager}'s API key: "
        f"it was deleted, or {manager} was removed from it, and only a Geekbot admin's key could tell which; "
        "rolebot makes no second standup while the first may still exist",
        f"if it still exists, add {manager} back to {standup_name(role)} in Geekbot; if it was deleted, remove "
        f'"{role.state_key}" from "standups" in the state file so that rolebot creates a new one',
    )


def _renamed(role: RoleConfig, standup: ExistingStandup) -> ServiceError:
    return ServiceError(
        "Geekbot",
        f"the standup the state keeps for {role.title} (id {standup.id}) is now called {standup.name!r}, "
        f"not {standup_name(role)!r}",
        f"rename it back in Geekbot, or set name = {standup.name!r} under [roles.{role.key}.standup] in the "
        f'config; to start a new standup instead, remove "{role.state_key}" from "standups" in the state file',
    )
