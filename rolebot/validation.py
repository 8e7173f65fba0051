"""pydantic at the boundaries: one base for what people write, one for what services
answer, and one way to say everything that is wrong with either.

`Strict` models are files people edit (the state file, rolebot.toml, the roster): an
unknown key is an error. `Tolerant` models are service answers: only the fields rolebot
reads are declared and anything else is ignored. `describe` turns a `ValidationError`
into one line listing every problem (capped), each with the path to the bad value.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from pydantic import BaseModel, ConfigDict, ValidationError

SHOWN_ERRORS = 5
"""How many problems one message lists before it says how many more there are."""


class Strict(BaseModel):
    """Something a person wrote: unknown keys are errors; values never change once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Tolerant(BaseModel):
    """Something a service answered: only the fields rolebot reads, the rest ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


def location(parts: Sequence[str | int], *, skip: Collection[str] = ()) -> str:
    """`support_triager.incoming.id`, `support-triagers[2].name`: dots for keys, brackets for indexes."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part not in skip:
            text += f".{part}" if text else part
    return text


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
    problems = []
    for item in error.errors(include_url=False):
        where = location([*prefix, *item["loc"]], skip=skip)
        message = item["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {message}" if where else message)
    shown = "; ".join(problems[:limit])
    hidden = len(problems) - limit
    return shown + (f" … and {hidden} more" if hidden > 0 else "")
