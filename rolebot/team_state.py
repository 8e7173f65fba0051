"""The state file's content as data: who serves in each role, and the keys rolebot adds.

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

Files written by the old scripts load as they are and are written back in their own shape: IDs
may be ``null`` (resolved by name); an empty entry may be ``{"name": null, "id": null}``; a role
may be under an older key (``support_steward``, the role's `legacy_state_keys`). This module reads
and writes that JSON; `rolebot.state` is the one that touches the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import Field, StrictStr, ValidationError

from rolebot.absences import in_order
from rolebot.config import Config, RoleConfig
from rolebot.dates import checked_date
from rolebot.errors import StateError
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
    file_keys: Mapping[str, str] = field(default_factory=dict)
    """A role's state key → the older key the file uses for it (`support_steward`), kept on write."""
    null_named: frozenset[str] = frozenset()
    """Empty entries the file writes `{"name": null, "id": null}` (by path: `meeting_facilitator`,
    `support_triager.current`, `standup_manager`), written back in that shape while empty."""

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

    def with_notified(self, role: RoleConfig, kind: str, handoff: date | None) -> TeamState:
        """The state saying the role's `kind` of message was last sent for `handoff` (None: never)."""
        kinds = {k: v for k, v in self.notified.get(role.state_key, {}).items() if k != kind}
        if handoff is not None:
            kinds[kind] = handoff
        notified = {**self.notified, role.state_key: kinds}
        if not kinds:
            del notified[role.state_key]
        return replace(self, notified=notified)

    def with_away(self, absences: tuple[Absence, ...]) -> TeamState:
        return replace(self, away=in_order(absences))

    def file_key(self, state_key: str) -> str:
        """The key the file uses for a role (its state key, or the older key the file had)."""
        return self.file_keys.get(state_key, state_key)

    def to_json(self, config: Config) -> dict[str, Any]:
        """The file's content, keeping the order of keys the file already had."""
        content: dict[str, Any] = {}
        if self.standup_manager is not None or MANAGER in self.key_order:
            content[MANAGER] = self._dump(self.standup_manager, MANAGER)
        for role in config.roles.values():
            key = self.file_key(role.state_key)
            slots = self.roles.get(role.state_key)
            if slots is None and key not in self.key_order:
                continue
            slots = slots or tuple(None for _ in role.slots)
            if role.tenure == 2:
                content[key] = {
                    name: self._dump(slot, f"{role.state_key}.{name}")
                    for name, slot in zip(("incoming", "current"), slots, strict=True)
                }
            else:
                content[key] = self._dump(slots[0], role.state_key)
        if self.last_rotated:
            content[LAST_ROTATED] = self._by_file_key({k: v.isoformat() for k, v in self.last_rotated.items()})
        if self.standup_ids:
            content[STANDUPS] = self._by_file_key(dict(self.standup_ids))
        notified = {k: {kind: d.isoformat() for kind, d in sorted(v.items())} for k, v in self.notified.items() if v}
        if notified:
            content[NOTIFIED] = self._by_file_key(notified)
        if self.away:
            content[AWAY] = [
                {"id": a.member_id, "name": a.name, "from": a.first.isoformat(), "to": a.last.isoformat()}
                for a in self.away
            ]
        ordered = {k: content[k] for k in self.key_order if k in content}
        ordered.update({k: v for k, v in content.items() if k not in ordered})
        return ordered

    def _dump(self, person: Person | None, where: str) -> dict[str, str | None] | None:
        if person is None:
            return {"name": None, "id": None} if where in self.null_named else None
        return {"name": person.name, "id": person.id}

    def _by_file_key(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return dict(sorted((self.file_key(k), v) for k, v in values.items()))


def _validate(model: type[Strict], value: Any, key: str, path: Path) -> Any:
    try:
        return model.model_validate(value, strict=True)
    except ValidationError as exc:
        raise StateError(
            f"{path}: {describe(exc, (key,))}", f"fix the file (or restore it with `git checkout -- {path}`)"
        ) from None


def _null_named(value: Any) -> bool:
    """`{"name": null, "id": null}`: how the old scripts wrote a role nobody holds."""
    return isinstance(value, dict) and "name" in value and set(value) <= {"name", "id"} and not any(value.values())


class _Reader:
    """Reads one state file: maps the keys it uses (older ones included) to roles, and notes
    the empty entries written as `{"name": null, "id": null}`."""

    def __init__(self, raw: dict[str, Any], config: Config, path: Path) -> None:
        self.raw, self.path = raw, path
        self.roles = {key: role for role in config.roles.values() for key in role.state_keys}
        self.file_keys: dict[str, str] = {}
        self.null_named: set[str] = set()

    def canonical(self, key: str, where: str) -> str:
        role = self.roles.get(key)
        if role is None:
            raise StateError(f"{self.path}: {where}{key}: unknown role", f"known roles: {', '.join(self.roles)}")
        used = self.file_keys.setdefault(role.state_key, key)
        if used != key:
            raise StateError(
                f"{self.path}: {where}{used} and {where}{key} both name the role {role.key}",
                f"keep one of them ({role.state_key})",
            )
        return role.state_key

    def person(self, value: Any, where: str, shown: str) -> Person | None:
        if _null_named(value):
            self.null_named.add(where)
            return None
        return None if value is None else _validate(Person, value, shown, self.path)

    def slots(self, key: str, role: RoleConfig) -> tuple[Person | None, ...]:
        value = self.raw[key]
        if role.tenure == 1 or value is None:
            return (self.person(value, role.state_key, key),) if role.tenure == 1 else (None, None)
        if not isinstance(value, dict):
            _validate(_Pair, value, key, self.path)  # the error names the key and the expected object
        emptied = {name: None if _null_named(entry) else entry for name, entry in value.items()}
        pair = _validate(_Pair, emptied, key, self.path)
        for name in ("incoming", "current"):
            if _null_named(value.get(name)):
                self.null_named.add(f"{role.state_key}.{name}")
        return (pair.incoming, pair.current)

    def by_role(self, name: str) -> list[tuple[str, Any]]:
        """The entries of an object keyed by role state keys (`last_rotated`, `standups`, …)."""
        value = self.raw.get(name) or {}
        if not isinstance(value, dict):
            raise StateError(
                f"{self.path}: {name}: expected an object", f'write it as {{"<role>": ...}}, or remove {name}'
            )
        return [(self.canonical(key, f"{name}."), item) for key, item in value.items()]


def parse_state(raw: Any, config: Config, path: Path) -> TeamState:
    if not isinstance(raw, dict):
        raise StateError(f"{path}: expected a JSON object at the top level", "fix the file")
    reader = _Reader(raw, config, path)
    allowed = [MANAGER, *reader.roles, *ADDED_KEYS]
    for key in raw:
        if key not in allowed:
            raise StateError(
                f"{path}: {key}: unknown key",
                f"allowed keys are {', '.join(allowed)}; an entry of a role the config does not define "
                "(any more) can be removed from the file",
            )
    manager = reader.person(raw.get(MANAGER), MANAGER, MANAGER)
    roles: dict[str, tuple[Person | None, ...]] = {}
    for key in raw:
        if key in reader.roles:
            role = reader.roles[key]
            roles[reader.canonical(key, "")] = reader.slots(key, role)
    last = {key: _date(value, f"{LAST_ROTATED}.{key}", path) for key, value in reader.by_role(LAST_ROTATED)}
    standups: dict[str, str] = {}
    for key, value in reader.by_role(STANDUPS):
        if not isinstance(value, str) or not value:
            raise StateError(f"{path}: {STANDUPS}.{key}: expected a standup ID (a string)", "fix or remove it")
        standups[key] = value
    notified: dict[str, dict[str, date]] = {}
    for key, kinds in reader.by_role(NOTIFIED):
        if not isinstance(kinds, dict):
            raise StateError(f"{path}: {NOTIFIED}.{key}: expected an object", 'write it as {"announce": "YYYY-MM-DD"}')
        notified[key] = {str(k): _date(v, f"{NOTIFIED}.{key}.{k}", path) for k, v in kinds.items()}
    return TeamState(
        manager,
        roles,
        last,
        tuple(raw),
        standups,
        notified,
        _absences(raw.get(AWAY), path),
        {k: v for k, v in reader.file_keys.items() if k != v},
        frozenset(reader.null_named),
    )


def _date(value: object, where: str, path: Path) -> date:
    return checked_date(value, f"{path}: {where}", StateError, "fix the date")


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
