"""The live calendar store: Google Calendar API v3 through google-api-python-client.

How rolebot talks to Google, and why:

* **Offline discovery.** The Calendar discovery document shipped inside
  googleapiclient is loaded and its `rootUrl` replaced by `ROLEBOT_GOOGLE_API_URL`, then
  `build_from_document` builds the client. Single calls go to `{root}calendar/v3/...` and
  batches to `{root}batch/calendar/v3` (`api_endpoint` would move only the former).
* **Transport.** `httplib2.Http(timeout=30)` under a small adapter that logs one line per
  HTTP request (method, path without query and without the calendar ID, status, ms) and
  counts them, under `google_auth_httplib2.AuthorizedHttp`. So token requests (to the
  key's own `token_uri`), API calls and batches all pass the adapter exactly once.
* **Listing.** `events.list` with `singleEvents=true`, the largest page (2,500) and every
  page followed. Events with a time of day are reduced to their dates in the team's time
  zone; cancelled events are skipped.
* **Creating — never a duplicate.** Each event's ID is deterministic per role and start
  date (`rolebot.events.event_id`), so a second insert of the same event, from a re-run
  or a concurrent run, answers 409 instead of doubling up. A 409 is followed by a GET of
  that ID: Google keeps a deleted event's ID as a cancelled event, which is restored by
  an update carrying the full event and `status: confirmed` (counted as created); a
  confirmed event is counted as already there. An existing event is never overwritten,
  so a swap someone made by editing it survives.
* **Batches.** Writes travel in batch requests of at most 50 calls (one HTTP request per
  50 events in the common case). Calls that fail for a passing reason (HTTP 429, 403
  with a rate-limit reason, 5xx) are sent again, item by item, in later batches after the
  `RetryPolicy` backoff, as is a whole batch whose request failed that way or could not
  be sent; each item has at most `policy.attempts` tries. Other failures of one item
  are reported in `WriteReport.failed`; refusals that concern the whole calendar (401,
  403, 404 on the calendar) are one `ServiceError`.
* **Single calls** (the listing) follow the same policy through its loop, with
  `execute(num_retries=0)` so the library never sleeps on its own.

Errors never include a token, the private key or the calendar ID.
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import cache
from typing import Any, Literal
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import google.auth.exceptions
import google_auth_httplib2
import httplib2
from google.oauth2 import service_account
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import BatchError, HttpError
from pydantic import Field, ValidationError

from rolebot.errors import ServiceError
from rolebot.models import CalendarEvent, NewEvent, WriteReport
from rolebot.redaction import Secret
from rolebot.services.base import Advance
from rolebot.services.retry import DEFAULT_POLICY, Log, Retry, RetryPolicy, Sleep
from rolebot.validation import Tolerant, describe

SERVICE = "Google Calendar"
SCOPE = "https://www.googleapis.com/auth/calendar.events"
TIMEOUT = 30
BATCH_LIMIT = 50
"""Calls per batch request: the Calendar API's documented limit was 50 (now said to be 1000)."""
PAGE_SIZE = 2500
"""`maxResults` for events.list: the largest page Google serves."""
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
CALENDAR_ACCESS_REASONS = frozenset({"requiredAccessLevel", "insufficientPermissions", "accessNotConfigured"})
"""403 reasons about the whole calendar (or project), not about one event."""
KEY_PLACES = "ROLEBOT_GOOGLE_CREDENTIALS or secrets/gcp_service_account.json"
CALENDAR_PLACES = "ROLEBOT_CALENDAR_ID or secrets/calendar_id.json"
URL_SETTING = "ROLEBOT_GOOGLE_API_URL"
RERUN = "re-running is safe: what is already done is not done twice"

TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # socket errors, ConnectionError, TimeoutError, ssl.SSLError
    http.client.HTTPException,
    httplib2.HttpLib2Error,  # ServerNotFoundError and friends
    google.auth.exceptions.TransportError,  # what google-auth makes of them on the token request
)


# --- the transport -------------------------------------------------------------------


class LoggedHttp:
    """An httplib2-compatible wrapper: one log line and one count per HTTP request."""

    def __init__(self, inner: httplib2.Http, log: Log | None, scrub: Callable[[str], str]) -> None:
        self.inner = inner
        self.requests = 0
        self._log = log
        self._scrub = scrub
        self._count_lock = threading.Lock()

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: dict[str, str] | None = None,
        redirections: int = httplib2.DEFAULT_MAX_REDIRECTS,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        with self._count_lock:
            self.requests += 1
        started = time.monotonic()
        path = self._scrub(urlsplit(uri).path)
        try:
            response, content = self.inner.request(
                uri, method, body=body, headers=headers, redirections=redirections, connection_type=connection_type
            )
        except BaseException as exc:
            self._note(f"{method} {path} failed: {transport_reason(exc)} ({_ms(started)} ms)")
            raise
        self._note(f"{method} {path} {response.status} ({_ms(started)} ms)")
        return response, content

    def _note(self, line: str) -> None:
        if self._log is not None:
            self._log(f"{SERVICE}: {line}")

    # What googleapiclient and google-auth-httplib2 may read or set on an httplib2.Http.
    @property
    def timeout(self) -> float | None:
        return self.inner.timeout

    @property
    def redirect_codes(self) -> Any:
        return self.inner.redirect_codes

    @redirect_codes.setter
    def redirect_codes(self, value: Any) -> None:
        self.inner.redirect_codes = value

    @property
    def follow_redirects(self) -> bool:
        return self.inner.follow_redirects

    @follow_redirects.setter
    def follow_redirects(self, value: bool) -> None:
        self.inner.follow_redirects = value

    @property
    def connections(self) -> Any:
        return self.inner.connections

    @connections.setter
    def connections(self, value: Any) -> None:
        self.inner.connections = value

    def close(self) -> None:
        self.inner.close()


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def transport_reason(exc: BaseException) -> str:
    """A few words on why a request could not be made (never the URL)."""
    if isinstance(exc, google.auth.exceptions.TransportError) and exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
    if isinstance(exc, httplib2.ServerNotFoundError):
        return "host not found"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionError):
        return "connection lost"
    if isinstance(exc, ssl.SSLError):
        return "TLS error"
    return type(exc).__name__


@cache
def _static_discovery() -> str:
    document = get_static_doc("calendar", "v3")
    if not document:  # pragma: no cover - the document ships with google-api-python-client
        raise ServiceError(SERVICE, "google-api-python-client has no Calendar v3 discovery document", "reinstall it")
    return str(document)


# --- what the API answers (tolerant: only the fields rolebot reads) --------------------


class _When(Tolerant):
    day: date | None = Field(None, alias="date")
    moment: datetime | None = Field(None, alias="dateTime")


class _Properties(Tolerant):
    private: dict[str, str] = Field(default_factory=dict)


class _Event(Tolerant):
    id: str
    status: str = "confirmed"
    summary: str = ""
    start: _When | None = None
    end: _When | None = None
    extendedProperties: _Properties | None = None  # Google's field name


class _Page(Tolerant):
    items: list[dict[str, Any]] = Field(default_factory=list)
    nextPageToken: str | None = None  # Google's field name


@dataclass(frozen=True)
class Answer:
    """How Google answered one call (or the batch request carrying it)."""

    status: int  # 0: no answer at all (transport failure)
    body: dict[str, Any] = field(default_factory=dict)
    reason: str = ""  # Google's errors[0].reason
    message: str = ""
    retry_after: str | None = None
    outer: bool = False  # the batch request itself failed, not this call
    host: str = ""  # transport failures: where we could not get to

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def rate_limited(self) -> bool:
        return self.status == 429 or (self.status == 403 and self.reason in RATE_LIMIT_REASONS)

    @property
    def retryable(self) -> bool:
        return self.status == 0 or self.status >= 500 or self.rate_limited

    def short(self) -> str:
        if self.status == 0:
            return f"cannot reach {self.host} ({self.message})"
        detail = " ".join(p for p in (self.reason, f"({self.message})" if self.message else "") if p)
        return f"HTTP {self.status}" + (f" {detail}" if detail else "")


def answer_from_error(error: Any, *, outer: bool = False) -> Answer:
    """An Answer from a googleapiclient HttpError (single call, batch part or batch request)."""
    status = int(getattr(error.resp, "status", 0) or 0)
    reason = message = ""
    try:
        payload = json.loads(error.content or b"null")
    except (TypeError, ValueError):
        payload = None
    details = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(details, dict):
        message = str(details.get("message") or "")
        errors = details.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            reason = str(errors[0].get("reason") or "")
        elif isinstance(details.get("status"), str):
            reason = details["status"]
    retry_after = error.resp.get("retry-after") if hasattr(error.resp, "get") else None
    return Answer(status, reason=reason, message=message[:200], retry_after=retry_after, outer=outer)


# --- the calendar ------------------------------------------------------------------------

Kind = Literal["insert", "get", "restore", "delete"]


@dataclass(frozen=True)
class _Call:
    key: str  # the event ID, also the batch request ID
    kind: Kind
    attempt: int = 1

    def again(self) -> _Call:
        return _Call(self.key, self.kind, self.attempt + 1)

    def then(self, kind: Kind) -> _Call:
        return _Call(self.key, kind)


class GoogleCalendar:
    """A Google Calendar reached with a service account. Thread-safe (one call at a time)."""

    def __init__(
        self,
        service: Any,
        transport: LoggedHttp,
        credentials: service_account.Credentials,
        calendar_id: Secret,
        *,
        api_host: str,
        token_host: str,
        team_timezone: str,
        sleep: Sleep,
        policy: RetryPolicy = DEFAULT_POLICY,
        batch_size: int = BATCH_LIMIT,
    ) -> None:
        self._service = service
        self._transport = transport
        self._credentials = credentials
        self._calendar_id = calendar_id
        self._api_host = api_host
        self._token_host = token_host
        self._zone: tzinfo = ZoneInfo(team_timezone)
        self._sleep = sleep
        self.policy = policy
        self.batch_size = max(1, min(batch_size, BATCH_LIMIT))
        self._lock = threading.RLock()
        self.description = f"{SERVICE} ({api_host})"

    @classmethod
    def connect(
        cls,
        api_url: str,
        calendar_id: Secret,
        key: dict[str, Any],
        *,
        team_timezone: str,
        sleep: Sleep,
        log: Log | None,
        policy: RetryPolicy = DEFAULT_POLICY,
        batch_size: int = BATCH_LIMIT,
    ) -> GoogleCalendar:
        root = api_url if api_url.endswith("/") else api_url + "/"
        parts = urlsplit(root)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ServiceError(
                SERVICE,
                f"{URL_SETTING} is not an http(s) URL: {api_url!r}",
                "set it to e.g. https://www.googleapis.com/",
            )
        credentials = _credentials(key)
        token_host = urlsplit(str(key["token_uri"])).netloc or "the token endpoint"
        scrub = _scrubber(calendar_id)
        transport = LoggedHttp(httplib2.Http(timeout=TIMEOUT), log, scrub)
        authorized = google_auth_httplib2.AuthorizedHttp(credentials, http=transport)
        document = json.loads(_static_discovery())
        document["rootUrl"] = root
        service = build_from_document(document, http=authorized)
        return cls(
            service,
            transport,
            credentials,
            calendar_id,
            api_host=parts.netloc,
            token_host=token_host,
            team_timezone=team_timezone,
            sleep=sleep,
            policy=policy,
            batch_size=batch_size,
        )

    @property
    def requests(self) -> int:
        """HTTP requests made so far (token, API and batch requests)."""
        return self._transport.requests

    # --- reading ---------------------------------------------------------------------

    def list_events(self, start: date, end: date | None) -> list[CalendarEvent]:
        with self._lock:
            query: dict[str, Any] = {
                "calendarId": self._calendar_id.reveal(),
                "timeMin": self._midnight(start),
                "singleEvents": True,
                "maxResults": PAGE_SIZE,
            }
            if end is not None:
                query["timeMax"] = self._midnight(end)
            events = self._service.events()
            request = events.list(**query)
            found: list[CalendarEvent] = []
            while request is not None:
                raw = self._execute(request, "list the calendar's events")
                try:
                    page = _Page.model_validate(raw)
                except ValidationError as error:
                    raise self._not_google(describe(error)) from None
                found.extend(e for item in page.items if (e := self._event(item)) is not None)
                request = events.list_next(request, raw)
            return found

    def _midnight(self, day: date) -> str:
        return datetime(day.year, day.month, day.day, tzinfo=self._zone).isoformat()

    def _day(self, when: _When) -> date | None:
        if when.day is not None:
            return when.day
        if when.moment is not None:
            moment = when.moment if when.moment.tzinfo else when.moment.replace(tzinfo=self._zone)
            return moment.astimezone(self._zone).date()
        return None

    def _event(self, item: dict[str, Any]) -> CalendarEvent | None:
        try:
            event = _Event.model_validate(item)
        except ValidationError:
            return None
        if event.status == "cancelled" or event.start is None:
            return None
        start = self._day(event.start)
        if start is None:
            return None
        end = self._day(event.end) if event.end is not None else None
        private = event.extendedProperties.private if event.extendedProperties else {}
        return CalendarEvent(
            id=event.id,
            summary=event.summary,
            start=start,
            end=max(end or start, start),
            private=dict(private),
        )

    def _execute(self, request: Any, what: str) -> Any:
        """One API call under the retry policy; a refusal becomes one ServiceError."""

        def try_once(attempt: int) -> Any:
            try:
                return request.execute(num_retries=0)
            except HttpError as error:
                answer = answer_from_error(error)
                if not answer.retryable:
                    raise self._refusal(answer, what) from None
            except google.auth.exceptions.RefreshError as error:
                raise token_refused(error) from None
            except TRANSPORT_ERRORS as error:
                answer = self._unreachable(error)
            except ValueError:  # not JSON: something else answered
                raise self._not_google() from None
            return Retry(self._wait(answer, attempt), self._exhausted(answer, attempt, what))

        return self.policy.run(try_once, self._sleep)

    # --- writing ---------------------------------------------------------------------

    def create_events(self, events: Sequence[NewEvent], advance: Advance) -> WriteReport:
        wanted = {e.id: e for e in events}
        report = WriteReport()
        if len(wanted) < len(events):  # the same event twice in one call: made once, counted once
            advance(len(events) - len(wanted))

        def handle(call: _Call, answer: Answer) -> _Call | None:
            if call.kind == "insert" and answer.status == 409:
                return call.then("get")  # the ID exists: a re-run, a concurrent run, or deleted
            if call.kind == "get" and answer.ok:
                if answer.body.get("status") == "cancelled":
                    return call.then("restore")
                report.already.append(call.key)
                return None
            if answer.ok:
                report.done.append(call.key)
                return None
            if call.kind == "get" and answer.status == 404:
                report.failed.append((call.key, "Google says the ID exists (HTTP 409) but cannot find it (HTTP 404)"))
                return None
            if call.kind == "restore" and answer.status == 403 and answer.reason not in CALENDAR_ACCESS_REASONS:
                # Some reports say Google refuses to update a deleted event; it is in the calendar's bin.
                reason = f"deleted earlier and Google refuses to restore it ({answer.short()}): restore it from the bin"
                report.failed.append((call.key, self._scrub(reason)))
                return None
            self._refuse_whole_calendar(answer, "create events")
            report.failed.append((call.key, self._scrub(answer.short())))
            return None

        def request(call: _Call) -> Any:
            new = wanted[call.key]
            api = self._service.events()
            calendar = self._calendar_id.reveal()
            if call.kind == "insert":
                return api.insert(calendarId=calendar, body=_body(new))
            if call.kind == "get":
                return api.get(calendarId=calendar, eventId=new.id)
            return api.update(calendarId=calendar, eventId=new.id, body={**_body(new), "status": "confirmed"})

        with self._lock:
            calls = [_Call(key, "insert") for key in wanted]
            self._run(calls, request, handle, report, advance, ("create events", "created"))
        return report

    def delete_events(self, events: Sequence[CalendarEvent], advance: Advance) -> WriteReport:
        keys = list(dict.fromkeys(e.id for e in events))
        report = WriteReport()
        if len(keys) < len(events):
            advance(len(events) - len(keys))

        unknown: list[str] = []

        def handle(call: _Call, answer: Answer) -> _Call | None:
            if answer.ok:
                report.done.append(call.key)
            elif answer.status == 410:  # deleted before
                report.already.append(call.key)
            elif answer.status == 404:  # never there, or the calendar itself is out of reach
                report.already.append(call.key)
                unknown.append(call.key)
            else:
                self._refuse_whole_calendar(answer, "delete events", event_level_404=True)
                report.failed.append((call.key, self._scrub(answer.short())))
            return None

        def request(call: _Call) -> Any:
            return self._service.events().delete(calendarId=self._calendar_id.reveal(), eventId=call.key)

        with self._lock:
            calls = [_Call(key, "delete") for key in keys]
            self._run(calls, request, handle, report, advance, ("delete events", "deleted"))
            if unknown:
                # Google answers 404 for an unknown event and for a calendar the service account
                # cannot see alike: one listing call tells them apart.
                probe = self._service.events().list(calendarId=self._calendar_id.reveal(), maxResults=1)
                self._execute(probe, "delete events")
        return report

    def _run(
        self,
        calls: list[_Call],
        request: Callable[[_Call], Any],
        handle: Callable[[_Call, Answer], _Call | None],
        report: WriteReport,
        advance: Advance,
        action: tuple[str, str],
    ) -> None:
        """Send calls in batches until each is answered for good; `handle` may ask for a follow-up."""
        queue = calls
        while queue:
            retry: list[tuple[_Call, Answer]] = []
            follow: list[_Call] = []
            for start in range(0, len(queue), self.batch_size):
                chunk = queue[start : start + self.batch_size]
                answers = self._send(chunk, request)
                finished = 0
                for call in chunk:
                    answer = answers[call.key]
                    if answer.retryable:
                        if call.attempt < self.policy.attempts:
                            retry.append((call, answer))
                            continue
                        if answer.outer:  # the batch request itself keeps failing: nothing gets through
                            what, verb = action
                            done = f"; {len(report.done)} events were {verb} before that" if report.done else ""
                            raise self._exhausted(answer, call.attempt, what + done)
                        report.failed.append((call.key, f"{self._scrub(answer.short())}, {call.attempt} tries"))
                        finished += 1
                        continue
                    nxt = handle(call, answer)
                    if nxt is None:
                        finished += 1
                    else:
                        follow.append(nxt)
                if finished:
                    advance(finished)
            if retry:
                self._sleep(max(self._wait(answer, call.attempt) for call, answer in retry))
            queue = follow + [call.again() for call, _ in retry]

    def _send(self, calls: Sequence[_Call], request: Callable[[_Call], Any]) -> dict[str, Answer]:
        """One batch request; every call gets an Answer (the batch's own, if it failed retryably)."""
        answers: dict[str, Answer] = {}

        def callback(request_id: str, response: Any, exception: Any) -> None:
            if exception is None:
                answers[request_id] = Answer(200, body=response if isinstance(response, dict) else {})
            elif isinstance(exception, HttpError):
                answers[request_id] = answer_from_error(exception)
            else:
                answers[request_id] = Answer(0, message=type(exception).__name__, host=self._api_host)

        batch = self._service.new_batch_http_request()
        for call in calls:
            batch.add(request(call), callback=callback, request_id=call.key)
        try:
            self._fresh_token()
            batch.execute()
        except (BatchError, KeyError, IndexError, ValueError):  # BatchError is an HttpError: first
            raise self._not_google() from None
        except HttpError as error:
            answer = answer_from_error(error, outer=True)
            if not answer.retryable:
                raise self._refusal(answer, "send a batch of calendar changes") from None
            return dict.fromkeys((c.key for c in calls), answer)
        except google.auth.exceptions.RefreshError as error:
            raise token_refused(error) from None
        except TRANSPORT_ERRORS as error:
            return dict.fromkeys((c.key for c in calls), self._unreachable(error, outer=True))
        return answers

    def _fresh_token(self) -> None:
        """Get a token through our own transport before a batch (the library would use a bare one)."""
        if not self._credentials.valid:
            request = google_auth_httplib2.Request(self._transport)
            self._credentials.refresh(request)  # type: ignore[no-untyped-call]

    # --- errors ----------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        return _scrubber(self._calendar_id)(text)

    def _unreachable(self, error: BaseException, *, outer: bool = False) -> Answer:
        host = self._api_host if self._credentials.valid else self._token_host
        return Answer(0, message=transport_reason(error), outer=outer, host=host)

    def _not_google(self, problem: str = "") -> ServiceError:
        detail = f" ({problem})" if problem else ""
        return ServiceError(
            SERVICE,
            f"{self._api_host} answered in a form Google does not use{detail}",
            f"check {URL_SETTING} (or a proxy in the way); {RERUN}",
        )

    def _wait(self, answer: Answer, attempt: int) -> float:
        if answer.status == 429:
            return self.policy.retry_after(answer.retry_after, attempt)
        return self.policy.backoff(attempt)

    def _refuse_whole_calendar(self, answer: Answer, what: str, *, event_level_404: bool = False) -> None:
        """Raise if an item's failure is really about the calendar or the credentials."""
        if answer.status == 401 or answer.status == 403 or (answer.status == 404 and not event_level_404):
            raise self._refusal(answer, what)

    def _refusal(self, answer: Answer, what: str) -> ServiceError:
        status = f"HTTP {answer.status}" + (f" {answer.reason}" if answer.reason else "")
        if answer.status == 401:
            return ServiceError(
                SERVICE,
                f"the service account's credentials were rejected ({status}) when trying to {what}",
                f"check {KEY_PLACES}: the key may have been deleted or replaced",
            )
        if answer.status == 403 and answer.reason == "accessNotConfigured":
            return ServiceError(
                SERVICE,
                f"the Google Calendar API is not enabled for the service account's project ({status})",
                "enable it in the Google Cloud console (APIs & Services), then run the command again",
            )
        if answer.status == 403 and answer.reason in ("quotaExceeded", "dailyLimitExceeded"):
            return ServiceError(
                SERVICE,
                f"the calendar's usage limit is used up ({status})",
                f"wait for it to reset (daily), then run the command again; {RERUN}",
            )
        if answer.status in (403, 404):
            return ServiceError(
                SERVICE,
                f"calendar not found, or not shared with the service account ({status}) when trying to {what}",
                "share the calendar with the service account's client_email (found in its key file) with the "
                f"permission 'Make changes to events', and check {CALENDAR_PLACES}",
            )
        return ServiceError(
            SERVICE,
            f"Google refused to {what} ({self._scrub(answer.short())})",
            "this is unexpected; re-run with --verbose to see the calls made, and report it",
        )

    def _exhausted(self, answer: Answer, tries: int, what: str) -> ServiceError:
        if answer.status == 0:
            return ServiceError(
                SERVICE,
                f"cannot reach {answer.host} ({answer.message}) after {tries} tries to {what}",
                f"check the network, or {URL_SETTING} if you set it; {RERUN}",
            )
        if answer.rate_limited:
            return ServiceError(
                SERVICE,
                f"rate limit hit (HTTP {answer.status} {answer.reason}) and still in force "
                f"after {tries} tries to {what}",
                f"wait a few minutes and run the command again; {RERUN}",
            )
        return ServiceError(
            SERVICE,
            f"Google is failing (HTTP {answer.status}) after {tries} tries to {what}",
            f"try again later; {RERUN}",
        )


def _body(new: NewEvent) -> dict[str, Any]:
    """The full Google event for a NewEvent: all-day, free (transparent), with rolebot's properties."""
    return {
        "id": new.id,
        "summary": new.summary,
        "description": new.description,
        "start": {"date": new.start.isoformat()},
        "end": {"date": new.end.isoformat()},
        "transparency": "transparent",
        "extendedProperties": {"private": dict(new.private)},
    }


def _scrubber(calendar_id: Secret) -> Callable[[str], str]:
    """Replaces the calendar ID (raw or percent-encoded, as in URL paths) in a text."""
    raw = calendar_id.reveal()
    forms = sorted({raw, quote(raw, safe=""), quote(raw)} - {""}, key=len, reverse=True)

    def scrub(text: str) -> str:
        for form in forms:
            text = text.replace(form, "{calendarId}")
        return text

    return scrub


REQUIRED_KEY_FIELDS = ("client_email", "private_key", "token_uri")


def _credentials(key: dict[str, Any]) -> service_account.Credentials:
    kind = key.get("type")
    if kind is not None and kind != "service_account":
        raise ServiceError(
            SERVICE,
            f"the Google key is not a service account key (its type is {str(kind)[:40]!r})",
            f"create a JSON key for a service account and put it in {KEY_PLACES}",
        )
    missing = [name for name in REQUIRED_KEY_FIELDS if not isinstance(key.get(name), str) or not key.get(name)]
    if missing:
        raise ServiceError(
            SERVICE,
            f"the service account key has no {', '.join(missing)}",
            f"download the service account's JSON key again and put it in {KEY_PLACES}",
        )
    try:
        load = service_account.Credentials.from_service_account_info
        credentials: service_account.Credentials = load(key, scopes=[SCOPE])  # type: ignore[no-untyped-call]
    except (ValueError, TypeError, KeyError, IndexError):
        raise ServiceError(
            SERVICE,
            "the service account key's private key cannot be read",
            f"download the service account's JSON key again and put it in {KEY_PLACES}",
        ) from None
    return credentials


_ERROR_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


def token_refused(error: google.auth.exceptions.RefreshError) -> ServiceError:
    """The token endpoint said no: show Google's error code only (never its whole answer)."""
    data = error.args[1] if len(error.args) > 1 else None
    code = data.get("error") if isinstance(data, dict) else None
    if isinstance(code, str) and _ERROR_CODE.fullmatch(code):
        said = code
    elif error.args and str(error.args[0]).startswith("No access token"):
        said = "no access token in its answer"
    else:
        said = "no error code"
    return ServiceError(
        SERVICE,
        f"Google's token endpoint refused the service account key ({said})",
        f"the key may be revoked, deleted or malformed: create a new JSON key for the service account "
        f"and put it in {KEY_PLACES}",
    )
