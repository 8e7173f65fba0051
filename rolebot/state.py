"""The state file, `state/team-roles.json`: who serves in each role.

The file keeps the structure the team already has::

    {"standup_manager": {"name": ..., "id": ...},
     "meeting_facilitator": {"name": ..., "id": ...},
     "support_triager": {"incoming": {...}, "current": {...}}}

and adds one key, ``last_rotated``, mapping a role's state key to the handoff date it
was last rotated for. IDs may be ``null`` in older files; they are resolved by name.
This module is the only one that touches the file. Writes are atomic and skipped when
nothing changed, so an unchanged file stays byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import StrictStr, ValidationError

from rolebot.config import Config, RoleConfig
from rolebot.dates import iso_date
from rolebot.errors import StateError
from rolebot.files import write_atomic
from rolebot.models import Member
from rolebot.validation import Strict, describe

LAST_ROTATED = "last_rotated"
MANAGER = "standup_manager"


class Person(Strict):
    """Someone named in the state file. `id` is the Slack user ID, `null` in legacy files."""

    name: StrictStr
    id: StrictStr | None = None

    @classmethod
    def of(cls, member: Member) -> Person:
        return cls(name=member.name, id=member.id)

    def label(self) -> str:
        return f"{self.name} ({self.id})" if self.id else f"{self.name} (no Slack ID yet)"


class _Pair(Strict):
    incoming: Person | None = None
    current: Person | None = None


@dataclass(frozen=True)
class RoleState:
    """A role's slots, newest first (`incoming`, `current`; or the single slot)."""

    slots: tuple[Person | None, ...]
    last_rotated: date | None = None


@dataclass(frozen=True)
class TeamState:
    standup_manager: Person | None = None
    roles: Mapping[str, tuple[Person | None, ...]] = field(default_factory=dict)
    last_rotated: Mapping[str, date] = field(default_factory=dict)
    key_order: tuple[str, ...] = ()

    def role(self, role: RoleConfig) -> RoleState:
        slots = self.roles.get(role.state_key) or tuple(None for _ in role.slots)
        return RoleState(slots, self.last_rotated.get(role.state_key))

    def with_role(self, role: RoleConfig, updated: RoleState) -> TeamState:
        roles = {**self.roles, role.state_key: updated.slots}
        last = dict(self.last_rotated)
        if updated.last_rotated is None:
            last.pop(role.state_key, None)
        else:
            last[role.state_key] = updated.last_rotated
        return replace(self, roles=roles, last_rotated=last)

    def with_manager(self, manager: Person) -> TeamState:
        return replace(self, standup_manager=manager)

    def to_json(self, config: Config) -> dict[str, Any]:
        """The file's content, keeping the order of keys the file already had."""
        content: dict[str, Any] = {}
        if self.standup_manager is not None or MANAGER in self.key_order:
            content[MANAGER] = _dump_person(self.standup_manager)
        for role in config.roles.values():
            slots = self.roles.get(role.state_key)
            if slots is None and role.state_key not in self.key_order:
                continue
            slots = slots or tuple(None for _ in role.slots)
            if role.tenure == 2:
                content[role.state_key] = {"incoming": _dump_person(slots[0]), "current": _dump_person(slots[1])}
            else:
                content[role.state_key] = _dump_person(slots[0])
        if self.last_rotated:
            content[LAST_ROTATED] = {k: v.isoformat() for k, v in sorted(self.last_rotated.items())}
        ordered = {k: content[k] for k in self.key_order if k in content}
        ordered.update({k: v for k, v in content.items() if k not in ordered})
        return ordered


def _dump_person(person: Person | None) -> dict[str, str | None] | None:
    return None if person is None else {"name": person.name, "id": person.id}


def _validate(model: type[Strict], value: Any, key: str, path: Path) -> Any:
    try:
        return model.model_validate(value, strict=True)
    except ValidationError as exc:
        raise StateError(
            f"{path}: {describe(exc, (key,))}", f"fix the file (or restore it with `git checkout -- {path}`)"
        ) from None


def parse_state(raw: Any, config: Config, path: Path) -> TeamState:
    if not isinstance(raw, dict):
        raise StateError(f"{path}: expected a JSON object at the top level", "fix the file")
    roles_by_key = {role.state_key: role for role in config.roles.values()}
    allowed = [MANAGER, *roles_by_key, LAST_ROTATED]
    for key in raw:
        if key not in allowed:
            raise StateError(f"{path}: {key}: unknown key", f"allowed keys are {', '.join(allowed)}")
    manager = None if raw.get(MANAGER) is None else _validate(Person, raw[MANAGER], MANAGER, path)
    roles: dict[str, tuple[Person | None, ...]] = {}
    for key, role in roles_by_key.items():
        if key not in raw:
            continue
        value = raw[key]
        if value is None:
            roles[key] = tuple(None for _ in role.slots)
        elif role.tenure == 2:
            pair = _validate(_Pair, value, key, path)
            roles[key] = (pair.incoming, pair.current)
        else:
            roles[key] = (_validate(Person, value, key, path),)
    last: dict[str, date] = {}
    stamps = raw.get(LAST_ROTATED) or {}
    if not isinstance(stamps, dict):
        raise StateError(f"{path}: {LAST_ROTATED}: expected an object", 'write it as {"<role>": "YYYY-MM-DD"}')
    for key, value in stamps.items():
        if key not in roles_by_key:
            raise StateError(f"{path}: {LAST_ROTATED}.{key}: unknown role", f"known roles: {', '.join(roles_by_key)}")
        parsed = iso_date(value)
        if parsed is None:
            raise StateError(f"{path}: {LAST_ROTATED}.{key}: {value!r} is not a date", "write it as YYYY-MM-DD")
        last[key] = parsed
    return TeamState(manager, roles, last, tuple(raw))


def load_state(path: Path, config: Config, *, missing_ok: bool = False) -> TeamState:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return TeamState()
        raise StateError(
            f"state file {path} does not exist",
            "create it with `rolebot init ROLE --current NAME --standup-manager NAME`, or pass --state",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"cannot read state file {path}: {exc}", "check the file and its permissions") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            f"fix the file or restore it with `git checkout -- {path}`",
        ) from None
    return parse_state(raw, config, path)


def render_state(state: TeamState, config: Config) -> str:
    return json.dumps(state.to_json(config), indent=4, ensure_ascii=False) + "\n"


def save_state(path: Path, state: TeamState, config: Config, previous: TeamState | None) -> bool:
    """Write the state atomically; return False (and leave the file alone) if nothing changed."""
    if previous is not None and previous.to_json(config) == state.to_json(config) and path.exists():
        return False
    try:
        write_atomic(path, render_state(state, config))
    except OSError as exc:
        raise StateError(
            f"cannot write the state file {path}: {exc.strerror or exc}", "check the directory and its permissions"
        ) from None
    return True
