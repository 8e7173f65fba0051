"""The state file, `state/team-roles.json`: loading it, and writing this run's changes to it.

This module is the only one that touches the file (its content as data is `rolebot.team_state`).
Writes hold the file's lock, re-read it and apply only what this run changed, so two runs at
once (rotating two roles) both count; they are atomic, and skipped when nothing changed, so an
unchanged file stays byte-identical. `init` writes through `write_init`, which works on any file
that parses as JSON: it replaces the role's entries and keeps the rest as it is. A local copy of
the state (`team-roles.local.json`, `rolebot.settings.local_copy`) reads as the file it copies
until it is first written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from rolebot.config import Config, RoleConfig
from rolebot.errors import StateError
from rolebot.files import locked, write_atomic
from rolebot.merge import Conflict, three_way
from rolebot.settings import copied_from
from rolebot.team_state import (
    AWAY,
    LAST_ROTATED,
    MANAGER,
    NOTIFIED,
    STANDUPS,
    Person,
    RoleState,
    TeamState,
    parse_state,
)

ROLES = "roles"  # merge keys only: a role's slots are ("roles", state key)

__all__ = [
    "Person",
    "RoleState",
    "TeamState",
    "claim_notice",
    "load_state",
    "parse_state",
    "release_notice",
    "render_state",
    "save_state",
    "update_state",
]


def _read_json(path: Path) -> Any:
    """The file's JSON; `_MISSING` if there is no file. A local copy that was never written
    (`team-roles.local.json`) reads as the file it copies (`team-roles.json`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        original = copied_from(path)
        return _MISSING if original is None else _read_json(original)
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"cannot read state file {path}: {exc}", "check the file and its permissions") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            f"fix the file or restore it with `git checkout -- {path}`",
        ) from None
    except RecursionError:
        raise StateError(
            f"{path} nests objects or lists too deeply to be a state file",
            f"fix the file or restore it with `git checkout -- {path}`",
        ) from None


_MISSING: Any = object()


def load_state(path: Path, config: Config, *, missing_ok: bool = False) -> TeamState:
    raw = _read_json(path)
    if raw is _MISSING:
        if missing_ok:
            return TeamState()
        raise StateError(
            f"state file {path} does not exist",
            "create it with `rolebot init ROLE --current NAME --standup-manager NAME`, or pass --state",
        )
    return parse_state(raw, config, path)


def render_state(state: TeamState, config: Config) -> str:
    return json.dumps(state.to_json(config), indent=4, ensure_ascii=False) + "\n"


def _entries(team: TeamState) -> dict[tuple[str, ...], object]:
    """The state as independent keys, for the merge: a role's slots, each role's date, ID…"""
    entries: dict[tuple[str, ...], object] = {(ROLES, key): slots for key, slots in team.roles.items()}
    if team.standup_manager is not None:
        entries[(MANAGER,)] = team.standup_manager
    entries.update({(LAST_ROTATED, key): day for key, day in team.last_rotated.items()})
    entries.update({(STANDUPS, key): value for key, value in team.standup_ids.items()})
    for key, kinds in team.notified.items():
        entries.update({(NOTIFIED, key, kind): day for kind, day in kinds.items()})
    if team.away:
        entries[(AWAY,)] = team.away
    return entries


def _from_entries(entries: Mapping[tuple[str, ...], Any], mine: TeamState, theirs: TeamState) -> TeamState:
    def keyed(name: str) -> dict[str, Any]:
        return {key[1]: value for key, value in entries.items() if key[0] == name and len(key) == 2}

    notified: dict[str, dict[str, date]] = {}
    for key, value in entries.items():
        if key[0] == NOTIFIED:
            notified.setdefault(key[1], {})[key[2]] = value
    return TeamState(
        entries.get((MANAGER,)),
        keyed(ROLES),
        keyed(LAST_ROTATED),
        tuple(dict.fromkeys((*theirs.key_order, *mine.key_order))),
        keyed(STANDUPS),
        notified,
        entries.get((AWAY,), ()),
        {**mine.file_keys, **theirs.file_keys},
        mine.null_named | theirs.null_named,
    )


def _shown_key(key: tuple[str, ...]) -> str:
    """A merge key as the file writes it: `support_triager`, `last_rotated.support_triager`."""
    return ".".join(key[1:] if key[0] == ROLES else key)


def save_state(path: Path, state: TeamState, config: Config, previous: TeamState | None) -> bool:
    """Write this run's changes (from `previous`, the state it read, to `state`) into the file as it
    is now: another run may have written it meanwhile. Under the file's lock: re-read it, apply
    this run's changes key by key, write atomically. Return False (and leave the file alone, byte
    for byte) when that changes nothing. A key both runs changed differently is an error."""

    def merge(current: TeamState) -> TeamState:
        try:
            merged = three_way(_entries(previous or TeamState()), _entries(state), _entries(current))
        except Conflict as conflict:
            keys = ", ".join(_shown_key(cast("tuple[str, ...]", key)) for key in conflict.keys)
            raise StateError(
                f"{path}: another rolebot run changed {keys} differently while this one ran; nothing written",
                "run the command again: it starts from what the other run wrote",
            ) from None
        return _from_entries(merged, state, current)

    return _compare_and_set(path, config, merge, missing_ok=True)


# --- init: replace a role's entries in any JSON file, keep the rest -------------------------------


@dataclass(frozen=True)
class Seen:
    """What a state file says before `init` replaces a role's entries in it."""

    slots: tuple[Person | None, ...]
    manager: Person | None
    problem: str | None = None
    """Why the file cannot be read as a state (init replaces what it must and keeps the rest)."""


def peek(path: Path, config: Config, role: RoleConfig) -> Seen:
    """The role's slots and the standup manager as the file has them, as far as it can be read."""
    empty = tuple(None for _ in role.slots)
    raw = _read_json(path)
    if raw is _MISSING:
        return Seen(empty, None)
    try:
        team = parse_state(raw, config, path)
    except StateError as error:
        return Seen(empty, None, error.message)
    return Seen(team.role(role).slots, team.standup_manager)


def write_init(path: Path, config: Config, role: RoleConfig, serving: RoleState, manager: Person | None) -> bool:
    """Set the role's slots, its `last_rotated` and the standup manager (unless None: a role without
    Geekbot) in the file, keeping every other key as it is (even one rolebot cannot read); False if
    the file already said so."""
    with locked(path, shown_as=str(path)):
        raw = _read_json(path)
        content: dict[str, Any] = dict(raw) if isinstance(raw, dict) else {}
        key = next((k for k in role.state_keys if k in content), role.state_key)
        slots = [None if p is None else {"name": p.name, "id": p.id} for p in serving.slots]
        content[key] = dict(zip(("incoming", "current"), slots, strict=True)) if role.tenure == 2 else slots[0]
        if manager is not None:
            entry = {"name": manager.name, "id": manager.id}
            content = {**content, MANAGER: entry} if MANAGER in content else {MANAGER: entry, **content}
        last = content.get(LAST_ROTATED)
        last = dict(last) if isinstance(last, dict) else {}
        last_key = next((k for k in role.state_keys if k in last), key)
        if serving.last_rotated is not None:
            last[last_key] = serving.last_rotated.isoformat()
        content[LAST_ROTATED] = last
        if raw is not _MISSING and content == raw:
            return False
        try:
            write_atomic(path, json.dumps(content, indent=4, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise StateError(
                f"cannot write the state file {path}: {exc.strerror or exc}", "check the directory and its permissions"
            ) from None
    return True


def update_state(path: Path, config: Config, change: Callable[[TeamState], TeamState]) -> bool:
    """Apply `change` to the state as it is on disk now and write it (merged under the file's
    lock, like every save); False if the change changed nothing."""
    team = load_state(path, config)
    return save_state(path, change(team), config, team)


# --- messages sent once per handoff: claimed in the file before they are sent ---------------------


def claim_notice(path: Path, config: Config, role: RoleConfig, kind: str, handoff: date) -> bool:
    """Record that the role's `kind` of message (announce, dm…) goes out for `handoff`, unless the
    file says so already. A compare-and-set under the file's lock: of two runs at once, one claims
    it and the other sees it claimed, so the message is sent once. True if this run claimed it."""

    def claim(team: TeamState) -> TeamState | None:
        return None if team.notified_for(role, kind) == handoff else team.with_notified(role, kind, handoff)

    return _compare_and_set(path, config, claim)


def release_notice(
    path: Path, config: Config, role: RoleConfig, kind: str, handoff: date, previous: date | None
) -> bool:
    """Undo `claim_notice` when the message certainly was not sent, so the next run sends it: the
    file says `previous` again, if it still says `handoff`. True if it was undone."""

    def release(team: TeamState) -> TeamState | None:
        return team.with_notified(role, kind, previous) if team.notified_for(role, kind) == handoff else None

    return _compare_and_set(path, config, release)


def _compare_and_set(
    path: Path, config: Config, change: Callable[[TeamState], TeamState | None], *, missing_ok: bool = False
) -> bool:
    """Under the file's lock, read the state as it is now (empty if the file is missing and
    `missing_ok`), and write what `change` makes of it (None: leave it). True if it was written;
    False, the file left alone byte for byte, when that would change nothing in it."""
    try:
        with locked(path, shown_as=str(path)):
            current = load_state(path, config, missing_ok=missing_ok)
            changed = change(current)
            if changed is None or (path.exists() and changed.to_json(config) == current.to_json(config)):
                return False
            write_atomic(path, render_state(changed, config))
    except OSError as exc:
        raise StateError(
            f"cannot write the state file {path}: {exc.strerror or exc}", "check the directory and its permissions"
        ) from None
    return True
