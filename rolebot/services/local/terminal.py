"""The local notifier: standups are shown in the terminal, never sent."""

from __future__ import annotations

from collections.abc import Callable

from rolebot.models import ExistingStandup, StandupSpec


class TerminalNotifier:
    """Records the standup it would send (in the outbox, for the command to show) instead of sending it."""

    description = "terminal (standups are shown, not sent)"

    def __init__(self, record: Callable[[StandupSpec], None]) -> None:
        self._record = record

    def find_standup(self, name: str) -> ExistingStandup | None:
        return None

    def create_standup(self, spec: StandupSpec) -> ExistingStandup:
        self._record(spec)
        return _as_existing(spec)

    def update_standup(self, existing: ExistingStandup, spec: StandupSpec) -> ExistingStandup:
        self._record(spec)
        return _as_existing(spec)


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
