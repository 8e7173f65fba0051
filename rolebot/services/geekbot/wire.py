"""Geekbot's v1 resources as rolebot reads and writes them.

Questions go in as `[{"question": text}]` and come out as `[{"id", "text", ...}]`, where
`text` may be null (a template or random question); users go in as Slack IDs and come out as
objects; `master` is the Slack ID of whoever created the standup; `wait_time` goes in as
minutes. Standup IDs are integers given out in increasing order, so the oldest of several
standups is the one with the lowest ID.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from rolebot.models import ExistingStandup, StandupSpec
from rolebot.validation import Tolerant

STANDUPS = "/v1/standups"
ME = "/v1/me"
MY_TEAMS = "/v1/me/teams"


def _none_as_empty(value: object) -> object:
    return [] if value is None else value


def _text(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Id = Annotated[str, BeforeValidator(_text)]
List = BeforeValidator(_none_as_empty)


class User(Tolerant):
    id: Id


class Question(Tolerant):
    text: str | None
    """Required, but null for a question without text (Geekbot's reference: `string|null`)."""


class Standup(Tolerant):
    id: Id
    name: str
    channel: str | None = None
    days: Annotated[list[str], List] = Field(default_factory=list)
    time: str | None = None
    timezone: str | None = None
    questions: Annotated[list[Question], List] = Field(default_factory=list)
    users: Annotated[list[User], List] = Field(default_factory=list)
    master: Id | None = None
    """Who created the standup (a Slack user ID)."""

    def existing(self) -> ExistingStandup:
        return ExistingStandup(
            id=self.id,
            name=self.name,
            channel=self.channel,
            days=tuple(self.days),
            time=self.time or "",
            timezone=self.timezone or "",
            questions=tuple(q.text for q in self.questions),
            participants=tuple(u.id for u in self.users),
        )


class Team(Tolerant):
    is_admin: bool = False


class MyTeams(Tolerant):
    """`GET /v1/me/teams`: the key owner's teams, and whether they are an admin of each."""

    teams: Annotated[list[Team], List]


class Me(Tolerant):
    """`GET /v1/me`: the key owner."""

    user: User


class _Named(Tolerant):
    id: Id | None = None
    name: str | None = None
    realname: str | None = None
    username: str | None = None


class KeyOwner(Tolerant):
    """`GET /v1/me` as a check of the key: whose it is, in which team."""

    user: _Named
    team: _Named | None = None

    def says(self) -> str:
        """`Chen Wei (U05CHE9012) in Demo team`: names only, never the key."""
        user = self.user
        who = user.realname or user.username or user.id or "someone"
        team = f" in {self.team.name}" if self.team is not None and self.team.name else ""
        return f"{who}{f' ({user.id})' if user.id and user.id != who else ''}{team}"


def age(standup: Standup) -> tuple[int, int | str]:
    """Sorts standups oldest first: by their integer IDs (any other ID after them)."""
    return (0, int(standup.id)) if standup.id.isdigit() else (1, standup.id)


def name_of(item: Any) -> object:
    return item.get("name") if isinstance(item, dict) else None


def id_of(item: Any) -> str | None:
    value = item.get("id") if isinstance(item, dict) else None
    return None if value is None else str(value)


def create_body(spec: StandupSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "channel": spec.channel,
        "time": spec.time,
        "timezone": spec.timezone,
        "days": list(spec.days),
        "wait_time": spec.wait_time,
        "questions": [{"question": spec.question}],
        "users": list(spec.participants),
        "sync_channel_members": False,
        "personalised": False,
    }


def update_body(spec: StandupSpec) -> dict[str, Any]:
    """Participants and question only: the schedule stays as people may have tuned it."""
    return {
        "users": list(spec.participants),
        "sync_channel_members": False,
        "questions": [{"question": spec.question}],
    }
