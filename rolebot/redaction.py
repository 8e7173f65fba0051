"""Secret values: wrapped so they never print, and scrubbed from anything rolebot shows.

`Secret` hides its value from `repr`/`str`/formatting. Every secret revealed to a client
is registered, and `redact` replaces registered values in any text on its way to the
terminal or the step summary — a second line of defence behind never putting a secret
in a message in the first place.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_known: set[str] = set()
MASK = "********"


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        remember(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("secrets cannot be pickled")


def remember(value: str) -> None:
    """Register a secret value (and the parts of a multi-line one) for redaction."""
    pieces = [value, *(line.strip() for line in value.splitlines())]
    with _lock:
        _known.update(p for p in pieces if len(p) >= 8)


def redact(text: str) -> str:
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    return text
