"""Redaction masks every registered secret in each spelling rolebot could print it in."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, quote_plus

import pytest

from rolebot.redaction import MASK, Secret, redact, remember

CALENDAR_ID = "c_0a1b2c3d4e5f@group.calendar.google.com"
KEY_LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7+/x"


def lower_hex(text: str) -> str:
    """Percent-escapes in lower case (`%2f`), as some encoders write them."""
    return re.sub(r"%[0-9A-F]{2}", lambda escape: escape.group().lower(), text)


@pytest.mark.parametrize(
    "spelling",
    [
        CALENDAR_ID,
        quote(CALENDAR_ID, safe=""),  # how googleapiclient puts it in a URL path
        quote(CALENDAR_ID),
        quote_plus(CALENDAR_ID),
        "c%5F0a1b2c3d4e5f@group%2ecalendar.google.com",  # an encoder that escapes more, in lower case
    ],
)
def test_the_calendar_id_is_masked_raw_or_percent_encoded(spelling: str) -> None:
    Secret(CALENDAR_ID)
    line = f"google: GET /calendar/v3/calendars/{spelling}/events 200 (12 ms)"
    assert redact(line) == f"google: GET /calendar/v3/calendars/{MASK}/events 200 (12 ms)"


def test_lower_case_hex_and_json_escaped_slashes_are_masked() -> None:
    remember(KEY_LINE)
    for spelling in (
        lower_hex(quote(KEY_LINE, safe="")),
        json.dumps({"k": KEY_LINE}).replace("/", "\\/")[7:-2],
        quote_plus(KEY_LINE),
    ):
        assert spelling != KEY_LINE
        assert redact(f"<{spelling}>") == f"<{MASK}>", spelling


def test_spaces_and_non_ascii_in_a_secret() -> None:
    secret = "pass phrase é+/%"
    remember(secret)
    for spelling in (secret, quote(secret, safe=""), quote_plus(secret), quote(secret)):
        assert redact(f"[{spelling}]") == f"[{MASK}]", spelling


def test_the_longest_secret_wins_and_other_text_is_untouched() -> None:
    remember("abcdefgh-token")
    remember("abcdefgh-token-and-more")
    assert redact("x abcdefgh-token-and-more y abcdefgh-token z") == f"x {MASK} y {MASK} z"
    assert redact("calendar%40group and 100% sure") == "calendar%40group and 100% sure"


def test_regex_characters_in_a_secret_are_literal() -> None:
    remember("a.b*c(d)[e]$^")
    assert redact("a.b*c(d)[e]$^") == MASK
    assert redact("aXbbbc(d)[e]$^") == "aXbbbc(d)[e]$^"
