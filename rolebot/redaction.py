"""Secret values: wrapped so they never print, and scrubbed from anything rolebot shows.

`Secret` hides its value from `repr`/`str`/formatting. Every secret revealed to a client
is registered, and `redact` replaces registered values in any text on its way to the
terminal or the step summary — a second line of defence behind never putting a secret
in a message in the first place.

A secret can reach a text in another spelling than its own: the calendar ID sits
percent-encoded in URL paths (`team%40group.calendar.google.com`), by `quote(value,
safe="")`, `quote(value)` or `quote_plus(value)`, in upper- or lower-case hex, and a JSON
encoder may write `/` as `\\/`. `redact` matches every such spelling, and any mix of them.
"""

from __future__ import annotations

import re
import threading

_lock = threading.Lock()
_known: set[str] = set()
_pattern: re.Pattern[str] | None = None
MASK = "********"
MIN_LENGTH = 8  # shorter pieces (a blank line, "-----") are not secrets, and would mask harmless text


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
    global _pattern
    pieces = {p for p in (value, *(line.strip() for line in value.splitlines())) if len(p) >= MIN_LENGTH}
    with _lock:
        if not pieces <= _known:
            _known.update(pieces)
            _pattern = None


def redact(text: str) -> str:
    """`text` with every registered secret, in any of its spellings, replaced by the mask."""
    pattern = _compiled()
    return text if pattern is None else pattern.sub(MASK, text)


def _compiled() -> re.Pattern[str] | None:
    global _pattern
    with _lock:
        if _pattern is None and _known:
            # Longest first, so a secret is masked whole rather than around a shorter one inside it.
            ordered = sorted(_known, key=lambda value: (-len(value), value))
            _pattern = re.compile("|".join(_spellings(value) for value in ordered))
        return _pattern


def _spellings(value: str) -> str:
    """A regular expression for `value` with any of its characters percent- or JSON-escaped."""
    parts = []
    for char in value:
        if char.isascii() and char.isalnum():
            parts.append(char)  # no URL encoder escapes letters or digits
            continue
        encoded = "".join(f"%{byte:02X}" for byte in char.encode())
        forms = [f"(?i:{encoded})", re.escape(char)]  # the escape first: `%` is also a prefix of `%25`
        if char == " ":
            forms.append(r"\+")  # quote_plus, form encoding
        elif char == "/":
            forms.append(r"\\/")  # JSON encoders that escape slashes
        parts.append(f"(?:{'|'.join(forms)})")
    return "".join(parts)
