"""The local notifier: standups are shown in the terminal, never sent.

It remembers what it last showed for each standup (in `memory`, a small JSON file beside the
local calendar, ignored by git), so a re-run finds that standup "already up to date" instead of
showing the whole of it again, and a changed one is shown as an update. What a run showed is
written when the command succeeds (`commit`), so a failed command changes no file. The file is
only a memory of the terminal: unreadable, it is forgotten, and the standup is shown again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from rolebot.errors import LocalDataError
from rolebot.files import locked, write_atomic
from rolebot.models import CreatedStandup, ExistingStandup, StandupSearch, StandupSpec

MEMORY_FILE = "standups-shown.json"
"""The notifier's memory, beside the local calendar file."""
NO_ID = ""
"""The ID of a standup the terminal showed: none, so the state never records one."""


class TerminalNotifier:
    """Records the standup it would send (in the outbox, for the command to show) instead of sending it."""

    description = "terminal (standups are shown, not sent)"

    def __init__(self, record: Callable[[StandupSpec], None], memory: Path | None = None) -> None:
        self._record = record
        self._memory = memory
        self._shown: dict[str, dict[str, object]] = {}
        """What this run showed, by standup name: remembered once the command succeeds."""

    def find_standup(self, name: str, known_id: str | None = None) -> StandupSearch:
        """The standup as last shown, if it was (only its name counts: the terminal has no IDs)."""
        shown = self._shown.get(name) or self._remembered().get(name)
        return StandupSearch(_from_json(name, shown)) if isinstance(shown, dict) else StandupSearch()

    def create_standup(self, spec: StandupSpec) -> CreatedStandup:
        self._show(spec)
        return CreatedStandup(_as_existing(spec))

    def update_standup(self, existing: ExistingStandup, spec: StandupSpec) -> ExistingStandup:
        self._show(spec)
        return _as_existing(spec)

    def delete_standup(self, standup: ExistingStandup) -> bool:
        return False  # nothing to delete: the terminal shows one standup of each name

    def commit(self) -> None:
        """Remember what this run showed (the command succeeded)."""
        if self._memory is None or not self._shown:
            return
        try:
            with locked(self._memory, shown_as=self._memory.name):
                remembered = {**self._remembered(), **self._shown}
                write_atomic(self._memory, json.dumps(remembered, indent=4, ensure_ascii=False) + "\n")
        except OSError as error:
            raise LocalDataError(
                f"cannot remember the standup shown in {self._memory}: {error.strerror}", "check the directory"
            ) from None
        self._shown = {}

    def _show(self, spec: StandupSpec) -> None:
        self._record(spec)
        self._shown[spec.name] = _to_json(spec)

    def _remembered(self) -> dict[str, object]:
        if self._memory is None:
            return {}
        try:
            data = json.loads(self._memory.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}  # never shown, or unreadable: show it again
        return data if isinstance(data, dict) else {}


def _as_existing(spec: StandupSpec) -> ExistingStandup:
    return ExistingStandup(
        id=NO_ID,
        name=spec.name,
        channel=spec.channel,
        days=spec.days,
        time=spec.time,
        timezone=spec.timezone,
        questions=(spec.question,),
        participants=spec.participants,
    )


def _to_json(spec: StandupSpec) -> dict[str, object]:
    return {
        "channel": spec.channel,
        "days": list(spec.days),
        "time": spec.time,
        "timezone": spec.timezone,
        "question": spec.question,
        "participants": list(spec.participants),
    }


def _from_json(name: str, shown: dict[str, object]) -> ExistingStandup | None:
    """The standup as remembered; None for a memory that does not read as one."""
    channel, days, time, zone = shown.get("channel"), shown.get("days"), shown.get("time"), shown.get("timezone")
    question, participants = shown.get("question"), shown.get("participants")
    texts = (channel, time, zone, question)
    if not all(isinstance(v, str) for v in texts) or not isinstance(days, list) or not isinstance(participants, list):
        return None
    return ExistingStandup(
        id=NO_ID,
        name=name,
        channel=str(channel),
        days=tuple(str(d) for d in days),
        time=str(time),
        timezone=str(zone),
        questions=(str(question),),
        participants=tuple(str(p) for p in participants),
    )
