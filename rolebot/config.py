"""Role definitions: the roles a config file defines, or the built-in ones.

Roles are data. The roles of a config file (`rolebot.toml`, `[tool.rolebot]` in pyproject.toml or
`--config`) are the team's roles: they replace the built-in ones (`rolebot.builtin_roles`). A
config that defines no roles keeps the built-in ones. A role table named after a built-in role
starts from that role's settings, so it need only say what differs; any other role states its
own. The whole is validated at once, and an invalid config is one error naming the file and every
key that is wrong (`rolebot config check` lists them one per line, with "did you mean").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from rolebot.builtin_roles import BUILT_IN_ROLES, GENERIC_QUESTION
from rolebot.config_file import NO_FILE, find_config
from rolebot.errors import ConfigError, UsageError
from rolebot.hints import did_you_mean
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
from rolebot.validation import Strict, issues, listing

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


class Config(Strict):
    timezone: str = "UTC"
    roles: dict[str, RoleConfig]
    source: str = NO_FILE

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as 'Europe/London')") from None
        return value

    @model_validator(mode="after")
    def _unique_state_keys(self) -> Config:
        seen: dict[str, str] = {}
        for key, role in self.roles.items():
            for state_key in role.state_keys:
                if state_key in seen:
                    raise ValueError(f"roles {seen[state_key]!r} and {key!r} share state_key {state_key!r}")
                seen[state_key] = key
        return self

    def role(self, key: str) -> RoleConfig:
        try:
            return self.roles[key]
        except KeyError:
            suggestion = did_you_mean(key, self.roles)
            raise UsageError(
                f"unknown role {key!r}{suggestion}", f"choose one of: {', '.join(sorted(self.roles))}"
            ) from None


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


SETTING_HINT = "fix that setting"


class Problems(ValueError):
    """Several things wrong with one role, found together (so that every one can be listed)."""

    def __init__(self, items: list[str]) -> None:
        super().__init__("; ".join(items))
        self.items = items


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config: where (a key path; empty for the file as a whole), what,
    and what to do."""

    where: str
    message: str
    hint: str = SETTING_HINT

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


TOP_LEVEL = ("timezone", "roles")
SKIPPED = frozenset({"key", STANDUP_ON, STANDUP_OFF})
"""Parts of a path people never write: the role's own key, the kinds of standup table."""


def role_tables(raw: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The role tables the config writes, or (when it defines none) the built-in roles'."""
    roles = raw.get("roles")
    written = {k: v for k, v in roles.items() if isinstance(v, Mapping)} if isinstance(roles, Mapping) else {}
    if isinstance(roles, Mapping) and roles:
        return written
    return {key: {} for key in BUILT_IN_ROLES}


def check_config(raw: Mapping[str, Any], source: str = NO_FILE) -> tuple[Config | None, list[Problem]]:
    """The config `raw` describes, and every problem with it (the config is None if there is any)."""
    problems = [
        Problem(
            "",
            f"unknown setting {key!r}{did_you_mean(str(key), TOP_LEVEL)}",
            "top-level settings are `timezone` and `[roles.<name>]` tables",
        )
        for key in raw
        if key not in TOP_LEVEL
    ]
    roles = raw.get("roles", {})
    if not isinstance(roles, Mapping):
        problems.append(Problem("roles", "expected a table of roles", "write roles as [roles.<name>]"))
    else:
        problems.extend(
            Problem(f"roles.{key}", "expected a table", f"write it as [roles.{key}]")
            for key, table in roles.items()
            if not isinstance(table, Mapping)
        )
    tables = role_tables(raw)
    data: dict[str, Any] = {
        "roles": {key: {"key": key, **_merge(BUILT_IN_ROLES.get(key, {}), table)} for key, table in tables.items()},
        "source": source,
    }
    if "timezone" in raw:
        data["timezone"] = raw["timezone"]
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        return None, [*problems, *_validation_problems(exc)]
    return (None if problems else config), problems


def _validation_problems(error: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for issue in issues(error, skip=SKIPPED):
        if isinstance(issue.cause, Problems):
            problems.extend(Problem(issue.where, item) for item in issue.cause.items)
            continue
        message = issue.message
        if issue.kind == "extra_forbidden":
            message += did_you_mean(str(issue.loc[-1]), _settings_at(issue.loc[:-1]))
        problems.append(Problem(issue.where, message))
    return problems


def _settings_at(loc: tuple[str | int, ...]) -> list[str]:
    """The settings a table at `loc` may have (for a suggestion when it has an unknown one)."""
    parts = [part for part in loc if part not in (STANDUP_ON, STANDUP_OFF)]
    tables: dict[str, type[Strict]] = {"standup": StandupConfig, "slack": SlackConfig}
    if len(parts) == 2 and parts[0] == "roles":
        return [name for name in RoleConfig.model_fields if name != "key"]
    if len(parts) == 3 and parts[0] == "roles" and str(parts[2]) in tables:
        return list(tables[str(parts[2])].model_fields)
    return []


def build_config(raw: Mapping[str, Any], source: str) -> Config:
    """The config `raw` (a parsed config table) describes, validated; every problem is one error."""
    config, problems = check_config(raw, source)
    if config is not None:
        return config
    hint = problems[0].hint if len(problems) == 1 else "fix those settings (`rolebot config check` lists them)"
    raise ConfigError(f"{source}: {listing(problems)}", hint)


def load_config(explicit: Path | None, cwd: Path) -> Config:
    """Find and load the config: explicit path, ./rolebot.toml, [tool.rolebot], or the built-in roles."""
    found = find_config(explicit, cwd)
    return build_config(found.raw, found.source)
