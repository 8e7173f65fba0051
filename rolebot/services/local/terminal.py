"""The local notifier: standups are shown in the terminal, never sent."""

from __future__ import annotations

from collections.abc import Callable

from rolebot.models import CreatedStandup, ExistingStandup, StandupSearch, StandupSpec


class TerminalNotifier:
    """Records the standup it would send (in the outbox, for the command to show) instead of sending it."""

    description = "terminal (standups are shown, not sent)"

    def __init__(self, record: Callable[[StandupSpec], None]) -> None:
        self._record = record

    def find_standup(self, name: str, known_id: str | None = None) -> StandupSearch:
        return StandupSearch()  # the terminal keeps no standups: each run shows the whole of it

    def create_standup(self, spec: StandupSpec) -> CreatedStandup:
        self._record(spec)
        return CreatedStandup(_as_existing(spec))

    def update_standup(self, existing: ExistingStandup, spec: StandupSpec) -> ExistingStandup:
        self._record(spec)
        return _as_existing(spec)

    def delete_standup(self, standup: ExistingStandup) -> bool:
        return False  # nothing to delete: the terminal keeps no standups


def _as_existing(spec: StandupSpec) -> ExistingStandup:
    return ExistingStandup(
        id="terminal",
        name=spec.name,
        channel=spec.channel,
        days=spec.days,
        time=spec.time,
        timezone=spec.timezone,
        questions=(spec.question,),
        participants=spec.participants,
    )
