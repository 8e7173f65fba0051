"""A fake Google for rolebot's tests: the OAuth token endpoint and Calendar API v3 events,
single and batched, speaking the wire protocol google-auth and google-api-python-client
really use. The protocol facts it models are listed below.

Use it as a handler for `tests.fakes.server.FakeServer`:

    google = FakeGoogle()
    with google.serve() as server:
        key = google.key_for(server)                  # the test key, token_uri -> this fake
        calendar = GoogleCalendar.connect(server.url + "/", Secret(google.calendar_id), key, ...)

What it models:

* **Token endpoint** (`POST /token`, form `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`
  and `assertion=<JWT>`): the RS256 signature is verified against the public key of the
  service account named in `iss` (keys are trusted with `trust_key`); `aud` must be Google's
  token URL (google-auth always sends that, whatever `token_uri` is), `exp`/`iat` must be
  current and at most an hour apart, `scope` must be present. Unknown, revoked or badly
  signed keys get 400 `invalid_grant`. Tokens last `token_lifetime` seconds.
* **Bearer tokens**: every API call needs a live token (401 `authError` otherwise) whose
  scopes include a calendar scope (403 `insufficientPermissions`), and the service
  account must have the calendar shared with it: not shared → 404 `notFound`; shared
  read-only (`reader`, `freeBusyReader`) → 403 `requiredAccessLevel` on writes. A listing's
  `accessRole` is the caller's access (`owner`, `writer`, `reader`, `freeBusyReader`).
* **events.list**: `timeMin` (exclusive bound on the end) / `timeMax` (exclusive bound on
  the start), all-day dates taken at midnight in the calendar's time zone; `singleEvents`
  expands simple weekly/daily recurrences into instances (an endless one, without
  `timeMax`, page after page: 10,000 of them); `showDeleted`; `orderBy`
  (`startTime` only with `singleEvents`); `privateExtendedProperty` (repeated, AND);
  `q`; `eventTypes`; `maxResults` (default 250, clamped to 2,500, and to `page_size`);
  `pageToken` pagination tied to the query; `nextSyncToken` on the last page.
* **Deleting keeps a tombstone.** A deleted event stays, with `status: cancelled`: its ID
  is still taken, `get` returns it, `list` shows it only with `showDeleted`, and it
  stays cancelled until an update sets `status` again.
* **insert** (ID rule `^[a-v0-9]{5,1024}$`; 409 on any existing ID, cancelled ones
  included), **get** (cancelled events too), **update** (PUT, the full resource; a
  `status` it does not send is kept, so an update without one leaves a cancelled event
  cancelled) and **patch** (deep merge: objects merge key by key, arrays are replaced),
  **delete** (204; 410 when already deleted; 404 when unknown).
  `x-http-method-override` is honoured.
* **Partial answers**: `fields` (Google's syntax: `a,b/c,items(d,e/f)`) trims every answer
  to the fields selected, single calls and batch parts alike; a malformed one is 400.
* **A purged ID stays reserved** (`purge`, `empty_bin`): after the bin is emptied, insert
  under the ID answers 409 while get, update and delete answer 404, and listings never
  show it — so the same insert fails on every run unless the client uses another ID.
* **Batch** (`POST /batch/calendar/v3`): parses the LF multipart the library sends (outer
  headers apply to every part except `Content-*`), answers CRLF multipart parts with
  `Content-ID: <response-...>` and at least one header per inner response; at most
  `max_batch` calls (400 beyond), 1,000 by default as the current Calendar guide says
  (it said 50 until 2020).
* **Faults**: `fail(...)` injects errors for the next N matching calls (rate limits 403
  `rateLimitExceeded` / 429, 5xx, anything), on single calls and batch parts, or on the
  outer batch request; `reject_tokens` (401 everywhere); `unshare`/`share`; `revoke`;
  `token_outage` (the token endpoint answers 5xx).

Every Calendar API call it answered, single or inside a batch, is in `calls`; the HTTP
requests themselves are in the FakeServer's recorder.
"""

from __future__ import annotations

import base64
import copy
import email
import email.policy
import functools
import hashlib
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.fakes.server import FakeRequest, FakeResponse, FakeServer

DEFAULT_CALENDAR_ID = "c_0f1e2d3c4b5a6978fakecalendar@group.calendar.google.com"
TOKEN_PATH = "/token"
API_PREFIX = "/calendar/v3/"
BATCH_PATH = "/batch/calendar/v3"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
CALENDAR_SCOPES = frozenset(
    {"https://www.googleapis.com/auth/calendar", "https://www.googleapis.com/auth/calendar.events"}
)
EVENT_ID = re.compile(r"^[a-v0-9]{5,1024}$")
MAX_PAGE = 2500
WRITERS = frozenset({"writer", "owner"})
"""The access roles that may change events (the others: `reader`, `freeBusyReader`)."""


@functools.cache
def _test_key() -> dict[str, Any]:
    # Google issues 2048-bit keys. This one has 1024 bits: the format (PKCS#8 PEM) and the
    # signatures (RS256) are the same, and google-auth, which checks the key each time rolebot
    # connects, loads it five times faster (about 10 ms instead of 50, on every live run).
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - test-only
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    email = "fake-test-only@rolebot-fake-test-project.iam.gserviceaccount.com"
    return {
        "type": "service_account",
        "project_id": "rolebot-fake-test-project",
        "private_key_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0fa4e7e57",
        "private_key": pem,
        "client_email": email,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "http://127.0.0.1:9/replaced-by-tests/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/" + email.replace("@", "%40"),
        "universe_domain": "googleapis.com",
    }


@functools.cache
def _public_half(private_key: str) -> rsa.RSAPublicKey:
    # Loading a private key checks it (its primes), which costs tens of milliseconds: once per key.
    private = serialization.load_pem_private_key(private_key.encode(), password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise TypeError("service account keys are RSA keys")
    return private.public_key()


def load_test_key() -> dict[str, Any]:
    """A TEST-ONLY service account key, generated once per test run (nothing secret is committed;
    it belongs to no real Google project and grants nothing)."""
    return dict(_test_key())


def google_error(status: int, reason: str, message: str, domain: str = "global", **extra: str) -> FakeResponse:
    """Google's classic error body: {"error": {"errors": [...], "code", "message"}}."""
    item = {"domain": domain, "reason": reason, "message": message, **extra}
    return FakeResponse.json({"error": {"errors": [item], "code": status, "message": message}}, status)


def not_found() -> FakeResponse:
    return google_error(404, "notFound", "Not Found")


RATE_LIMIT = {
    403: ("rateLimitExceeded", "Rate Limit Exceeded", "usageLimits"),
    429: ("rateLimitExceeded", "Rate Limit Exceeded", "usageLimits"),
}


@dataclass
class Fault:
    """Answer the next `times` matching calls with this error instead of doing them."""

    status: int
    reason: str
    message: str
    times: int
    domain: str = "global"
    method: str | None = None  # only calls with this HTTP method (after any override)
    event_id: str | None = None  # only calls about this event (in the path, or the body's id)
    target: Literal["call", "batch"] = "call"  # "batch": the outer batch request itself
    headers: dict[str, str] = field(default_factory=dict)

    def matches(self, method: str, event_id: str | None) -> bool:
        return (self.method is None or self.method == method) and (self.event_id is None or self.event_id == event_id)

    def response(self) -> FakeResponse:
        response = google_error(self.status, self.reason, self.message, self.domain)
        response.headers.update(self.headers)
        return response


@dataclass(frozen=True)
class ApiCall:
    """One Calendar API call the fake answered."""

    method: str
    path: str
    status: int
    in_batch: bool
    event_id: str | None


@dataclass
class Token:
    email: str
    scopes: frozenset[str]
    expires: float


@dataclass
class Calendar:
    id: str
    time_zone: str = "UTC"
    summary: str = "Team roles"
    acl: dict[str, str] = field(default_factory=dict)  # email -> "owner" | "writer" | "reader" | "freeBusyReader"
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    reserved: set[str] = field(default_factory=set)  # IDs of purged events: taken, yet not found


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{datetime.now(UTC).microsecond // 1000:03d}Z"


def parse_rfc3339(text: str) -> datetime:
    """An RFC 3339 date-time with an offset (Google refuses one without)."""
    value = datetime.fromisoformat(text.replace("z", "Z"))
    if value.tzinfo is None:
        raise ValueError("no time zone offset")
    return value


class FakeGoogle:
    """The fake's state and its request handler (thread-safe; FakeServer serves in threads)."""

    def __init__(
        self,
        *,
        calendar_id: str = DEFAULT_CALENDAR_ID,
        time_zone: str = "UTC",
        page_size: int = MAX_PAGE,
        max_batch: int = 1000,
        token_lifetime: int = 3599,
        trust_test_key: bool = True,
    ) -> None:
        self.lock = threading.RLock()
        self.calendar_id = calendar_id
        self.calendars: dict[str, Calendar] = {calendar_id: Calendar(calendar_id, time_zone)}
        self.page_size = page_size
        self.max_batch = max_batch
        self.token_lifetime = token_lifetime
        self.keys: dict[str, rsa.RSAPublicKey] = {}
        self.revoked: set[str] = set()
        self.tokens: dict[str, Token] = {}
        self.faults: list[Fault] = []
        self.reject_tokens = False
        self.token_failures: list[int] = []  # statuses for the next token requests (an outage)
        self.calls: list[ApiCall] = []
        self.batch_sizes: list[int] = []
        self.server: FakeServer | None = None
        if trust_test_key:
            key = load_test_key()
            self.trust_key(key)
            self.share(key["client_email"])

    # --- set-up -------------------------------------------------------------------

    def serve(self, latency: float = 0.0) -> FakeServer:
        """A FakeServer for this fake (use it as a context manager)."""
        self.server = FakeServer(self, latency=latency)
        return self.server

    def key_for(self, server: FakeServer | None = None) -> dict[str, Any]:
        """The test key with its token_uri pointing at this fake."""
        target = server or self.server
        if target is None:
            raise RuntimeError("serve() the fake first")
        return {**load_test_key(), "token_uri": f"{target.url}{TOKEN_PATH}"}

    def trust_key(self, key: dict[str, Any]) -> None:
        """Accept JWTs signed by this service account key (we derive the public half)."""
        public = _public_half(key["private_key"])
        with self.lock:
            self.keys[key["client_email"]] = public
            self.revoked.discard(key["client_email"])

    def revoke(self, email_address: str) -> None:
        """The key is deleted in the console: no new tokens (issued ones keep working until they expire)."""
        with self.lock:
            self.revoked.add(email_address)

    def share(self, email_address: str, role: str = "writer", calendar_id: str | None = None) -> None:
        with self.lock:
            self.calendars[calendar_id or self.calendar_id].acl[email_address] = role

    def unshare(self, email_address: str, calendar_id: str | None = None) -> None:
        with self.lock:
            self.calendars[calendar_id or self.calendar_id].acl.pop(email_address, None)

    def fail(
        self,
        times: int,
        status: int,
        reason: str | None = None,
        message: str | None = None,
        *,
        method: str | None = None,
        event_id: str | None = None,
        target: Literal["call", "batch"] = "call",
        retry_after: str | None = None,
    ) -> Fault:
        """Answer the next `times` matching calls with an error (default reason by status)."""
        default_reason, default_message, domain = RATE_LIMIT.get(
            status,
            ("backendError", "Backend Error", "global") if status >= 500 else ("badRequest", "Bad Request", "global"),
        )
        fault = Fault(
            status,
            reason or default_reason,
            message or default_message,
            times,
            domain=domain,
            method=method,
            event_id=event_id,
            target=target,
            headers={"Retry-After": retry_after} if retry_after else {},
        )
        with self.lock:
            self.faults.append(fault)
        return fault

    def token_outage(self, times: int, status: int = 503) -> None:
        """The token endpoint fails the next `times` requests with `status` and an HTML page (as
        Google's front end does in an outage), whatever the key."""
        with self.lock:
            self.token_failures.extend([status] * times)

    def rate_limit(self, times: int, status: int = 403, **match: Any) -> Fault:
        return self.fail(times, status, **match)

    def server_errors(self, times: int, status: int = 500, **match: Any) -> Fault:
        return self.fail(times, status, **match)

    def add_event(self, body: dict[str, Any], calendar_id: str | None = None) -> dict[str, Any]:
        """Put an event straight into a calendar (as a person would with the Google UI)."""
        with self.lock:
            calendar = self.calendars[calendar_id or self.calendar_id]
            event_id = body.get("id") or uuid.uuid4().hex
            event = self._stamp(calendar, {**body, "id": event_id}, creator="someone@example.org")
            calendar.events[event_id] = event
            return copy.deepcopy(event)

    def edit_event(self, event_id: str, calendar_id: str | None = None, **changes: Any) -> dict[str, Any]:
        """Change fields of an event (as a person would in the Google UI)."""
        with self.lock:
            event = self.calendars[calendar_id or self.calendar_id].events[event_id]
            event.update(changes)
            self._touch(event)
            return copy.deepcopy(event)

    def purge(self, *event_ids: str, calendar_id: str | None = None) -> None:
        """The calendar's bin is emptied of these events, and Google keeps their IDs reserved:
        an insert under one answers 409, a get (update, delete) 404, a listing never shows it.
        An ID never used before can be purged too (seeding a calendar as it was left)."""
        with self.lock:
            calendar = self.calendars[calendar_id or self.calendar_id]
            for event_id in event_ids:
                calendar.events.pop(event_id, None)
                calendar.reserved.add(event_id)

    def empty_bin(self, calendar_id: str | None = None) -> list[str]:
        """Purge every deleted (cancelled) event; returns their IDs."""
        with self.lock:
            calendar = self.calendars[calendar_id or self.calendar_id]
            gone = [i for i, e in calendar.events.items() if e.get("status") == "cancelled"]
        self.purge(*gone, calendar_id=calendar_id)
        return gone

    def events(self, calendar_id: str | None = None, *, include_cancelled: bool = False) -> list[dict[str, Any]]:
        """The calendar's stored events (recurring ones unexpanded), in insertion order."""
        with self.lock:
            stored = self.calendars[calendar_id or self.calendar_id].events.values()
            return [copy.deepcopy(e) for e in stored if include_cancelled or e.get("status") != "cancelled"]

    def calls_of(self, method: str, *, in_batch: bool | None = None) -> list[ApiCall]:
        with self.lock:
            return [c for c in self.calls if c.method == method and (in_batch is None or c.in_batch == in_batch)]

    # --- the handler ----------------------------------------------------------------

    def __call__(self, request: FakeRequest) -> FakeResponse:
        if request.path == TOKEN_PATH:
            return self._token(request) if request.method == "POST" else google_error(405, "badMethod", "POST only")
        if request.path == BATCH_PATH:
            return self._batch(request) if request.method == "POST" else not_found()
        if request.path.startswith(API_PREFIX):
            return self._api(request.method, request.path, request.query, request.headers, request.body, False)
        return not_found()

    # --- OAuth token endpoint --------------------------------------------------------

    def _token(self, request: FakeRequest) -> FakeResponse:
        with self.lock:
            outage = self.token_failures.pop(0) if self.token_failures else None
        if outage is not None:
            page = f"<html><title>Error {outage}</title><p>{HTTPStatus(outage).phrase}</p></html>"
            return FakeResponse(outage, page.encode(), {"Content-Type": "text/html; charset=UTF-8"})
        form = request.form()
        grant = form.get("grant_type", [""])[0]
        if grant != JWT_BEARER:
            return FakeResponse.json(
                {"error": "unsupported_grant_type", "error_description": f"Invalid grant_type: {grant}"}, 400
            )
        assertion = form.get("assertion", [""])[0]
        try:
            email_address, scopes = self._verify_assertion(assertion)
        except _GrantError as refused:
            return FakeResponse.json({"error": refused.code, "error_description": refused.description}, 400)
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = Token(email_address, scopes, time.time() + self.token_lifetime)
        return FakeResponse.json({"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"})

    def _verify_assertion(self, assertion: str) -> tuple[str, frozenset[str]]:
        parts = assertion.split(".")
        if len(parts) != 3:
            raise _GrantError("invalid_grant", "Invalid JWT: not a JWT")
        try:
            header = json.loads(_b64decode(parts[0]))
            claims = json.loads(_b64decode(parts[1]))
            signature = _b64decode(parts[2])
        except (ValueError, TypeError):
            raise _GrantError("invalid_grant", "Invalid JWT: cannot decode") from None
        if not isinstance(header, dict) or header.get("alg") != "RS256" or not isinstance(claims, dict):
            raise _GrantError("invalid_grant", "Invalid JWT: expected an RS256 JWT")
        issuer = claims.get("iss")
        with self.lock:
            public = self.keys.get(issuer) if isinstance(issuer, str) else None
            revoked = issuer in self.revoked
        if public is None or revoked:
            raise _GrantError("invalid_grant", "Invalid grant: account not found")
        try:
            public.verify(signature, f"{parts[0]}.{parts[1]}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise _GrantError("invalid_grant", "Invalid JWT Signature.") from None
        if claims.get("aud") != GOOGLE_TOKEN_AUDIENCE:
            raise _GrantError("invalid_grant", "Invalid JWT: Failed audience check.")
        now = time.time()
        issued, expires = claims.get("iat"), claims.get("exp")
        if (
            not isinstance(issued, int)
            or not isinstance(expires, int)
            or issued > now + 300
            or expires <= now
            or expires - issued > 3600
        ):
            raise _GrantError(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.",
            )
        scope = claims.get("scope")
        if not isinstance(scope, str) or not scope.split():
            raise _GrantError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        return issuer, frozenset(scope.split())  # type: ignore[return-value]

    # --- Calendar API ----------------------------------------------------------------

    def _api(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        in_batch: bool,
    ) -> FakeResponse:
        override = headers.get("x-http-method-override")
        if method == "POST" and override:
            method = override.upper()
            if method == "GET" and "application/x-www-form-urlencoded" in headers.get("content-type", ""):
                query = {**query, **parse_qs(body.decode(), keep_blank_values=True)}
                body = b""
        segments = [unquote(s) for s in path[len(API_PREFIX) :].split("/")]
        event_id = segments[3] if len(segments) > 3 else None
        payload: Any = None
        if method in ("POST", "PUT", "PATCH") and body:
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            if event_id is None and isinstance(payload, dict) and isinstance(payload.get("id"), str):
                event_id = payload["id"]
        with self.lock:
            response = self._answer(method, segments, query, headers, payload, body, event_id)
            self.calls.append(ApiCall(method, path, response.status, in_batch, event_id))
        return response

    def _answer(
        self,
        method: str,
        segments: list[str],
        query: dict[str, list[str]],
        headers: dict[str, str],
        payload: Any,
        body: bytes,
        event_id: str | None,
    ) -> FakeResponse:
        token = self._bearer(headers)
        if token is None:
            return google_error(
                401, "authError", "Invalid Credentials", locationType="header", location="Authorization"
            )
        fault = self._take_fault("call", method, event_id)
        if fault is not None:
            return fault.response()
        if not token.scopes & CALENDAR_SCOPES:
            return google_error(403, "insufficientPermissions", "Request had insufficient authentication scopes.")
        if len(segments) < 3 or segments[0] != "calendars" or segments[2] != "events" or len(segments) > 4:
            return not_found()
        calendar = self.calendars.get(segments[1])
        if calendar is None or token.email not in calendar.acl:
            return not_found()
        if method != "GET" and calendar.acl[token.email] not in WRITERS:
            return google_error(403, "requiredAccessLevel", "You need to have writer access to this calendar.")
        if body and payload is None and method in ("POST", "PUT", "PATCH"):
            return google_error(400, "parseError", "Parse Error")
        try:
            fields = _parse_fields(query["fields"][-1]) if query.get("fields") else None
        except ValueError:
            return google_error(400, "invalidParameter", "Invalid field selection", location="fields")
        response = self._event_call(method, calendar, segments, query, payload, token, event_id)
        if fields is not None and response.status < 300 and response.body:
            response = FakeResponse.json(_select(json.loads(response.body), fields), response.status)
        return response

    def _event_call(
        self,
        method: str,
        calendar: Calendar,
        segments: list[str],
        query: dict[str, list[str]],
        payload: Any,
        token: Token,
        event_id: str | None,
    ) -> FakeResponse:
        if len(segments) == 3:
            if method == "GET":
                return self._list(calendar, query, calendar.acl[token.email])
            if method == "POST":
                return self._insert(calendar, payload, token)
            return google_error(405, "badMethod", "Method not allowed")
        assert event_id is not None
        if method == "GET":
            return self._get(calendar, event_id)
        if method == "DELETE":
            return self._delete(calendar, event_id)
        if method == "PUT":
            return self._update(calendar, event_id, payload, patch=False)
        if method == "PATCH":
            return self._update(calendar, event_id, payload, patch=True)
        return google_error(405, "badMethod", "Method not allowed")

    def _bearer(self, headers: dict[str, str]) -> Token | None:
        value = headers.get("authorization", "")
        if self.reject_tokens or not value.startswith("Bearer "):
            return None
        token = self.tokens.get(value.removeprefix("Bearer ").strip())
        if token is None or token.expires <= time.time():
            return None
        return token

    def _take_fault(self, target: str, method: str, event_id: str | None) -> Fault | None:
        for fault in self.faults:
            if fault.target == target and fault.times > 0 and fault.matches(method, event_id):
                fault.times -= 1
                return fault
        return None

    # events.list

    def _list(self, calendar: Calendar, query: dict[str, list[str]], role: str) -> FakeResponse:
        """events.list; `role` is the caller's access to the calendar, which the answer's `accessRole` says."""

        def one(name: str) -> str | None:
            values = query.get(name)
            return values[-1] if values else None

        try:
            time_min = parse_rfc3339(v) if (v := one("timeMin")) else None
            time_max = parse_rfc3339(v) if (v := one("timeMax")) else None
        except ValueError:
            return google_error(400, "badRequest", "Bad Request")
        if time_min and time_max and time_min >= time_max:
            return google_error(400, "timeRangeEmpty", "The specified time range is empty.", "calendar")
        single = one("singleEvents") == "true"
        order_by = one("orderBy")
        if order_by == "startTime" and not single:
            return google_error(
                400,
                "invalid",
                "The requested ordering is not available for the particular query.",
                location="orderBy",
                locationType="parameter",
            )
        try:
            max_results = int(one("maxResults") or 250)
        except ValueError:
            return google_error(400, "invalid", "Invalid value for maxResults")
        if max_results < 1:
            return google_error(400, "invalid", "Invalid value for maxResults")
        page = min(max_results, MAX_PAGE, self.page_size)
        show_deleted = one("showDeleted") == "true"
        wanted_private = [p.split("=", 1) for p in query.get("privateExtendedProperty", []) if "=" in p]
        types = set(query.get("eventTypes", []))
        text = (one("q") or "").casefold()

        zone = ZoneInfo(calendar.time_zone)
        items = []
        for event in calendar.events.values():
            for item in self._expand(event, zone, time_max) if single else [event]:
                if item.get("status") == "cancelled" and not show_deleted:
                    continue
                start, end = _instant(item["start"], zone), _instant(item["end"], zone)
                if time_min is not None and end <= time_min:
                    continue
                if time_max is not None and start >= time_max:
                    continue
                private = item.get("extendedProperties", {}).get("private", {})
                if any(private.get(name) != value for name, value in wanted_private):
                    continue
                if types and item.get("eventType", "default") not in types:
                    continue
                if text and text not in f"{item.get('summary', '')} {item.get('description', '')}".casefold():
                    continue
                items.append(item)
        if order_by == "startTime":
            items.sort(key=lambda e: _instant(e["start"], zone))
        elif order_by == "updated":
            items.sort(key=lambda e: e["updated"])

        fingerprint = hashlib.sha256(
            json.dumps(sorted((k, v) for k, v in query.items() if k != "pageToken")).encode()
        ).hexdigest()[:16]
        offset = 0
        if token := one("pageToken"):
            try:
                decoded = json.loads(_b64decode(token))
                offset, seen = int(decoded["o"]), decoded["f"]
            except (ValueError, KeyError, TypeError):
                return google_error(400, "invalid", "Invalid page token")
            if seen != fingerprint:
                return google_error(400, "invalid", "Invalid page token (the query changed)")
        chunk = items[offset : offset + page]
        result: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": f'"{time.time_ns()}"',
            "summary": calendar.summary,
            "description": "",
            "updated": _now_rfc3339(),
            "timeZone": calendar.time_zone,
            "accessRole": role,
            "defaultReminders": [],
            "items": list(chunk),  # serialised at once: no copy needed
        }
        if offset + page < len(items):
            result["nextPageToken"] = (
                base64.urlsafe_b64encode(json.dumps({"o": offset + page, "f": fingerprint}).encode())
                .decode()
                .rstrip("=")
            )
        else:
            result["nextSyncToken"] = "fake-sync-" + secrets.token_hex(8)
        return FakeResponse.json(result)

    def _expand(self, event: dict[str, Any], zone: ZoneInfo, until: datetime | None) -> Iterator[dict[str, Any]]:
        """Instances of a recurring event (RRULE FREQ=DAILY|WEEKLY with COUNT or UNTIL, INTERVAL), up to
        `until`: without it an endless event runs to 10,000 instances (page after page)."""
        rules = [r for r in event.get("recurrence", []) if r.startswith("RRULE:")]
        if not rules:
            yield event
            return
        rule = dict(part.split("=", 1) for part in rules[0].removeprefix("RRULE:").split(";"))
        step = timedelta(days={"DAILY": 1, "WEEKLY": 7}[rule["FREQ"]] * int(rule.get("INTERVAL", "1")))
        count = int(rule["COUNT"]) if "COUNT" in rule else None
        last = datetime.strptime(rule["UNTIL"][:8], "%Y%m%d").replace(tzinfo=UTC) if "UNTIL" in rule else None
        all_day = "date" in event["start"]
        for n in range(count if count is not None else 10_000):
            instance = {k: v for k, v in event.items() if k != "recurrence"}  # shares what it does not change
            for edge in ("start", "end"):
                when = event[edge]
                if all_day:
                    instance[edge] = {"date": (date.fromisoformat(when["date"]) + step * n).isoformat()}
                else:
                    moment = parse_rfc3339(when["dateTime"]) + step * n
                    instance[edge] = {**when, "dateTime": moment.isoformat()}
            begins = _instant(instance["start"], zone)
            if (last is not None and begins > last + timedelta(days=1)) or (until is not None and begins >= until):
                return
            stamp = (
                instance["start"]["date"].replace("-", "")
                if all_day
                else begins.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            )
            instance["id"] = f"{event['id']}_{stamp}"
            instance["recurringEventId"] = event["id"]
            instance["originalStartTime"] = dict(instance["start"])
            yield instance

    # insert / get / update / patch / delete

    def _insert(self, calendar: Calendar, payload: Any, token: Token) -> FakeResponse:
        if not isinstance(payload, dict):
            return google_error(400, "required", "Missing event body.")
        problem = _check_times(payload)
        if problem is not None:
            return problem
        event_id = payload.get("id")
        if event_id is not None:
            if not isinstance(event_id, str) or not EVENT_ID.match(event_id):
                return google_error(400, "invalid", "Invalid resource id value.")
            if event_id in calendar.events or event_id in calendar.reserved:
                # Cancelled ones too (Google keeps a deleted event's ID), and purged ones.
                return google_error(409, "duplicate", "The requested identifier already exists.")
        else:
            event_id = uuid.uuid4().hex
        event = self._stamp(calendar, {**payload, "id": event_id}, creator=token.email)
        calendar.events[event_id] = event
        return FakeResponse.json(copy.deepcopy(event))

    def _get(self, calendar: Calendar, event_id: str) -> FakeResponse:
        event = calendar.events.get(event_id)
        return FakeResponse.json(copy.deepcopy(event)) if event is not None else not_found()

    def _update(self, calendar: Calendar, event_id: str, payload: Any, *, patch: bool) -> FakeResponse:
        event = calendar.events.get(event_id)
        if event is None:
            return not_found()
        if not isinstance(payload, dict):
            return google_error(400, "required", "Missing event body.")
        if patch:
            merged = _deep_merge(copy.deepcopy(event), payload)
        else:
            problem = _check_times(payload)
            if problem is not None:
                return problem
            kept = {k: event[k] for k in ("kind", "id", "created", "creator", "organizer", "iCalUID", "htmlLink")}
            # A status the update does not send is kept: a cancelled event stays cancelled.
            merged = {**payload, **kept, "status": payload.get("status", event.get("status", "confirmed"))}
        merged["id"] = event_id
        merged["sequence"] = int(event.get("sequence", 0)) + 1
        self._touch(merged)
        calendar.events[event_id] = merged
        return FakeResponse.json(copy.deepcopy(merged))

    def _delete(self, calendar: Calendar, event_id: str) -> FakeResponse:
        event = calendar.events.get(event_id)
        if event is None:
            return not_found()
        if event.get("status") == "cancelled":
            return google_error(410, "deleted", "Resource has been deleted")
        event["status"] = "cancelled"
        self._touch(event)
        return FakeResponse(204)

    def _stamp(self, calendar: Calendar, body: dict[str, Any], *, creator: str) -> dict[str, Any]:
        now = _now_rfc3339()
        event = {
            "kind": "calendar#event",
            "status": "confirmed",
            "htmlLink": "https://www.google.com/calendar/event?eid="
            + base64.urlsafe_b64encode(f"{body['id']} {calendar.id}".encode()).decode().rstrip("="),
            "created": now,
            "creator": {"email": creator},
            "organizer": {"email": calendar.id, "displayName": calendar.summary, "self": True},
            "iCalUID": f"{body['id']}@google.com",
            "sequence": 0,
            "reminders": {"useDefault": True},
            "eventType": "default",
            **copy.deepcopy(body),
        }
        self._touch(event)
        return event

    @staticmethod
    def _touch(event: dict[str, Any]) -> None:
        event["updated"] = _now_rfc3339()
        event["etag"] = f'"{time.time_ns()}"'

    # --- batch -------------------------------------------------------------------------

    def _batch(self, request: FakeRequest) -> FakeResponse:
        content_type = request.header("content-type") or ""
        if not content_type.startswith("multipart/mixed") or "boundary=" not in content_type:
            return google_error(400, "badRequest", "Batch requests must be multipart/mixed.")
        message = email.message_from_bytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.body, policy=email.policy.compat32
        )
        parts = message.get_payload()
        if not isinstance(parts, list) or not parts:
            return google_error(400, "badRequest", "The batch request has no parts.")
        with self.lock:
            self.batch_sizes.append(len(parts))
            if len(parts) > self.max_batch:
                return google_error(
                    400, "batchSizeTooLarge", f"A batch request cannot contain more than {self.max_batch} calls."
                )
            fault = self._take_fault("batch", "POST", None)
        if fault is not None:
            return fault.response()
        outer = {
            k: v for k, v in request.headers.items() if not k.startswith("content-") and k not in ("host", "connection")
        }
        boundary = "batch_" + uuid.uuid4().hex
        out: list[str] = []
        for part in parts:
            content_id = str(part.get("Content-ID", "")).strip()
            if not (content_id.startswith("<") and content_id.endswith(">")):
                return google_error(400, "badRequest", "Each batch part needs a Content-ID.")
            method, target, headers, body = _parse_inner_request(part.get_payload())
            url = urlsplit(target)
            answer = self._api(
                method, url.path, parse_qs(url.query, keep_blank_values=True), {**outer, **headers}, body, True
            )
            inner_headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
            inner_headers["Content-Length"] = str(len(answer.body))
            head = "".join(f"{k}: {v}\r\n" for k, v in inner_headers.items())
            out.append(
                f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <response-{content_id[1:-1]}>\r\n\r\n"
                f"HTTP/1.1 {answer.status} {HTTPStatus(answer.status).phrase}\r\n{head}\r\n"
                f"{answer.body.decode()}\r\n"
            )
        out.append(f"--{boundary}--\r\n")
        return FakeResponse(200, "".join(out).encode(), {"Content-Type": f"multipart/mixed; boundary={boundary}"})


class _GrantError(Exception):
    def __init__(self, code: str, description: str) -> None:
        super().__init__(code)
        self.code = code
        self.description = description


def _parse_inner_request(payload: Any) -> tuple[str, str, dict[str, str], bytes]:
    """`METHOD target HTTP/1.1`, headers, a blank line, the body (LF or CRLF line ends)."""
    text = payload if isinstance(payload, str) else payload.decode()
    blank = re.search(r"\r?\n\r?\n", text)
    head, body = (text[: blank.start()], text[blank.end() :]) if blank else (text, "")
    lines = head.splitlines()
    method, target, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    raw = body.encode()
    if "content-length" in headers:
        raw = raw[: int(headers["content-length"])]
    return method, target, headers, raw


def _instant(when: dict[str, Any], zone: ZoneInfo) -> datetime:
    """An event edge as a moment: a dateTime as it is, a date at midnight in the calendar's zone."""
    if "dateTime" in when:
        return parse_rfc3339(when["dateTime"])
    day = date.fromisoformat(when["date"])
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(when.get("timeZone") or zone.key))


def _check_times(body: dict[str, Any]) -> FakeResponse | None:
    for edge in ("start", "end"):
        when = body.get(edge)
        if not isinstance(when, dict) or not ("date" in when or "dateTime" in when):
            return google_error(400, "required", f"Missing {edge} time.")
        try:
            if "date" in when:
                date.fromisoformat(when["date"])
            else:
                parse_rfc3339(when["dateTime"])
        except (TypeError, ValueError):
            return google_error(400, "invalid", f"Invalid {edge} time.")
    if ("date" in body["start"]) != ("date" in body["end"]):
        return google_error(400, "invalid", "Start and end must both be dates or both be date-times.")
    zone = ZoneInfo("UTC")
    if _instant(body["end"], zone) < _instant(body["start"], zone):
        return google_error(400, "timeRangeEmpty", "The specified time range is empty.", "calendar")
    return None


ALL: dict[str, Any] = {}
"""A selected field with no sub-selection: all of it."""


def _parse_fields(text: str) -> dict[str, Any]:
    """Google's partial-response syntax: `a,b/c,d(e,f/g)` → {"a": ALL, "b": {"c": ALL}, "d": {...}}."""
    tree, rest = _field_list(text.replace(" ", ""))
    if rest:
        raise ValueError(f"unexpected {rest!r}")
    return tree


def _field_list(text: str) -> tuple[dict[str, Any], str]:
    tree: dict[str, Any] = {}
    while True:
        match = re.match(r"[A-Za-z_*][A-Za-z0-9_*]*(?:/[A-Za-z_*][A-Za-z0-9_*]*)*", text)
        if match is None:
            raise ValueError(f"a field name expected at {text!r}")
        path, text = match.group(0).split("/"), text[match.end() :]
        selection: dict[str, Any] = ALL
        if text.startswith("("):
            selection, text = _field_list(text[1:])
            if not text.startswith(")"):
                raise ValueError("unbalanced parentheses")
            text = text[1:]
        node: dict[str, Any] | None = tree
        for name in path[:-1]:
            child = node.get(name) if node is not None else None
            if child is ALL:  # the whole of it is selected already
                node = None
            elif node is not None:
                node = node.setdefault(name, {})
        if node is not None and node.get(path[-1]) is not ALL:
            node[path[-1]] = selection
        if not text.startswith(","):
            return tree, text
        text = text[1:]


def _select(value: Any, tree: dict[str, Any]) -> Any:
    """The parts of `value` that `tree` selects (applied to each element of a list)."""
    if tree is ALL:
        return value
    if isinstance(value, list):
        return [_select(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    if "*" in tree:
        return {k: _select(v, tree["*"]) for k, v in value.items()}
    return {k: _select(value[k], sub) for k, sub in tree.items() if k in value}


def _deep_merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Patch semantics: objects merge key by key, everything else (arrays too) is replaced."""
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


# --- a team calendar with other people's events -------------------------------------


def seed_team_calendar(google: FakeGoogle) -> dict[str, str]:
    """What the demo team's calendar holds besides rolebot's own support-triager events.

    Returns the IDs by name: `facilitator-*` (another role, rolebot-made), `meeting` (a
    weekly dateTime meeting, recurring), `ooo` (an out-of-office), `ada` (a hand-made
    "Support Triager: Ada" without extended properties, 18 Nov 2026) and `steward` (an
    older "Support Steward: Farah", 11 Nov 2026). Ada and Farah are who the demo state says
    served then, so rotations from the demo state agree with them.
    """
    ids: dict[str, str] = {}
    facilitators = [("U05ADA1234", "Ada"), ("U05CHE9012", "Chen"), ("U05EME7890", "Emeka"), ("U05GIT6789", "Gita")]
    for index, (member, first) in enumerate(facilitators):
        start = date(2026, 11 + index, 1) if index < 2 else date(2027, index - 1, 1)
        end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        event = google.add_event(
            {
                "id": f"rolebotfacil{start:%Y%m%d}",
                "summary": f"Meeting Facilitator: {first}",
                "start": {"date": start.isoformat()},
                "end": {"date": end.isoformat()},
                "transparency": "transparent",
                "extendedProperties": {"private": {"rolebot_role": "meeting-facilitator", "rolebot_member": member}},
            }
        )
        ids[f"facilitator-{start:%Y-%m}"] = event["id"]
    ids["meeting"] = google.add_event(
        {
            "summary": "Team meeting",
            "start": {"dateTime": "2026-11-03T15:00:00+01:00", "timeZone": "Europe/Berlin"},
            "end": {"dateTime": "2026-11-03T16:00:00+01:00", "timeZone": "Europe/Berlin"},
            "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=60"],
        }
    )["id"]
    ids["ooo"] = google.add_event(
        {
            "summary": "Out of office",
            "eventType": "outOfOffice",
            "start": {"dateTime": "2026-12-21T00:00:00+01:00"},
            "end": {"dateTime": "2027-01-04T00:00:00+01:00"},
            "outOfOfficeProperties": {"autoDeclineMode": "declineOnlyNewConflictingInvitations"},
        }
    )["id"]
    ids["ada"] = google.add_event(
        {
            "summary": "Support Triager: Ada",
            "start": {"date": "2026-11-18"},
            "end": {"date": "2026-12-02"},
        }
    )["id"]
    ids["steward"] = google.add_event(
        {
            "summary": "Support Steward: Farah",
            "start": {"date": "2026-11-11"},
            "end": {"date": "2026-11-25"},
        }
    )["id"]
    return ids


def seed_busy_calendar(google: FakeGoogle, count: int = 20_000, *, first: date = date(2016, 1, 4)) -> None:
    """A shared calendar crowded with other people's events, as a big team's is: `count`
    one-hour meetings spread over twenty years (with a description, a location and attendees,
    like real ones), and an endless daily stand-up (a recurring event without an end)."""
    span = 20 * 365
    people = [{"email": f"person{n}@example.org", "responseStatus": "accepted"} for n in range(4)]
    with google.lock:
        for n in range(count):
            day = first + timedelta(days=n * span // count)
            hour = 9 + n % 8
            google.add_event(
                {
                    "summary": f"Project sync #{n}",
                    "description": "Agenda: status of each workstream, blockers, decisions to take. " * 3,
                    "location": "Room 4.12 / https://meet.example.org/abc-defg-hij",
                    "attendees": people,
                    "start": {"dateTime": f"{day.isoformat()}T{hour:02d}:00:00+00:00", "timeZone": "UTC"},
                    "end": {"dateTime": f"{day.isoformat()}T{hour:02d}:45:00+00:00", "timeZone": "UTC"},
                }
            )
        google.add_event(
            {
                "summary": "Daily stand-up",
                "start": {"dateTime": "2025-01-06T09:30:00+00:00", "timeZone": "UTC"},
                "end": {"dateTime": "2025-01-06T09:45:00+00:00", "timeZone": "UTC"},
                "recurrence": ["RRULE:FREQ=DAILY"],
            }
        )
