"""A faithful fake of the Slack Web API methods rolebot uses (the protocol facts: ../README.md).

`FakeSlack` is a handler for `FakeServer` and `mock_transport`:

* `GET|POST /api/{method}`, arguments from the query string, a form body or a JSON body;
* the token from `Authorization: Bearer …` or a `token` argument: none → `not_authed`,
  unknown → `invalid_auth`, a scope missing → `missing_scope` with `needed`/`provided`; every
  answer to a known token carries its scopes in `x-oauth-scopes`; every method error is
  HTTP 200 with `{"ok": false, "error": code}`;
* reads: `usergroups.list` (users only with `include_users`, disabled groups only with
  `include_disabled`), `usergroups.users.list`, `users.list` (`limit` + base64 cursor
  `user:<last id>`, `invalid_cursor`, the last page's `next_cursor` is ""), `users.info`
  (`user_not_found`); deleted users come back with fewer fields, as Slack sends them;
* conversations: `conversations.info` (by ID; a public channel needs `channels:read`, a private one
  `groups:read` and the app in it, else `channel_not_found`; `is_member` is the app's) and
  `conversations.list` (`types`, each needing its scope; `exclude_archived`; `limit` under 1,000,
  base64 cursor `channel:<last id>`; filters applied after the page window is cut, so a page may be
  short, even empty, while `next_cursor` is not; private channels only with the app in them);
* writes: `auth.test`; `usergroups.users.update` (the whole member list as a comma-separated
  string; the group's state changes; `no_users_provided`, `invalid_users`, `invalid_user` for
  bots, `single_channel_guests_cannot_be_added`, `permission_denied` when the workspace
  restricts who edits groups); `chat.postMessage` (to a channel ID, `#name`, `name` or a user ID,
  which lands in a `D…` conversation; `not_in_channel` when the app was not invited,
  `channel_not_found` for a private channel without it, `is_archived`, `no_text`, `msg_too_long`);
* Slack's rate limits when asked (`limit_rates`: tiers per minute, one post a second per channel);
* injectable faults for the next N calls (or forever): 429 with `Retry-After`, 500/503 with
  an HTML page, HTTP 200 `ok: false` `ratelimited` or any other code, a 200 HTML page.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.server import FakeRequest, FakeResponse
from tests.fakes.slack.data import (
    ALL_SCOPES,
    BOT_USER,
    MAX_TEXT,
    SCOPE_OF,
    TEAM,
    TOKEN,
    TYPE_SCOPES,
    Channel,
    Post,
    SlackUser,
    UserGroup,
)
from tests.fakes.slack.limits import RateLimits
from tests.fakes.slack.seed import (
    DEMO_FACILITATORS,
    DEMO_TRIAGERS,
    ONCALL,
    demo_channels,
    demo_groups,
    demo_users,
    demo_workspace,
    human,
    large_users,
    large_workspace,
    oncall_workspace,
    spread,
)

HTML_ERROR = b"""<!DOCTYPE html>
<html><head><title>Slack is having trouble</title></head>
<body><h1>Server Error</h1><p>Something went wrong. Please try again.</p></body></html>
"""
JSON = {"Content-Type": "application/json; charset=utf-8"}


@dataclass
class Fault:
    """What the next calls get instead of an answer."""

    status: int
    body: bytes
    headers: dict[str, str]
    remaining: int | None  # None: forever
    methods: frozenset[str] | None  # None: every method


@dataclass
class FakeSlack:
    users: list[SlackUser]
    groups: list[UserGroup]
    tokens: dict[str, frozenset[str]] = field(default_factory=lambda: {TOKEN: ALL_SCOPES})
    paid_plan: bool = True
    max_page: int | None = None
    """Slack may return fewer users than `limit` asks for; this caps a page."""
    channels: list[Channel] = field(default_factory=list)
    group_edits_restricted: bool = False
    """The workspace lets only admins change user groups: a bot gets `permission_denied`."""
    dms_refused: dict[str, str] = field(default_factory=dict)
    """User ID → the error Slack answers a direct message to them with (`restricted_action`, say:
    the workspace does not let the app write to that person)."""
    team_name: str = "Fake Team"
    """The workspace's name, as `auth.test` gives it."""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ts = itertools.count(1)
        self.rate_limits: RateLimits | None = None
        self.calls: list[str] = []
        """Every method called, faults included, in order."""
        self.posts: list[Post] = []
        self.updates: list[tuple[str, tuple[str, ...]]] = []
        """Every accepted `usergroups.users.update`: the group ID and its new members."""

    # --- faults and limits ----------------------------------------------------------------

    def limit_rates(self, clock: Callable[[], float], per_minute: dict[str, int] | None = None) -> RateLimits:
        """Enforce Slack's rate limits from now on, timed by `clock` (429 with Retry-After)."""
        self.rate_limits = RateLimits(clock, per_minute)
        return self.rate_limits

    def _inject(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def rate_limit(self, times: int | None = 1, retry_after: int = 1, methods: Iterable[str] | None = None) -> None:
        """HTTP 429 with `Retry-After` for the next `times` calls (None: forever)."""
        body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
        self._inject(Fault(429, body, {**JSON, "Retry-After": str(retry_after)}, times, _methods(methods)))

    def server_error(self, status: int = 500, times: int | None = 1, methods: Iterable[str] | None = None) -> None:
        """An HTML error page with this status for the next `times` calls."""
        self._inject(Fault(status, HTML_ERROR, {"Content-Type": "text/html"}, times, _methods(methods)))

    def ratelimited_body(
        self, times: int | None = 1, retry_after: int | None = 1, methods: Iterable[str] | None = None
    ) -> None:
        """HTTP 200 with `{"ok": false, "error": "ratelimited"}` for the next `times` calls."""
        body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
        headers = dict(JSON)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        self._inject(Fault(200, body, headers, times, _methods(methods)))

    def error(self, code: str, times: int | None = 1, methods: Iterable[str] | None = None) -> None:
        """HTTP 200 with `{"ok": false, "error": code}` for the next `times` calls."""
        body = json.dumps({"ok": False, "error": code}).encode()
        self._inject(Fault(200, body, dict(JSON), times, _methods(methods)))

    def html_page(self, status: int = 200, times: int | None = 1, methods: Iterable[str] | None = None) -> None:
        """A non-JSON page (a proxy's or captive portal's) for the next `times` calls."""
        headers = {"Content-Type": "text/html; charset=utf-8"}
        self._inject(Fault(status, HTML_ERROR, headers, times, _methods(methods)))

    def _fault_for(self, method: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.methods is None or method in fault.methods:
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining == 0:
                            self._faults.remove(fault)
                    return fault
        return None

    # --- requests -------------------------------------------------------------------------

    def __call__(self, request: FakeRequest) -> FakeResponse:
        if not request.path.startswith("/api/"):
            return FakeResponse(404, b"<html><body><h1>404 Not Found</h1></body></html>", {"Content-Type": "text/html"})
        method = request.path.removeprefix("/api/")
        with self._lock:
            self.calls.append(method)
        fault = self._fault_for(method)
        if fault is not None:
            return FakeResponse(fault.status, fault.body, dict(fault.headers))
        handler = self._handlers().get(method)
        if handler is None:
            return FakeResponse.json(_fail("unknown_method"))
        token = _bearer(request) or request.arg("token")
        if not token:
            return FakeResponse.json(_fail("not_authed"))
        scopes = self.tokens.get(token)
        if scopes is None:
            return FakeResponse.json(_fail("invalid_auth"))
        args = _Args(request, scopes)
        headers = {"x-oauth-scopes": ",".join(sorted(scopes))}
        needed = SCOPE_OF[method]
        if needed is not None and needed not in scopes:
            return FakeResponse.json(_missing_scope(needed, scopes), headers=headers)
        if self.rate_limits is not None:
            channel = args.get("channel") if method == "chat.postMessage" else None
            wait = self.rate_limits.admit(token, method, channel)
            if wait is not None:
                body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
                return FakeResponse(429, body, {**JSON, "Retry-After": str(wait)})
        with self._lock:
            answer = handler(args)
        return FakeResponse.json(answer, headers=headers)

    def _handlers(self) -> dict[str, Callable[[_Args], dict[str, Any]]]:
        return {
            "auth.test": self._auth_test,
            "usergroups.list": self._usergroups_list,
            "usergroups.users.list": self._usergroups_users_list,
            "users.list": self._users_list,
            "users.info": self._users_info,
            "usergroups.users.update": self._usergroups_users_update,
            "chat.postMessage": self._chat_post_message,
            "conversations.info": self._conversations_info,
            "conversations.list": self._conversations_list,
        }

    # --- reads ----------------------------------------------------------------------------

    def _auth_test(self, args: _Args) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake-team.slack.com/",
            "team": self.team_name,
            "user": "rolebot",
            "team_id": TEAM,
            "user_id": BOT_USER,
            "bot_id": "B05ROLEBOT",
            "is_enterprise_install": False,
        }

    def _usergroups_list(self, args: _Args) -> dict[str, Any]:
        if not self.paid_plan:
            return _fail("plan_upgrade_required")
        include_disabled = args.flag("include_disabled")
        groups = [g for g in self.groups if include_disabled or not g.disabled]
        payload = [g.payload(args.flag("include_users"), args.flag("include_count")) for g in groups]
        return {"ok": True, "usergroups": payload}

    def _usergroups_users_list(self, args: _Args) -> dict[str, Any]:
        if not self.paid_plan:
            return _fail("plan_upgrade_required")
        wanted = args.get("usergroup")
        if not wanted:
            return _fail("missing_argument")
        group = next((g for g in self.groups if g.id == wanted), None)
        if group is None or (group.disabled and not args.flag("include_disabled")):
            return _fail("no_such_subteam")
        return {"ok": True, "users": list(group.users)}

    def _users_list(self, args: _Args) -> dict[str, Any]:
        try:
            limit = int(args.get("limit") or 0)
        except ValueError:
            return _fail("invalid_limit")
        start = 0
        cursor = args.get("cursor")
        if cursor:
            last = _decode_cursor(cursor)
            index = next((i for i, u in enumerate(self.users) if u.id == last), None)
            if index is None:
                return _fail("invalid_cursor")
            start = index + 1
        size = limit if limit > 0 else len(self.users)
        if self.max_page is not None:
            size = min(size, self.max_page)
        page = self.users[start : start + size]
        more = start + size < len(self.users)
        next_cursor = _encode_cursor(page[-1].id) if more and page else ""
        return {
            "ok": True,
            "members": [u.payload() for u in page],
            "cache_ts": 1498777272,
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _users_info(self, args: _Args) -> dict[str, Any]:
        wanted = args.get("user")
        if not wanted:
            return _fail("missing_argument")
        user = self._user(wanted)
        if user is None:
            return _fail("user_not_found")
        return {"ok": True, "user": user.payload()}

    def _conversations_info(self, args: _Args) -> dict[str, Any]:
        wanted = args.get("channel") or ""
        channel = next((c for c in self.channels if c.id == wanted), None)
        if channel is None or (channel.is_private and BOT_USER not in channel.members):
            return _fail("channel_not_found")
        needed = TYPE_SCOPES["private_channel" if channel.is_private else "public_channel"]
        if needed not in args.scopes:
            return _missing_scope(needed, args.scopes)
        return {"ok": True, "channel": channel.payload()}

    def _conversations_list(self, args: _Args) -> dict[str, Any]:
        types = [t.strip() for t in (args.get("types") or "public_channel").split(",") if t.strip()]
        if not types or any(t not in TYPE_SCOPES for t in types):
            return _fail("invalid_types")
        lacking = [TYPE_SCOPES[t] for t in types if TYPE_SCOPES[t] not in args.scopes]
        if lacking:
            return _missing_scope(lacking[0], args.scopes)
        try:
            limit = int(args.get("limit") or 100)
        except ValueError:
            return _fail("invalid_limit")
        if not 0 < limit < 1000:
            return _fail("invalid_limit")
        start = 0
        if cursor := args.get("cursor"):
            last = _decode_cursor(cursor, "channel")
            index = next((i for i, c in enumerate(self.channels) if c.id == last), None)
            if index is None:
                return _fail("invalid_cursor")
            start = index + 1
        window = self.channels[start : start + limit]  # the page is cut first, then filtered
        more = start + limit < len(self.channels)
        shown = [
            c.payload()
            for c in window
            if ("private_channel" if c.is_private else "public_channel") in types
            and not (c.is_archived and args.flag("exclude_archived"))
            and (not c.is_private or BOT_USER in c.members)
        ]
        next_cursor = _encode_cursor(window[-1].id, "channel") if more and window else ""
        return {"ok": True, "channels": shown, "response_metadata": {"next_cursor": next_cursor}}

    def _user(self, user_id: str) -> SlackUser | None:
        return next((u for u in self.users if u.id == user_id), None)

    # --- writes ---------------------------------------------------------------------------

    def _usergroups_users_update(self, args: _Args) -> dict[str, Any]:
        if not self.paid_plan:
            return _fail("plan_upgrade_required")
        if self.group_edits_restricted:
            return _fail("permission_denied")
        wanted = args.get("usergroup")
        if not wanted:
            return _fail("missing_argument")
        group = next((g for g in self.groups if g.id == wanted), None)
        if group is None:
            return _fail("no_such_subteam")
        ids = list(dict.fromkeys(i.strip() for i in (args.get("users") or "").split(",") if i.strip()))
        if not ids:
            return _fail("no_users_provided")
        users = [self._user(i) for i in ids]
        if any(u is None or u.deleted for u in users):
            return _fail("invalid_users")
        if any(u is not None and (u.is_bot or u.is_app_user) for u in users):
            return _fail("invalid_user")
        if any(u is not None and u.is_ultra_restricted for u in users):
            return _fail("single_channel_guests_cannot_be_added")
        group.users = ids
        group.updated += 1
        self.updates.append((group.id, tuple(ids)))
        return {"ok": True, "usergroup": group.payload(include_users=True, include_count=True)}

    def _chat_post_message(self, args: _Args) -> dict[str, Any]:
        asked = (args.get("channel") or "").strip()
        text = args.get("text") or ""
        if asked[:1] in {"U", "W"}:
            user = self._user(asked)
            if user is None or user.deleted:
                return _fail("channel_not_found")
            if user.id in self.dms_refused:
                return _fail(self.dms_refused[user.id])
            channel_id = "D" + user.id[1:]  # the app's direct-message conversation with them
        else:
            channel = next((c for c in self.channels if asked in {c.id, c.name, f"#{c.name}"}), None)
            if channel is None or (channel.is_private and BOT_USER not in channel.members):
                return _fail("channel_not_found")
            if channel.is_archived:
                return _fail("is_archived")
            if BOT_USER not in channel.members:
                return _fail("not_in_channel")
            channel_id = channel.id
        if not text.strip() and not args.get("blocks"):
            return _fail("no_text")
        if len(text) > MAX_TEXT:
            return _fail("msg_too_long")
        ts = f"{1_700_000_000 + next(self._ts)}.000100"
        self.posts.append(Post(channel_id, asked, text, ts))
        message = {"type": "message", "subtype": "bot_message", "text": text, "bot_id": "B05ROLEBOT", "ts": ts}
        return {"ok": True, "channel": channel_id, "ts": ts, "message": message}


class _Args:
    """Slack arguments: query string, form body or JSON body; booleans as 1/0/true/false; and the
    scopes of the token they came with."""

    def __init__(self, request: FakeRequest, scopes: frozenset[str]) -> None:
        self._request = request
        self.scopes = scopes

    def get(self, name: str) -> str | None:
        return self._request.arg(name)

    def flag(self, name: str) -> bool:
        return (self.get(name) or "").strip().lower() in {"1", "true"}


def _bearer(request: FakeRequest) -> str | None:
    header = request.header("authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def _fail(code: str) -> dict[str, Any]:
    return {"ok": False, "error": code}


def _missing_scope(needed: str, scopes: frozenset[str]) -> dict[str, Any]:
    return {"ok": False, "error": "missing_scope", "needed": needed, "provided": ",".join(sorted(scopes))}


def _methods(methods: Iterable[str] | None) -> frozenset[str] | None:
    return None if methods is None else frozenset(methods)


def _encode_cursor(last_id: str, kind: str = "user") -> str:
    return base64.b64encode(f"{kind}:{last_id}".encode()).decode()


def _decode_cursor(cursor: str, expected: str = "user") -> str | None:
    try:
        text = base64.b64decode(cursor, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    kind, _, last = text.partition(":")
    return last if kind == expected and last else None


__all__ = [
    "ALL_SCOPES",
    "BOT_USER",
    "DEMO_FACILITATORS",
    "DEMO_TRIAGERS",
    "ONCALL",
    "TEAM",
    "TOKEN",
    "Channel",
    "FakeSlack",
    "Post",
    "SlackUser",
    "UserGroup",
    "demo_channels",
    "demo_groups",
    "demo_users",
    "demo_workspace",
    "human",
    "large_users",
    "large_workspace",
    "oncall_workspace",
    "spread",
]
