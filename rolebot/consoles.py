"""The two consoles: stdout for data, stderr for messages for people.

Imported only when a command prints (rich is heavy). Colour is decided by the settings
(`--color`, `NO_COLOR`, `FORCE_COLOR`) and whether the stream is a terminal, and passed to rich
explicitly, so rich looks at no environment variable of its own for it. Piped (not a terminal),
stdout is wider than any table, so tables are never wrapped or cut where a script or a log reads
them; prose (a message panel) keeps to `reading_width`, the width rich would have used.
"""

from __future__ import annotations

from rich.console import Console

from rolebot.settings import Color

PIPED_WIDTH = 10_000
"""The width of stdout when it is not a terminal: wider than any table."""


class RolebotConsole(Console):
    """A console that knows how wide prose should be (`reading_width`), whatever its own width."""

    reading_width: int


def make_console(*, stderr: bool, terminal: bool, color: Color) -> RolebotConsole:
    coloured = color == "always" or (color == "auto" and terminal)
    console = RolebotConsole(
        stderr=stderr,
        force_terminal=terminal,
        no_color=False,
        # Off a terminal rich would detect no colours, so `always` names the 16 standard ones.
        color_system=("auto" if terminal else "standard") if coloured else None,
        highlight=False,
        markup=False,  # names are never markup
        emoji=False,  # nor emoji codes: a name `:wave:` stays as it is
        soft_wrap=False,
    )
    console.reading_width = console.width
    if not terminal and not stderr:
        console.width = PIPED_WIDTH
    return console
