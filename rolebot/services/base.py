"""What rolebot needs from each service. Live and local implementations both satisfy these."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol

from rolebot.messaging import ChannelPost, Delivered, DirectMessage, GroupMembers, GroupOutcome
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

    def list_events(self, start: date, end: date) -> list[CalendarEvent]:
        """Every event that ends after `start` and begins before `end`. Always bounded: a calendar
        may hold an endless recurring event, and the plan needs only its own dates."""
        ...

    def create_events(self, events: Sequence[NewEvent], advance: Advance) -> WriteReport:
        """Create events by their IDs; an ID that already exists is reported as `already`."""
        ...

    def delete_events(self, events: Sequence[CalendarEvent], advance: Advance) -> WriteReport:
        """Delete events; one already gone is reported as `already`."""
        ...

    def update_events(self, events: Sequence[NewEvent], advance: Advance) -> WriteReport:
        """Rewrite existing events in place, each by its `id` (a replan, a swap, a cover): the
        summary, description, dates and rolebot's private properties become the NewEvent's; the
        event keeps its ID. One that already says exactly that is reported as `already`; one
        that no longer exists (deleted meanwhile) is reported in `failed`, never re-created."""
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


class Messenger(Protocol):
    """Slack beyond reading: posts, direct messages, and who is in a user group."""

    description: str

    def post(self, post: ChannelPost) -> Delivered:
        """Post to a channel; posts to one channel go at most about one a second."""
        ...

    def send_dm(self, message: DirectMessage) -> Delivered:
        """Send a direct message to one member (from the app)."""
        ...

    def set_group_members(self, change: GroupMembers) -> GroupOutcome:
        """Make the user group have exactly these members, writing nothing when it already has.
        An unknown handle and an empty member list are errors."""
        ...
