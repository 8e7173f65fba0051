"""What `rolebot config show` prints: every setting of the effective config, with where its value
came from — the config file (under the key the setting names), or rolebot's built-in default
(a built-in role's settings, or a setting's own default). Pure: no file is read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from rolebot.config import Config, RoleConfig, role_tables

BUILT_IN = "built-in default"
SKIPPED = frozenset({"key", "standup", "slack"})
"""RoleConfig fields shown otherwise: the role's key is its table's name; the tables are walked."""


@dataclass(frozen=True)
class Setting:
    role: str | None
    """The role it is a setting of; None for a top-level setting."""
    name: str
    """Within the role's table (`horizon`, `standup.days`), or at the top (`timezone`)."""
    value: Any
    """As JSON would have it (lists for tuples; None for a setting left unset)."""
    origin: str
    """The config's source (`rolebot.toml`, `pyproject.toml [tool.rolebot]`, a path) or `BUILT_IN`."""

    @property
    def key(self) -> str:
        """As the config file writes it: `timezone`, `roles.on-call.horizon`, `roles.on-call.standup.days`."""
        return self.name if self.role is None else f"roles.{self.role}.{self.name}"


@dataclass(frozen=True)
class ConfigReport:
    source: str
    roles_written: bool
    """Whether the config defines its roles (otherwise the built-in roles apply)."""
    settings: tuple[Setting, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "config": self.source,
            "roles_from": self.source if self.roles_written else BUILT_IN,
            "settings": [{"key": s.key, "value": s.value, "from": s.origin} for s in self.settings],
        }


def config_report(config: Config, raw: Mapping[str, Any]) -> ConfigReport:
    """Every setting of `config` (which `raw` describes), in the order the models declare them."""
    written = raw.get("roles")
    roles_written = isinstance(written, Mapping) and bool(written)
    tables = role_tables(raw) if roles_written else {}
    settings = [Setting(None, "timezone", config.timezone, config.source if "timezone" in raw else BUILT_IN)]
    for key, role in config.roles.items():
        settings.extend(_role_settings(role, tables.get(key, {}), config.source))
    return ConfigReport(config.source, roles_written, tuple(settings))


def _role_settings(role: RoleConfig, table: Mapping[str, Any], source: str) -> list[Setting]:
    def setting(name: str, value: Any, written: bool) -> Setting:
        value = list(value) if isinstance(value, tuple) else value
        return Setting(role.key, name, value, source if written else BUILT_IN)

    def each(model: BaseModel, prefix: str, effective: Mapping[str, Any]) -> list[Setting]:
        written = _table(table, prefix)
        values = {**{name: getattr(model, name) for name in type(model).model_fields}, **effective}
        return [setting(f"{prefix}.{name}", value, name in written) for name, value in values.items()]

    names = [name for name in RoleConfig.model_fields if name not in SKIPPED]
    found = [setting(name, getattr(role, name), name in table) for name in names]
    if role.standup is None:
        found.append(setting("standup", None, False))
    elif role.geekbot is None:
        found.append(setting("standup.enabled", False, "enabled" in _table(table, "standup")))
    else:
        found.extend(each(role.geekbot, "standup", {}))
    found.extend(each(role.slack, "slack", {"announce_message": role.announce_message, "dm_message": role.dm_message}))
    return found


def _table(table: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    inner = table.get(name)
    return inner if isinstance(inner, Mapping) else {}
