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
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, StrictInt, StrictStr, ValidationError, field_validator, model_validator

from rolebot.errors import ConfigError, UsageError
from rolebot.validation import Strict, describe

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RESERVED_STATE_KEYS = ("standup_manager", "last_rotated")
QUESTION_FIELDS = {"first_name", "name", "title", "handoff", "buddy", "buddy_first_name"}
BUDDY_FIELDS = {"buddy", "buddy_first_name"}

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

DEFAULT_ROLES: dict[str, dict[str, Any]] = {
    "support-triager": {
        "title": "Support Triager",
        "legacy_titles": ["Support Steward"],
        "state_key": "support_triager",
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


class StandupConfig(Strict):
    name: str = Field(min_length=1)
    channel: str = Field(min_length=1)
    days: tuple[Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], ...] = Field(min_length=1)
    time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
    timezone: StrictStr = "user_local"
    wait_time: StrictInt | None = Field(default=10, ge=-1)


class RoleConfig(Strict):
    key: str
    title: str = Field(min_length=1)
    legacy_titles: tuple[str, ...] = ()
    state_key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    usergroup: str = Field(min_length=1)
    cadence: Literal["weekly", "monthly"]
    weekday: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] | None = None
    day_of_month: StrictInt | None = Field(default=None, ge=1, le=28)
    tenure: Literal[1, 2]
    horizon: StrictInt = Field(ge=1, le=520)
    question: str = Field(min_length=1)
    standup: StandupConfig

    @field_validator("state_key")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_STATE_KEYS:
            raise ValueError(f"{value!r} is reserved by the state file")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> RoleConfig:
        if self.cadence == "weekly" and self.weekday is None:
            raise ValueError("a weekly role needs `weekday`")
        if self.cadence == "monthly" and self.day_of_month is None:
            raise ValueError("a monthly role needs `day_of_month` (1-28)")
        fields = _template_fields(self.question)
        allowed = QUESTION_FIELDS if self.tenure == 2 else QUESTION_FIELDS - BUDDY_FIELDS
        unknown = sorted(fields - allowed)
        if unknown:
            raise ValueError(
                f"question uses unknown placeholder(s) {', '.join('{' + f + '}' for f in unknown)}; "
                f"available: {', '.join('{' + f + '}' for f in sorted(allowed))}"
            )
        return self

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
            if role.state_key in seen:
                raise ValueError(f"roles {seen[role.state_key]!r} and {key!r} share state_key {role.state_key!r}")
            seen[role.state_key] = key
        return self

    def role(self, key: str) -> RoleConfig:
        try:
            return self.roles[key]
        except KeyError:
            raise UsageError(f"unknown role {key!r}", f"choose one of: {', '.join(sorted(self.roles))}") from None


def _template_fields(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise ValueError(f"question is not a valid template: {exc}") from None


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
        raise ConfigError(f"{source}: {describe(exc, skip={'key'})}", "fix that setting") from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist", "check --config / ROLEBOT_CONFIG") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}", "check its permissions") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}", "fix the syntax") from None


def load_config(explicit: Path | None, cwd: Path) -> Config:
    """Find and load the config: explicit path, ./rolebot.toml, [tool.rolebot], defaults."""
    if explicit is not None:
        return build_config(_read_toml(explicit), str(explicit))
    local = cwd / "rolebot.toml"
    if local.is_file():
        return build_config(_read_toml(local), "rolebot.toml")
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("rolebot")
        if table is not None:
            if not isinstance(table, Mapping):
                raise ConfigError("pyproject.toml: [tool.rolebot] must be a table", "see README")
            return build_config(table, "pyproject.toml [tool.rolebot]")
    return build_config({}, "built-in defaults")
