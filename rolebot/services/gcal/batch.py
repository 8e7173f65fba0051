"""Writes in batch requests: each call is sent until it has an answer for good.

Calls travel in batch requests of up to 1,000 (the Calendar API's documented limit, and
googleapiclient's), so a year of events is one HTTP request; more go in several batches
sent at the same time, each through a transport of its own. A call that fails for a
passing reason (HTTP 429, 403 with a rate-limit reason, 5xx, no answer) is sent again,
with the others that did, in a later round after the longest wait they ask for, as is
every call of a batch whose request failed that way. Each call keeps its own `Tries`, and
`RetryPolicy.next_wait` says when it has had enough: `attempts` tries for a 5xx, a minute
of waiting for a per-minute rate limit. Any other answer goes to the operation's handler,
which may ask for a follow-up call (a GET after a 409, say), sent in the next round.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Literal

import google.auth.exceptions
from googleapiclient.errors import BatchError, HttpError

from rolebot.models import WriteReport
from rolebot.services.base import Advance
from rolebot.services.gcal.connection import Connection
from rolebot.services.gcal.errors import (
    TRANSPORT_ERRORS,
    Answer,
    ResponseTooLarge,
    Wording,
    answer_from_error,
    token_refused,
)
from rolebot.services.retry import RetryPolicy, Sleep, Tries

BATCH_LIMIT = 1000
"""Calls per batch request: the current Calendar batch guide allows 1,000 (it said 50 until 2020)."""
SENDERS = 4
"""Batch requests sent at the same time, at most."""

Kind = Literal["insert", "get", "restore", "update", "delete"]


@dataclass(frozen=True)
class Call:
    """One API call about one event. `key` is the event the caller named (the report's key, and
    the batch part's ID); `event` is the ID the call is about: the key, or its other ID."""

    key: str
    kind: Kind
    event: str = ""
    tries: Tries = field(default_factory=Tries)

    def __post_init__(self) -> None:
        if not self.event:
            object.__setattr__(self, "event", self.key)

    def again(self, waited: float, *, rate_limited: bool) -> Call:
        return Call(self.key, self.kind, self.event, self.tries.after(waited, rate_limited=rate_limited))

    def then(self, kind: Kind, event: str | None = None) -> Call:
        return Call(self.key, kind, event or self.event)


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
        self,
        connection: Connection,
        wording: Wording,
        policy: RetryPolicy,
        sleep: Sleep,
        size: int = BATCH_LIMIT,
        senders: int = SENDERS,
    ) -> None:
        self._connection = connection
        self._wording = wording
        self._policy = policy
        self._sleep = sleep
        self._size = max(1, min(size, BATCH_LIMIT))
        self._senders = max(1, senders)

    def run(self, calls: list[Call], operation: Operation, report: WriteReport, advance: Advance) -> None:
        """Send `calls` until each is answered for good; calls that fail every try go to `report.failed`."""
        queue = calls
        while queue:
            retry: list[tuple[Call, Answer, float]] = []
            follow: list[Call] = []
            for chunk, answers in self._send_all(queue, operation.request):
                finished = 0
                for call in chunk:
                    answer = answers[call.key]
                    if answer.retryable:
                        wait = self._policy.next_wait(
                            call.tries, answer.delay(self._policy, call.tries.made), rate_limited=answer.rate_limited
                        )
                        if wait is None:
                            self._give_up(call, answer, operation, report)
                            finished += 1
                        else:
                            retry.append((call, answer, wait))
                    elif (nxt := operation.handle(call, answer)) is not None:
                        follow.append(nxt)
                    else:
                        finished += 1
                if finished:
                    advance(finished)
            again: list[Call] = []
            if retry:
                waited = max(wait for _, _, wait in retry)
                self._sleep(waited)
                again = [call.again(waited, rate_limited=answer.rate_limited) for call, answer, _ in retry]
            queue = follow + again

    def _give_up(self, call: Call, answer: Answer, operation: Operation, report: WriteReport) -> None:
        if answer.outer:  # the batch request itself keeps failing: nothing gets through
            done = f"; {len(report.done)} events were {operation.done} before that" if report.done else ""
            patience = self._policy.rate_limit_patience
            raise self._wording.exhausted(answer, call.tries.made, operation.what + done, patience)
        item = self._wording.item_failure(answer)
        report.failed.append((call.key, self._wording.gave_up(answer, call.tries, item)))

    def _send_all(
        self, calls: Sequence[Call], request: Callable[[Call], Any]
    ) -> list[tuple[Sequence[Call], dict[str, Answer]]]:
        """Every call in batch requests, the batches at the same time (as many as `senders`).
        The requests are built here, in one thread; only sending them happens in several."""
        chunks = [calls[start : start + self._size] for start in range(0, len(calls), self._size)]
        batches = [self._batch(chunk, request) for chunk in chunks]
        if len(batches) == 1:
            return [(chunks[0], self._send(chunks[0], *batches[0]))]
        with ThreadPoolExecutor(min(self._senders, len(batches)), thread_name_prefix="rolebot-batch") as pool:
            futures = {
                pool.submit(self._send, chunk, *batch): chunk for chunk, batch in zip(chunks, batches, strict=True)
            }
            return [(futures[future], future.result()) for future in as_completed(futures)]

    def _batch(self, calls: Sequence[Call], request: Callable[[Call], Any]) -> tuple[Any, dict[str, Answer]]:
        """A batch request for `calls`, and the answers its callbacks will fill in."""
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
        return batch, answers

    def _send(self, calls: Sequence[Call], batch: Any, answers: dict[str, Answer]) -> dict[str, Answer]:
        """One batch request; every call gets an Answer (the batch's own, if it failed retryably)."""
        try:
            self._connection.fresh_token()
            with self._connection.transport() as http:
                batch.execute(http=http)
        except (BatchError, KeyError, IndexError, ValueError):  # BatchError is an HttpError: first
            raise self._wording.not_google() from None
        except HttpError as error:
            answer = answer_from_error(error, outer=True)
            if not answer.retryable:
                raise self._wording.refusal(answer, "send a batch of calendar changes") from None
            return dict.fromkeys((c.key for c in calls), answer)
        except google.auth.exceptions.RefreshError as error:
            raise token_refused(error) from None
        except ResponseTooLarge as error:
            raise self._wording.too_large(error, "send a batch of calendar changes") from None
        except TRANSPORT_ERRORS as error:
            return dict.fromkeys((c.key for c in calls), self._connection.unreachable(error, outer=True))
        return answers
