"""Role definitions: the roles a config file defines, or the built-in ones.

Roles are data. The roles of a config file (`rolebot.toml`, `[tool.rolebot]` in pyproject.toml or
`--config`) are the team's roles: they replace the built-in ones (`rolebot.builtin_roles`). A
config that defines no roles keeps the built-in ones. A role table named after a built-in role
starts from that role's settings, so it need only say what differs; any other role states its
own. The whole is validated at once, and an invalid config is one error naming the file and every
key that is wrong (`rolebot config check` lists them one per line, with "did you mean").

One role's settings are `rolebot.role_config`'s models, which this module exports too: the rest of
rolebot imports the config from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError, field_validator, model_validator

from rolebot.builtin_roles import BUILT_IN_ROLES
from rolebot.config_file import NO_FILE, find_config
from rolebot.errors import ConfigError, UsageError
from rolebot.hints import did_you_mean
from rolebot.role_config import (
    DEFAULT_FREEZE,
    RESERVED_STATE_KEYS,
    STANDUP_OFF,
    STANDUP_ON,
    WEEKDAYS,
    Problems,
    RoleConfig,
    SlackConfig,
    StandupConfig,
)
from rolebot.validation import Strict, issues, listing

__all__ = [
    "DEFAULT_FREEZE",
    "RESERVED_STATE_KEYS",
    "SETTING_HINT",
    "WEEKDAYS",
    "Config",
    "Problem",
    "RoleConfig",
    "SlackConfig",
    "StandupConfig",
    "build_config",
    "check_config",
    "load_config",
    "role_tables",
]


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
