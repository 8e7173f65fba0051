"""The HTTP transport under google-auth and googleapiclient: httplib2, bounded, logged and counted.

`LoggedHttp` is an `httplib2.Http` that

* writes one log line per HTTP request (method, path without query and without the
  calendar ID, status, milliseconds) and counts it on a `Meter` the calendar's transports
  share. It sits under `google_auth_httplib2.AuthorizedHttp`, so token requests, API calls
  and batches all pass it exactly once; a redirect httplib2 follows is a request of its own;
* bounds every request by time: connecting, sending and reading **every byte** of the
  answer must end within the request's timeout, which the command's `Deadline` gives (at
  most `TIMEOUT`), so a server trickling a byte every few seconds cannot hold a command;
  once the command's time is up, no request starts (`BusyError`);
* bounds every answer by size (`MAX_RESPONSE_BYTES`, on the wire and decompressed).

httplib2 is not thread-safe: each thread that sends requests at the same time as another
needs a `LoggedHttp` of its own (the `Meter` is shared and thread-safe).
"""

from __future__ import annotations

import http.client
import io
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httplib2
from httplib2.decode import DecodeLimitError, DecodeRatioError

from rolebot.deadline import Deadline
from rolebot.services.gcal.errors import SERVICE, ResponseTooLarge, transport_reason
from rolebot.services.retry import Log

TIMEOUT = 30.0
"""Seconds one request may take, all of it (connecting, sending, reading the answer)."""
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""The largest answer accepted: a full page of 2,500 events with long descriptions fits."""


class Meter:
    """One log line and one count per HTTP request, for all of a calendar's transports."""

    def __init__(self, log: Log | None, scrub: Callable[[str], str]) -> None:
        self.requests = 0
        self._log = log
        self._scrub = scrub
        self._lock = threading.Lock()

    def count(self) -> None:
        with self._lock:
            self.requests += 1

    def note(self, method: str, uri: str, outcome: str, started: float) -> None:
        if self._log is not None:
            path = self._scrub(urlsplit(uri).path)
            self._log(f"{SERVICE}: {method} {path} {outcome} ({round((time.monotonic() - started) * 1000)} ms)")


@dataclass(frozen=True)
class _Bounds:
    ends: float
    """`time.monotonic()` by which the request must be over."""
    size: int

    def left(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out")
        return left


_BOUNDS: ContextVar[_Bounds] = ContextVar("rolebot_gcal_request_bounds")
"""The bounds of the request this thread is making (set by `LoggedHttp.request`)."""


class _BoundedReader(io.RawIOBase):
    """The socket as the answer is read from it: each read waits only for what is left of the
    request's time, and the bytes read may not pass the size bound."""

    def __init__(self, sock: Any, bounds: _Bounds) -> None:
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # keeps the socket open while the answer is read
        self._bounds = bounds
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        self._sock.settimeout(self._bounds.left())
        count: int | None = self._raw.readinto(buffer)
        self._read += count or 0
        if self._read > self._bounds.size:
            raise ResponseTooLarge(self._bounds.size)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


class _BoundedResponse(http.client.HTTPResponse):
    def __init__(self, sock: Any, debuglevel: int = 0, method: str | None = None, url: str | None = None) -> None:
        super().__init__(sock, debuglevel, method, url)
        self.fp.close()  # the plain reader http.client made: replaced by a bounded one
        self.fp = io.BufferedReader(_BoundedReader(sock, _BOUNDS.get()))


class _Bounded(http.client.HTTPConnection):
    """What the plain and the TLS connection add to httplib2's: connecting and every send within
    the time the request has left, and a response that reads within it too."""

    response_class = _BoundedResponse

    def connect(self) -> None:
        self.timeout = _BOUNDS.get().left()
        super().connect()

    def send(self, data: Any) -> None:
        if self.sock is not None:
            self.sock.settimeout(_BOUNDS.get().left())
        super().send(data)


class _BoundedHTTPConnection(_Bounded, httplib2.HTTPConnectionWithTimeout):
    pass


class _BoundedHTTPSConnection(_Bounded, httplib2.HTTPSConnectionWithTimeout):
    pass


_CONNECTIONS: dict[str, type[httplib2.HTTPConnectionWithTimeout | httplib2.HTTPSConnectionWithTimeout]] = {
    "http": _BoundedHTTPConnection,
    "https": _BoundedHTTPSConnection,
}


class LoggedHttp(httplib2.Http):
    """httplib2.Http whose requests are bounded by time and size, logged and counted."""

    def __init__(
        self, meter: Meter, deadline: Deadline, *, timeout: float = TIMEOUT, max_bytes: int = MAX_RESPONSE_BYTES
    ) -> None:
        super().__init__(timeout=timeout, decode_limit_hard=max_bytes)
        self.meter = meter
        self._deadline = deadline
        self._limit = timeout
        self._max_bytes = max_bytes

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        redirections: int = httplib2.DEFAULT_MAX_REDIRECTS,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response[Any], bytes]:
        outer = _BOUNDS.get(None)  # a redirect httplib2 follows stays within its request's time
        if outer is None:
            timeout = self._deadline.timeout(self._limit, f"waiting for {SERVICE}")
            bounds = _Bounds(time.monotonic() + timeout, self._max_bytes)
        else:
            bounds = outer
        self.meter.count()
        started = time.monotonic()
        token = _BOUNDS.set(bounds)
        try:
            response, content = super().request(
                uri,
                method,
                body=body,
                headers=headers,
                redirections=redirections,
                connection_type=connection_type or _CONNECTIONS.get(urlsplit(uri).scheme),
            )
        except (DecodeLimitError, DecodeRatioError):
            self._drop_connections()
            self.meter.note(method, uri, "failed: the answer is too large", started)
            raise ResponseTooLarge(self._max_bytes) from None
        except BaseException as exc:
            self._drop_connections()  # one cut short cannot carry the next request
            self.meter.note(method, uri, f"failed: {transport_reason(exc)}", started)
            raise
        finally:
            _BOUNDS.reset(token)
        # After a redirect, httplib2 returns the last hop's response (logged by its own call)
        # with this request's answer as `previous`.
        own = response.previous if response.previous is not None else response
        self.meter.note(method, uri, str(own.status), started)
        return response, content

    def _drop_connections(self) -> None:
        for connection in self.connections.values():
            connection.close()
        self.connections.clear()
