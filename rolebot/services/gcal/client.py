"""`GoogleCalendar`: list, create, update and delete a role's events in one Google calendar.

* **Listing** is always bounded: `timeMin`/`timeMax` from the caller (the plan's dates, so
  an endless recurring meeting in the same calendar is not expanded page after page),
  `singleEvents=true`, the largest page (2,500) and a `fields` mask of what rolebot reads.
  Every page is followed; a page token seen twice is an error, not a loop. What each
  all-day event says is kept until the next listing, so an update that would change
  nothing is not sent.
* **Writes** (`writes`: create never duplicates, update never re-creates) travel in
  batches (`batch`). Failures of one event are reported in `WriteReport.failed`; refusals
  that concern the whole calendar (401, 403, 404 on the calendar, quotas) are one
  `ServiceError`.
* **Single calls** (the listing, the probe after a 404) follow the same `RetryPolicy`
  through its loop, with `execute(num_retries=0)` so the library never sleeps on its own.
* **Time.** Every request's timeout comes from the command's `Deadline` (`transport`), and
  no wait between tries runs past it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import google.auth.exceptions
from googleapiclient.errors import HttpError
from pydantic import ValidationError

from rolebot.deadline import Deadline
from rolebot.models import CalendarEvent, NewEvent, WriteReport
from rolebot.redaction import Secret
from rolebot.services.base import Advance
from rolebot.services.gcal.batch import BATCH_LIMIT, SENDERS, Batches
from rolebot.services.gcal.connection import Connection
from rolebot.services.gcal.errors import (
    SERVICE,
    TRANSPORT_ERRORS,
    CalendarUnseen,
    ResponseTooLarge,
    Wording,
    answer_from_error,
    scrubber,
    token_refused,
)
from rolebot.services.gcal.transport import MAX_RESPONSE_BYTES, TIMEOUT
from rolebot.services.gcal.wire import LIST_FIELDS, Access, Page, Written, midnight
from rolebot.services.gcal.writes import Writes, unique
from rolebot.services.retry import DEFAULT_POLICY, Log, Retry, RetryPolicy, Sleep
from rolebot.validation import describe

PAGE_SIZE = 2500
"""`maxResults` for events.list: the largest page Google serves."""
LISTING = "list the calendar's events"


class GoogleCalendar:
    """A Google Calendar reached with a service account. Thread-safe (one call at a time)."""

    def __init__(
        self,
        connection: Connection,
        calendar_id: Secret,
        *,
        team_timezone: str,
        sleep: Sleep,
        deadline: Deadline,
        policy: RetryPolicy = DEFAULT_POLICY,
        batch_size: int = BATCH_LIMIT,
        senders: int = SENDERS,
    ) -> None:
        self._connection = connection
        self._calendar_id = calendar_id
        self._zone = ZoneInfo(team_timezone)
        self._deadline = deadline
        self._sleep = sleep
        self._wording = Wording(connection.api_host, scrubber(calendar_id))
        self._batches = Batches(connection, self._wording, policy, self._pause, batch_size, senders)
        self._writes = Writes(connection.events, calendar_id.reveal(), self._wording)
        self._policy = policy
        self._lock = threading.RLock()
        self._listed: dict[str, Written] = {}
        self.description = f"{SERVICE} ({connection.api_host})"

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
        deadline: Deadline | None = None,
        policy: RetryPolicy = DEFAULT_POLICY,
        batch_size: int = BATCH_LIMIT,
        senders: int = SENDERS,
        request_timeout: float = TIMEOUT,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> GoogleCalendar:
        """A calendar at `api_url` (Google's API root); the URL and key are checked, nothing is sent.
        Requests never outlast `deadline` (the command's; a fresh default one if not given), nor
        `request_timeout` each; answers are at most `max_response_bytes`."""
        deadline = deadline or Deadline()
        connection = Connection.open(
            api_url, calendar_id, key, log, deadline, timeout=request_timeout, max_bytes=max_response_bytes
        )
        return cls(
            connection,
            calendar_id,
            team_timezone=team_timezone,
            sleep=sleep,
            deadline=deadline,
            policy=policy,
            batch_size=batch_size,
            senders=senders,
        )

    @property
    def requests(self) -> int:
        """HTTP requests made so far (token, API and batch requests)."""
        return self._connection.meter.requests

    def _pause(self, seconds: float) -> None:
        """Wait before trying again, but never past the command's deadline (the next request says so)."""
        self._sleep(min(seconds, self._deadline.remaining()))

    # --- reading ---------------------------------------------------------------------

    def list_events(self, start: date, end: date) -> list[CalendarEvent]:
        if end <= start:
            return []
        with self._lock:
            api = self._connection.events
            request = api.list(
                calendarId=self._calendar_id.reveal(),
                timeMin=midnight(start, self._zone),
                timeMax=midnight(end, self._zone),
                singleEvents=True,
                maxResults=PAGE_SIZE,
                fields=LIST_FIELDS,
            )
            found: list[CalendarEvent] = []
            written: dict[str, Written] = {}
            tokens: set[str] = set()
            while request is not None:
                raw = self._execute(request, LISTING)
                try:
                    page = Page.model_validate(raw)
                except ValidationError as error:
                    raise self._wording.not_google(describe(error)) from None
                found.extend(page.read(self._zone, written))
                if page.nextPageToken:
                    if page.nextPageToken in tokens:
                        raise self._wording.repeated_page(LISTING)
                    tokens.add(page.nextPageToken)
                request = api.list_next(request, raw)
            self._listed = written
            return found

    def _execute(self, request: Any, what: str) -> Any:
        """One API call under the retry policy; a refusal becomes one ServiceError."""

        def try_once(attempt: int) -> Any:
            try:
                with self._connection.transport() as http:
                    return request.execute(http=http, num_retries=0)
            except HttpError as error:
                answer = answer_from_error(error)
                if not answer.retryable:
                    raise self._wording.refusal(answer, what) from None
            except google.auth.exceptions.RefreshError as error:
                raise token_refused(error) from None
            except ResponseTooLarge as error:
                raise self._wording.too_large(error, what) from None
            except TRANSPORT_ERRORS as error:
                answer = self._connection.unreachable(error)
            except ValueError:  # not JSON: something else answered
                raise self._wording.not_google() from None
            failure = self._wording.exhausted(answer, attempt, what, self._policy.rate_limit_patience)
            return Retry(answer.delay(self._policy, attempt), failure, rate_limited=answer.rate_limited)

        return self._policy.run(try_once, self._pause)

    def access_role(self) -> str | None:
        """The service account's access to the calendar — `owner`, `writer` (both may change events),
        `reader` or `freeBusyReader` — from one small listing (`accessRole`); None when Google cannot
        find the calendar for it: the ID is wrong, or the calendar is not shared with it."""
        request = self._connection.events.list(calendarId=self._calendar_id.reveal(), maxResults=1, fields="accessRole")
        with self._lock:
            try:
                raw = self._execute(request, "read the calendar's sharing")
            except CalendarUnseen:
                return None
        try:
            return Access.model_validate(raw).accessRole
        except ValidationError as error:
            raise self._wording.not_google(describe(error)) from None

    def _probe(self, what: str) -> None:
        """Google answers 404 for an unknown event and for a calendar the service account cannot
        see alike: one small listing call tells them apart (it raises for the calendar)."""
        request = self._connection.events.list(calendarId=self._calendar_id.reveal(), maxResults=1, fields="kind")
        self._execute(request, what)

    # --- writing ---------------------------------------------------------------------

    def create_events(self, events: Sequence[NewEvent], advance: Advance) -> WriteReport:
        wanted = {e.id: e for e in events}
        report = WriteReport()
        if len(wanted) < len(events):  # the same event twice in one call: made once, counted once
            advance(len(events) - len(wanted))
        with self._lock:
            calls, operation = self._writes.create(wanted, report)
            self._batches.run(calls, operation, report, advance)
        return report

    def delete_events(self, events: Sequence[CalendarEvent], advance: Advance) -> WriteReport:
        keys = unique(events)
        report = WriteReport()
        if len(keys) < len(events):
            advance(len(events) - len(keys))
        unknown: list[str] = []
        with self._lock:
            calls, operation = self._writes.delete(keys, report, unknown)
            self._batches.run(calls, operation, report, advance)
            for key in report.done:
                self._listed.pop(key, None)
            if unknown:
                self._probe("delete events")
        return report

    def update_events(self, events: Sequence[NewEvent], advance: Advance) -> WriteReport:
        wanted = {e.id: e for e in events}
        report = WriteReport()
        if len(wanted) < len(events):
            advance(len(events) - len(wanted))
        unknown: list[str] = []
        with self._lock:
            calls, operation = self._writes.update(wanted, self._listed, report, unknown)
            if report.already:
                advance(len(report.already))
            self._batches.run(calls, operation, report, advance)
            self._listed.update((key, Written.of(wanted[key])) for key in report.done)
            if unknown:
                self._probe("update events")
        return report
