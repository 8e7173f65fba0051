"""The local roster: Slack user groups kept in a JSON file (`state/roster.json`)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import StrictStr, TypeAdapter, ValidationError

from rolebot.errors import LocalDataError
from rolebot.models import Member
from rolebot.validation import Strict, describe


class _RosterEntry(Strict):
    id: StrictStr
    name: StrictStr


_ROSTER = TypeAdapter(dict[str, list[_RosterEntry]])


class LocalRoster:
    """User groups from a JSON file: `{"<handle>": [{"id": "U…", "name": "…"}, …]}`."""

    def __init__(self, path: Path, shown_as: str | None = None) -> None:
        self.path = path
        self.name = shown_as or str(path)
        self.description = f"local roster {self.name}"

    def _groups(self) -> dict[str, list[_RosterEntry]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise LocalDataError(
                f"roster file {self.name} does not exist",
                'create it as {"<usergroup>": [{"id": "U…", "name": "…"}]} or use --backend live',
            ) from None
        except json.JSONDecodeError as exc:
            raise LocalDataError(
                f"{self.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", "fix the file"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise LocalDataError(f"cannot read roster file {self.name}: {exc}", "check the file") from None
        except RecursionError:
            raise LocalDataError(f"{self.name} nests objects or lists too deeply", "fix the file") from None
        if not isinstance(raw, dict):
            raise LocalDataError(f"{self.name}: expected an object of user groups", 'write {"<usergroup>": [...]}')
        for handle, entries in raw.items():
            if not isinstance(entries, list):
                raise LocalDataError(f"{self.name}: {handle}: expected a list of members", "fix the file")
        try:
            return _ROSTER.validate_python(raw, strict=True)
        except ValidationError as exc:
            raise LocalDataError(f"{self.name}: {describe(exc)}", 'each member is {"id": "U…", "name": "…"}') from None

    def members(self, usergroup: str) -> list[Member]:
        groups = self._groups()
        if usergroup not in groups:
            known = ", ".join(sorted(groups)) or "none"
            raise LocalDataError(
                f"{self.name} has no user group {usergroup!r} (groups: {known})", "add it to the roster file"
            )
        return [Member(e.id, e.name) for e in groups[usergroup]]
