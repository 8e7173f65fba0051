"""pydantic at the boundaries: one base for what people write, one for what services
answer, and one way to say everything that is wrong with either.

`Strict` models are files people edit (the state file, rolebot.toml, the roster): an
unknown key is an error. `Tolerant` models are service answers: only the fields rolebot
reads are declared and anything else is ignored. `describe` turns a `ValidationError`
into one line listing every problem (capped), each with the path to the bad value;
`issues` gives the same problems one by one, for a caller that says more about some.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, ValidationError

SHOWN_ERRORS = 5
"""How many problems one message lists before it says how many more there are."""


class Strict(BaseModel):
    """Something a person wrote: unknown keys are errors; values never change once read."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Tolerant(BaseModel):
    """Something a service answered: only the fields rolebot reads, the rest ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True, defer_build=True)


def location(parts: Sequence[str | int], *, skip: Collection[str] = ()) -> str:
    """`support_triager.incoming.id`, `support-triagers[2].name`: dots for keys, brackets for indexes."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part not in skip:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class Issue:
    """One problem of a `ValidationError`: where (the path, as `location` writes it), what, and
    pydantic's own account of it (its error type, the raw path, and the exception a validator
    raised, if one did)."""

    where: str
    message: str
    kind: str
    loc: tuple[str | int, ...]
    cause: object = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def issues(error: ValidationError, prefix: Sequence[str | int] = (), *, skip: Collection[str] = ()) -> list[Issue]:
    """Every problem in `error`, with its path (`prefix` prepended; names in `skip` left out)."""
    found = []
    for item in error.errors(include_url=False):
        loc = (*prefix, *item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        cause = (item.get("ctx") or {}).get("error")
        found.append(Issue(location(loc, skip=skip), message, item["type"], loc, cause))
    return found


def listing(problems: Sequence[object], limit: int = SHOWN_ERRORS) -> str:
    """`problems` joined with `; `, at most `limit` of them, then how many more there are."""
    shown = "; ".join(str(problem) for problem in problems[:limit])
    hidden = len(problems) - limit
    return shown + (f" … and {hidden} more" if hidden > 0 else "")


def describe(
    error: ValidationError,
    prefix: Sequence[str | int] = (),
    *,
    skip: Collection[str] = (),
    limit: int = SHOWN_ERRORS,
) -> str:
    """Every problem in `error` as `path: message`, joined with `; `, at most `limit` of them.

    `prefix` is prepended to each path (the key the validated value was found under);
    names in `skip` are left out of paths (internal fields a person never writes).
    """
    return listing(issues(error, prefix, skip=skip), limit)
