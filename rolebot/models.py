"""Plain data shared by the planners and the services. No I/O, no third-party imports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, order=True)
class Member:
    """A person who can serve, identified by Slack user ID; the name is for people."""

    id: str
    name: str

    @property
    def first_name(self) -> str:
        parts = self.name.split()
        return parts[0] if parts else self.id

    def label(self) -> str:
        return f"{self.name} ({self.id})"


@dataclass(frozen=True)
class CalendarEvent:
    """An event as any calendar backend reports it, reduced to what rolebot reads.

    `start`/`end` are calendar dates (end exclusive); events with a time of day are
    reduced to their dates, so they count like all-day events.
    """

    id: str
    summary: str
    start: date
    end: date
    private: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return f"{self.summary!r} on {self.start.isoformat()}"


@dataclass(frozen=True)
class NewEvent:
    """An all-day event rolebot wants in the calendar; `id` is deterministic per role and date."""

    id: str
    role: str
    member: Member
    summary: str
    description: str
    start: date
    end: date
    marks: tuple[tuple[str, str], ...] = ()
    """More of rolebot's private properties, e.g. `("rolebot_pinned", "cover")` on a pinned event."""

    @property
    def private(self) -> dict[str, str]:
        return {"rolebot_role": self.role, "rolebot_member": self.member.id, **dict(self.marks)}


@dataclass
class WriteReport:
    """What a batch of calendar writes did, item by item."""

    done: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class StandupSpec:
    """The standup a role should have: schedule for creation, participants and question always."""

    name: str
    channel: str
    days: tuple[str, ...]
    time: str
    timezone: str
    wait_time: int | None
    question: str
    participants: tuple[str, ...]
    participant_names: tuple[str, ...] = ()
    """For people: "Name (ID)" for each participant, in the same order."""


@dataclass(frozen=True)
class ExistingStandup:
    """A standup as the notifier has it now."""

    id: str
    name: str
    channel: str | None
    days: tuple[str, ...]
    time: str
    timezone: str
    questions: tuple[str | None, ...]
    """Each question's text; None for a question without one (a template or random question)."""
    participants: tuple[str, ...]


@dataclass(frozen=True)
class StandupSearch:
    """What looking for a role's standup found."""

    standup: ExistingStandup | None = None
    """The standup to keep up to date; None if there is none to be seen."""
    extras: tuple[ExistingStandup, ...] = ()
    """Newer standups of the same name that the key owner also created (left by runs at the same
    time): duplicates, to be deleted."""
    unseen_id: str | None = None
    """The standup ID the state keeps, when that standup cannot be seen and nothing can tell
    whether it still exists (it was deleted, or the key owner was removed from it)."""


@dataclass(frozen=True)
class CreatedStandup:
    """What creating a standup left: the one to keep, and the duplicates this run deleted."""

    standup: ExistingStandup
    """The standup this run created, or an older one of the same name another run created at the
    same time."""
    removed: tuple[str, ...] = ()
    """IDs of the standups this run created and then deleted because an older one existed."""


@dataclass(frozen=True)
class Absence:
    """Someone away from `first` to `last` (both included): they serve no role then."""

    member_id: str
    name: str
    first: date
    last: date

    def covers(self, start: date, end: date) -> bool:
        """Whether the absence overlaps the days from `start` up to `end` (exclusive)."""
        return self.first < end and start <= self.last

    def overlaps(self, first: date, last: date) -> bool:
        """Whether any day from `first` to `last` (inclusive) falls in the absence."""
        return self.first <= last and first <= self.last

    def describe(self) -> str:
        return f"{self.name} is away from {self.first} to {self.last}"
