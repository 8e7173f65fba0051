"""A faithful fake of the Slack Web API methods rolebot reads (the protocol facts: README.md).

`FakeSlack` is a handler for `FakeServer` and `mock_transport`:

* `GET|POST /api/{method}`, arguments from the query string, a form body or a JSON body;
* the token from `Authorization: Bearer …` or a `token` argument: none → `not_authed`,
  unknown → `invalid_auth`, a scope missing → `missing_scope` with `needed`/`provided`;
  every method error is HTTP 200 with `{"ok": false, "error": code}`;
* `usergroups.list` (users only with `include_users`, disabled groups only with
  `include_disabled`), `usergroups.users.list`, `users.list` (`limit` + base64 cursor
  `user:<last id>`, `invalid_cursor`, the last page's `next_cursor` is ""), `users.info`
  (`user_not_found`);
* deleted users come back with fewer fields, as Slack sends them;
* injectable faults for the next N calls (or forever): 429 with `Retry-After`, 500/503
  with an HTML page, HTTP 200 `ok: false` `ratelimited`, a 200 HTML page.

Seed data: `demo_workspace()` (the demo team of state/roster.json, plus the awkward
cases) and `large_workspace()` (thousands of users, groups spread across them).
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.server import FakeRequest, FakeResponse

TOKEN = "xoxb-1111-2222-fakeslacktoken"
"""The bot token the fake accepts by default, with every scope rolebot needs."""
TEAM = "T0FAKE0001"
ALL_SCOPES = frozenset({"usergroups:read", "users:read", "chat:write"})
SCOPE_OF = {
    "usergroups.list": "usergroups:read",
    "usergroups.users.list": "usergroups:read",
    "users.list": "users:read",
    "users.info": "users:read",
}

HTML_ERROR = b"""<!DOCTYPE html>
<html><head><title>Slack is having trouble</title></head>
<body><h1>Server Error</h1><p>Something went wrong. Please try again.</p></body></html>
"""


@dataclass
class SlackUser:
    id: str
    name: str
    display_name: str = ""
    real_name: str = ""
    deleted: bool = False
    is_bot: bool = False
    is_app_user: bool = False
    is_restricted: bool = False
    tz: str = "Europe/London"

    def payload(self) -> dict[str, Any]:
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "team": TEAM,
        }
        if self.deleted:
            # Deactivated users come back trimmed: no tz, no admin/guest flags, no top-level real_name.
            return {
                "id": self.id,
                "team_id": TEAM,
                "name": self.name,
                "deleted": True,
                "profile": profile,
                "is_bot": self.is_bot,
                "is_app_user": self.is_app_user,
                "updated": 1650000000,
            }
        if self.is_bot:
            profile["bot_id"] = "B" + self.id[1:]
        else:
            profile["email"] = f"{self.name}@example.org"
        return {
            "id": self.id,
            "team_id": TEAM,
            "name": self.name,
            "deleted": False,
            "color": "9f69e7",
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": "Local Time",
            "tz_offset": 0,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": self.is_restricted,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": self.is_app_user,
            "updated": 1600000000,
            "has_2fa": False,
        }


@dataclass
class UserGroup:
    id: str
    handle: str
    name: str
    users: list[str]
    disabled: bool = False

    def payload(self, include_users: bool, include_count: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "team_id": TEAM,
            "is_usergroup": True,
            "name": self.name,
            "description": f"{self.name} rotation",
            "handle": self.handle,
            "is_external": False,
            "date_create": 1446598059,
            "date_update": 1446670362,
            "date_delete": 1500000000 if self.disabled else 0,
            "auto_type": None,
            "created_by": "U0ADMIN001",
            "updated_by": "U0ADMIN001",
            "deleted_by": None,
            "prefs": {"channels": [], "groups": []},
        }
        if include_users:
            body["users"] = list(self.users)
        if include_count:
            body["user_count"] = str(len(self.users))  # Slack's own example sends a string here
        return body


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

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.calls: list[str] = []
        """Every method called, faults included, in order."""

    # --- faults ---------------------------------------------------------------------------

    def _inject(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def rate_limit(self, times: int | None = 1, retry_after: int = 1, methods: Iterable[str] | None = None) -> None:
        """HTTP 429 with `Retry-After` for the next `times` calls (None: forever)."""
        body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "Retry-After": str(retry_after)}
        self._inject(Fault(429, body, headers, times, _methods(methods)))

    def server_error(self, status: int = 500, times: int | None = 1, methods: Iterable[str] | None = None) -> None:
        """An HTML error page with this status for the next `times` calls."""
        self._inject(Fault(status, HTML_ERROR, {"Content-Type": "text/html"}, times, _methods(methods)))

    def ratelimited_body(
        self, times: int | None = 1, retry_after: int | None = 1, methods: Iterable[str] | None = None
    ) -> None:
        """HTTP 200 with `{"ok": false, "error": "ratelimited"}` for the next `times` calls."""
        body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        self._inject(Fault(200, body, headers, times, _methods(methods)))

    def error(self, code: str, times: int | None = 1, methods: Iterable[str] | None = None) -> None:
        """HTTP 200 with `{"ok": false, "error": code}` for the next `times` calls."""
        body = json.dumps({"ok": False, "error": code}).encode()
        self._inject(Fault(200, body, {"Content-Type": "application/json; charset=utf-8"}, times, _methods(methods)))

    def html_page(self, status: int = 200, times: int | None = 1) -> None:
        """A non-JSON page (a proxy's or captive portal's) for the next `times` calls."""
        self._inject(Fault(status, HTML_ERROR, {"Content-Type": "text/html; charset=utf-8"}, times, None))

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
        return FakeResponse.json(self._answer(method, request))

    def _answer(self, method: str, request: FakeRequest) -> dict[str, Any]:
        args = _Args(request)
        handler = {
            "usergroups.list": self._usergroups_list,
            "usergroups.users.list": self._usergroups_users_list,
            "users.list": self._users_list,
            "users.info": self._users_info,
        }.get(method)
        if handler is None:
            return _fail("unknown_method")
        token = _bearer(request) or args.get("token")
        if not token:
            return _fail("not_authed")
        scopes = self.tokens.get(token)
        if scopes is None:
            return _fail("invalid_auth")
        needed = SCOPE_OF[method]
        if needed not in scopes:
            return {"ok": False, "error": "missing_scope", "needed": needed, "provided": ",".join(sorted(scopes))}
        return handler(args)

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
        user = next((u for u in self.users if u.id == wanted), None)
        if user is None:
            return _fail("user_not_found")
        return {"ok": True, "user": user.payload()}


class _Args:
    """Slack arguments: query string, form body or JSON body; booleans as 1/0/true/false."""

    def __init__(self, request: FakeRequest) -> None:
        self._request = request

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


def _methods(methods: Iterable[str] | None) -> frozenset[str] | None:
    return None if methods is None else frozenset(methods)


def _encode_cursor(last_id: str) -> str:
    return base64.b64encode(f"user:{last_id}".encode()).decode()


def _decode_cursor(cursor: str) -> str | None:
    try:
        text = base64.b64decode(cursor, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    kind, _, last = text.partition(":")
    return last if kind == "user" and last else None


# --- seed data ------------------------------------------------------------------------------


def human(user_id: str, display: str, real: str | None = None, **extra: Any) -> SlackUser:
    real_name = display if real is None else real
    handle = (real_name or display or user_id).lower().replace(" ", ".")
    return SlackUser(user_id, handle, display_name=display, real_name=real_name, **extra)


DEMO_TRIAGERS = ["U05ADA1234", "U05BRU5678", "U05CHE9012", "U05DAN3456", "U05EME7890", "U05FAR2345"]
DEMO_FACILITATORS = ["U05ADA1234", "U05CHE9012", "U05EME7890", "U05GIT6789"]


def demo_users() -> list[SlackUser]:
    """The demo team of state/roster.json as Slack has them, plus the awkward cases.

    Chen Wei and Farah Haddad have no display name (the name comes from real_name). A
    deleted user (Cal Departed), a bot (Carla Bot), an app user and Slackbot are in the
    support-triagers group, and the first two sort between Bruno Silva and Chen Wei, where
    they would change the rotation if they were not left out. Omar Outsider is in no group.
    """
    return [
        human("U05ADA1234", "Ada Okafor"),
        human("U05BRU5678", "Bruno Silva", "Bruno Gomes da Silva"),
        human("U05CHE9012", "", "Chen Wei"),
        human("U05DAN3456", "Dana Kowalski"),
        human("U05EME7890", "Emeka Nwosu", tz="Africa/Lagos"),
        human("U05FAR2345", "", "Farah Haddad"),
        human("U05GIT6789", "Gita Rao", is_restricted=True),
        human("U05CAL0000", "Cal Departed", deleted=True),
        human("U05BOT0001", "Carla Bot", is_bot=True),
        human("U05APP0002", "Casey App", is_app_user=True),
        SlackUser("USLACKBOT", "slackbot", real_name="Slackbot"),
        human("U05OUT0003", "Omar Outsider"),
    ]


def demo_groups() -> list[UserGroup]:
    noise = ["U05CAL0000", "U05BOT0001", "U05APP0002", "USLACKBOT"]
    return [
        UserGroup("S05TRIAGE", "support-triagers", "Support Triagers", [*DEMO_TRIAGERS, *noise]),
        UserGroup("S05FACILI", "meeting-facilitators", "Meeting Facilitators", list(DEMO_FACILITATORS)),
        UserGroup("S05OLDTEAM", "old-stewards", "Old Stewards", ["U05ADA1234"], disabled=True),
    ]


def demo_workspace(**options: Any) -> FakeSlack:
    return FakeSlack(demo_users(), demo_groups(), **options)


FIRST = ["Ada", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Gita", "Hana", "Ivan", "Jo", "Kofi", "Lena", "Mei"]
LAST = ["Okafor", "Silva", "Wei", "Kowalski", "Nwosu", "Haddad", "Rao", "Sato", "Petrov", "Lee", "Mensah", "Berg"]


def large_users(total: int, seed: int = 7) -> list[SlackUser]:
    """`total` users, about 1 in 20 deleted and 1 in 50 a bot, some with no display name."""
    rng = random.Random(seed)  # noqa: S311 - seed data, not cryptography
    users: list[SlackUser] = []
    for index in range(total):
        user_id = f"U{index:08d}"
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {index}"
        roll = rng.random()
        users.append(
            SlackUser(
                user_id,
                name.lower().replace(" ", "."),
                display_name="" if roll < 0.2 else name,
                real_name=name,
                deleted=0.2 <= roll < 0.25,
                is_bot=0.25 <= roll < 0.27,
            )
        )
    return users


def spread(users: list[SlackUser], count: int, seed: int) -> list[str]:
    """`count` user IDs spread over the whole workspace, the last user always among them."""
    rng = random.Random(seed)  # noqa: S311 - seed data, not cryptography
    chosen = [*rng.sample(range(len(users) - 1), count - 1), len(users) - 1]
    return [users[i].id for i in chosen]


def large_workspace(total: int = 20_000, groups: dict[str, int] | None = None, seed: int = 7) -> FakeSlack:
    """A workspace of `total` users with groups of the given sizes (handle → members)."""
    users = large_users(total, seed)
    sizes = groups if groups is not None else {"platform-oncall": 300, "support-triagers": 12}
    made = [
        UserGroup(f"S{n:08d}", handle, handle.replace("-", " ").title(), spread(users, size, seed + n))
        for n, (handle, size) in enumerate(sizes.items())
    ]
    return FakeSlack(users, made)
