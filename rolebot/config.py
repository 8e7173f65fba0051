"""Role definitions: built-in defaults, overridable from rolebot.toml or [tool.rolebot].

Roles are data. A config file may change any setting of a built-in role or add a new
role; whatever it says is merged over the defaults and validated as a whole, and an
invalid value is one error naming the file and the key.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
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
    field_validator,
    model_validator,
)

from rolebot.errors import ConfigError, UsageError
from rolebot.validation import Strict, describe

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RESERVED_STATE_KEYS = ("standup_manager", "last_rotated", "standups", "notified", "away")
QUESTION_FIELDS = {"first_name", "name", "title", "handoff", "buddy", "buddy_first_name"}
NOTICE_FIELDS = QUESTION_FIELDS | {"mention", "buddy_mention"}
"""The placeholders of the Slack messages: the question's, and `<@ID>` mentions of the incoming
member and of the buddy."""
SAMPLE_FIELDS = {
    "first_name": "Ada",
    "name": "Ada Okafor",
    "title": "Support Triager",
    "handoff": "Wednesday 2 December 2026",
    "buddy": "Bruno Silva",
    "buddy_first_name": "Bruno",
    "mention": "<@U0SAMPLE01>",
    "buddy_mention": "<@U0SAMPLE02>",
}
"""What a template is tried with when the config loads, so a template that cannot be formatted
(`{first_name!z}`, `{first_name:>>>}`) is a config error, never a failed rotation."""
BUDDY_FIELDS = {"buddy", "buddy_first_name", "buddy_mention"}
DEFAULT_FREEZE = {"weekly": 2, "monthly": 0}
"""Handoffs after the coming one that a replan leaves as they are, unless someone cannot serve."""

TRIAGER_QUESTION = (
    "Hi {first_name}! :wave: From {handoff} it is your turn as {title} for two weeks. "
    "Please keep an eye on the ticket queue at "
    "https://2i2c.freshdesk.com/a/tickets/filters/all_tickets and make sure every new "
    "ticket gets a first response. Your buddy this week is {buddy}, who has been on the "
    "role for a week already. Reply `ok` to acknowledge; if you cannot serve, arrange "
    "cover with a colleague, swap names in the team calendar and tag whoever swapped "
    "with you here."
)
FACILITATOR_QUESTION = (
    "Hi {first_name}! :wave: It is your turn to facilitate this month's team meeting "
    "(the date is in the team calendar). Reply `ok` to acknowledge, or arrange cover "
    "with a colleague and swap names in the team calendar. Your duties: collect agenda "
    "items in the meeting notes beforehand; facilitate the meeting; open issues for "
    "the follow-ups; move the notes to the team compass afterwards."
)

GENERIC_QUESTION = (
    "Hi {first_name}! :wave: From {handoff} it is your turn as {title}. Reply `ok` to acknowledge, "
    "or arrange cover with a colleague and swap names in the team calendar."
)
"""The question of a role that sets none (the built-in roles have their own)."""

ANNOUNCE_MESSAGE = "From {handoff}, {mention} is our {title}."
ANNOUNCE_MESSAGE_WITH_BUDDY = "From {handoff}, {mention} is our {title}, with {buddy} staying on as buddy."
DM_MESSAGE = (
    "Hi {first_name}! :wave: Your turn as {title} starts on {handoff}. If you cannot serve, arrange "
    "cover with a colleague and swap names in the team calendar."
)
DM_MESSAGE_WITH_BUDDY = (
    "Hi {first_name}! :wave: Your turn as {title} starts on {handoff}; {buddy} stays on as your buddy "
    "while you settle in. If you cannot serve, arrange cover with a colleague and swap names in the "
    "team calendar."
)

DEFAULT_ROLES: dict[str, dict[str, Any]] = {
    "support-triager": {
        "title": "Support Triager",
        "legacy_titles": ["Support Steward"],
        "state_key": "support_triager",
        "legacy_state_keys": ["support_steward"],
        "usergroup": "support-triagers",
        "cadence": "weekly",
        "weekday": "wednesday",
        "tenure": 2,
        "horizon": 52,
        "question": TRIAGER_QUESTION,
        "standup": {
            "name": "SupportTriagerStandup",
            "channel": "#support-freshdesk",
            "days": ["Wed"],
            "time": "10:00:00",
            "timezone": "user_local",
            "wait_time": 10,
        },
    },
    "meeting-facilitator": {
        "title": "Meeting Facilitator",
        "legacy_titles": [],
        "state_key": "meeting_facilitator",
        "usergroup": "meeting-facilitators",
        "cadence": "monthly",
        "day_of_month": 1,
        "tenure": 1,
        "horizon": 12,
        "question": FACILITATOR_QUESTION,
        "standup": {
            "name": "MeetingFacilitatorStandup",
            "channel": "#team-updates",
            "days": ["Mon"],
            "time": "10:00:00",
            "timezone": "user_local",
            "wait_time": 10,
        },
    },
}


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
    weekday: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] | None = None
    day_of_month: StrictInt | None = Field(default=None, ge=1, le=28)
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
        if self.cadence == "weekly" and self.weekday is None:
            raise ValueError("a weekly role needs `weekday`")
        if self.cadence == "monthly" and self.day_of_month is None:
            raise ValueError("a monthly role needs `day_of_month` (1-28)")
        if self.freeze >= self.horizon:
            raise ValueError(f"freeze ({self.freeze}) must be less than horizon ({self.horizon})")
        allowed = QUESTION_FIELDS if self.tenure == 2 else QUESTION_FIELDS - BUDDY_FIELDS
        _check_template(self.question, allowed)
        notices = NOTICE_FIELDS if self.tenure == 2 else NOTICE_FIELDS - BUDDY_FIELDS
        _check_template(self.announce_message, notices, "slack.announce_message")
        _check_template(self.dm_message, notices, "slack.dm_message")
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
    source: str = "built-in defaults"

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
            raise UsageError(f"unknown role {key!r}", f"choose one of: {', '.join(sorted(self.roles))}") from None


def _check_template(template: str, allowed: set[str], setting: str = "question") -> None:
    """A template (the question, a Slack message) must name only `allowed` placeholders, and
    format: it is tried with sample values, so that a bad conversion or format spec is found when
    the config loads. `setting` names it in the error."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"{setting} is not a valid template: {exc}") from None
    fields = {name for _, name, _, _ in parts if name is not None}
    unknown = sorted(fields - allowed)
    if unknown:
        raise ValueError(
            f"{setting} uses unknown placeholder(s) {', '.join('{' + f + '}' for f in unknown)}; "
            f"available: {', '.join('{' + f + '}' for f in sorted(allowed))}"
        )
    nested = next((f"{{{name}:{spec}}}" for _, name, spec, _ in parts if spec and "{" in spec), None)
    if nested is not None:
        raise ValueError(f"{setting}: {nested} takes its format from another placeholder; write the format itself")
    try:
        template.format(**{name: SAMPLE_FIELDS[name] for name in allowed})
    except (ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
        raise ValueError(f"{setting} is not a valid template: {exc}") from None


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def build_config(raw: Mapping[str, Any], source: str) -> Config:
    """Merge `raw` (the parsed config table) over the defaults and validate it."""
    extra_keys = sorted(set(raw) - {"timezone", "roles"})
    if extra_keys:
        raise ConfigError(
            f"{source}: unknown setting {extra_keys[0]!r}",
            "top-level settings are `timezone` and `[roles.<name>]` tables",
        )
    roles_raw = raw.get("roles", {})
    if not isinstance(roles_raw, Mapping):
        raise ConfigError(f"{source}: roles: expected a table of roles", "write roles as [roles.<name>]")
    roles: dict[str, Any] = {}
    for key in [*DEFAULT_ROLES, *(k for k in roles_raw if k not in DEFAULT_ROLES)]:
        override = roles_raw.get(key, {})
        if not isinstance(override, Mapping):
            raise ConfigError(f"{source}: roles.{key}: expected a table", f"write it as [roles.{key}]")
        roles[key] = {"key": key, **_merge(DEFAULT_ROLES.get(key, {}), override)}
    data = {"roles": roles, "source": source}
    if "timezone" in raw:
        data["timezone"] = raw["timezone"]
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            f"{source}: {describe(exc, skip={'key', STANDUP_ON, STANDUP_OFF})}", "fix that setting"
        ) from None


def _read_toml(path: Path, shown: str | None = None) -> dict[str, Any]:
    name = shown or str(path)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {name} does not exist", "check --config / ROLEBOT_CONFIG") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {name} is a directory", "give the path of a TOML file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {name}: {exc.strerror or exc}", "check its permissions") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{name} is not UTF-8 text (byte {exc.start}: {exc.reason})", "save it with UTF-8 encoding"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name} is not valid TOML: {exc}", "fix the syntax") from None
    except RecursionError:
        raise ConfigError(f"{name} nests tables or arrays too deeply", "flatten it") from None


def load_config(explicit: Path | None, cwd: Path) -> Config:
    """Find and load the config: explicit path, ./rolebot.toml, [tool.rolebot], defaults."""
    if explicit is not None:
        return build_config(_read_toml(explicit), str(explicit))
    local = cwd / "rolebot.toml"
    if local.is_file():
        return build_config(_read_toml(local, "rolebot.toml"), "rolebot.toml")
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        tool = _read_toml(pyproject, "pyproject.toml").get("tool", {})
        table = tool.get("rolebot") if isinstance(tool, Mapping) else None
        if table is not None:
            if not isinstance(table, Mapping):
                raise ConfigError("pyproject.toml: [tool.rolebot] must be a table", "see README")
            return build_config(table, "pyproject.toml [tool.rolebot]")
    return build_config({}, "built-in defaults")
