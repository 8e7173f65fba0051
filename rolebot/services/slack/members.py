"""The live members source: a Slack user group, read through the Slack Web API.

The route, chosen by the group's size and by what the first `users.list` page reveals:

1. **Two calls at once**: `usergroups.list` (the group's member IDs, `rolebot.services.slack.groups`)
   and the first `users.list` page of `PAGE_SIZE` users. A workspace that fits in one page
   — most teams — is done: 2 requests, one round trip, whatever the group's size.
2. **Otherwise, after each page**, the members not yet seen are fetched by whichever costs
   less: more pages (sequential, each a 20th of `users.list`'s Tier-2 minute), or one
   `users.info` call each, `WORKERS` at a time. The fan-out is taken only when it is at most
   `FANOUT_MAX` calls (half of `users.info`'s Tier-4 minute, so a second command in the same
   minute still fits) and needs fewer round trips than the pages still expected, judged by how
   many members the pages so far held. Paging also stops once every member has been seen.
   A 12-member group in a 20,000-user workspace: 2 + 12 requests in 3 round trips; a
   300-member group there: 1 + 20 pages.

Each answer is parsed once, and pages are read, not validated: only the few fields rolebot
uses are looked at, only for the group's members. A page cursor Slack returns a second time
stops the listing with an error instead of looping.

Who is left out: deleted (deactivated) users, bots and app users, Slackbot (`USLACKBOT`),
and members Slack no longer knows (`users.info` says `user_not_found`, or `users.list`
never lists them). Names: `display_name` (normalized first), else `real_name`, else the
user name, else the ID. Two people with the same name both stay; IDs tell them apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rolebot.errors import ServiceError
from rolebot.models import Member
from rolebot.services.slack.api import SERVICE, URL_SETTING, SlackClient, SlackRefusal, unexpected
from rolebot.services.slack.groups import find_group

if TYPE_CHECKING:
    pass

PAGE_SIZE = 1000
"""`users.list` page size: one page covers most workspaces."""
WORKERS = 8
"""Concurrent `users.info` calls at most."""
FANOUT_MAX = 50
"""`users.info` calls at most in one listing: half of Tier 4's minute (100+)."""
SLACKBOT = "USLACKBOT"

User = Mapping[str, Any]


@dataclass(frozen=True)
class _Page:
    users: list[Any]
    next_cursor: str

    def matching(self, wanted: set[str]) -> dict[str, User]:
        """The page's users whose ID is in `wanted` (entries without a string ID are skipped)."""
        return {
            user_id: user
            for user in self.users
            if isinstance(user, dict) and isinstance(user_id := user.get("id"), str) and user_id in wanted
        }


class SlackMembers(SlackClient):
    """Members of a Slack user group, read with a bot token (scopes usergroups:read, users:read)."""

    def members(self, usergroup: str) -> list[Member]:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="slack-page") as ahead:
            first: Future[_Page] = ahead.submit(self._page, "")
            # An error here wins over the page's: it says what is wrong first. Leaving the block
            # waits for the page either way.
            wanted = set(find_group(self.api, usergroup).users)
            if not wanted:
                return []
            users = self._find(wanted, first.result())
        return [Member(user["id"], _name(user)) for user in users if _serves(user)]

    def _find(self, wanted: set[str], page: _Page) -> list[User]:
        """The users in `wanted` that Slack knows, from `page` on."""
        found: dict[str, User] = {}
        cursors = {""}
        pages = 1
        while True:
            found.update(page.matching(wanted))
            missing = wanted - found.keys()
            if not missing or not page.next_cursor:
                return list(found.values())
            if _fan_out_pays(len(missing), len(found), pages):
                return [*found.values(), *self._users_by_info(sorted(missing))]
            if page.next_cursor in cursors:
                raise ServiceError(
                    SERVICE,
                    f"users.list returned a page cursor it had returned before (after {pages} pages), "
                    "so paging would never end",
                    f"try again later; if it persists, check {URL_SETTING} if you set it",
                )
            cursors.add(page.next_cursor)
            page = self._page(page.next_cursor)
            pages += 1

    def _page(self, cursor: str) -> _Page:
        query = {"limit": str(PAGE_SIZE), **({"cursor": cursor} if cursor else {})}
        body = self.api.call("users.list", query=query)
        users = body.get("members", [])
        if not isinstance(users, list):
            raise unexpected("users.list", "members: Input should be a valid list")
        metadata = body.get("response_metadata")
        next_cursor = metadata.get("next_cursor") if isinstance(metadata, dict) else None
        return _Page(users, next_cursor.strip() if isinstance(next_cursor, str) else "")

    def _users_by_info(self, ids: list[str]) -> list[User]:
        """`users.info` for each ID, `WORKERS` at a time; an error stops the calls not yet started."""
        with ThreadPoolExecutor(max_workers=min(WORKERS, len(ids)), thread_name_prefix="slack") as pool:
            futures = [pool.submit(self._user_info, user_id) for user_id in ids]
            wait(futures, return_when=FIRST_EXCEPTION)
            pool.shutdown(cancel_futures=True)
        # Calls start in the order they were submitted, so every cancelled call comes after the
        # failed one: reading the results in order raises that error before reaching them.
        return [user for future in futures if (user := future.result()) is not None]

    def _user_info(self, user_id: str) -> User | None:
        try:
            body = self.api.call("users.info", query={"user": user_id})
        except SlackRefusal as refused:
            if refused.code == "user_not_found":
                return None  # gone from the workspace
            raise
        user = body.get("user")
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            raise unexpected("users.info", "user.id: Field required")
        return user


def _fan_out_pays(missing: int, found: int, pages: int) -> bool:
    """Whether `users.info` for the `missing` members beats reading more pages."""
    if missing > FANOUT_MAX:
        return False
    if found == 0:
        return True  # the pages so far held none of the group: no sign of how many pages are left
    pages_left = math.ceil(missing / (found / pages))
    return math.ceil(missing / WORKERS) < pages_left


def _serves(user: User) -> bool:
    flags = (user.get("deleted"), user.get("is_bot"), user.get("is_app_user"))
    return not any(flag is True for flag in flags) and user["id"] != SLACKBOT


def _name(user: User) -> str:
    profile = user.get("profile")
    p: Mapping[str, Any] = profile if isinstance(profile, dict) else {}
    candidates: Iterable[Any] = (
        p.get("display_name_normalized"),
        p.get("display_name"),
        p.get("real_name_normalized"),
        p.get("real_name"),
        user.get("real_name"),
        user.get("name"),
    )
    return next((text.strip() for text in candidates if isinstance(text, str) and text.strip()), user["id"])
