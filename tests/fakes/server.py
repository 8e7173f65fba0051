"""A tiny framework for fake HTTP services, usable two ways with the same handler:

* `FakeServer(handler)`: a real HTTP/1.1 server on 127.0.0.1 in a background thread, for
  clients that need a socket (googleapiclient/httplib2) and for end-to-end CLI runs that
  reach it through ROLEBOT_*_API_URL;
* `mock_transport(handler)`: an `httpx.MockTransport`, for fast tests of httpx clients.

A handler takes a `FakeRequest` and returns a `FakeResponse`. Every request goes through a
`Recorder`, which keeps it. A test can tell a recorder (or a server) which requests it must
receive, as GitHub CLI's `httpmock.Registry` does with its stubs:

    server.expect("POST", "/api/chat.postMessage")          # exactly once
    server.expect("GET", "/v1/standups", times=4)           # exactly four times
    server.expect("GET", "/calendar/v3/calendars/*/events", times=None)  # at least once
    server.expect_nothing_else()                            # any other request is a failure

The `expected_requests` fixture (tests/conftest.py, used by every test) checks them when the
test ends: an expectation never met, or an unexpected request, fails the test.
"""

from __future__ import annotations

import json
import selectors
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import groupby
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx


@dataclass
class FakeRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode(), keep_blank_values=True)

    def arg(self, name: str) -> str | None:
        """A Slack-style argument from the query string, a form body or a JSON body."""
        if name in self.query:
            return self.query[name][0]
        content_type = self.header("content-type") or ""
        if "application/x-www-form-urlencoded" in content_type:
            values = self.form().get(name)
            return values[0] if values else None
        if "application/json" in content_type and self.body:
            document = self.json()
            value = document.get(name) if isinstance(document, dict) else None
            return None if value is None else str(value)
        return None


@dataclass
class FakeResponse:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> FakeResponse:
        return cls(
            status, json.dumps(payload).encode(), {"Content-Type": "application/json; charset=UTF-8", **(headers or {})}
        )


Handler = Callable[[FakeRequest], FakeResponse]


@dataclass(frozen=True)
class Expectation:
    """`times` requests (None: at least one) whose method is `method` and whose path matches
    `path`, a shell-style pattern (`*` stands for any run of characters)."""

    method: str
    path: str
    times: int | None = 1

    def matches(self, request: FakeRequest) -> bool:
        return request.method == self.method and fnmatchcase(request.path, self.path)

    def met_by(self, count: int) -> bool:
        return count > 0 if self.times is None else count == self.times

    def __str__(self) -> str:
        count = "at least once" if self.times is None else f"{self.times} time{'s' * (self.times != 1)}"
        return f"{self.method} {self.path} ({count})"


class Recorder:
    """Keeps every request a fake received, in order, and checks the ones a test expects."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[FakeRequest] = []
        self.expectations: list[Expectation] = []
        self.exclusive = False
        self._lock = threading.Lock()

    def __call__(self, request: FakeRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
        return self.handler(request)

    def expect(self, method: str, path: str, times: int | None = 1) -> None:
        """This test must make exactly `times` such requests (None: at least one), checked when it ends."""
        if times is not None and times < 0:
            raise ValueError("times is a count of requests")
        self.expectations.append(Expectation(method.upper(), path, times))
        _watch(self)

    def expect_nothing_else(self) -> None:
        """Any request that matches none of the expectations fails the test."""
        self.exclusive = True
        _watch(self)

    def unmet(self) -> list[str]:
        """What went against the expectations, one line each (empty: all met)."""
        with self._lock:
            made = list(self.requests)
        problems = []
        for expectation in self.expectations:
            count = sum(expectation.matches(request) for request in made)
            if not expectation.met_by(count):
                problems.append(f"expected {expectation}, got {count}")
        if self.exclusive:
            problems.extend(
                f"unexpected request {request.method} {request.path}"
                for request in made
                if not any(expectation.matches(request) for expectation in self.expectations)
            )
        if problems:
            problems.append("requests made: " + _in_runs([f"{r.method} {r.path}" for r in made]))
        return problems


def _in_runs(calls: list[str]) -> str:
    """`GET /a × 3, POST /b`: the calls in order, repeats counted."""
    runs = [(call, len(list(repeats))) for call, repeats in groupby(calls)]
    return ", ".join(call if count == 1 else f"{call} × {count}" for call, count in runs) or "none"


_watched: list[Recorder] = []


def _watch(recorder: Recorder) -> None:
    if all(watched is not recorder for watched in _watched):
        _watched.append(recorder)


def verify_expectations() -> list[str]:
    """Every unmet expectation of the recorders told to expect something since the last call.
    The expectations are then forgotten, so a recorder can serve the next test afresh (the
    `expected_requests` fixture calls this after each test)."""
    recorders = list(_watched)
    _watched.clear()
    problems = []
    for recorder in recorders:
        problems.extend(recorder.unmet())
        recorder.expectations.clear()
        recorder.exclusive = False
    return problems


def mock_transport(handler: Handler) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        url = urlsplit(str(request.url))
        fake = FakeRequest(
            request.method,
            url.path,
            parse_qs(url.query, keep_blank_values=True),
            {k.lower(): v for k, v in request.headers.items()},
            request.read(),
        )
        response = handler(fake)
        return httpx.Response(response.status, headers=response.headers, content=response.body)

    return httpx.MockTransport(handle)


class FakeServer:
    """A real HTTP server for `handler` on 127.0.0.1; `latency` seconds are added to each request."""

    def __init__(self, handler: Handler, latency: float = 0.0) -> None:
        self.recorder = handler if isinstance(handler, Recorder) else Recorder(handler)
        self.latency = latency
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: without this, each keep-alive
            # request stalls on a delayed ACK (about 40 ms).
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = FakeRequest(
                    self.command,
                    url.path,
                    parse_qs(url.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                if server.latency:
                    time.sleep(server.latency)
                try:
                    response = server.recorder(request)
                except Exception:  # noqa: BLE001 - a broken fake must show its traceback
                    traceback.print_exc()
                    response = FakeResponse(599, b"fake server crashed")
                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                self.wfile.write(response.body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.timeout = 0  # handle_request() never blocks: the loop below waits
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # serve_forever() only notices shutdown() when its poll times out; a wake-up socket
        # stops the loop at once, so a test pays nothing for each server it starts.
        self._wake, self._waker = socket.socketpair()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def requests(self) -> list[FakeRequest]:
        return self.recorder.requests

    def expect(self, method: str, path: str, times: int | None = 1) -> None:
        """See `Recorder.expect`."""
        self.recorder.expect(method, path, times)

    def expect_nothing_else(self) -> None:
        """See `Recorder.expect_nothing_else`."""
        self.recorder.expect_nothing_else()

    def _serve(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._httpd, selectors.EVENT_READ)
            selector.register(self._wake, selectors.EVENT_READ)
            while True:
                ready = {key.fileobj for key, _ in selector.select()}
                if self._wake in ready:
                    return
                self._httpd.handle_request()  # the listening socket is readable: accept at once

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._waker.send(b"\0")
        self._thread.join()
        self._httpd.server_close()
        self._wake.close()
        self._waker.close()


def closed_port_url() -> str:
    """A URL where nothing listens: connections are refused."""
    return f"http://127.0.0.1:{_unused_port()}"


@cache
def _unused_port() -> int:
    # The socket stays bound (never listening) for the whole run, so no server started later,
    # in this process or another, can take the port: connecting is always refused.
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    _held.append(holder)
    port: int = holder.getsockname()[1]
    return port


_held: list[socket.socket] = []
