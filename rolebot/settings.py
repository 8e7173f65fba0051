"""Settings from the command line and the environment. The only module that reads
`os.environ`: everything else receives a `Settings`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from rolebot.errors import UsageError

Backend = Literal["auto", "live", "local"]
BACKENDS: tuple[Backend, ...] = ("auto", "live", "local")
BACKEND_NAMES: dict[str, Backend] = {b: b for b in BACKENDS}
Color = Literal["auto", "always", "never"]
COLORS: tuple[Color, ...] = ("auto", "always", "never")

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_GEEKBOT_API_URL = "https://api.geekbot.com"
DEFAULT_GOOGLE_API_URL = "https://www.googleapis.com/"


@dataclass(frozen=True)
class GlobalOptions:
    """Global options as given on the command line (None: not given)."""

    config: Path | None = None
    state: Path | None = None
    secrets_dir: Path | None = None
    backend: str | None = None
    today: str | None = None
    verbose: bool = False
    color: str | None = None
    quiet: bool = False
    no_progress: bool = False


@dataclass(frozen=True)
class Settings:
    cwd: Path
    config_path: Path | None
    state_path: Path
    secrets_dir: Path
    backend: Backend
    today: date | None
    verbose: bool
    roster_path: Path
    calendar_path: Path
    slack_api_url: str
    geekbot_api_url: str
    google_api_url: str
    step_summary: Path | None
    timeout: float
    """Seconds the whole command may take (ROLEBOT_TIMEOUT)."""
    environ: Mapping[str, str] = field(repr=False)
    color: Color = "auto"
    """`always` or `never` as decided (--color, NO_COLOR, FORCE_COLOR); `auto`: colour on terminals only."""
    quiet: bool = False
    """Only data, warnings and errors: no notes, no ✓ lines, no progress bars (-q)."""
    progress: bool = True
    """Progress bars on stderr (off with --no-progress or ROLEBOT_NO_PROGRESS)."""
    state_given: bool = False
    """The state file was named (--state or ROLEBOT_STATE), rather than left to the default."""

    def env(self, name: str) -> str | None:
        """A non-empty environment variable, for the credentials resolver."""
        return self.environ.get(name) or None


def load_settings(
    options: GlobalOptions, environ: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Settings:
    from rolebot.dates import parse_date

    env = dict(os.environ if environ is None else environ)
    here = cwd or Path.cwd()

    def path(option: Path | None, name: str, default: str) -> Path:
        # Relative paths stay relative (to the working directory), so messages show them as given.
        return Path(option if option is not None else (env.get(name) or default)).expanduser()

    backend = (options.backend or env.get("ROLEBOT_BACKEND") or "auto").lower()
    if backend not in BACKEND_NAMES:
        raise UsageError(f"unknown backend {backend!r}", "use --backend auto, live or local")
    today_text = options.today or env.get("ROLEBOT_TODAY")
    state_path = path(options.state, "ROLEBOT_STATE", "state/team-roles.json")
    secrets_dir = path(options.secrets_dir, "ROLEBOT_SECRETS_DIR", "secrets")
    roster = path(None, "ROLEBOT_ROSTER", str(state_path.parent / "roster.json"))
    calendar = path(None, "ROLEBOT_CALENDAR_FILE", str(state_path.parent / "calendar.ics"))
    config_given = options.config is not None or bool(env.get("ROLEBOT_CONFIG"))
    summary = env.get("GITHUB_STEP_SUMMARY")
    return Settings(
        cwd=here,
        config_path=path(options.config, "ROLEBOT_CONFIG", "rolebot.toml") if config_given else None,
        state_path=state_path,
        secrets_dir=secrets_dir,
        backend=BACKEND_NAMES[backend],
        today=parse_date(today_text, "--today") if today_text else None,
        verbose=options.verbose,
        roster_path=roster,
        calendar_path=calendar,
        slack_api_url=env.get("ROLEBOT_SLACK_API_URL") or DEFAULT_SLACK_API_URL,
        geekbot_api_url=env.get("ROLEBOT_GEEKBOT_API_URL") or DEFAULT_GEEKBOT_API_URL,
        google_api_url=env.get("ROLEBOT_GOOGLE_API_URL") or DEFAULT_GOOGLE_API_URL,
        step_summary=Path(summary) if summary else None,
        timeout=_seconds(env.get("ROLEBOT_TIMEOUT"), "ROLEBOT_TIMEOUT"),
        color=_color(options.color, env),
        quiet=options.quiet,
        progress=not (options.no_progress or options.quiet or _flag(env.get("ROLEBOT_NO_PROGRESS"))),
        environ=env,
        state_given=options.state is not None or bool(env.get("ROLEBOT_STATE")),
    )


def _color(option: str | None, env: Mapping[str, str]) -> Color:
    """--color always|never wins; then NO_COLOR (https://no-color.org), then FORCE_COLOR
    (https://force-color.org), each when set and not empty; else colour on terminals only."""
    choice = (option or "auto").lower()
    if choice not in COLORS:
        raise UsageError(f"unknown --color {option!r}", "use --color auto, always or never")
    if choice != "auto":
        return "always" if choice == "always" else "never"
    if env.get("NO_COLOR"):
        return "never"
    return "always" if env.get("FORCE_COLOR") else "auto"


def _flag(value: str | None) -> bool:
    """An environment variable used as a switch: on unless unset, empty, `0`, `false` or `no`."""
    return bool(value) and (value or "").strip().lower() not in ("0", "false", "no")


LOCAL_COPY = ".local"


def local_copy(path: Path) -> Path:
    """Where a run that can touch no live service keeps the state at `path`: beside it, with
    `.local` before the extension (`state/team-roles.local.json`, which git ignores)."""
    return path.with_name(f"{path.stem}{LOCAL_COPY}{path.suffix}")


def copied_from(path: Path) -> Path | None:
    """The state file a local copy starts as (`team-roles.json` for `team-roles.local.json`);
    None for a path that is not a local copy."""
    if not path.stem.endswith(LOCAL_COPY):
        return None
    return path.with_name(path.stem.removesuffix(LOCAL_COPY) + path.suffix)


def shown(path: Path, cwd: Path) -> str:
    """A path as people want to read it: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def _seconds(value: str | None, name: str) -> float:
    from rolebot.deadline import DEFAULT_SECONDS

    if not value:
        return DEFAULT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 86_400:
        raise UsageError(f"{name}: {value!r} is not a number of seconds", "give e.g. 600 (at most a day)")
    return seconds
