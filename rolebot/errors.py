"""One error hierarchy. Every error a user can meet says what went wrong and what to do.

`rolebot.output.handle_errors` is the single place that turns these into a message
and an exit code; nothing else prints errors or calls `sys.exit`.
"""

from __future__ import annotations


class RolebotError(Exception):
    """An error with a one-line message for people and a hint naming the fix."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class UsageError(RolebotError):
    """The command line asks for something that cannot be done as asked."""

    exit_code = 2


class ConfigError(RolebotError):
    """The role configuration (rolebot.toml or [tool.rolebot]) is invalid."""


class StateError(RolebotError):
    """The state file is missing, unreadable or invalid."""


class LocalDataError(RolebotError):
    """A file of the local backend (roster, iCalendar) is missing or malformed."""


class RotationError(RolebotError):
    """The rotation cannot be worked out from what the group and calendar say."""


class ServiceError(RolebotError):
    """A service (Slack, Google Calendar, Geekbot) failed or refused a request."""

    def __init__(self, service: str, message: str, hint: str | None = None) -> None:
        super().__init__(f"{service}: {message}", hint)
        self.service = service


class NotSent(ServiceError):
    """The request certainly never reached the service (no connection could be made, or a rate
    limit did not lift): nothing was done, so sending it again later cannot do it twice."""


class WritesFailed(ServiceError):
    """Some calendar writes failed (the message names each); `written` holds the IDs of the events
    that were written all the same, so whoever they moved can still be told."""

    def __init__(self, service: str, message: str, hint: str | None, written: frozenset[str]) -> None:
        super().__init__(service, message, hint)
        self.detail = message
        self.written = written

    def also_written(self, more: frozenset[str]) -> WritesFailed:
        """The same failure, knowing that the events `more` were written too."""
        return WritesFailed(self.service, self.detail, self.hint, self.written | more)


class CredentialsError(RolebotError):
    """Credentials are missing, unreadable, or not stored safely."""


class BusyError(RolebotError):
    """Another rolebot run holds a file's lock, or the command ran out of time."""


class StepsFailed(RolebotError):
    """Some steps of a multi-step command failed; each was already reported."""


class StandupGone(ServiceError):
    """The standup was deleted while rolebot was changing it: the ID the state keeps names nothing now."""
