"""What an error about a name says to help: "did you mean", and listings that stay short.

An unknown role, member or setting gets the closest known one (`difflib`), and a listing of
candidates is capped, so a typo against a 300-person group is one readable line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rolebot.models import Member

SHOWN = 12
"""How many candidates a listing names before it says how many more there are."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when `word` is close to one of `choices` (case-insensitive), else ``."""
    by_folded = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    return f" (did you mean {by_folded[close[0]]!r}?)" if close else ""


def capped(items: Sequence[str], limit: int = SHOWN) -> str:
    """`a, b, c … and 40 more`: at most `limit` items, then how many more there are."""
    shown = ", ".join(items[:limit])
    hidden = len(items) - limit
    return shown + (f" … and {hidden} more" if hidden > 0 else "")


def closest_member(text: str, members: Sequence[Member]) -> str:
    """` (did you mean 'Dana Kowalski'?)` for a name close to a member's display name or first
    name, else ``."""
    names = {m.name: m.name for m in members} | {m.first_name: m.name for m in members}
    by_folded = {key.casefold(): full for key, full in names.items()}
    close = difflib.get_close_matches(text.strip().casefold(), list(by_folded), n=1, cutoff=0.6)
    return f" (did you mean {by_folded[close[0]]!r}?)" if close else ""
