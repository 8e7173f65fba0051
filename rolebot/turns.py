"""Turns: who serves each handoff, whose place in the rotation it is, and whether a person fixed it.

Every event of a role at a handoff is one *turn* with two people:

- the **server**, who actually serves: the name in the summary (the summary wins, as always);
- the **owner**, whose place in the rotation order the turn is: the event's `rolebot_member`
  property, or for an event without rolebot properties (hand-made, legacy) the named server.

A turn is **pinned** when a person decided it, and rolebot never moves it:

- `hand-made`: the event has no rolebot properties;
- `edited`: its summary names someone other than its `rolebot_member` (a swap by editing);
- `swap` / `cover`: rolebot wrote it for `rolebot swap` / `rolebot cover` (`rolebot_pinned`;
  `rolebot_server` records who serves, used while the summary still names them).

Every other turn is **planned**: rolebot's own projection, which the replanner may rewrite in
place. Its server is its owner, except while someone is away (`rolebot_away`: the turn is one
half of a trade, or a substitute serves it; `rolebot_server` records who serves). A cover or a
swap changes the server, never the owner, so it moves nobody's place in the queue.

Someone named in a summary who is not in the group is kept as a `Member` with an empty ID
(`outsider`). A departed owner keeps their Slack ID; their name (which places them in the
rotation order) is the one the summary gives them, or their ID when the summary names
someone else, so a swap or cover of their turn does not move their place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from rolebot import dates
from rolebot.config import RoleConfig
from rolebot.errors import RotationError, UsageError
from rolebot.events import (
    AWAY_SUBSTITUTE,
    PRIVATE_AWAY,
    PRIVATE_MEMBER,
    PRIVATE_PINNED,
    PRIVATE_ROLE,
    PRIVATE_SERVER,
    PRIVATE_SWAP,
    CalendarView,
    event_id,
    match_name,
    new_event,
    summary_for,
    summary_name,
)
from rolebot.models import CalendarEvent, Member, NewEvent

PinKind = Literal["hand-made", "edited", "swap", "cover"]
ShiftKind = Literal["swap", "cover"]


@dataclass(frozen=True)
class Turn:
    """A role event at a handoff, read as who serves and whose turn it is."""

    day: date
    event: CalendarEvent
    owner: Member
    server: Member
    pin: PinKind | None = None
    away: str | None = None
    """On a planned turn served by someone else while someone is away: the other handoff of the
    trade (ISO date), or `AWAY_SUBSTITUTE`. None otherwise."""

    @property
    def pinned(self) -> bool:
        return self.pin is not None

    @property
    def trade(self) -> date | None:
        """The other handoff of the away trade this turn is half of, if it is."""
        if self.away is None or self.away == AWAY_SUBSTITUTE:
            return None
        try:
            return date.fromisoformat(self.away)
        except ValueError:
            return None

    def swap_partner(self) -> tuple[date, str] | None:
        """For a swapped event: the other traded handoff and the Slack ID serving it."""
        return _parse_partner(self.event.private.get(PRIVATE_SWAP, "")) if self.pin == "swap" else None


def outsider(name: str) -> Member:
    """Someone a summary names who is not in the group (no Slack ID known)."""
    return Member("", name)


def require_handoff(role: RoleConfig, day: date, option: str) -> None:
    """A usage error naming the nearest handoffs unless `day` is one of the role's handoffs."""
    if not dates.is_handoff(day, role):
        after = dates.handoff_on_or_after(day, role)
        before = dates.shift(after, role, -1)
        raise UsageError(f"{option}: {day} is not a {role.title} handoff", f"use {before} or {after}")


def handoffs(role: RoleConfig, first: date, last: date) -> list[date]:
    """Every handoff from `first` (a handoff) to `last`, inclusive."""
    out: list[date] = []
    day = first
    while day <= last:
        out.append(day)
        day = dates.shift(day, role, 1)
    return out


def turn_days(role: RoleConfig, day: date) -> tuple[date, date]:
    """The first and last day (inclusive) of the turn starting at handoff `day`."""
    return day, dates.shift(day, role, role.tenure) - timedelta(days=1)


def neighbours(role: RoleConfig, day: date) -> list[date]:
    """The handoffs whose turns overlap the one starting at `day` (the one before and after for tenure 2)."""
    near = [dates.shift(day, role, step) for k in range(1, role.tenure) for step in (-k, k)]
    return sorted(near)


def _ambiguous(role: RoleConfig, event: CalendarEvent, name: str, found: Sequence[Member]) -> RotationError:
    listing = ", ".join(m.label() for m in found[:12])
    return RotationError(
        f"calendar event {event.describe()} names {name!r}, which matches several members: {listing}",
        f"write the full display name in its title, e.g. '{role.title}: {found[0].name}'",
    )


def read_turn(role: RoleConfig, event: CalendarEvent, order: Sequence[Member]) -> Turn:
    """Who serves and who owns the turn an event stands for (at the handoff on or before its
    start, as `CalendarView` counts it). A name matching several members is an error."""
    day = dates.handoff_on_or_before(event.start, role)
    name = summary_name(role, event.summary) or None
    by_id = {m.id: m for m in order}
    props = event.private if event.private.get(PRIVATE_ROLE) == role.key else {}
    owner_id = props.get(PRIVATE_MEMBER)
    if owner_id is None:
        if name is None:
            raise RotationError(
                f"calendar event {event.describe()} belongs to {role.title} but names no one",
                f"retitle it '{role.title}: <name>' or delete it",
            )
        found = match_name(name, order)
        if len(found) > 1:
            raise _ambiguous(role, event, name, found)
        server = found[0] if found else outsider(name)
        return Turn(day, event, server, server, "hand-made")
    owner = by_id.get(owner_id)
    recorded = by_id.get(props.get(PRIVATE_SERVER, ""))
    if name is None:  # an untitled event names its owner, departed or not
        owner = server = owner or Member(owner_id, owner_id)
    elif owner is not None and owner in match_name(name, [owner]):
        server = owner
    elif recorded is not None and recorded in match_name(name, [recorded]):
        server = recorded
    elif (
        props.get(PRIVATE_AWAY)
        and props.get(PRIVATE_SERVER, "") not in ({""} | by_id.keys())
        and not match_name(name, order)
    ):
        server = Member(props[PRIVATE_SERVER], name)  # a departed server, named as rolebot wrote it
    else:
        found = match_name(name, order)
        if len(found) > 1:
            raise _ambiguous(role, event, name, found)
        if found:
            server = found[0]
        elif owner is None:  # a departed owner, named by the summary rolebot wrote for them
            owner = server = Member(owner_id, name)
        else:
            server = outsider(name)
    owner = owner or Member(owner_id, owner_id)  # departed, and the summary names someone else
    mark = props.get(PRIVATE_PINNED)
    away = props.get(PRIVATE_AWAY) or None
    if away is not None and not mark and server.id == props.get(PRIVATE_SERVER):
        return Turn(day, event, owner, server, None, away)  # planned: rolebot chose its server
    pin: PinKind | None = "edited" if server != owner else None
    if mark == "swap":
        pin = "swap"
    elif mark == "cover":
        pin = "cover"
    elif mark:  # a mark rolebot does not know: still someone's decision
        pin = pin or "edited"
    return Turn(day, event, owner, server, pin)


def _departed_server(props: Mapping[str, str], by_id: Mapping[str, Member]) -> bool:
    """Whether an away turn rolebot wrote records a server who has since left the group."""
    recorded = props.get(PRIVATE_SERVER, "")
    return bool(props.get(PRIVATE_AWAY)) and bool(recorded) and recorded not in by_id


def read_turns(role: RoleConfig, calendar: CalendarView, days: Iterable[date]) -> dict[date, Turn]:
    """The turn at each of `days` that has an event. Several events on one handoff are read as one
    if they name the same person (a pinned one first, since someone decided it; then rolebot's
    own); naming different people is an error."""
    out: dict[date, Turn] = {}
    for day in days:
        events = calendar.events_at(day)
        if not events:
            continue
        turns = [read_turn(role, e, calendar.order) for e in events]
        if len({t.server for t in turns}) > 1:
            listing = "; ".join(f"{e.summary!r} ({e.id})" for e in events)
            raise RotationError(
                f"{len(events)} calendar events start on {day} and name different people: {listing}",
                "delete the one that is wrong",
            )
        own = event_id(role.key, day)
        out[day] = min(turns, key=lambda t: (not t.pinned, t.event.id != own, t.event.id))
    return out


def planned_update(role: RoleConfig, event: CalendarEvent, member: Member, order: Sequence[Member] = ()) -> NewEvent:
    """The in-place rewrite of a planned event so that `member` serves it (and owns it): its ID
    and dates stay, the summary, description and properties become what rolebot writes."""
    return replace(new_event(role, member, event.start, order), id=event.id, start=event.start, end=event.end)


def away_event(
    role: RoleConfig,
    day: date,
    owner: Member,
    server: Member,
    order: Sequence[Member],
    trade: date | None,
) -> NewEvent:
    """A planned event whose server is not its owner because someone is away: one half of a trade
    with the turn at `trade` (the owner is away when `trade` is later, the server when it is
    earlier), or (`trade` None) a substitute's turn. Still planned: the next replan undoes it when
    the absence is gone."""
    base = new_event(role, owner, day, order)
    period = f"from {dates.human(base.start)} until {dates.human(base.end)}"
    if trade is None:
        why = f"as a substitute for {owner.name}, who is away; nobody could trade turns"
    elif trade > day:
        why = f"trading turns with {owner.name}, who is away and serves the turn from {dates.human(trade)} instead"
    else:
        why = f"trading turns with {owner.name}, who serves {server.name}'s turn from {dates.human(trade)}"
    description = (
        f"{server.name} serves as {role.title} {period}, {why}. Managed by rolebot: it changes back by itself "
        "if the absence is removed. To swap, edit the name in the title to name whoever takes over."
    )
    marks = ((PRIVATE_SERVER, server.id), (PRIVATE_AWAY, trade.isoformat() if trade else AWAY_SUBSTITUTE))
    return replace(base, summary=summary_for(role, server, order), description=description, marks=marks)


def pinned_update(
    role: RoleConfig,
    turn: Turn,
    server: Member,
    order: Sequence[Member],
    kind: ShiftKind,
    partner: tuple[date, Member] | None = None,
) -> NewEvent:
    """The in-place rewrite of `turn`'s event so that `server` serves it, pinned. Its `member` stays
    the owner (whose place in the rotation it is); the summary names the server."""
    event = turn.event
    marks = [(PRIVATE_PINNED, kind), (PRIVATE_SERVER, server.id)]
    period = f"from {dates.human(event.start)} until {dates.human(event.end)}"
    if kind == "swap" and partner is not None:
        marks.append((PRIVATE_SWAP, f"{partner[0].isoformat()} {partner[1].id}"))
        why = f"swapped with {partner[1].name}, who serves the turn from {dates.human(partner[0])}"
    else:
        why = f"covering for {turn.owner.name}"
    description = (
        f"{server.name} serves as {role.title} {period}, {why}. Pinned by `rolebot {kind}`: "
        f"rolebot will not move it, and {turn.owner.name} keeps their place in the rotation."
    )
    summary = summary_for(role, server, order)
    return NewEvent(event.id, role.key, turn.owner, summary, description, event.start, event.end, tuple(marks))


def _parse_partner(value: str) -> tuple[date, str] | None:
    day, _, member_id = value.partition(" ")
    try:
        return date.fromisoformat(day), member_id
    except ValueError:
        return None


def listed(new: NewEvent) -> CalendarEvent:
    """An event rolebot writes, as the calendar lists it back."""
    return CalendarEvent(new.id, new.summary, new.start, new.end, new.private)


def apply_writes(
    events: Iterable[CalendarEvent], creates: Iterable[NewEvent] = (), updates: Iterable[NewEvent] = ()
) -> list[CalendarEvent]:
    """`events` as they are after the writes: updates replace by ID, creations are added once."""
    replaced: Mapping[str, CalendarEvent] = {u.id: listed(u) for u in updates}
    out = [replaced.get(e.id, e) for e in events]
    present = {e.id for e in out}
    out.extend(listed(c) for c in creates if c.id not in present)
    return out
