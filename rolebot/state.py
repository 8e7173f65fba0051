"""The state file, `state/team-roles.json`: who serves in each role.

The file keeps the structure the team already has::

    {"standup_manager": {"name": ..., "id": ...},
     "meeting_facilitator": {"name": ..., "id": ...},
     "support_triager": {"incoming": {...}, "current": {...}}}

and adds keys of its own, each absent from older files (which load unchanged):

* ``last_rotated`` — a role's state key → the handoff it was last rotated for;
* ``standups`` — a role's state key → the ID of its Geekbot standup, so a run finds
  it directly even if the standup manager has left it;
* ``notified`` — a role's state key → {kind: the handoff that message was last sent
  for} (``announce``, ``dm``…), so a re-run never posts twice;
* ``away`` — absences: ``[{"id", "name", "from", "to"}]``, all of the person's roles.

IDs may be ``null`` in older files; they are resolved by name.
This module is the only one that touches the file. Writes are atomic and skipped when
nothing changed, so an unchanged file stays byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import Field, StrictStr, ValidationError

from rolebot.config import Config, RoleConfig
from rolebot.dates import iso_date
from rolebot.errors import StateError
from rolebot.files import locked, write_atomic
from rolebot.models import Absence, Member
from rolebot.validation import Strict, describe

LAST_ROTATED = "last_rotated"
MANAGER = "standup_manager"
STANDUPS = "standups"
NOTIFIED = "notified"
AWAY = "away"
ADDED_KEYS = (LAST_ROTATED, STANDUPS, NOTIFIED, AWAY)


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


class _Away(Strict):
    """One entry of `away`: `from` and `to` are ISO dates, both included."""

    id: StrictStr
    name: StrictStr
    from_: StrictStr = Field(alias="from")
    to: StrictStr


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
    standup_ids: Mapping[str, str] = field(default_factory=dict)
    notified: Mapping[str, Mapping[str, date]] = field(default_factory=dict)
    away: tuple[Absence, ...] = ()

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

    def standup_id(self, role: RoleConfig) -> str | None:
        """The ID of the role's standup, as the last run that created or found it recorded."""
        return self.standup_ids.get(role.state_key)

    def with_standup_id(self, role: RoleConfig, standup_id: str | None) -> TeamState:
        ids = {k: v for k, v in self.standup_ids.items() if k != role.state_key}
        if standup_id is not None:
            ids[role.state_key] = standup_id
        return replace(self, standup_ids=ids)

    def notified_for(self, role: RoleConfig, kind: str) -> date | None:
        """The handoff for which the role's `kind` of message (announce, dm…) was last sent."""
        return self.notified.get(role.state_key, {}).get(kind)

    def with_notified(self, role: RoleConfig, kind: str, handoff: date) -> TeamState:
        kinds = {**self.notified.get(role.state_key, {}), kind: handoff}
        return replace(self, notified={**self.notified, role.state_key: kinds})

    def with_away(self, absences: tuple[Absence, ...]) -> TeamState:
        ordered = tuple(sorted(absences, key=lambda a: (a.first, a.last, a.member_id)))
        return replace(self, away=ordered)

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
        if self.standup_ids:
            content[STANDUPS] = dict(sorted(self.standup_ids.items()))
        if self.notified:
            content[NOTIFIED] = {
                key: {kind: day.isoformat() for kind, day in sorted(kinds.items())}
                for key, kinds in sorted(self.notified.items())
                if kinds
            }
        if self.away:
            content[AWAY] = [
                {"id": a.member_id, "name": a.name, "from": a.first.isoformat(), "to": a.last.isoformat()}
                for a in self.away
            ]
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
    allowed = [MANAGER, *roles_by_key, *ADDED_KEYS]
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
    last = {
        key: _date(value, f"{LAST_ROTATED}.{key}", path)
        for key, value in _by_role(raw, LAST_ROTATED, path, roles_by_key)
    }
    standups: dict[str, str] = {}
    for key, value in _by_role(raw, STANDUPS, path, roles_by_key):
        if not isinstance(value, str) or not value:
            raise StateError(f"{path}: {STANDUPS}.{key}: expected a standup ID (a string)", "fix or remove it")
        standups[key] = value
    notified: dict[str, dict[str, date]] = {}
    for key, kinds in _by_role(raw, NOTIFIED, path, roles_by_key):
        if not isinstance(kinds, dict):
            raise StateError(f"{path}: {NOTIFIED}.{key}: expected an object", 'write it as {"announce": "YYYY-MM-DD"}')
        notified[key] = {str(k): _date(v, f"{NOTIFIED}.{key}.{k}", path) for k, v in kinds.items()}
    return TeamState(manager, roles, last, tuple(raw), standups, notified, _absences(raw.get(AWAY), path))


def _by_role(raw: dict[str, Any], name: str, path: Path, roles: Mapping[str, RoleConfig]) -> list[tuple[str, Any]]:
    """The entries of an object keyed by role state keys (`last_rotated`, `standups`, …)."""
    value = raw.get(name) or {}
    if not isinstance(value, dict):
        raise StateError(f"{path}: {name}: expected an object", f'write it as {{"<role>": ...}}, or remove {name}')
    for key in value:
        if key not in roles:
            raise StateError(f"{path}: {name}.{key}: unknown role", f"known roles: {', '.join(roles)}")
    return list(value.items())


def _date(value: object, where: str, path: Path) -> date:
    parsed = iso_date(value)
    if parsed is None:
        raise StateError(f"{path}: {where}: {value!r} is not a date", "write it as YYYY-MM-DD")
    return parsed


def _absences(value: Any, path: Path) -> tuple[Absence, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise StateError(f"{path}: {AWAY}: expected a list", 'write it as [{"id", "name", "from", "to"}]')
    absences = []
    for index, item in enumerate(value):
        entry: _Away = _validate(_Away, item, f"{AWAY}[{index}]", path)
        first = _date(entry.from_, f"{AWAY}[{index}].from", path)
        last = _date(entry.to, f"{AWAY}[{index}].to", path)
        if last < first:
            raise StateError(f"{path}: {AWAY}[{index}]: `to` {last} is before `from` {first}", "swap them")
        absences.append(Absence(entry.id, entry.name, first, last))
    return tuple(absences)


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


def update_state(path: Path, config: Config, change: Callable[[TeamState], TeamState]) -> bool:
    """Read the state as it is on disk now, change it and write it back, holding the state file's
    lock so that writers at the same time take turns; False if the change changed nothing."""
    with locked(path):
        team = load_state(path, config)
        return save_state(path, change(team), config, team)
