"""Finding a user group by its handle: `usergroups.list` (Tier 2, no pagination).

One call returns every user group of the workspace with its member IDs (`include_users`);
`include_disabled` as well, so a disabled group is reported as disabled rather than missing.
The answer is small (one entry per group), so it is validated whole with pydantic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import Field, ValidationError

from rolebot.errors import ServiceError
from rolebot.services.slack.api import SERVICE, SlackApi, unexpected
from rolebot.validation import Tolerant, describe


@dataclass(frozen=True)
class Group:
    id: str
    handle: str
    users: tuple[str, ...]
    """Member IDs, each once, in Slack's order."""
    disabled: bool = False


class _Group(Tolerant):
    id: str
    handle: str
    users: list[str] = Field(default_factory=list)
    date_delete: int | None = 0

    @property
    def disabled(self) -> bool:
        return bool(self.date_delete)


class _GroupList(Tolerant):
    usergroups: list[_Group] = Field(default_factory=list)


def list_groups(api: SlackApi) -> list[Group]:
    """Every user group of the workspace, disabled ones included, with its members."""
    body = api.call("usergroups.list", query={"include_users": "true", "include_disabled": "true"})
    try:
        groups = _GroupList.model_validate(body).usergroups
    except ValidationError as exc:
        raise unexpected("usergroups.list", describe(exc)) from None
    return [Group(g.id, g.handle, tuple(dict.fromkeys(g.users)), g.disabled) for g in groups]


def find_group(api: SlackApi, handle: str, setting: str = "the role's usergroup") -> Group:
    """The enabled user group `handle` (with or without `@`, any case); `setting` names where it was configured."""
    return pick_group(list_groups(api), handle, setting)


def pick_group(groups: list[Group], handle: str, setting: str = "the role's usergroup") -> Group:
    """The enabled group `handle` among `groups` (a `list_groups` answer); an error naming the fix if
    there is none of that handle, or it is disabled."""
    handle = handle.strip().lstrip("@")
    found = next((g for g in groups if g.handle.casefold() == handle.casefold()), None)
    if found is None:
        raise ServiceError(
            SERVICE,
            f"no user group @{handle} in this workspace ({_handles(g for g in groups if not g.disabled)})",
            f"check the handle (Slack → People → User groups) or {setting} in rolebot.toml",
        )
    if found.disabled:
        raise ServiceError(
            SERVICE,
            f"the user group @{found.handle} is disabled",
            "enable it in Slack (People → User groups) or point the role at another group",
        )
    return found


def _handles(groups: Iterable[Group], limit: int = 20) -> str:
    handles = sorted(f"@{g.handle}" for g in groups)
    if not handles:
        return "it has no user groups"
    shown = ", ".join(handles[:limit])
    more = f" and {len(handles) - limit} more" if len(handles) > limit else ""
    return f"user groups: {shown}{more}"
