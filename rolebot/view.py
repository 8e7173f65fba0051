"""What a command shows: data for stdout, and messages about it for stderr.

A renderer (`rolebot.render`) returns a `View`: the table or panel that is the command's output,
and the notes and warnings that go with it. `AppContext.show` prints the data on stdout and says
the messages on stderr, so a script piping the output gets the table alone, and `-q` leaves the
notes out (never the warnings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import RenderableType

Level = Literal["info", "warning", "error"]
"""How much a message matters: `-q` leaves out `info`, and says warnings and errors."""

Kind = Literal["plain", "note", "warning"]


@dataclass(frozen=True)
class Message:
    text: str
    kind: Kind = "plain"

    def line(self) -> str:
        """The message as said: `note: …` and `warning: …` carry their kind."""
        return self.text if self.kind == "plain" else f"{self.kind}: {self.text}"

    @property
    def level(self) -> Level:
        return "warning" if self.kind == "warning" else "info"

    @property
    def style(self) -> str | None:
        return None if self.kind == "plain" else "yellow"


@dataclass(frozen=True)
class View:
    data: RenderableType | None
    """What goes to stdout; None when there is nothing but messages (`nothing to move`)."""
    messages: tuple[Message, ...] = ()


def view(
    data: RenderableType | None,
    *,
    said: Iterable[str] = (),
    notes: Iterable[str] = (),
    warnings: Iterable[str] = (),
) -> View:
    """A view with its messages: plain ones, then warnings (each once), then notes."""
    messages = [Message(text) for text in said]
    messages += [Message(text, "warning") for text in dict.fromkeys(warnings)]
    messages += [Message(text, "note") for text in notes]
    return View(data, tuple(messages))
