"""A three-way merge of keyed values: what this run changed, over what the file holds now.

Two runs that each read a file, change different keys and write it back would lose one run's
change if the second simply wrote what it had. Instead the writer re-reads the file (under its
lock) and applies only its own changes: for each key, what this run changed wins; what it left
alone keeps whatever the file now says; a key both changed, differently, is a conflict.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_ABSENT = object()


class Conflict(Exception):
    """Keys both sides changed, to different values."""

    def __init__(self, keys: list[Hashable]) -> None:
        super().__init__(", ".join(map(str, keys)))
        self.keys = keys


def three_way(base: Mapping[K, V], mine: Mapping[K, V], theirs: Mapping[K, V]) -> dict[K, V]:
    """`theirs` with the changes from `base` to `mine` applied; a missing key is a value too
    (absent), so adding and removing a key are changes like any other."""
    merged: dict[K, V] = {}
    conflicts: list[Hashable] = []
    for key in dict.fromkeys([*theirs, *mine, *base]):
        was, now, other = (side.get(key, _ABSENT) for side in (base, mine, theirs))
        if now == was:
            value = other
        elif other in (was, now):
            value = now
        else:
            conflicts.append(key)
            continue
        if value is not _ABSENT:
            merged[key] = value  # type: ignore[assignment]  # not _ABSENT, so a V
    if conflicts:
        raise Conflict(conflicts)
    return merged
