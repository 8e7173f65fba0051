"""The live members source: a Slack user group, read through the Slack Web API.

How a group's members are read, and why:

1. `usergroups.list` with `include_users=true` (Tier 2, no pagination): one call returns
   every user group of the workspace with its member IDs. `include_disabled=true` as
   well, so a disabled group is reported as disabled rather than as missing.
2. Each member's display name, by one of two routes, whichever needs fewer requests:

   * **Small groups (≤ 100 members): `users.info` per member, 8 at a time.** `users.info`
     is Tier 4 (100+ calls a minute per workspace), so a whole small group fits in one
     minute's allowance, and 8 concurrent calls keep the wall time near n/8 round trips.
     Requests: 1 + group size (a 12-person rotation: 13 requests, about 3 round trips).
   * **Larger groups: `users.list` paged with `limit=1000`**, following
     `response_metadata.next_cursor` until it is empty — or until every member has been
     seen, since later pages cannot matter. `users.list` is Tier 2, but each page
     carries up to 1,000 users, so the count grows with the workspace (pages), never
     with the group. Requests: 1 + at most ⌈workspace size / 1000⌉.

   The threshold is where one route stops being cheaper and kinder to the rate limits:
   a group of over 100 would exceed Tier 4's per-minute allowance with `users.info`.

Who is left out: deleted (deactivated) users, bots and app users, Slackbot (`USLACKBOT`),
and members Slack no longer knows (`users.info` says `user_not_found`, or `users.list`
never lists them). Names: `display_name` (normalized first), else `real_name`, else the
user name, else the ID. Two people with the same name both stay; IDs tell them apart.

Errors: Slack answers most failures with HTTP 200 and `{"ok": false, "error": code}`.
Each code becomes one `ServiceError` naming the fix and never the token. HTTP 429 and
5xx are retried by `HttpClient`; an `ok: false` `ratelimited` body is retried here the
same way, within the same bound (`HttpClient`'s `rate_limited`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import Field, ValidationError

from rolebot.errors import ServiceError
from rolebot.models import Member
from rolebot.services.http import HttpClient, json_body
from rolebot.services.retry import Log, Sleep
from rolebot.validation import Tolerant, describe

if TYPE_CHECKING:
    import httpx

    from rolebot.redaction import Secret

SERVICE = "Slack"
URL_SETTING = "ROLEBOT_SLACK_API_URL"
TOKEN_PLACES = "ROLEBOT_SLACK_TOKEN or secrets/slack_bot_token.json"  # noqa: S105 - where it lives, not a token
SCOPES = {"usergroups.list": "usergroups:read", "users.info": "users:read", "users.list": "users:read"}
REQUIRED_SCOPES = "usergroups:read and users:read"

SMALL_GROUP = 100
"""Up to this many members, names come from concurrent `users.info` calls (Tier 4)."""
WORKERS = 8
"""Concurrent `users.info` calls at most."""
PAGE_SIZE = 1000
"""`users.list` page size for larger groups."""
SLACKBOT = "USLACKBOT"

AUTH_ERRORS = {
    "not_authed": "no Slack bot token was sent",
    "invalid_auth": "Slack does not accept the bot token (invalid_auth)",
    "token_revoked": "the Slack bot token has been revoked (token_revoked)",
    "token_expired": "the Slack bot token has expired (token_expired)",
    "account_inactive": "the Slack bot token belongs to a deactivated app or user (account_inactive)",
}
TRANSIENT_ERRORS = {"fatal_error", "internal_error", "service_unavailable", "request_timeout"}


class _Profile(Tolerant):
    display_name: str | None = None
    display_name_normalized: str | None = None
    real_name: str | None = None
    real_name_normalized: str | None = None


class _User(Tolerant):
    id: str
    name: str | None = None
    real_name: str | None = None
    deleted: bool | None = False
    is_bot: bool | None = False
    is_app_user: bool | None = False
    profile: _Profile = Field(default_factory=_Profile)

    def can_serve(self) -> bool:
        return not (self.deleted or self.is_bot or self.is_app_user or self.id == SLACKBOT)

    def display(self) -> str:
        p = self.profile
        candidates = (
            p.display_name_normalized,
            p.display_name,
            p.real_name_normalized,
            p.real_name,
            self.real_name,
            self.name,
        )
        return next((text.strip() for text in candidates if text and text.strip()), self.id)

    def member(self) -> Member:
        return Member(self.id, self.display())


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


class _UserInfo(Tolerant):
    user: _User


class _Cursor(Tolerant):
    next_cursor: str | None = ""


class _UserPage(Tolerant):
    members: list[dict[str, Any]] = Field(default_factory=list)
    response_metadata: _Cursor = Field(default_factory=_Cursor)


Model = TypeVar("Model", bound=Tolerant)


class SlackMembers:
    """Members of a Slack user group, read with a bot token (scopes usergroups:read, users:read)."""

    def __init__(self, http: HttpClient, host: str) -> None:
        self._http = http
        self.description = f"Slack ({host})"

    @classmethod
    def connect(
        cls,
        api_url: str,
        token: Secret,
        *,
        sleep: Sleep,
        log: Log | None,
        transport: httpx.BaseTransport | None = None,
    ) -> SlackMembers:
        base = api_url if api_url.endswith("/") else api_url + "/"
        http = HttpClient(
            SERVICE,
            base,
            {"Authorization": f"Bearer {token.reveal()}"},
            url_setting=URL_SETTING,
            transport=transport,
            sleep=sleep,
            log=log,
        )
        return cls(http, urlsplit(base).netloc or base)

    def close(self) -> None:
        self._http.close()

    def members(self, usergroup: str) -> list[Member]:
        ids = self._group_user_ids(usergroup)
        users = self._users_by_info(ids) if len(ids) <= SMALL_GROUP else self._users_by_list(set(ids))
        return [user.member() for user in users if user.can_serve()]

    # --- the two steps -------------------------------------------------------------------

    def _group_user_ids(self, handle: str) -> list[str]:
        body = self._call("usergroups.list", {"include_users": "true", "include_disabled": "true"})
        groups = _parse(_GroupList, body, "usergroups.list").usergroups
        handle = handle.strip().lstrip("@")
        found = next((g for g in groups if g.handle.casefold() == handle.casefold()), None)
        if found is None:
            raise ServiceError(
                SERVICE,
                f"no user group @{handle} in this workspace ({_handles(g for g in groups if not g.disabled)})",
                "check the handle (Slack → People → User groups) or the role's usergroup in rolebot.toml",
            )
        if found.disabled:
            raise ServiceError(
                SERVICE,
                f"the user group @{found.handle} is disabled",
                "enable it in Slack (People → User groups) or point the role at another group",
            )
        return list(dict.fromkeys(found.users))

    def _users_by_info(self, ids: list[str]) -> list[_User]:
        """`users.info` for each member, `WORKERS` at a time; an error stops the calls not yet started."""
        if not ids:
            return []
        with ThreadPoolExecutor(max_workers=min(WORKERS, len(ids)), thread_name_prefix="slack") as pool:
            futures = [pool.submit(self._user_info, user_id) for user_id in ids]
            wait(futures, return_when=FIRST_EXCEPTION)
            pool.shutdown(cancel_futures=True)
        # Calls start in the order they were submitted, so every cancelled call comes after the
        # failed one: reading the results in order raises that error before reaching them.
        return [user for future in futures if (user := future.result()) is not None]

    def _user_info(self, user_id: str) -> _User | None:
        body = self._call("users.info", {"user": user_id}, absent_ok=True)
        if body is None:
            return None  # user_not_found: gone from the workspace
        return _parse(_UserInfo, body, "users.info").user

    def _users_by_list(self, ids: set[str]) -> list[_User]:
        found: dict[str, _User] = {}
        cursor = ""
        while True:
            params = {"limit": str(PAGE_SIZE)}
            if cursor:
                params["cursor"] = cursor
            page = _parse(_UserPage, self._call("users.list", params), "users.list")
            for raw in page.members:
                if raw.get("id") in ids:
                    user = _parse(_User, raw, "users.list")
                    found[user.id] = user
            cursor = (page.response_metadata.next_cursor or "").strip()
            if not cursor or len(found) == len(ids):
                return list(found.values())

    # --- one Web API call ----------------------------------------------------------------

    def _call(self, method: str, params: Mapping[str, str], *, absent_ok: bool = False) -> Any:
        """A Web API call's body when `ok` is true; `ok: false` becomes a `ServiceError`.

        With `absent_ok`, `user_not_found` returns None instead.
        """
        response = self._http.request("GET", method, params=params, rate_limited=_ratelimited_body)
        body = json_body(response)
        if not isinstance(body, dict) or not isinstance(body.get("ok"), bool):
            raise _not_slack(method, response)
        if body["ok"]:
            return body
        code = str(body.get("error") or "unknown_error")
        if absent_ok and code == "user_not_found":
            return None
        raise _api_error(method, code, body)


def _ratelimited_body(response: httpx.Response) -> str | None:
    """Slack sometimes reports rate limiting as HTTP 200 `{"ok": false, "error": "ratelimited"}`."""
    body = json_body(response)
    if isinstance(body, dict) and body.get("ok") is False and body.get("error") == "ratelimited":
        return "ratelimited"
    return None


def _parse(model: type[Model], body: Any, method: str) -> Model:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise ServiceError(
            SERVICE,
            f"unexpected answer to {method}: {describe(exc)}",
            f"check {URL_SETTING} points at Slack's Web API (https://slack.com/api/)",
        ) from None


def _handles(groups: Iterable[_Group], limit: int = 20) -> str:
    handles = sorted(f"@{g.handle}" for g in groups)
    if not handles:
        return "it has no user groups"
    shown = ", ".join(handles[:limit])
    more = f" and {len(handles) - limit} more" if len(handles) > limit else ""
    return f"user groups: {shown}{more}"


def _not_slack(method: str, response: httpx.Response) -> ServiceError:
    kind = (response.headers.get("Content-Type") or "no content type").split(";")[0].strip()
    return ServiceError(
        SERVICE,
        f"{method} got HTTP {response.status_code} with a body that is not a Slack API answer ({kind})",
        f"check {URL_SETTING} if you set it (Slack's is https://slack.com/api/); otherwise try again later",
    )


def _api_error(method: str, code: str, body: Mapping[str, Any]) -> ServiceError:
    if code in AUTH_ERRORS:
        return ServiceError(
            SERVICE,
            AUTH_ERRORS[code],
            f"check the Slack bot token ({TOKEN_PLACES}): it should be the app's current Bot User OAuth Token",
        )
    if code == "not_allowed_token_type":
        return ServiceError(
            SERVICE,
            f"{method} does not accept this kind of token (not_allowed_token_type)",
            f"use the app's Bot User OAuth Token (xoxb-…) in {TOKEN_PLACES}",
        )
    if code == "missing_scope":
        needed = str(body.get("needed") or SCOPES.get(method, REQUIRED_SCOPES))
        provided = str(body.get("provided") or "none")
        return ServiceError(
            SERVICE,
            f"the Slack app lacks the {needed} scope that {method} needs (the token has: {provided})",
            f"add {needed} under OAuth & Permissions → Bot Token Scopes (rolebot needs {REQUIRED_SCOPES}), "
            "then reinstall the app to the workspace",
        )
    if code == "plan_upgrade_required":
        return ServiceError(
            SERVICE,
            "this Slack workspace's plan has no user groups (plan_upgrade_required)",
            "user groups need a paid Slack plan; without one, keep the members in state/roster.json "
            "and use --backend local",
        )
    if code == "invalid_cursor":
        return ServiceError(
            SERVICE,
            f"Slack rejected the page cursor while reading {method} (invalid_cursor)",
            "the user list changed while it was being read; run the command again",
        )
    if code in TRANSIENT_ERRORS:
        return ServiceError(SERVICE, f"Slack failed to answer {method} ({code})", "try again later; re-running is safe")
    return ServiceError(
        SERVICE,
        f"{method} failed: {code}",
        f"see https://api.slack.com/methods/{method} for what {code} means",
    )
