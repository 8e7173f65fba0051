"""How Google answered, and how a failure is told to the user in one line.

An `Answer` is what rolebot keeps of any reply: a single call's, a batch part's, the
batch request's own, or none at all (a transport failure). `Wording` turns the answers
that end an operation into one `ServiceError` each, naming the fix; no message ever holds
a token, the private key or the calendar ID.
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import google.auth.exceptions
import httplib2

from rolebot.errors import ServiceError
from rolebot.redaction import Secret
from rolebot.services.retry import RetryPolicy, Tries

SERVICE = "Google Calendar"
KEY_PLACES = "ROLEBOT_GOOGLE_CREDENTIALS or secrets/gcp_service_account.json"
CALENDAR_PLACES = "ROLEBOT_CALENDAR_ID or secrets/calendar_id.json"
URL_SETTING = "ROLEBOT_GOOGLE_API_URL"
RERUN = "re-running is safe: what is already done is not done twice"

RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
"""403 reasons of Google's per-minute limits (sliding windows): waited out, for up to a minute."""
CALENDAR_ACCESS_REASONS = frozenset({"requiredAccessLevel", "insufficientPermissions", "accessNotConfigured"})
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
"""403 reasons that stop every write for hours: abuse protection, and the project's daily quota."""
WHOLE_CALENDAR_REASONS = CALENDAR_ACCESS_REASONS | QUOTA_REASONS
"""403 reasons about the whole calendar (or project), not about one event."""

TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # socket errors, ConnectionError, TimeoutError, ssl.SSLError
    http.client.HTTPException,
    httplib2.HttpLib2Error,  # ServerNotFoundError and friends
    google.auth.exceptions.TransportError,  # what google-auth makes of them on the token request
)


class ResponseTooLarge(Exception):
    """An answer grew past the size rolebot accepts (on the wire or decompressed)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the answer is larger than {limit // (1024 * 1024)} MiB")
        self.limit = limit


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

    def delay(self, policy: RetryPolicy, attempt: int) -> float:
        """How long to wait before trying again: as `Retry-After` says on a 429; after a rate
        limit without it, the rate-limit backoff (the window slides for a minute); else the backoff."""
        if self.status == 429 and self.retry_after:
            return policy.retry_after(self.retry_after, attempt)
        if self.rate_limited:
            return policy.rate_limit_backoff(attempt)
        return policy.backoff(attempt)

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


def unreachable(error: BaseException, host: str, *, outer: bool = False) -> Answer:
    """The Answer for a request that got no reply from `host`."""
    return Answer(0, message=transport_reason(error), outer=outer, host=host)


def transport_reason(exc: BaseException) -> str:
    """A few words on why a request could not be made (never the URL)."""
    if isinstance(exc, google.auth.exceptions.TransportError) and exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
    if isinstance(exc, ResponseTooLarge):
        return str(exc)
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


def scrubber(calendar_id: Secret) -> Callable[[str], str]:
    """Replaces the calendar ID (raw or percent-encoded, as in URL paths) in a text."""
    raw = calendar_id.reveal()
    forms = sorted({raw, quote(raw, safe=""), quote(raw)} - {""}, key=len, reverse=True)

    def scrub(text: str) -> str:
        for form in forms:
            text = text.replace(form, "{calendarId}")
        return text

    return scrub


class CalendarUnseen(ServiceError):
    """Google answered 403 or 404 for the calendar itself: the ID is wrong, or the calendar is not
    shared with the service account (Google does not say which)."""


@dataclass(frozen=True)
class Wording:
    """The one-line errors for one calendar at one API host."""

    api_host: str
    scrub: Callable[[str], str]

    def item_failure(self, answer: Answer) -> str:
        """Why one event could not be written, for `WriteReport.failed`."""
        return self.scrub(answer.short())

    def not_google(self, problem: str = "") -> ServiceError:
        detail = f" ({problem})" if problem else ""
        return ServiceError(
            SERVICE,
            f"{self.api_host} answered in a form Google does not use{detail}",
            f"check {URL_SETTING} (or a proxy in the way); {RERUN}",
        )

    def refuse_whole_calendar(self, answer: Answer, what: str, *, event_level_404: bool = False) -> None:
        """Raise if an item's failure is really about the calendar or the credentials."""
        if answer.status == 401 or answer.status == 403 or (answer.status == 404 and not event_level_404):
            raise self.refusal(answer, what)

    def refusal(self, answer: Answer, what: str) -> ServiceError:
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
        if answer.status == 403 and answer.reason == "quotaExceeded":
            return ServiceError(
                SERVICE,
                f"Google Calendar's abuse protection stopped the calendar's changes ({status}: too many in a "
                f"short time) when trying to {what}",
                f"it lifts on its own within a few hours: run the command again then; {RERUN}",
            )
        if answer.status == 403 and answer.reason == "dailyLimitExceeded":
            return ServiceError(
                SERVICE,
                f"the Google Cloud project's daily Calendar API quota is used up ({status}) when trying to {what}",
                "it resets at midnight Pacific time: run the command again then, or raise the quota in the "
                f"Google Cloud console (APIs & Services, Quotas); {RERUN}",
            )
        if answer.status in (403, 404):
            return CalendarUnseen(
                SERVICE,
                f"calendar not found, or not shared with the service account ({status}) when trying to {what}",
                "share the calendar with the service account's client_email (found in its key file) with the "
                f"permission 'Make changes to events', and check {CALENDAR_PLACES}",
            )
        return ServiceError(
            SERVICE,
            f"Google refused to {what} ({self.scrub(answer.short())})",
            "this is unexpected; re-run with --verbose to see the calls made, and report it",
        )

    def too_large(self, error: ResponseTooLarge, what: str) -> ServiceError:
        return ServiceError(
            SERVICE,
            f"{self.api_host} sent an answer larger than {error.limit // (1024 * 1024)} MiB when trying to {what}",
            f"check {URL_SETTING} (or a proxy in the way); {RERUN}",
        )

    def repeated_page(self, what: str) -> ServiceError:
        return ServiceError(
            SERVICE,
            f"{self.api_host} sent the same page token twice when trying to {what} (listing would never end)",
            f"check {URL_SETTING} (or a proxy in the way); {RERUN}",
        )

    @staticmethod
    def gave_up(answer: Answer, tries: Tries, item: str) -> str:
        """Why one event of a batch is left undone after its last try (`item`: its failure)."""
        if answer.rate_limited:
            return f"{item}, still limited after {tries.limited:.0f} s of retries"
        return f"{item}, {tries.made} tries"

    @staticmethod
    def exhausted(answer: Answer, tries: int, what: str, patience: float) -> ServiceError:
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
                f"after {patience:.0f} s of retries to {what}",
                f"Google counts it per minute: run the command again in a few minutes; {RERUN}",
            )
        return ServiceError(
            SERVICE,
            f"Google is failing (HTTP {answer.status}) after {tries} tries to {what}",
            f"try again later; {RERUN}",
        )


_ERROR_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


def token_refused(error: google.auth.exceptions.RefreshError) -> ServiceError:
    """The token endpoint said no: show Google's error code only (never its whole answer).

    google-auth marks as `retryable` what is an outage (HTTP 500, 503, 504, 408, 429, or the
    codes `internal_failure`, `server_error`, `temporarily_unavailable`), and has retried it
    already: that is Google's trouble, not the key's."""
    data = error.args[1] if len(error.args) > 1 else None
    code = data.get("error") if isinstance(data, dict) else None
    if isinstance(code, str) and _ERROR_CODE.fullmatch(code):
        said = code
    elif error.args and str(error.args[0]).startswith("No access token"):
        said = "no access token in its answer"
    else:
        said = "no error code"
    if getattr(error, "retryable", False):
        detail = "" if said == "no error code" else f" ({said})"
        return ServiceError(
            SERVICE,
            f"Google's token endpoint is failing or overloaded{detail}, even after 3 tries: an outage at "
            "Google, not a problem with the key",
            f"try again in a few minutes; {RERUN}",
        )
    return ServiceError(
        SERVICE,
        f"Google's token endpoint refused the service account key ({said})",
        f"the key may be revoked, deleted or malformed: create a new JSON key for the service account "
        f"and put it in {KEY_PLACES}",
    )
