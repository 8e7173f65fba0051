"""Absences: a member is away from a first to a last day, both included, in every role.

Pure data and set operations; the state module stores them (`"away": [{"id", "name",
"from", "to"}]`) and the planners read them. A turn overlapping an absence cannot go to
the absent member.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from rolebot.errors import UsageError
from rolebot.models import Absence, Member

__all__ = ["Absence", "Away", "absence", "prune", "with_absence", "without_absences"]


def absence(member: Member, first: date, last: date) -> Absence:
    """An absence of `member`; a range that ends before it starts is a usage error."""
    if last < first:
        raise UsageError(
            f"--from {first} is after --to {last}", "give the first day away with --from and the last with --to"
        )
    return Absence(member.id, member.name, first, last)


def in_order(absences: Iterable[Absence]) -> tuple[Absence, ...]:
    """Absences as rolebot lists and stores them: by dates, then by name as the rotation orders
    members (case-insensitive), then by Slack ID."""
    return tuple(sorted(absences, key=lambda a: (a.first, a.last, a.name.casefold(), a.member_id)))


def with_absence(absences: Iterable[Absence], new: Absence) -> tuple[Absence, ...]:
    """Add `new`, merged with the same member's absences it overlaps or touches; adding one
    already covered changes nothing."""
    merged = new
    kept: list[Absence] = []
    for other in absences:
        touching = other.first <= merged.last + timedelta(days=1) and merged.first <= other.last + timedelta(days=1)
        if other.member_id == merged.member_id and touching:
            first, last = min(merged.first, other.first), max(merged.last, other.last)
            merged = Absence(merged.member_id, merged.name, first, last)
        else:
            kept.append(other)
    return in_order([*kept, merged])


def without_absences(
    absences: Iterable[Absence], member_id: str, first: date | None = None
) -> tuple[tuple[Absence, ...], tuple[Absence, ...]]:
    """(kept, removed): the member's absences are removed, only the one starting on `first` if given."""
    kept: list[Absence] = []
    removed: list[Absence] = []
    for item in absences:
        hit = item.member_id == member_id and (first is None or item.first == first)
        (removed if hit else kept).append(item)
    return in_order(kept), in_order(removed)


def prune(absences: Iterable[Absence], today: date) -> tuple[Absence, ...]:
    """Drop absences that ended before `today`."""
    return in_order(a for a in absences if a.last >= today)


class Away:
    """Who is away when: a lookup over a set of absences."""

    def __init__(self, absences: Iterable[Absence] = ()) -> None:
        self._by_member: dict[str, list[Absence]] = {}
        for item in absences:
            self._by_member.setdefault(item.member_id, []).append(item)

    def during(self, member_id: str, first: date, last: date) -> Absence | None:
        """The member's first absence overlapping `first`..`last` (inclusive), if any."""
        found = [a for a in self._by_member.get(member_id, ()) if a.overlaps(first, last)]
        return min(found, key=lambda a: a.first) if found else None
