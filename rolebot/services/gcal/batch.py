"""Writes in batch requests: each call is sent until it has an answer for good.

Calls travel in batch requests of at most 50 (one HTTP request per 50 events in the
common case). A call that fails for a passing reason (HTTP 429, 403 with a rate-limit
reason, 5xx) is sent again, with the others that did, in a later batch after the
`RetryPolicy` delay, as is every call of a batch whose request failed that way or could
not be sent; each call has at most `policy.attempts` tries. Any other answer goes to the
operation's handler, which may ask for a follow-up call (a GET after a 409, say).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import google.auth.exceptions
from googleapiclient.errors import BatchError, HttpError

from rolebot.models import WriteReport
from rolebot.services.base import Advance
from rolebot.services.gcal.connection import Connection
from rolebot.services.gcal.errors import TRANSPORT_ERRORS, Answer, Wording, answer_from_error, token_refused
from rolebot.services.retry import RetryPolicy, Sleep

BATCH_LIMIT = 50
"""Calls per batch request: the Calendar API's documented limit was 50 (now said to be 1000)."""

Kind = Literal["insert", "get", "restore", "delete"]


@dataclass(frozen=True)
class Call:
    """One API call about one event: `key` is the event ID, also the batch part's ID."""

    key: str
    kind: Kind
    attempt: int = 1

    def again(self) -> Call:
        return Call(self.key, self.kind, self.attempt + 1)

    def then(self, kind: Kind) -> Call:
        return Call(self.key, kind)


@dataclass(frozen=True)
class Operation:
    """What a run of calls does, for `Batches.run`."""

    what: str
    """For errors: "create events"."""
    done: str
    """For errors, past tense: "created"."""
    request: Callable[[Call], Any]
    """The googleapiclient request for a call."""
    handle: Callable[[Call, Answer], Call | None]
    """Takes an answer for good (into the report); returns a follow-up call, or None when done."""


class Batches:
    """Sends calls in batch requests, retrying the ones that failed for a passing reason."""

    def __init__(
        self, connection: Connection, wording: Wording, policy: RetryPolicy, sleep: Sleep, size: int = BATCH_LIMIT
    ) -> None:
        self._connection = connection
        self._wording = wording
        self._policy = policy
        self._sleep = sleep
        self._size = max(1, min(size, BATCH_LIMIT))

    def run(self, calls: list[Call], operation: Operation, report: WriteReport, advance: Advance) -> None:
        """Send `calls` until each is answered for good; calls that fail every try go to `report.failed`."""
        queue = calls
        while queue:
            retry: list[tuple[Call, Answer]] = []
            follow: list[Call] = []
            for start in range(0, len(queue), self._size):
                chunk = queue[start : start + self._size]
                answers = self._send(chunk, operation.request)
                finished = 0
                for call in chunk:
                    answer = answers[call.key]
                    if answer.retryable and call.attempt < self._policy.attempts:
                        retry.append((call, answer))
                    elif answer.retryable:
                        self._give_up(call, answer, operation, report)
                        finished += 1
                    elif (nxt := operation.handle(call, answer)) is not None:
                        follow.append(nxt)
                    else:
                        finished += 1
                if finished:
                    advance(finished)
            if retry:
                self._sleep(max(answer.delay(self._policy, call.attempt) for call, answer in retry))
            queue = follow + [call.again() for call, _ in retry]

    def _give_up(self, call: Call, answer: Answer, operation: Operation, report: WriteReport) -> None:
        if answer.outer:  # the batch request itself keeps failing: nothing gets through
            done = f"; {len(report.done)} events were {operation.done} before that" if report.done else ""
            raise self._wording.exhausted(answer, call.attempt, operation.what + done)
        report.failed.append((call.key, f"{self._wording.item_failure(answer)}, {call.attempt} tries"))

    def _send(self, calls: Sequence[Call], request: Callable[[Call], Any]) -> dict[str, Answer]:
        """One batch request; every call gets an Answer (the batch's own, if it failed retryably)."""
        answers: dict[str, Answer] = {}

        def callback(request_id: str, response: Any, exception: Any) -> None:
            if exception is None:
                answers[request_id] = Answer(200, body=response if isinstance(response, dict) else {})
            elif isinstance(exception, HttpError):
                answers[request_id] = answer_from_error(exception)
            else:
                answers[request_id] = Answer(0, message=type(exception).__name__, host=self._connection.api_host)

        batch = self._connection.service.new_batch_http_request()
        for call in calls:
            batch.add(request(call), callback=callback, request_id=call.key)
        try:
            self._connection.fresh_token()
            batch.execute()
        except (BatchError, KeyError, IndexError, ValueError):  # BatchError is an HttpError: first
            raise self._wording.not_google() from None
        except HttpError as error:
            answer = answer_from_error(error, outer=True)
            if not answer.retryable:
                raise self._wording.refusal(answer, "send a batch of calendar changes") from None
            return dict.fromkeys((c.key for c in calls), answer)
        except google.auth.exceptions.RefreshError as error:
            raise token_refused(error) from None
        except TRANSPORT_ERRORS as error:
            return dict.fromkeys((c.key for c in calls), self._connection.unreachable(error, outer=True))
        return answers
