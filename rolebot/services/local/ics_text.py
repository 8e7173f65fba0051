"""The iCalendar text format (RFC 5545), read without losing a byte.

`split` cuts a calendar file into segments whose texts, joined, are the file again. Each VEVENT
of a VCALENDAR is one segment, its content lines parsed; everything else — calendar properties,
VTIMEZONE and other components, blank lines, lines that are not iCalendar at all — is an opaque
segment, kept as it is. A rewrite removes, replaces or inserts event segments only, so whatever
rolebot does not own (an event it never touched, a line it cannot read) comes out byte for byte
as it went in. The problems met on the way (an unreadable line, a component never closed) are
collected for the store to report; only a file that is no calendar at all is refused.

Also here: unescaping what rolebot reads, escaping and folding what it writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

_NAME = re.compile(r"[A-Za-z0-9-]+")
_NO_PARAMS: Mapping[str, str] = {}


class ContentLine(NamedTuple):
    """One property: `NAME;PARAM=value:value`, unfolded; `raw` is its text in the file."""

    name: str
    """Upper case."""
    params: Mapping[str, str]
    """Names upper case; quotes removed; several values joined by commas."""
    value: str
    """As written: still escaped."""
    number: int
    """The line of the file it starts on (from 1)."""
    raw: str


class Problem(NamedTuple):
    """Something in the file rolebot cannot read; it is kept as it is."""

    line: int
    text: str


@dataclass(frozen=True)
class EventText:
    """A VEVENT: its own properties parsed, in order, between the texts kept as they are (its
    BEGIN and END lines, its sub-components such as VALARM, lines that cannot be read)."""

    parts: tuple[ContentLine | str, ...]
    line: int
    """Where its BEGIN:VEVENT is."""
    _first: dict[str, ContentLine] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first: dict[str, ContentLine] = {}
        for part in self.parts:
            if isinstance(part, ContentLine):
                first.setdefault(part.name, part)
        object.__setattr__(self, "_first", first)

    def properties(self) -> Iterator[ContentLine]:
        return (part for part in self.parts if isinstance(part, ContentLine))

    def first(self, name: str) -> ContentLine | None:
        return self._first.get(name)


@dataclass(frozen=True)
class Segment:
    text: str
    event: EventText | None = None
    closes_calendar: bool = False
    """The END:VCALENDAR line: events rolebot adds go before the last one."""


@dataclass
class Document:
    """A calendar file as segments (`text` joins them back), with what could not be read."""

    segments: list[Segment]
    newline: str
    problems: list[Problem] = field(default_factory=list)
    timezones: dict[str, str] = field(default_factory=dict)
    """The text of each VTIMEZONE component, by TZID."""
    calendars: int = 0
    """How many VCALENDAR objects the file holds."""
    unclosed: int | None = None
    """The line of a BEGIN:VCALENDAR with no END:VCALENDAR, if any."""

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)


class _Logical(NamedTuple):
    number: int
    raw: str
    text: str


def _logical_lines(text: str) -> list[_Logical]:
    """Unfold: a physical line that starts with a space or a tab continues the one before."""
    pieces = text.split("\n")
    physical = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        physical.append(pieces[-1])
    lines: list[_Logical] = []
    for number, line in enumerate(physical, start=1):
        content = line.removesuffix("\n").removesuffix("\r")
        if lines and content[:1] in (" ", "\t"):
            last = lines[-1]
            lines[-1] = _Logical(last.number, last.raw + line, last.text + content[1:])
        else:
            lines.append(_Logical(number, line, content))
    return lines


def parse_line(line: _Logical) -> ContentLine | None:
    """The property on an unfolded line, or None if the line is not `name *(;param) : value`."""
    text = line.text
    colon = text.find(":")
    semi = text.find(";")
    if semi == -1 or -1 < colon < semi:
        if colon < 1 or not _NAME.fullmatch(text, 0, colon):
            return None
        return ContentLine(text[:colon].upper(), _NO_PARAMS, text[colon + 1 :], line.number, line.raw)
    if not _NAME.fullmatch(text, 0, semi):
        return None
    params: dict[str, str] = {}
    at = semi
    while text[at : at + 1] == ";":
        equals = text.find("=", at)
        if equals == -1 or not _NAME.fullmatch(text, at + 1, equals):
            return None
        name = text[at + 1 : equals].upper()
        values, at = _param_values(text, equals + 1)
        if values is None:
            return None
        params[name] = ",".join(values)
    if text[at : at + 1] != ":":
        return None
    return ContentLine(text[:semi].upper(), params, text[at + 1 :], line.number, line.raw)


def _param_values(text: str, at: int) -> tuple[list[str] | None, int]:
    """The comma-separated values of a parameter from `at`, and where they end."""
    values: list[str] = []
    while True:
        if text[at : at + 1] == '"':
            close = text.find('"', at + 1)
            if close == -1:
                return None, at
            values.append(text[at + 1 : close])
            at = close + 1
        else:
            end = at
            while end < len(text) and text[end] not in ',;:"':
                end += 1
            values.append(text[at:end])
            at = end
        if text[at : at + 1] != ",":
            return values, at
        at += 1


def _keyword(line: _Logical) -> tuple[str, str] | None:
    """("BEGIN" | "END", component name) for a BEGIN or END line, else None."""
    if line.text[:1] not in ("B", "E", "b", "e"):
        return None
    head = line.text[:6].upper()
    if head.startswith("BEGIN:"):
        return "BEGIN", line.text[6:].strip().upper()
    if head.startswith("END:"):
        return "END", line.text[4:].strip().upper()
    return None


def shown(text: str, limit: int = 60) -> str:
    """A line of the file quoted for a message: control characters escaped, long ones cut."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def split(text: str) -> Document:
    """The file as segments. Never raises: what cannot be read is a problem, and kept as text."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""  # a byte order mark some editors write
    lines = _logical_lines(text[len(bom) :])
    newline = "\n" if lines and lines[0].raw.endswith("\n") and not lines[0].raw.endswith("\r\n") else "\r\n"
    doc = Document([Segment(bom)] if bom else [], newline)
    opened: int | None = None  # the line of the BEGIN:VCALENDAR being read
    at = 0
    while at < len(lines):
        line = lines[at]
        keyword = _keyword(line)
        if opened is None:
            if keyword == ("BEGIN", "VCALENDAR"):
                opened = line.number
                doc.calendars += 1
            elif line.text.strip():
                doc.problems.append(Problem(line.number, f"{shown(line.text)} is outside BEGIN:VCALENDAR"))
            doc.segments.append(Segment(line.raw))
            at += 1
        elif keyword is not None and keyword[0] == "BEGIN":
            at = _component(lines, at, keyword[1], doc)
        elif keyword == ("END", "VCALENDAR"):
            doc.segments.append(Segment(line.raw, closes_calendar=True))
            opened = None
            at += 1
        else:
            if keyword is not None:
                doc.problems.append(Problem(line.number, f"END:{keyword[1]} closes nothing"))
            elif line.text.strip() and parse_line(line) is None:
                doc.problems.append(Problem(line.number, f"cannot read {shown(line.text)}"))
            doc.segments.append(Segment(line.raw))
            at += 1
    doc.unclosed = opened
    return doc


def _component(lines: list[_Logical], first: int, name: str, doc: Document) -> int:
    """Read the component that begins at `lines[first]` into a segment; return where it ends.

    A component never closed (its calendar's END:VCALENDAR, or the end of the file, comes
    first) is kept as it is and reported; so is a VEVENT, which rolebot then ignores."""
    opened = [name]
    at = first + 1
    while at < len(lines) and opened:
        keyword = _keyword(lines[at])
        if keyword is not None and keyword[0] == "BEGIN":
            opened.append(keyword[1])
        elif keyword is not None and keyword[1] in opened:
            del opened[len(opened) - 1 - opened[::-1].index(keyword[1]) :]  # and sub-components left open
        elif keyword == ("END", "VCALENDAR"):
            break  # the calendar ends here: the component was never closed
        at += 1
    text = "".join(line.raw for line in lines[first:at])
    if opened:
        last = lines[at - 1].number + lines[at - 1].raw.rstrip("\n").count("\n")  # its last physical line
        what = f"BEGIN:{name} has no END:{name} (lines {lines[first].number}–{last} are ignored)"
        doc.problems.append(Problem(lines[first].number, what))
        doc.segments.append(Segment(text))
    elif name == "VEVENT":
        doc.segments.append(Segment(text, event=_event(lines[first:at], doc)))
    else:
        if name == "VTIMEZONE":
            zone = next((p for p in map(parse_line, lines[first + 1 : at - 1]) if p and p.name == "TZID"), None)
            if zone is not None:
                doc.timezones.setdefault(unescape(zone.value), text)
        doc.segments.append(Segment(text))
    return at


def _event(lines: list[_Logical], doc: Document) -> EventText:
    """A closed VEVENT: its properties parsed; sub-components and unreadable lines kept as text."""
    parts: list[ContentLine | str] = [lines[0].raw]
    nested: list[str] = []  # the lines of a sub-component being read
    depth = 0
    for line in lines[1:-1]:
        keyword = _keyword(line)
        if depth or (keyword is not None and keyword[0] == "BEGIN"):
            nested.append(line.raw)
            if keyword is not None:
                depth += 1 if keyword[0] == "BEGIN" else -1
            if not depth:
                parts.append("".join(nested))
                nested = []
            continue
        parsed = None if keyword is not None else parse_line(line)
        if parsed is None:
            what = f"END:{keyword[1]} closes nothing" if keyword else f"cannot read {shown(line.text)}"
            doc.problems.append(Problem(line.number, what))
            parts.append(line.raw)
        else:
            parts.append(parsed)
    if nested:  # a sub-component left open: kept as it is
        parts.append("".join(nested))
    parts.append(lines[-1].raw)
    return EventText(tuple(parts), lines[0].number)


# --- values ----------------------------------------------------------------------------------

_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def unescape(value: str) -> str:
    """A TEXT value as people wrote it (`\\,` `\\;` `\\\\` `\\n`)."""
    if "\\" not in value:
        return value
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def escape(value: str) -> str:
    text = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str, newline: str) -> str:
    """A content line folded at 75 octets (never inside a UTF-8 character), with its line end."""
    data = line.encode()
    if len(data) <= 75:
        return line + newline
    chunks = []
    start, limit = 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:
            end -= 1
        chunks.append(data[start:end].decode())
        start, limit = end, 74
    return (newline + " ").join(chunks) + newline
