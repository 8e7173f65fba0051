"""One role's settings: who rotates how often, its standup and its Slack messages, validated as
a table of the config file (`[roles.<name>]`) is. `rolebot.config` reads the config as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from rolebot.builtin_roles import GENERIC_QUESTION
from rolebot.templates import (
    ANNOUNCE_MESSAGE,
    ANNOUNCE_MESSAGE_WITH_BUDDY,
    BUDDY_FIELDS,
    DM_MESSAGE,
    DM_MESSAGE_WITH_BUDDY,
    NOTICE_FIELDS,
    QUESTION_FIELDS,
    check_template,
)
from rolebot.validation import Strict

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RESERVED_STATE_KEYS = ("standup_manager", "last_rotated", "standups", "notified", "away")
DEFAULT_FREEZE = {"weekly": 2, "monthly": 0}
"""Handoffs after the coming one that a replan leaves as they are, unless someone cannot serve."""

Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


class StandupConfig(Strict):
    """The role's Geekbot standup."""

    enabled: StrictBool = True
    name: str = Field(min_length=1)
    channel: str = Field(min_length=1)
    days: tuple[Weekday, ...] = Field(min_length=1)
    time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
    timezone: StrictStr = "user_local"
    wait_time: StrictInt | None = Field(default=10, ge=-1)


class NoStandup(Strict):
    """`enabled = false`: the role runs without Geekbot. The other settings may be left out; any
    that stay (a built-in role keeps its defaults) are ignored."""

    enabled: Literal[False]
    name: StrictStr | None = None
    channel: StrictStr | None = None
    days: tuple[StrictStr, ...] | None = None
    time: StrictStr | None = None
    timezone: StrictStr | None = None
    wait_time: StrictInt | None = None


STANDUP_ON, STANDUP_OFF = "geekbot", "no-geekbot"
"""Tags of the two kinds of standup table; left out of the paths an error names."""


def _standup_kind(value: Any) -> str:
    enabled = value.get("enabled", True) if isinstance(value, Mapping) else getattr(value, "enabled", True)
    return STANDUP_OFF if enabled is False else STANDUP_ON


Standup = Annotated[
    Annotated[StandupConfig, Tag(STANDUP_ON)] | Annotated[NoStandup, Tag(STANDUP_OFF)],
    Discriminator(_standup_kind),
]


class SlackConfig(Strict):
    """What rolebot says in Slack for the role, besides the standup. All of it is off by default."""

    announce_channel: str | None = None
    """Post the handoff there once (`#name`, `name` or a channel ID)."""
    dm: StrictBool = False
    """Message whoever starts, and whoever's dates move."""
    oncall_usergroup: str | None = None
    """Keep this user group's members = who serves now."""
    announce_message: str | None = Field(default=None, min_length=1)
    """The announcement's template (None: the default for the role's tenure)."""
    dm_message: str | None = Field(default=None, min_length=1)
    """The direct message's template (None: the default for the role's tenure)."""

    @field_validator("announce_channel", "oncall_usergroup")
    @classmethod
    def _one_word(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        bare = value.lstrip("#@")
        if not bare or any(c.isspace() for c in bare):
            raise ValueError(f"{value!r} is not a Slack channel or user group name (one word, no spaces)")
        return value


class RoleConfig(Strict):
    key: str
    title: str = Field(min_length=1)
    legacy_titles: tuple[str, ...] = ()
    state_key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    legacy_state_keys: tuple[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], ...] = ()
    """Older keys of the role in the state file (read as this role, written back as the file had them)."""
    usergroup: str = Field(min_length=1)
    cadence: Literal["weekly", "monthly"]
    weekday: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] | None = Field(
        default=None, validate_default=True
    )
    day_of_month: StrictInt | None = Field(default=None, ge=1, le=28, validate_default=True)
    tenure: Literal[1, 2]
    horizon: StrictInt = Field(ge=1, le=520)
    freeze: StrictInt = Field(ge=0, le=519)
    """The freeze window: how many handoffs after the coming one are not replanned (default: 2
    for a weekly role, 0 for a monthly one)."""
    question: str = Field(default=GENERIC_QUESTION, min_length=1)
    standup: Standup | None = None
    """The Geekbot standup; a role without one (or with `enabled = false`) runs without Geekbot."""
    slack: SlackConfig = SlackConfig()

    @model_validator(mode="before")
    @classmethod
    def _default_freeze(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "freeze" not in data and data.get("cadence") in DEFAULT_FREEZE:
            return {**data, "freeze": DEFAULT_FREEZE[data["cadence"]]}
        return data

    @field_validator("weekday", "day_of_month", mode="after")
    @classmethod
    def _day_for_cadence(cls, value: object, info: ValidationInfo) -> object:
        cadence = info.data.get("cadence")
        if value is None and info.field_name == "weekday" and cadence == "weekly":
            raise ValueError("a weekly role needs `weekday`")
        if value is None and info.field_name == "day_of_month" and cadence == "monthly":
            raise ValueError("a monthly role needs `day_of_month` (1-28)")
        return value

    @field_validator("state_key")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_STATE_KEYS:
            raise ValueError(f"{value!r} is reserved by the state file")
        return value

    @field_validator("legacy_state_keys")
    @classmethod
    def _legacy_not_reserved(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            cls._not_reserved(value)
        return values

    @model_validator(mode="after")
    def _consistent(self) -> RoleConfig:
        problems = []
        if self.freeze >= self.horizon:
            problems.append(f"freeze ({self.freeze}) must be less than horizon ({self.horizon})")
        allowed = QUESTION_FIELDS if self.tenure == 2 else QUESTION_FIELDS - BUDDY_FIELDS
        notices = NOTICE_FIELDS if self.tenure == 2 else NOTICE_FIELDS - BUDDY_FIELDS
        templates = (
            (self.question, allowed, "question"),
            (self.announce_message, notices, "slack.announce_message"),
            (self.dm_message, notices, "slack.dm_message"),
        )
        for template, fields, setting in templates:
            try:
                check_template(template, fields, setting)
            except ValueError as problem:
                problems.append(str(problem))
        if problems:
            raise Problems(problems)
        return self

    @property
    def geekbot(self) -> StandupConfig | None:
        """The role's Geekbot standup; None when the role runs without Geekbot."""
        return self.standup if isinstance(self.standup, StandupConfig) else None

    @property
    def announce_message(self) -> str:
        """The announcement's template: the role's, or the default for its tenure."""
        default = ANNOUNCE_MESSAGE_WITH_BUDDY if self.tenure == 2 else ANNOUNCE_MESSAGE
        return self.slack.announce_message or default

    @property
    def dm_message(self) -> str:
        """The direct message's template: the role's, or the default for its tenure."""
        return self.slack.dm_message or (DM_MESSAGE_WITH_BUDDY if self.tenure == 2 else DM_MESSAGE)

    @property
    def posts_to_slack(self) -> bool:
        """Whether the role sets a user group, announces or sends direct messages."""
        slack = self.slack
        return bool(slack.announce_channel or slack.dm or slack.oncall_usergroup)

    @property
    def state_keys(self) -> tuple[str, ...]:
        """Every key the role may have in the state file: its own, then older ones."""
        return (self.state_key, *self.legacy_state_keys)

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *self.legacy_titles)

    @property
    def slots(self) -> tuple[str, ...]:
        """State slot names, newest first."""
        return ("incoming", "current") if self.tenure == 2 else ("member",)


class Problems(ValueError):
    """Several things wrong with one role, found together (so that every one can be listed)."""

    def __init__(self, items: list[str]) -> None:
        super().__init__("; ".join(items))
        self.items = items
