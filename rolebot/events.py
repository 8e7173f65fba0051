"""Calendar events of a role: their identity, and who each one says is serving.

rolebot's own events carry private extended properties naming the role and the member;
events made by hand or by the old scripts are recognised by their summary prefix
(`"Support Triager: Sarah"`, or an older title such as `"Support Steward: Sarah"`).
A person swaps by editing the name in a summary, so the summary wins over the
properties whenever they disagree. A name that fits no member, or several, is an error
that names the event and the candidates: rolebot never guesses who is serving.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache

from rolebot import dates
from rolebot.config import RoleConfig
from rolebot.errors import RotationError
from rolebot.hints import capped, closest_member
from rolebot.models import CalendarEvent, Member, NewEvent

PRIVATE_ROLE = "rolebot_role"
PRIVATE_MEMBER = "rolebot_member"
PRIVATE_PINNED = "rolebot_pinned"
"""Set on events rolebot writes for `swap` and `cover` ("swap" or "cover"): they are pinned."""
PRIVATE_SERVER = "rolebot_server"
"""On a pinned event rolebot wrote: who serves it (its summary names them, perhaps by a shared first name)."""
PRIVATE_SWAP = "rolebot_swap"
"""On a swapped event: "<partner date> <Slack ID>", the other traded handoff and who now serves it."""
PRIVATE_AWAY = "rolebot_away"
"""On a planned (not pinned) event whose server is not its owner because someone is away: the ISO
date of the other handoff of the trade, or `AWAY_SUBSTITUTE` when nobody could trade (a substitute
serves). `rolebot_server` names who serves it."""
AWAY_SUBSTITUTE = "substitute"


SECOND_ID_SUFFIX = "v2"
_FIRST_ID = re.compile(r"rolebot[0-9a-f]{8}[0-9]{8}")


@cache
def _role_digest(role_key: str) -> str:
    return hashlib.sha256(role_key.encode()).hexdigest()[:8]


def event_id(role_key: str, start: date) -> str:
    """A deterministic Google-valid ID (base32hex alphabet) for a role's event on a date.

    One ID per role and start date is what makes duplicates impossible: a second insert,
    from a re-run or a concurrent run, is refused by the calendar instead of doubling up.
    """
    return f"rolebot{_role_digest(role_key)}{start:%Y%m%d}"


def second_event_id(role_key: str, start: date) -> str:
    """The other ID the role's event on `start` may have: used only when Google keeps the first
    one reserved for good (an event deleted and then purged from the bin: insert says it exists,
    get says it does not). Just as deterministic, so concurrent runs still agree on it."""
    return event_id(role_key, start) + SECOND_ID_SUFFIX


def event_ids(role_key: str, start: date) -> tuple[str, str]:
    """Both IDs the role's event on `start` may have: the first, and the second."""
    first = event_id(role_key, start)
    return first, first + SECOND_ID_SUFFIX


def other_event_id(ident: str) -> str | None:
    """For either ID rolebot gives a role's event on a date, the other one (same role, same date);
    None for an ID rolebot does not make."""
    if _FIRST_ID.fullmatch(ident):
        return ident + SECOND_ID_SUFFIX
    first = ident.removesuffix(SECOND_ID_SUFFIX)
    if first != ident and _FIRST_ID.fullmatch(first):
        return first
    return None


def same_event(a: str, b: str) -> bool:
    """Whether two event IDs are the same role's event on the same date (the same ID, or its other one)."""
    return a == b or other_event_id(a) == b


def summary_for(role: RoleConfig, member: Member, order: Sequence[Member] = ()) -> str:
    """`"<title>: <first name>"`, or the full display name when another member of the group shares
    the first name: so the summary names one person, even once they have left the group."""
    folded = member.first_name.casefold()
    shared = any(m.id != member.id and m.first_name.casefold() == folded for m in order)
    return f"{role.title}: {member.name if shared else member.first_name}"


def new_event(role: RoleConfig, member: Member, start: date, order: Sequence[Member] = ()) -> NewEvent:
    """The planned event of `member`'s turn from `start`; `order` (the group) decides whether the
    summary needs the full name (see `summary_for`)."""
    end = dates.shift(start, role, role.tenure)
    return NewEvent(
        id=event_id(role.key, start),
        role=role.key,
        member=member,
        summary=summary_for(role, member, order),
        description=(
            f"{member.name} serves as {role.title} from {dates.human(start)} "
            f"until {dates.human(end)}. Managed by rolebot: to swap, edit the name in the "
            "title to name whoever takes over."
        ),
        start=start,
        end=end,
    )


def summary_name(role: RoleConfig, summary: str) -> str | None:
    """The name in `"<title>: <name>"` for any of the role's titles, else None."""
    folded = summary.strip().casefold()
    for title in role.titles:
        prefix = f"{title.casefold()}:"
        if folded.startswith(prefix):
            return summary.strip()[len(prefix) :].strip()
    return None


def belongs_to(role: RoleConfig, event: CalendarEvent) -> bool:
    owner = event.private.get(PRIVATE_ROLE)
    if owner is not None:
        return owner == role.key
    if event.id.startswith("rolebot") and event.id in event_ids(role.key, event.start):
        return True  # rolebot's own, by either of its IDs, even if its properties were lost
    return summary_name(role, event.summary) is not None


def role_events(role: RoleConfig, events: Iterable[CalendarEvent]) -> list[CalendarEvent]:
    return sorted((e for e in events if belongs_to(role, e)), key=lambda e: (e.start, e.id))


def match_name(text: str, order: Sequence[Member]) -> list[Member]:
    """Members called `text`: by full display name first, else by first name (case-insensitive)."""
    folded = text.strip().casefold()
    exact = [m for m in order if m.name.casefold() == folded]
    return exact or [m for m in order if m.first_name.casefold() == folded]


def _names(members: Sequence[Member]) -> str:
    return capped([m.label() for m in members])


class CalendarView:
    """A role's events by the handoff each one starts, with members resolved on demand.

    An event that starts on a day that is not a handoff day (made before the role's handoff day
    changed, or by hand) counts for the handoff on or before its start, unless an event starts on
    that handoff day itself; `moved` lists such events, so planners can say the series moves.
    """

    def __init__(self, role: RoleConfig, events: Iterable[CalendarEvent], order: Sequence[Member]) -> None:
        self.role = role
        self.order = tuple(order)
        self.events = role_events(role, events)
        self._by_date: dict[date, list[CalendarEvent]] = {}
        moved: dict[date, list[CalendarEvent]] = {}
        for event in self.events:
            problem = dates.out_of_range(event.start)
            if problem is not None:
                raise RotationError(f"calendar event {event.describe()}: {problem}", "move or delete the event")
            day = dates.handoff_on_or_before(event.start, role)
            (self._by_date if day == event.start else moved).setdefault(day, []).append(event)
        for day, off_day in moved.items():
            self._by_date.setdefault(day, off_day)
        self.moved = tuple(e for e in self.events if dates.handoff_on_or_before(e.start, role) != e.start)

    def has(self, day: date) -> bool:
        return day in self._by_date

    def events_at(self, day: date) -> list[CalendarEvent]:
        """The events that count for handoff `day` (starting on it, or off-day before the next)."""
        return list(self._by_date.get(day, ()))

    def last_start(self) -> date | None:
        """The last handoff that has an event."""
        return max(self._by_date) if self._by_date else None

    def starting_between(self, first: date, last: date | None) -> list[CalendarEvent]:
        return [e for e in self.events if e.start >= first and (last is None or e.start <= last)]

    def member_at(self, day: date) -> Member | None:
        """Who the calendar says starts on `day`; None if no event starts then."""
        events = self._by_date.get(day)
        if not events:
            return None
        resolved = {self.member_of(event) for event in events}
        if len(resolved) > 1:
            listing = "; ".join(f"{e.summary!r} ({e.id})" for e in events)
            raise RotationError(
                f"{len(events)} calendar events start on {day} and name different people: {listing}",
                "delete the one that is wrong",
            )
        return resolved.pop()

    def member_of(self, event: CalendarEvent) -> Member:
        name = summary_name(self.role, event.summary)
        by_id = {m.id: m for m in self.order}
        prop = event.private.get(PRIVATE_MEMBER) if event.private.get(PRIVATE_ROLE) == self.role.key else None
        owner = by_id.get(prop) if prop else None
        if owner is not None and (name is None or owner in match_name(name, [owner])):
            return owner
        recorded = by_id.get(event.private.get(PRIVATE_SERVER, "")) if prop else None
        if recorded is not None and name is not None and recorded in match_name(name, [recorded]):
            return recorded  # who rolebot wrote it for (a cover, a swap, an away trade)
        if name is None:
            raise RotationError(
                f"calendar event {event.describe()} belongs to {self.role.title} but names no one "
                f"and its member {prop} is not in @{self.role.usergroup}",
                f"retitle it '{self.role.title}: <name>' or delete it",
            )
        candidates = match_name(name, self.order)
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise RotationError(
                f"calendar event {event.describe()} names {name!r}, who is not in @{self.role.usergroup}"
                f"{closest_member(name, self.order)} (members: {_names(self.order)})",
                "edit the event's title to name a member, or delete the event",
            )
        raise RotationError(
            f"calendar event {event.describe()} names {name!r}, which matches several members: {_names(candidates)}",
            f"write the full display name in its title, e.g. '{self.role.title}: {candidates[0].name}'",
        )
