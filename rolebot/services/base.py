"""What rolebot needs from each service. Live and local implementations both satisfy these."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol

from rolebot.models import (
    CalendarEvent,
    CreatedStandup,
    ExistingStandup,
    Member,
    NewEvent,
    StandupSearch,
    StandupSpec,
    WriteReport,
)

Advance = Callable[[int], None]
"""Progress callback: called with the number of items just finished."""


class MembersSource(Protocol):
    description: str

    def members(self, usergroup: str) -> list[Member]:
        """Everyone in the group who can serve (no deleted users, no bots), in any order."""
        ...


class CalendarStore(Protocol):
    description: str

    def list_events(self, start: date, end: date | None) -> list[CalendarEvent]:
        """Every event that ends after `start` and begins before `end` (None: no upper bound)."""
        ...

    def create_events(self, events: Sequence[NewEvent], advance: Advance) -> WriteReport:
        """Create events by their IDs; an ID that already exists is reported as `already`."""
        ...

    def delete_events(self, events: Sequence[CalendarEvent], advance: Advance) -> WriteReport:
        """Delete events; one already gone is reported as `already`."""
        ...


class Notifier(Protocol):
    description: str

    def find_standup(self, name: str, known_id: str | None = None) -> StandupSearch:
        """The standup to keep up to date: the one with `known_id` (the ID the state keeps) if it
        can be seen, whatever it is called now; otherwise the one called `name`. Of several of
        that name, all created by the key owner, the oldest, with the others as `extras`; several
        made by anyone else is an error naming them. `unseen_id` says the state's standup cannot
        be seen and may still exist. Never changes anything."""
        ...

    def create_standup(self, spec: StandupSpec) -> CreatedStandup:
        """Create the standup, never twice; if runs at the same time created others of that name,
        keep the oldest and delete the ones this run created."""
        ...

    def update_standup(self, existing: ExistingStandup, spec: StandupSpec) -> ExistingStandup:
        """Replace the participants and the question; leave the schedule alone."""
        ...

    def delete_standup(self, standup: ExistingStandup) -> bool:
        """Delete a standup; False if it was already gone."""
        ...
