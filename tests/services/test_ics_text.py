"""The iCalendar text layer: a file cut into segments that join back to it, byte for byte."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolebot.services.local.ics_text import ContentLine, Problem, _Logical, escape, fold, parse_line, split, unescape

LINES = st.sampled_from(
    [
        "BEGIN:VCALENDAR",
        "END:VCALENDAR",
        "BEGIN:VEVENT",
        "END:VEVENT",
        "BEGIN:VALARM",
        "END:VALARM",
        "BEGIN:VTIMEZONE",
        "END:VTIMEZONE",
        "UID:a@rolebot",
        "DTSTART;VALUE=DATE:20261202",
        "SUMMARY:Support Triager: Ada",
        'X-A;B="c:d";E=f,"g":h',
        " continued",
        "\tcontinued",
        "",
        "no colon here",
        ";:",
        "\ufeff",
        "ü:ö",
    ]
)


def line(text: str) -> ContentLine | None:
    return parse_line(_Logical(1, text + "\r\n", text))


@pytest.mark.slow
@given(st.lists(st.one_of(LINES, st.text(max_size=20)), max_size=40), st.sampled_from(["\r\n", "\n", "\r"]))
def test_any_text_splits_into_segments_that_join_back_to_it(lines: list[str], newline: str) -> None:
    text = newline.join(lines)
    assert split(text).text == text
    assert split(text + newline).text == text + newline


def test_events_are_parsed_and_everything_else_kept_as_it_is() -> None:
    text = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTIMEZONE\nTZID:Office\nEND:VTIMEZONE\n"
        "BEGIN:VEVENT\nUID:one\nSUMMARY:Team\n  lunch\nBEGIN:VALARM\nTRIGGER:-PT5M\nEND:VALARM\nEND:VEVENT\n"
        "END:VCALENDAR\n"
    )
    doc = split(text)
    assert doc.text == text
    assert (doc.newline, doc.calendars, doc.unclosed, doc.problems) == ("\n", 1, None, [])
    assert list(doc.timezones) == ["Office"]
    (event,) = [s.event for s in doc.segments if s.event is not None]
    summary = event.first("SUMMARY")
    assert summary is not None
    assert (summary.value, summary.number, summary.raw) == ("Team lunch", 8, "SUMMARY:Team\n  lunch\n")
    assert event.parts[-2] == "BEGIN:VALARM\nTRIGGER:-PT5M\nEND:VALARM\n"  # the alarm, kept as text
    assert event.first("TRIGGER") is None
    assert [s.closes_calendar for s in doc.segments][-1]


def test_what_cannot_be_read_is_a_problem_and_kept() -> None:
    text = (
        "junk before\r\nBEGIN:VCALENDAR\r\nnot a property\r\nEND:VTODO\r\n"
        "BEGIN:VEVENT\r\nUID:a\r\n:no name\r\nEND:VALARM\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b\r\nEND:VCALENDAR\r\n"
    )
    doc = split(text)
    assert doc.text == text
    assert doc.problems == [
        Problem(1, "'junk before' is outside BEGIN:VCALENDAR"),
        Problem(3, "cannot read 'not a property'"),
        Problem(4, "END:VTODO closes nothing"),
        Problem(7, "cannot read ':no name'"),
        Problem(8, "END:VALARM closes nothing"),
        Problem(10, "BEGIN:VEVENT has no END:VEVENT (lines 10–11 are ignored)"),
    ]
    assert [s.event.first("UID").value for s in doc.segments if s.event] == ["a"]  # type: ignore[union-attr]
    assert doc.unclosed is None


def test_a_calendar_never_closed_and_a_byte_order_mark() -> None:
    doc = split("\ufeffBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n")
    assert (doc.calendars, doc.unclosed) == (1, 1)
    assert doc.segments[0].text == "\ufeff"
    assert split("nothing here").calendars == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DTSTART;VALUE=DATE:20261202", ("DTSTART", {"VALUE": "DATE"}, "20261202")),
        ('X-A;ALTREP="http://x:1/;a":v:w', ("X-A", {"ALTREP": "http://x:1/;a"}, "v:w")),
        ('x-b;member="a","b",c;Role=CHAIR:x', ("X-B", {"MEMBER": "a,b,c", "ROLE": "CHAIR"}, "x")),
        ("SUMMARY:", ("SUMMARY", {}, "")),
    ],
)
def test_content_lines(text: str, expected: tuple[str, dict[str, str], str]) -> None:
    parsed = line(text)
    assert parsed is not None
    assert (parsed.name, dict(parsed.params), parsed.value) == expected


@pytest.mark.parametrize("text", ["", ":x", "A B:c", "X;:v", "X;A:v", 'X;A="b:v', "X;A=b", "SUMMARY", "X;=a:b"])
def test_lines_that_are_not_properties(text: str) -> None:
    assert line(text) is None


@given(st.text())
def test_escaping_round_trips(text: str) -> None:
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    assert unescape(escape(text)) == normal
    assert not {"\n", "\r"} & set(escape(text))


@given(st.text(min_size=1, max_size=400).filter(lambda t: "\n" not in t and "\r" not in t))
def test_folding_keeps_lines_within_75_octets_and_unfolds_back(text: str) -> None:
    folded = fold("SUMMARY:" + text, "\r\n")
    physical = folded.removesuffix("\r\n").split("\r\n")
    assert all(len(p.encode()) <= 75 for p in physical)
    assert physical[0] + "".join(p[1:] for p in physical[1:]) == "SUMMARY:" + text
