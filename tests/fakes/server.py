"""A tiny framework for fake HTTP services, usable two ways with the same handler:

* `FakeServer(handler)`: a real HTTP/1.1 server on 127.0.0.1 in a background thread, for
  clients that need a socket (googleapiclient/httplib2) and for end-to-end CLI runs that
  reach it through ROLEBOT_*_API_URL;
* `mock_transport(handler)`: an `httpx.MockTransport`, for fast tests of httpx clients.

A handler takes a `FakeRequest` and returns a `FakeResponse`. Every request is recorded.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class Recorder:
    """Keeps every request a fake received, in order."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[FakeRequest] = []
        self._lock = threading.Lock()

    def __call__(self, request: FakeRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
        return self.handler(request)


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
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def requests(self) -> list[FakeRequest]:
        return self.recorder.requests

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def closed_port_url() -> str:
    """A URL where nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
