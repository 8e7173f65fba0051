"""The three kinds of writes, as `batch.Operation`s: the calls each event needs and what each
answer means. Every event has up to two IDs (`rolebot.events.other_event_id`): the first,
and a second one for when Google keeps the first reserved after a purge of the calendar's
bin (insert answers 409, get answers 404). Both are the same role and date everywhere.

* **Create** — never a duplicate: insert → 409 → get. A cancelled event (deleted earlier,
  its ID kept) is restored by an update carrying the full event and `status: confirmed`
  (without it Google leaves the event cancelled) and counted as created; a confirmed one
  is already there, and is never overwritten (a swap someone made by editing it
  survives). A get answering 404 means the ID is reserved for good: the same is done with
  the second ID.
* **Delete** — 410 (deleted before) and 404 are already gone; after a 404 the other ID is
  tried too. The caller probes whether 404s meant the calendar itself (`unknown`).
* **Update** — a full `events.update` of summary, description, dates, transparency and
  private properties, without `status`: an event deleted meanwhile stays deleted (Google
  keeps a cancelled event cancelled) and is reported failed, never re-created; so is one
  that answers 404 or 410 under both IDs. One the listing shows already saying exactly that
  is `already`, without a call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rolebot.events import other_event_id
from rolebot.models import CalendarEvent, NewEvent, WriteReport
from rolebot.services.gcal.batch import Call, Operation
from rolebot.services.gcal.errors import WHOLE_CALENDAR_REASONS, Answer, Wording
from rolebot.services.gcal.wire import ANSWER_FIELDS, Written, event_body

RESERVED = "Google keeps its ID reserved although the event is gone (HTTP 409 on insert, 404 on get)"
GONE = "it no longer exists (deleted meanwhile): not re-created"


class Writes:
    """What one calendar's writes send, and how their answers land in a `WriteReport`."""

    def __init__(self, events: Any, calendar_id: str, wording: Wording) -> None:
        self._events = events
        self._calendar = calendar_id
        self._wording = wording

    # --- create ----------------------------------------------------------------------------

    def create(self, wanted: dict[str, NewEvent], report: WriteReport) -> tuple[list[Call], Operation]:
        def request(call: Call) -> Any:
            new = wanted[call.key]
            if call.kind == "insert":
                body = event_body(new, call.event)
                return self._events.insert(calendarId=self._calendar, body=body, fields=ANSWER_FIELDS)
            if call.kind == "get":
                return self._events.get(calendarId=self._calendar, eventId=call.event, fields=ANSWER_FIELDS)
            # Restoring: Google keeps a cancelled event cancelled unless the update says otherwise.
            body = {**event_body(new, call.event), "status": "confirmed"}
            return self._events.update(calendarId=self._calendar, eventId=call.event, body=body, fields=ANSWER_FIELDS)

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
                second = other_event_id(call.key)
                if second is not None and call.event == call.key:
                    return call.then("insert", second)  # reserved after a purge: the date's second ID
                why = f"{RESERVED}, and so is its second ID" if second is not None else RESERVED
                report.failed.append((call.key, why))
                return None
            if call.kind == "restore" and answer.status == 403 and answer.reason not in WHOLE_CALENDAR_REASONS:
                # Some reports say Google refuses to update a deleted event; it is in the calendar's bin.
                why = self._wording.item_failure(answer)
                report.failed.append(
                    (call.key, f"deleted earlier and Google refuses to restore it ({why}): restore it from the bin")
                )
                return None
            self._wording.refuse_whole_calendar(answer, "create events")
            report.failed.append((call.key, self._wording.item_failure(answer)))
            return None

        calls = [Call(key, "insert") for key in wanted]
        return calls, Operation("create events", "created", request, handle)

    # --- delete ----------------------------------------------------------------------------

    def delete(self, keys: Sequence[str], report: WriteReport, unknown: list[str]) -> tuple[list[Call], Operation]:
        def request(call: Call) -> Any:
            return self._events.delete(calendarId=self._calendar, eventId=call.event)

        def handle(call: Call, answer: Answer) -> Call | None:
            if answer.ok:
                report.done.append(call.key)
            elif answer.status == 410:  # deleted before
                report.already.append(call.key)
            elif answer.status == 404:  # never there, or the calendar itself is out of reach
                other = other_event_id(call.event)
                if other is not None and call.event == call.key:
                    return call.then("delete", other)  # the date's event may have its other ID
                report.already.append(call.key)
                unknown.append(call.key)
            else:
                self._wording.refuse_whole_calendar(answer, "delete events", event_level_404=True)
                report.failed.append((call.key, self._wording.item_failure(answer)))
            return None

        calls = [Call(key, "delete") for key in keys]
        return calls, Operation("delete events", "deleted", request, handle)

    # --- update ----------------------------------------------------------------------------

    def update(
        self, wanted: dict[str, NewEvent], listed: dict[str, Written], report: WriteReport, unknown: list[str]
    ) -> tuple[list[Call], Operation]:
        def request(call: Call) -> Any:
            body = event_body(wanted[call.key], call.event)
            return self._events.update(calendarId=self._calendar, eventId=call.event, body=body, fields=ANSWER_FIELDS)

        def handle(call: Call, answer: Answer) -> Call | None:
            if answer.ok and answer.body.get("status") == "cancelled":
                report.failed.append((call.key, f"{GONE} (it is in the calendar's bin)"))
            elif answer.ok:
                report.done.append(call.key)
            elif answer.status in (404, 410):
                other = other_event_id(call.event)
                if answer.status == 404 and other is not None and call.event == call.key:
                    if listed.get(other) == Written.of(wanted[call.key]):
                        report.already.append(call.key)
                        return None
                    return call.then("update", other)  # the date's event may have its other ID
                report.failed.append((call.key, GONE))
                if answer.status == 404:
                    unknown.append(call.key)
            elif answer.status == 403 and answer.reason not in WHOLE_CALENDAR_REASONS:
                # Some reports say Google answers 403 to an update of a deleted event.
                why = self._wording.item_failure(answer)
                report.failed.append((call.key, f"Google refuses to update it ({why}): it may have been deleted"))
            else:
                self._wording.refuse_whole_calendar(answer, "update events", event_level_404=True)
                report.failed.append((call.key, self._wording.item_failure(answer)))
            return None

        calls = []
        for key, new in wanted.items():
            if listed.get(key) == Written.of(new):
                report.already.append(key)
            else:
                calls.append(Call(key, "update"))
        return calls, Operation("update events", "updated", request, handle)


def unique(events: Sequence[NewEvent | CalendarEvent]) -> list[str]:
    """The events' IDs, each once, in order."""
    return list(dict.fromkeys(e.id for e in events))
