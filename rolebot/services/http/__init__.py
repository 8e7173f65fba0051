"""The one package that imports httpx: a small client with bounded requests, retries and call logging.

Every request is bounded three ways:

* **time** — a request may take `timeout` seconds in all (connecting, sending, and reading the
  whole answer), and never runs past the command's `Deadline`. httpx's own timeouts apply to
  each socket operation, so a server trickling a byte every few seconds would never trip them:
  rolebot's connections read through a network backend that shortens every socket wait to what
  is left of the request's time (`rolebot.services.http.transport`). A retry whose wait would
  end after the command's deadline is not waited for.
* **size** — an answer is read as a stream and dropped once it passes `max_body` bytes (a
  Content-Length over the limit is refused before reading).
* **tries** — retries follow `rolebot.services.retry.RetryPolicy`; a `Pace` spaces calls out
  and makes every thread respect a 429's `Retry-After` (`rolebot.services.pacing`).

Responses other than 429 and 5xx are returned to the service client, which maps them to a
message that names the fix. Every client of the process shares one SSL context: loading the CA
certificates costs tens of milliseconds each time.
"""

from __future__ import annotations

import itertools
import json as jsonlib
import ssl
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Required, TypedDict
from urllib.parse import urlsplit

from rolebot.errors import NotSent, ServiceError
from rolebot.services.pacing import Clock, Gate, Pace
from rolebot.services.retry import DEFAULT_POLICY, Log, Retry, RetryPolicy, Sleep

# httpx imports its command-line client (`httpx._main`: click, rich.syntax, pygments) whenever
# those happen to be installed: over 100 ms of CPU that rolebot never uses. A None entry in
# sys.modules makes that optional import fail at once, which httpx expects and handles.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx  # noqa: E402 - after the line above

from rolebot.services.http.transport import BoundedTransport, bounded, proxied, ssl_context  # noqa: E402

__all__ = ["Answer", "HttpClient", "Reach", "parse_json", "ssl_context"]

if TYPE_CHECKING:
    from rolebot.deadline import Deadline

REQUEST_SECONDS = 30.0
"""The longest one request may take, whole: connecting, sending and reading the answer."""
CONNECT_SECONDS = 10.0
MAX_BODY = 32 * 1024 * 1024
"""The largest answer read (32 MiB): a 1,000-user Slack page is about 2 MB."""


class Reach(TypedDict, total=False):
    """How a client reaches its service, the same for every service's `connect`: passed through
    to `HttpClient` (a transport for tests, the waits, the log, the command's deadline)."""

    sleep: Required[Sleep]
    log: Required[Log | None]
    deadline: Deadline | None
    transport: httpx.BaseTransport | None
    clock: Clock


@dataclass(frozen=True)
class Answer:
    """A response read whole (within the size limit), its JSON parsed once."""

    status: int
    headers: httpx.Headers
    body: Any
    """The parsed JSON; None when the body is empty or not JSON (an HTML error page, say)."""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def reason_phrase(self) -> str:
        """The standard reason for the status ("Not Found"), or "" for one without."""
        return httpx.codes.get_reason_phrase(self.status)

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "no content type").split(";")[0].strip()


class HttpClient:
    """httpx.Client with rolebot's bounds and retry policy. Thread-safe, like httpx.Client itself."""

    def __init__(
        self,
        service: str,
        base_url: str,
        headers: Mapping[str, str],
        *,
        url_setting: str,
        transport: httpx.BaseTransport | None = None,
        policy: RetryPolicy = DEFAULT_POLICY,
        sleep: Sleep = time.sleep,
        log: Log | None = None,
        deadline: Deadline | None = None,
        timeout: float = REQUEST_SECONDS,
        max_body: int = MAX_BODY,
        clock: Clock = time.monotonic,
    ) -> None:
        self.service = service
        self.url_setting = url_setting
        self.policy = policy
        self.deadline = deadline
        self.timeout = timeout
        self.max_body = max_body
        self._sleep = sleep
        self._log = log
        self._gate = Gate(clock, sleep)
        self.host = urlsplit(base_url).netloc or base_url
        """The service's host (or the URL, if it names none), as messages show it."""
        verify: ssl.SSLContext | bool = True  # used only by a transport httpx builds itself
        if transport is None and proxied(base_url):
            verify = ssl_context()  # httpx's transports, through the proxy: reads bounded between chunks only
        elif transport is None:
            # Every socket wait bounded. Plain http (a local fake) needs no SSL context.
            transport = BoundedTransport(ssl_context() if urlsplit(base_url).scheme == "https" else None)
        self._client = httpx.Client(
            base_url=base_url, headers=dict(headers), verify=verify, transport=transport, follow_redirects=False
        )
        self._counter = itertools.count(1)
        self.requests = 0

    def close(self) -> None:
        self._client.close()

    def request_json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        json: Any = None,
        retry_unsent_only: bool = False,
        rate_limited: Callable[[Answer], str | None] | None = None,
        pace: Pace | None = None,
    ) -> Answer:
        """Send a request, retrying what is safe to retry; the answer is read whole and its JSON
        parsed once.

        `params` go in the query string, `data` in a form body, `json` in a JSON body. With
        `retry_unsent_only` (for writes that must not happen twice) only failures where the
        server certainly did nothing are retried: 429 and failed connections. `rate_limited`
        recognises rate limiting a service reports another way than 429 (in the parsed answer)
        and returns its code; it is retried the same way. `pace` spaces calls with one key and
        shares 429 holds.
        """
        doing = f"waiting for {self.service} ({method} {path})"

        def try_once(attempt: int) -> Answer | Retry:
            if pace is not None:
                self._gate.enter(pace)
            budget = self.deadline.timeout(self.timeout, doing) if self.deadline else self.timeout
            started = time.monotonic()
            try:
                self.requests = next(self._counter)
                response = self._send(method, path, params, data, json, budget)
            except httpx.TransportError as exc:
                self._note(f"{method} {path} failed: {type(exc).__name__} ({_ms(started)} ms)")
                if self.deadline is not None:
                    self.deadline.check(doing)  # the command's time ran out during this request
                unsent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                problem = "cannot reach" if unsent else "no answer from"
                failure = (NotSent if unsent else ServiceError)(
                    self.service,
                    f"{problem} {self.host} ({_transport_reason(exc, budget)}) after {attempt} tries",
                    f"check the network, or {self.url_setting} if you set it; re-running is safe",
                )
                if retry_unsent_only and not unsent:
                    raise failure from None
                return self._retry(self.policy.backoff(attempt), failure)
            self._note(f"{method} {path} {response.status_code} ({_ms(started)} ms)")
            result = Answer(response.status_code, response.headers, parse_json(response.content))
            limited = "HTTP 429" if response.status_code == 429 else None
            if limited is None and rate_limited is not None and (code := rate_limited(result)):
                limited = f"{path}: {code}"
            if limited is not None:
                failure = NotSent(
                    self.service,
                    f"rate limit hit and still in force after {attempt} tries ({limited})",
                    "wait a few minutes and run the command again; re-running is safe",
                )
                wait = self.policy.retry_after(response.headers.get("Retry-After"), attempt)
                if pace is not None:
                    self._gate.hold(pace.key, wait)
                return self._retry(wait, failure)
            if response.status_code >= 500 and not retry_unsent_only:
                failure = ServiceError(
                    self.service,
                    f"the service is failing (HTTP {response.status_code}, {attempt} tries)",
                    "try again later; re-running is safe",
                )
                return self._retry(self.policy.backoff(attempt), failure)
            return result

        return self.policy.run(try_once, self._sleep)

    def _retry(self, wait: float, failure: ServiceError) -> Retry:
        """Try again after `wait` — unless that wait would outlast the command's deadline."""
        if self.deadline is not None and wait >= self.deadline.remaining():
            raise failure
        return Retry(wait, failure)

    def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        json: Any,
        budget: float,
    ) -> httpx.Response:
        """One exchange within `budget` seconds; the answer read whole, at most `max_body` bytes."""
        timeout = httpx.Timeout(budget, connect=min(CONNECT_SECONDS, budget))
        request = self._client.build_request(method, path, params=params, data=data, json=json, timeout=timeout)
        ends = time.monotonic() + budget
        with bounded(ends):
            response = self._client.send(request, stream=True)
            try:
                content = self._read_body(response, ends, f"{method} {path}")
            finally:
                response.close()
        # The content is decoded already: the new response must not decode it again.
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _SPENT_HEADERS]
        return httpx.Response(response.status_code, headers=headers, content=content, request=request)

    def _read_body(self, response: httpx.Response, ends: float, what: str) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            raise self._too_large(what, f"announced {_mib(int(declared))}")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_body:
                raise self._too_large(what, "still coming")
            chunks.append(chunk)
            if time.monotonic() > ends:  # a transport rolebot does not bound (a proxy, a test's)
                raise httpx.ReadTimeout("the answer took longer than the request may", request=response.request)
        return b"".join(chunks)

    def _too_large(self, what: str, how: str) -> ServiceError:
        return ServiceError(
            self.service,
            f"the answer to {what} is larger than rolebot reads ({_mib(self.max_body)}; {how}), so it stopped reading",
            f"check {self.url_setting} if you set it; otherwise this is {self.service} misbehaving: try again later",
        )

    def _note(self, line: str) -> None:
        if self._log is not None:
            self._log(f"{self.service}: {line}")


_SPENT_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB" if size >= 2**20 else f"{size:,} bytes"


def _transport_reason(exc: httpx.TransportError, budget: float) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "timed out"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out: no whole answer within {budget:g} s"
    if isinstance(exc, httpx.ConnectError):
        return "connection failed"
    return type(exc).__name__


def parse_json(content: bytes) -> Any:
    """JSON from a body, or None if there is none or it is not JSON (or is nested absurdly deep)."""
    if not content:
        return None
    try:
        return jsonlib.loads(content)
    except (ValueError, RecursionError):
        return None
