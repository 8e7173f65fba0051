"""What renderers build: plain values that become rich renderables only when printed.

A command with `--json` still plans and renders (the view's notes and warnings are said), but
prints no table: building rich objects there would import rich for nothing. So a renderer
builds these instead, and each turns itself into rich objects in `__rich__`, which rich calls
when the console prints it. Every string becomes a `Text` through `plain`: never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text


class Styled(NamedTuple):
    """A cell in a style (`green`, `dim`, ...)."""

    text: str
    style: str


Cell: TypeAlias = "str | Styled | Text"


def plain(text: str | Styled | Text, style: str = "") -> Text:
    """`text` as it is, never as markup: the one way a string reaches the screen."""
    from rich.text import Text

    if isinstance(text, Text):
        return text
    if isinstance(text, Styled):
        return Text(text.text, style=text.style)
    return Text(text, style=style)


class TitledTable:
    """A table with its title on a line of its own (a title on the table wraps to its width)."""

    def __init__(self, title: str, *columns: str) -> None:
        self.title = title
        self.columns = columns
        self.rows: list[tuple[Cell, ...]] = []
        self.folded: set[int] = set()

    def add_row(self, *cells: Cell) -> None:
        self.rows.append(cells)

    def fold(self, column: int) -> None:
        """Fold the cells of a column onto more lines rather than cut them (a URL is shown whole)."""
        self.folded.add(column)

    def __rich__(self) -> RenderableType:
        from rich import box
        from rich.console import Group
        from rich.table import Table

        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
        for index, column in enumerate(self.columns):
            table.add_column(plain(column), overflow="fold" if index in self.folded else "ellipsis")
        for row in self.rows:
            table.add_row(*(plain(cell) for cell in row))
        return Group(plain(self.title, style="bold"), table)


class Stack:
    """Renderables one under another; a string (or a `Styled` one) is a line of plain text."""

    def __init__(self, *items: RenderableType | Styled) -> None:
        self.items = items

    def __rich__(self) -> RenderableType:
        from rich.console import Group

        return Group(*(plain(item) if isinstance(item, str | Styled) else item for item in self.items))


class Later:
    """A renderable built by `build` when it is printed (never, with --json)."""

    def __init__(self, build: Callable[[], RenderableType]) -> None:
        self.build = build

    def __rich__(self) -> RenderableType:
        return self.build()
