"""The application context: settings, consoles and lazily built services.

One `AppContext` lives in `ctx.obj` for every command. Nothing is built until a command
asks for it, so `rolebot members` never touches Google and `--help` imports almost
nothing. Tests may pass their own context (`runner.invoke(app, argv, obj=AppContext(...))`)
to inject a recording `sleep` or declare a terminal.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from rolebot.settings import GlobalOptions, Settings, load_settings, local_copy, shown

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from rolebot.config import Config
    from rolebot.deadline import Deadline
    from rolebot.services.base import CalendarStore, MembersSource, Messenger, Notifier
    from rolebot.services.gcal import GoogleCalendar
    from rolebot.services.geekbot import GeekbotNotifier
    from rolebot.services.secrets import Credential, Credentials
    from rolebot.services.slack import SlackApi
    from rolebot.view import Level, View

ServiceKind = Literal["members", "calendar", "notifier", "messenger"]


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
        self.err.print(redact(message), style=style, markup=False, soft_wrap=True)

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
        return Services(self)

    def close(self, *, completed: bool = False) -> None:
        """Close the services built; `completed`: the command succeeded, so what the local backend
        keeps only for a successful command is kept (`Services.close`)."""
        if "services" in self.__dict__:
            self.services.close(completed=completed)


class Services:
    """Builds each service once, live or local as the backend setting and credentials say."""

    REQUIRED: ClassVar[dict[ServiceKind, tuple[str, ...]]] = {
        "members": ("SLACK_TOKEN",),
        "calendar": ("CALENDAR_ID", "GOOGLE_KEY"),
        "notifier": ("GEEKBOT_TOKEN",),
        "messenger": ("SLACK_TOKEN",),
    }
    NAMES: ClassVar[dict[ServiceKind, str]] = {
        "members": "Slack",
        "calendar": "Google Calendar",
        "notifier": "Geekbot",
        "messenger": "Slack messages",
    }

    def __init__(self, app: AppContext) -> None:
        from rolebot.outbox import Outbox

        self.app = app
        self.outbox = Outbox()  # what the local backend would have sent, for the command to show
        self._locks: dict[ServiceKind, threading.Lock] = {kind: threading.Lock() for kind in self.NAMES}
        self._members: MembersSource | None = None
        self._calendar: CalendarStore | None = None
        self._notifier: Notifier | None = None
        self._messenger: Messenger | None = None
        self._slack_lock = threading.Lock()
        self._slack: SlackApi | None = None
        """One Slack connection for members and messages: one pool, and 429s held for both."""
        self._warned: set[ServiceKind] = set()

    @cached_property
    def credentials(self) -> Credentials:
        from rolebot.services.secrets import Credentials

        return Credentials(self.app.settings)

    def _needed(self, kind: ServiceKind) -> list[Credential]:
        from rolebot.services import secrets

        return [getattr(secrets, name) for name in self.REQUIRED[kind]]

    def is_live(self, kind: ServiceKind) -> bool:
        from rolebot.errors import CredentialsError

        backend = self.app.settings.backend
        if backend == "local":
            return False
        needed = self._needed(kind)
        missing = [c for c in needed if self.credentials.origin(c) is None]
        if not missing:
            return True
        if backend == "live":
            listing = "; ".join(f"{c.label} ({c.env} or {self.credentials.path(c)})" for c in missing)
            raise CredentialsError(
                f"--backend live needs credentials for {self.NAMES[kind]}, and these are missing: {listing}",
                "provide them (see README: Set-up from zero) or use --backend local",
            )
        if len(missing) < len(needed) and kind not in self._warned:
            self._warned.add(kind)
            self.app.say(
                f"{self.NAMES[kind]}: some credentials are missing ({', '.join(c.label for c in missing)}); "
                "using the local backend",
                style="yellow",
                level="warning",
            )
        return False

    def describe(self, kind: ServiceKind) -> str:
        built = {
            "members": self._members,
            "calendar": self._calendar,
            "notifier": self._notifier,
            "messenger": self._messenger,
        }[kind]
        return str(getattr(built, "description", "unavailable"))

    def banner(self, *kinds: ServiceKind) -> None:
        """Say which backend each service uses (services already built; others say so)."""
        if kinds:
            self.app.say("backends: " + " · ".join(f"{k}: {self.describe(k)}" for k in kinds), style="dim")

    # Each service is built once, under its own lock, so different services can be built
    # (credentials decrypted, heavy client libraries imported) in different threads at once.

    def members(self) -> MembersSource:
        with self._locks["members"]:
            if self._members is None:
                self._members = self._build_members()
            return self._members

    def calendar(self) -> CalendarStore:
        with self._locks["calendar"]:
            if self._calendar is None:
                self._calendar = self._build_calendar()
            return self._calendar

    def notifier(self) -> Notifier:
        with self._locks["notifier"]:
            if self._notifier is None:
                self._notifier = self._build_notifier()
            return self._notifier

    def messenger(self) -> Messenger:
        """Slack beyond reading: posts, direct messages, user-group members."""
        with self._locks["messenger"]:
            if self._messenger is None:
                self._messenger = self._build_messenger()
            return self._messenger

    def close(self, *, completed: bool = False) -> None:
        """Close the clients that were built (their connection pools). After a command that
        succeeded, a service that keeps something only then (the local notifier's memory of the
        standups it showed) commits it; a failed command changes no local file that way."""
        built = (self._calendar, self._notifier, self._slack)
        self._members = self._calendar = self._notifier = self._messenger = self._slack = None
        from rolebot.errors import RolebotError

        for service in built:
            commit = getattr(service, "commit", None)
            try:
                if completed and callable(commit):
                    commit()
            except RolebotError as error:  # the command did its work: what it could not keep is a warning
                self.app.warn(str(error))
            closer = getattr(service, "close", None)
            if callable(closer):
                closer()

    def slack_api(self) -> SlackApi:
        """The live Slack connection, shared by the members source and the messenger."""
        with self._slack_lock:
            if self._slack is None:
                from rolebot.services.secrets import SLACK_TOKEN
                from rolebot.services.slack import SlackApi

                self._slack = SlackApi.connect(
                    self.app.settings.slack_api_url,
                    self.credentials.secret(SLACK_TOKEN),
                    sleep=self.app.sleep,
                    log=self.app.log,
                    deadline=self.app.deadline,
                )
            return self._slack

    def _build_members(self) -> MembersSource:
        settings = self.app.settings
        if not self.is_live("members"):
            from rolebot.services.local.roster import LocalRoster

            return LocalRoster(settings.roster_path, shown(settings.roster_path, settings.cwd))
        from rolebot.services.slack import SlackMembers

        return SlackMembers(self.slack_api())

    def _build_messenger(self) -> Messenger:
        if not self.is_live("messenger"):
            from rolebot.services.local.messenger import LocalMessenger

            return LocalMessenger(self.outbox.put)
        from rolebot.services.slack import SlackMessenger

        return SlackMessenger(self.slack_api())

    def _build_calendar(self) -> CalendarStore:
        settings = self.app.settings
        if not self.is_live("calendar"):
            from rolebot.services.local.ics_store import IcsCalendar

            return IcsCalendar(
                settings.calendar_path,
                self.app.config.timezone,
                shown(settings.calendar_path, settings.cwd),
                warn=self.app.warn,
                log=self.app.log,
            )
        return self.connect_calendar()

    def connect_calendar(self) -> GoogleCalendar:
        """A new client of the Google calendar, whatever the backend setting (`doctor` checks it; the
        caller closes it)."""
        from rolebot.services.gcal import GoogleCalendar
        from rolebot.services.secrets import CALENDAR_ID, GOOGLE_KEY

        return GoogleCalendar.connect(
            self.app.settings.google_api_url,
            self.credentials.secret(CALENDAR_ID),
            self.credentials.document(GOOGLE_KEY),
            team_timezone=self.app.config.timezone,
            sleep=self.app.sleep,
            log=self.app.log,
            deadline=self.app.deadline,
        )

    def _build_notifier(self) -> Notifier:
        if not self.is_live("notifier"):
            from rolebot.services.local.terminal import MEMORY_FILE, TerminalNotifier

            return TerminalNotifier(self.outbox.put, self.app.settings.calendar_path.with_name(MEMORY_FILE))
        return self.connect_geekbot()

    def connect_geekbot(self) -> GeekbotNotifier:
        """A new Geekbot client, whatever the backend setting (`doctor` checks it; the caller closes it)."""
        from rolebot.services.geekbot import GeekbotNotifier
        from rolebot.services.secrets import GEEKBOT_TOKEN

        return GeekbotNotifier.connect(
            self.app.settings.geekbot_api_url,
            self.credentials.secret(GEEKBOT_TOKEN),
            sleep=self.app.sleep,
            log=self.app.log,
            deadline=self.app.deadline,
        )


def _local_only(settings: Settings) -> bool:
    """Whether every service runs on the local backend: `--backend local`, or `auto` with no
    credential found at all (as in a fresh clone)."""
    if settings.backend != "auto":
        return settings.backend == "local"
    from rolebot.services.secrets import ALL, Credentials

    credentials = Credentials(settings)
    return all(credentials.origin(credential) is None for credential in ALL)
