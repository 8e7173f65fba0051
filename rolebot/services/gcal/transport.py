"""The HTTP transport under google-auth and googleapiclient: httplib2, logged and counted.

`LoggedHttp` is an `httplib2.Http` that writes one log line per HTTP request (method, path
without query and without the calendar ID, status, milliseconds) and counts them. It sits
under `google_auth_httplib2.AuthorizedHttp`, so token requests, API calls and batches all
pass it exactly once; a redirect httplib2 follows is a request of its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httplib2

from rolebot.services.gcal.errors import SERVICE, transport_reason
from rolebot.services.retry import Log

TIMEOUT = 30
"""Seconds to wait for a connection or an answer."""


class LoggedHttp(httplib2.Http):
    """httplib2.Http with one log line and one count per HTTP request. Thread-safe counting."""

    def __init__(self, log: Log | None, scrub: Callable[[str], str], *, timeout: float = TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.requests = 0
        self._log = log
        self._scrub = scrub
        self._count_lock = threading.Lock()

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        redirections: int = httplib2.DEFAULT_MAX_REDIRECTS,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response[Any], bytes]:
        with self._count_lock:
            self.requests += 1
        started = time.monotonic()
        path = self._scrub(urlsplit(uri).path)
        try:
            response, content = super().request(
                uri, method, body=body, headers=headers, redirections=redirections, connection_type=connection_type
            )
        except BaseException as exc:
            self._note(f"{method} {path} failed: {transport_reason(exc)} ({_ms(started)} ms)")
            raise
        # After a redirect, httplib2 returns the last hop's response (logged by its own call)
        # with this request's answer as `previous`.
        own = response.previous if response.previous is not None else response
        self._note(f"{method} {path} {own.status} ({_ms(started)} ms)")
        return response, content

    def _note(self, line: str) -> None:
        if self._log is not None:
            self._log(f"{SERVICE}: {line}")


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
