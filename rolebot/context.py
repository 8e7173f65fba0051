"""The application context: settings, consoles and lazily built services.

One `AppContext` lives in `ctx.obj` for every command. Nothing is built until a command
asks for it (the services by `rolebot.services.factory`), so `rolebot members` never touches
Google, `--help` imports almost nothing, and a message on a stderr without colour is written
without rich. Tests may pass their own context (`runner.invoke(app, argv, obj=AppContext(...))`)
to inject a recording `sleep` or declare a terminal.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from rolebot.settings import GlobalOptions, Settings, colour_on, load_settings, local_copy

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from rolebot.config import Config
    from rolebot.deadline import Deadline
    from rolebot.services.factory import Services
    from rolebot.view import Level, View


@dataclass
class AppContext:
    options: GlobalOptions = field(default_factory=GlobalOptions)
    environ: Mapping[str, str] | None = None
    cwd: Path | None = None
    sleep: Callable[[float], None] = time.sleep
    interactive: bool | None = None
    terminal: bool | None = None
    """Whether stdout and stderr are terminals; None asks the streams (tests may declare one)."""

    @cached_property
    def settings(self) -> Settings:
        """The settings; a run that can touch no live service, with the state file left to its
        default, keeps its state in a local copy (`state/team-roles.local.json`, ignored by git):
        trying rolebot never changes the team's `state/team-roles.json`."""
        settings = load_settings(self.options, self.environ, self.cwd)
        if settings.state_given or not _local_only(settings):
            return settings
        return replace(settings, state_path=local_copy(settings.state_path))

    @cached_property
    def deadline(self) -> Deadline:
        """The command's time limit, started when first asked for (before the first request)."""
        from rolebot.deadline import Deadline

        return Deadline(self.settings.timeout)

    @cached_property
    def config(self) -> Config:
        from rolebot.config import load_config

        return load_config(self.settings.config_path, self.settings.cwd)

    def today(self) -> date:
        from rolebot.dates import today_in

        return self.settings.today or today_in(self.config.timezone)

    @cached_property
    def out(self) -> Console:
        """Data, on stdout. Piped (not a terminal), it is as wide as its widest table: a table is
        never wrapped or cut where a script or a log reads it."""
        return self._console(stderr=False)

    @cached_property
    def err(self) -> Console:
        """Messages for people, on stderr."""
        return self._console(stderr=True)

    def is_terminal(self, *, stderr: bool = False) -> bool:
        """Whether stdout (or stderr) is a terminal; `terminal`, if set, says so instead."""
        if self.terminal is not None:
            return self.terminal
        stream = sys.stderr if stderr else sys.stdout
        try:
            return stream.isatty()
        except (AttributeError, ValueError):  # no such method, or a closed stream
            return False

    def _console(self, *, stderr: bool) -> Console:
        from rolebot.consoles import make_console

        return make_console(stderr=stderr, terminal=self.is_terminal(stderr=stderr), color=self.settings.color)

    @property
    def can_prompt(self) -> bool:
        if self.interactive is not None:
            return self.interactive
        return sys.stdin.isatty() and sys.stderr.isatty()

    def say(self, message: str, style: str | None = None, *, level: Level = "info") -> None:
        """A message for people, on stderr. With -q only warnings and errors are said."""
        from rolebot.redaction import redact

        if level == "info" and self.settings.quiet:
            return
        if colour_on(self.settings.color, self.is_terminal(stderr=True)):
            self.err.print(redact(message), style=style, markup=False, soft_wrap=True)
        else:  # what the console would print, without importing rich for it
            sys.stderr.write(as_printed(redact(message)) + "\n")
            sys.stderr.flush()

    def warn(self, text: str) -> None:
        """`warning: <text>` on stderr, said even with -q."""
        self.say(f"warning: {text}", style="yellow", level="warning")

    def show(self, view: View | RenderableType, *, as_json: bool = False) -> None:
        """A view: its data on stdout, its messages on stderr (notes left out with -q). With
        `as_json` stdout is for the JSON the command prints: only the messages are said."""
        from rolebot.view import View

        if not isinstance(view, View):
            view = View(view)
        if view.data is not None and not as_json:
            self.out.print(view.data)
        for message in view.messages:
            self.say(message.line(), message.style, level=message.level)

    def log(self, line: str) -> None:
        """One line per API call, with --verbose only (said with -q too: it was asked for)."""
        if self.settings.verbose:
            self.say(line, style="dim", level="warning")

    @cached_property
    def services(self) -> Services:
        from rolebot.services.factory import Services

        return Services(self)

    def close(self, *, completed: bool = False) -> None:
        """Close the services built; `completed`: the command succeeded, so what the local backend
        keeps only for a successful command is kept (`Services.close`)."""
        if "services" in self.__dict__:
            self.services.close(completed=completed)


CONTROL_CODES = dict.fromkeys((0x07, 0x08, 0x0B, 0x0C, 0x0D))
"""The control characters rich leaves out of printed text (bell, backspace, vertical tab, form
feed, carriage return)."""


def as_printed(text: str) -> str:
    """`text` as a console without colour prints it: those control characters left out, tabs
    expanded to stops of 8."""
    return text.translate(CONTROL_CODES).expandtabs(8)


def _local_only(settings: Settings) -> bool:
    """Whether every service runs on the local backend: `--backend local`, or `auto` with no
    credential found at all (as in a fresh clone)."""
    if settings.backend != "auto":
        return settings.backend == "local"
    from rolebot.services.secrets import ALL, Credentials

    credentials = Credentials(settings)
    return all(credentials.origin(credential) is None for credential in ALL)
