"""`GoogleCalendar`: list, create and delete a role's events in one Google calendar.

* **Listing.** `events.list` with `singleEvents=true`, the largest page (2,500) and every
  page followed (see `wire` for how events are read).
* **Creating — never a duplicate.** Each event's ID is deterministic per role and start
  date (`rolebot.events.event_id`), so a second insert of the same event, from a re-run
  or a concurrent run, answers 409 instead of doubling up. A 409 is followed by a GET of
  that ID: Google keeps a deleted event's ID as a cancelled event, which is restored by
  an update carrying the full event and `status: confirmed` (without it, Google leaves
  the event cancelled) and counted as created; a confirmed event is counted as already
  there. An existing event is never overwritten, so a swap someone made by editing it
  survives.
* **Writes** travel in batches (`batch`). Failures of one event are reported in
  `WriteReport.failed`; refusals that concern the whole calendar (401, 403, 404 on the
  calendar) are one `ServiceError`.
* **Single calls** (the listing, the probe after a delete) follow the same `RetryPolicy`
  through its loop, with `execute(num_retries=0)` so the library never sleeps on its own.
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

from rolebot.models import CalendarEvent, NewEvent, WriteReport
from rolebot.redaction import Secret
from rolebot.services.base import Advance
from rolebot.services.gcal.batch import BATCH_LIMIT, Batches, Call, Operation
from rolebot.services.gcal.connection import Connection
from rolebot.services.gcal.errors import (
    CALENDAR_ACCESS_REASONS,
    SERVICE,
    TRANSPORT_ERRORS,
    Answer,
    Wording,
    answer_from_error,
    scrubber,
    token_refused,
)
from rolebot.services.gcal.wire import Page, event_body, midnight
from rolebot.services.retry import DEFAULT_POLICY, Log, Retry, RetryPolicy, Sleep
from rolebot.validation import describe

PAGE_SIZE = 2500
"""`maxResults` for events.list: the largest page Google serves."""


class GoogleCalendar:
    """A Google Calendar reached with a service account. Thread-safe (one call at a time)."""

    def __init__(
        self,
        connection: Connection,
        calendar_id: Secret,
        *,
        team_timezone: str,
        sleep: Sleep,
        policy: RetryPolicy = DEFAULT_POLICY,
        batch_size: int = BATCH_LIMIT,
    ) -> None:
        self._connection = connection
        self._calendar_id = calendar_id
        self._zone = ZoneInfo(team_timezone)
        self._sleep = sleep
        self._wording = Wording(connection.api_host, scrubber(calendar_id))
        self._batches = Batches(connection, self._wording, policy, sleep, batch_size)
        self._policy = policy
        self._lock = threading.RLock()
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
        policy: RetryPolicy = DEFAULT_POLICY,
        batch_size: int = BATCH_LIMIT,
    ) -> GoogleCalendar:
        """A calendar at `api_url` (Google's API root); the URL and key are checked, nothing is sent."""
        connection = Connection.open(api_url, calendar_id, key, log)
        return cls(
            connection, calendar_id, team_timezone=team_timezone, sleep=sleep, policy=policy, batch_size=batch_size
        )

    @property
    def requests(self) -> int:
        """HTTP requests made so far (token, API and batch requests)."""
        return self._connection.http.requests

    # --- reading ---------------------------------------------------------------------

    def list_events(self, start: date, end: date | None) -> list[CalendarEvent]:
        with self._lock:
            query: dict[str, Any] = {
                "calendarId": self._calendar_id.reveal(),
                "timeMin": midnight(start, self._zone),
                "singleEvents": True,
                "maxResults": PAGE_SIZE,
            }
            if end is not None:
                query["timeMax"] = midnight(end, self._zone)
            api = self._connection.service.events()
            request = api.list(**query)
            found: list[CalendarEvent] = []
            while request is not None:
                raw = self._execute(request, "list the calendar's events")
                try:
                    page = Page.model_validate(raw)
                except ValidationError as error:
                    raise self._wording.not_google(describe(error)) from None
                found.extend(page.events(self._zone))
                request = api.list_next(request, raw)
            return found

    def _execute(self, request: Any, what: str) -> Any:
        """One API call under the retry policy; a refusal becomes one ServiceError."""

        def try_once(attempt: int) -> Any:
            try:
                return request.execute(num_retries=0)
            except HttpError as error:
                answer = answer_from_error(error)
                if not answer.retryable:
                    raise self._wording.refusal(answer, what) from None
            except google.auth.exceptions.RefreshError as error:
                raise token_refused(error) from None
            except TRANSPORT_ERRORS as error:
                answer = self._connection.unreachable(error)
            except ValueError:  # not JSON: something else answered
                raise self._wording.not_google() from None
            return Retry(answer.delay(self._policy, attempt), self._wording.exhausted(answer, attempt, what))

        return self._policy.run(try_once, self._sleep)

    # --- writing ---------------------------------------------------------------------

    def create_events(self, events: Sequence[NewEvent], advance: Advance) -> WriteReport:
        wanted = {e.id: e for e in events}
        report = WriteReport()
        if len(wanted) < len(events):  # the same event twice in one call: made once, counted once
            advance(len(events) - len(wanted))

        def handle(call: Call, answer: Answer) -> Call | None:
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
                why = self._wording.item_failure(answer)
                report.failed.append(
                    (call.key, f"deleted earlier and Google refuses to restore it ({why}): restore it from the bin")
                )
                return None
            self._wording.refuse_whole_calendar(answer, "create events")
            report.failed.append((call.key, self._wording.item_failure(answer)))
            return None

        def request(call: Call) -> Any:
            new = wanted[call.key]
            api = self._connection.service.events()
            calendar = self._calendar_id.reveal()
            if call.kind == "insert":
                return api.insert(calendarId=calendar, body=event_body(new))
            if call.kind == "get":
                return api.get(calendarId=calendar, eventId=new.id)
            # Restoring: Google keeps a cancelled event cancelled unless the update says otherwise.
            return api.update(calendarId=calendar, eventId=new.id, body={**event_body(new), "status": "confirmed"})

        with self._lock:
            calls = [Call(key, "insert") for key in wanted]
            self._batches.run(calls, Operation("create events", "created", request, handle), report, advance)
        return report

    def delete_events(self, events: Sequence[CalendarEvent], advance: Advance) -> WriteReport:
        keys = list(dict.fromkeys(e.id for e in events))
        report = WriteReport()
        if len(keys) < len(events):
            advance(len(events) - len(keys))

        unknown: list[str] = []

        def handle(call: Call, answer: Answer) -> Call | None:
            if answer.ok:
                report.done.append(call.key)
            elif answer.status == 410:  # deleted before
                report.already.append(call.key)
            elif answer.status == 404:  # never there, or the calendar itself is out of reach
                report.already.append(call.key)
                unknown.append(call.key)
            else:
                self._wording.refuse_whole_calendar(answer, "delete events", event_level_404=True)
                report.failed.append((call.key, self._wording.item_failure(answer)))
            return None

        def request(call: Call) -> Any:
            return self._connection.service.events().delete(calendarId=self._calendar_id.reveal(), eventId=call.key)

        with self._lock:
            calls = [Call(key, "delete") for key in keys]
            self._batches.run(calls, Operation("delete events", "deleted", request, handle), report, advance)
            if unknown:
                # Google answers 404 for an unknown event and for a calendar the service account
                # cannot see alike: one listing call tells them apart.
                api = self._connection.service.events()
                self._execute(api.list(calendarId=self._calendar_id.reveal(), maxResults=1), "delete events")
        return report
