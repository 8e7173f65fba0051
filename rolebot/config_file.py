"""Finding and reading the config file: `--config PATH` / `ROLEBOT_CONFIG`, else `./rolebot.toml`,
else `[tool.rolebot]` in `./pyproject.toml`, else none (the built-in roles).

Only the TOML is read here; what it means is `rolebot.config`'s business.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rolebot.errors import ConfigError

NO_FILE = "built-in defaults"
"""How the config is named when there is no config file."""


@dataclass(frozen=True)
class ConfigFile:
    """The config table and where it came from."""

    source: str
    """How messages name it: `rolebot.toml`, `pyproject.toml [tool.rolebot]`, the path given, or
    `built-in defaults` when there is no file."""
    path: Path | None = None
    """The file read; None when there is none."""
    raw: Mapping[str, Any] = field(default_factory=dict)
    """The parsed table (for pyproject.toml, its `[tool.rolebot]` table)."""


def find_config(explicit: Path | None, cwd: Path) -> ConfigFile:
    """The config: the explicit path, ./rolebot.toml, [tool.rolebot] in ./pyproject.toml, or none."""
    if explicit is not None:
        return ConfigFile(str(explicit), explicit, read_toml(explicit))
    local = cwd / "rolebot.toml"
    if local.is_file():
        return ConfigFile("rolebot.toml", local, read_toml(local, "rolebot.toml"))
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        tool = read_toml(pyproject, "pyproject.toml").get("tool", {})
        table = tool.get("rolebot") if isinstance(tool, Mapping) else None
        if table is not None:
            if not isinstance(table, Mapping):
                raise ConfigError("pyproject.toml: [tool.rolebot] must be a table", "see README")
            return ConfigFile("pyproject.toml [tool.rolebot]", pyproject, table)
    return ConfigFile(NO_FILE)


def read_toml(path: Path, shown: str | None = None) -> dict[str, Any]:
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
