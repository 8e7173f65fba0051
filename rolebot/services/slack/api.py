"""One Slack Web API call: the request, the `ok` envelope, the scopes header and every error code.

Slack answers most failures with HTTP 200 and `{"ok": false, "error": code}`. Each code becomes
one `SlackRefusal` (a `ServiceError`) naming the fix and never the token; callers that know
more about a code (which channel, which group) catch it and say so. HTTP 429 and 5xx are
retried by `HttpClient`, and so is an `ok: false` `ratelimited` body. Every call is paced by
its method, so a 429's `Retry-After` holds back every thread calling that method.

Reads go as GET with a query string, writes as POST (a form, or JSON for chat.postMessage),
as Slack's reference declares them. Every answer carries the token's scopes in its
`x-oauth-scopes` header; the last one seen is kept in `SlackApi.scopes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self, Unpack

from rolebot.errors import ServiceError
from rolebot.services.http import Answer, HttpClient, Reach
from rolebot.services.pacing import Pace

if TYPE_CHECKING:
    from rolebot.redaction import Secret

SERVICE = "Slack"
URL_SETTING = "ROLEBOT_SLACK_API_URL"
TOKEN_PLACES = "ROLEBOT_SLACK_TOKEN or secrets/slack_bot_token.json"  # noqa: S105 - where it lives, not a token
READ_SCOPES = "usergroups:read and users:read"

SCOPE_OF = {
    "usergroups.list": "usergroups:read",
    "users.info": "users:read",
    "users.list": "users:read",
    "usergroups.users.update": "usergroups:write",
    "chat.postMessage": "chat:write",
    "conversations.info": "channels:read",
    "conversations.list": "channels:read",
}
FEATURE_SCOPES = {
    "members": frozenset({"usergroups:read", "users:read"}),
    "oncall_usergroup": frozenset({"usergroups:read", "usergroups:write"}),
    "announce_channel": frozenset({"chat:write"}),
    "dm": frozenset({"chat:write"}),
}
"""The bot token scopes each feature needs (for `secrets check` and a doctor)."""
SCOPE_USE = {
    "usergroups:read": f"rolebot needs {READ_SCOPES}",
    "users:read": f"rolebot needs {READ_SCOPES}",
    "usergroups:write": "rolebot needs it for a role's oncall_usergroup",
    "chat:write": "rolebot needs it for a role's announce_channel and dm",
    "channels:read": "optional: `rolebot doctor` uses it to check the app is in a role's announce_channel",
    "groups:read": "optional: `rolebot doctor` uses it to check the app is in a private announce_channel",
}

AUTH_ERRORS = {
    "not_authed": "no Slack bot token was sent",
    "invalid_auth": "Slack does not accept the bot token (invalid_auth)",
    "token_revoked": "the Slack bot token has been revoked (token_revoked)",
    "token_expired": "the Slack bot token has expired (token_expired)",
    "account_inactive": "the Slack bot token belongs to a deactivated app or user (account_inactive)",
}
TRANSIENT_ERRORS = {"fatal_error", "internal_error", "service_unavailable", "request_timeout"}


class SlackRefusal(ServiceError):
    """Slack answered `ok: false`; `code` is its error code."""

    def __init__(self, message: str, hint: str, *, code: str, method: str) -> None:
        super().__init__(SERVICE, message, hint)
        self.code = code
        self.method = method


class SlackApi:
    """Calls to one Slack workspace's Web API with a bot token. Thread-safe."""

    def __init__(self, http: HttpClient) -> None:
        self._http = http
        self.host = http.host
        self.description = f"Slack ({self.host})"
        self.scopes: frozenset[str] | None = None
        """The token's scopes, as the last answer's `x-oauth-scopes` header said (None: not seen yet)."""

    @classmethod
    def connect(cls, api_url: str, token: Secret, **reach: Unpack[Reach]) -> SlackApi:
        base = api_url if api_url.endswith("/") else api_url + "/"
        headers = {"Authorization": f"Bearer {token.reveal()}"}
        return cls(HttpClient(SERVICE, base, headers, url_setting=URL_SETTING, **reach))

    @property
    def requests(self) -> int:
        """Requests sent so far, retries included."""
        return self._http.requests

    def close(self) -> None:
        self._http.close()

    def call(
        self,
        method: str,
        *,
        query: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
        json: Mapping[str, Any] | None = None,
        once: bool = False,
        pace: Pace | None = None,
    ) -> dict[str, Any]:
        """The body of a successful call; `ok: false` raises `SlackRefusal`.

        A GET with `query`, or a POST with `form` or `json`. `once` is for calls that must not
        happen twice (a post): only failures where Slack certainly did nothing are retried.
        `pace` defaults to the method itself (429 holds shared by every call to it).
        """
        verb = "GET" if form is None and json is None else "POST"
        answer = self._http.request_json(
            verb,
            method,
            params=query,
            data=form,
            json=json,
            retry_unsent_only=once,
            rate_limited=_ratelimited_body,
            pace=pace or Pace(method),
        )
        if (scopes := answer.headers.get("x-oauth-scopes")) is not None:
            self.scopes = frozenset(s.strip() for s in scopes.split(",") if s.strip())
        body = answer.body
        if not isinstance(body, dict) or not isinstance(body.get("ok"), bool):
            raise not_slack(method, answer)
        if body["ok"]:
            return body
        raise refusal(method, str(body.get("error") or "unknown_error"), body)

    def token_scopes(self) -> frozenset[str]:
        """The scopes the token has: `auth.test` (cheap, needs no scope) and its `x-oauth-scopes` header."""
        return self.identify().scopes

    def identify(self) -> Identity:
        """Whose token this is and what it may do: `auth.test` (cheap, needs no scope), its answer
        (the workspace, the app's user) and its `x-oauth-scopes` header."""
        self.scopes = None
        body = self.call("auth.test", form={})
        if self.scopes is None:
            raise ServiceError(
                SERVICE,
                "Slack's answer to auth.test has no x-oauth-scopes header, so the token's scopes are unknown",
                f"check {URL_SETTING} if you set it (Slack's is https://slack.com/api/); a proxy may drop the header",
            )
        return Identity(str(body.get("team") or "?"), str(body.get("user") or "?"), self.scopes)


@dataclass(frozen=True)
class Identity:
    """What `auth.test` says of a token."""

    team: str
    """The workspace's name."""
    user: str
    """The app's bot user name."""
    scopes: frozenset[str]


def _ratelimited_body(answer: Answer) -> str | None:
    """Slack sometimes reports rate limiting as HTTP 200 `{"ok": false, "error": "ratelimited"}`."""
    body = answer.body
    if isinstance(body, dict) and body.get("ok") is False and body.get("error") == "ratelimited":
        return "ratelimited"
    return None


def unexpected(method: str, problem: str) -> ServiceError:
    return ServiceError(
        SERVICE,
        f"unexpected answer to {method}: {problem}",
        f"check {URL_SETTING} points at Slack's Web API (https://slack.com/api/)",
    )


def not_slack(method: str, answer: Answer) -> ServiceError:
    return ServiceError(
        SERVICE,
        f"{method} got HTTP {answer.status} with a body that is not a Slack API answer ({answer.content_type})",
        f"check {URL_SETTING} if you set it (Slack's is https://slack.com/api/); otherwise try again later",
    )


def refusal(method: str, code: str, body: Mapping[str, Any]) -> SlackRefusal:
    """What an `ok: false` answer means, in general; callers may say more for their method."""
    message, hint = _explain(method, code, body)
    return SlackRefusal(message, hint, code=code, method=method)


def _explain(method: str, code: str, body: Mapping[str, Any]) -> tuple[str, str]:
    if code in AUTH_ERRORS:
        return (
            AUTH_ERRORS[code],
            f"check the Slack bot token ({TOKEN_PLACES}): it should be the app's current Bot User OAuth Token",
        )
    if code == "not_allowed_token_type":
        return (
            f"{method} does not accept this kind of token (not_allowed_token_type)",
            f"use the app's Bot User OAuth Token (xoxb-…) in {TOKEN_PLACES}",
        )
    if code == "missing_scope":
        needed = str(body.get("needed") or SCOPE_OF.get(method, READ_SCOPES))
        provided = str(body.get("provided") or "none")
        use = SCOPE_USE.get(needed, f"{method} needs it")
        return (
            f"the Slack app lacks the {needed} scope that {method} needs (the token has: {provided})",
            f"add {needed} under OAuth & Permissions → Bot Token Scopes ({use}), "
            "then reinstall the app to the workspace",
        )
    if code == "plan_upgrade_required":
        return (
            "this Slack workspace's plan has no user groups (plan_upgrade_required)",
            "user groups need a paid Slack plan; without one, keep the members in state/roster.json "
            "and use --backend local",
        )
    if code == "invalid_cursor":
        return (
            f"Slack rejected the page cursor while reading {method} (invalid_cursor)",
            "the user list changed while it was being read; run the command again",
        )
    if code in TRANSIENT_ERRORS:
        return f"Slack failed to answer {method} ({code})", "try again later; re-running is safe"
    return f"{method} failed: {code}", f"see https://api.slack.com/methods/{method} for what {code} means"


class SlackClient:
    """A client of one Slack connection (`SlackApi`); members and messages share one in a command."""

    def __init__(self, api: SlackApi) -> None:
        self.api = api
        self.description = api.description

    @classmethod
    def connect(cls, api_url: str, token: Secret, **reach: Unpack[Reach]) -> Self:
        """A client with a connection of its own."""
        return cls(SlackApi.connect(api_url, token, **reach))

    def close(self) -> None:
        self.api.close()
