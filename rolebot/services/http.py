"""The one place that imports httpx: a small client with timeouts, retries and call logging.

Retries follow `rolebot.services.retry.RetryPolicy`. Responses other than 429 and 5xx
are returned to the service client, which maps them to a message that names the fix.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from rolebot.errors import ServiceError
from rolebot.services.retry import DEFAULT_POLICY, Log, Retry, RetryPolicy, Sleep

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class HttpClient:
    """httpx.Client with rolebot's retry policy. Thread-safe, like httpx.Client itself."""

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
    ) -> None:
        self.service = service
        self.url_setting = url_setting
        self.policy = policy
        self._sleep = sleep
        self._log = log
        self._host = urlsplit(base_url).netloc or base_url
        self._client = httpx.Client(
            base_url=base_url,
            headers=dict(headers),
            timeout=TIMEOUT,
            transport=transport,
            follow_redirects=False,
        )
        self._counter = itertools.count(1)
        self.requests = 0

    def close(self) -> None:
        self._client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        retry_unsent_only: bool = False,
        rate_limited: Callable[[httpx.Response], str | None] | None = None,
    ) -> httpx.Response:
        """Send a request, retrying what is safe to retry.

        With `retry_unsent_only` (for writes that must not happen twice) only failures
        where the server certainly did nothing are retried: 429 and failed connections.
        `rate_limited` recognises rate limiting a service reports another way than 429
        (Slack's HTTP 200 `"error": "ratelimited"`) and returns its code; it is retried
        the same way.
        """

        def try_once(attempt: int) -> httpx.Response | Retry:
            started = time.monotonic()
            try:
                self.requests = next(self._counter)
                response = self._client.request(method, path, params=params, json=json)
            except httpx.TransportError as exc:
                self._note(f"{method} {path} failed: {type(exc).__name__} ({_ms(started)} ms)")
                unsent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                problem = "cannot reach" if unsent else "no answer from"
                failure = ServiceError(
                    self.service,
                    f"{problem} {self._host} ({_transport_reason(exc)}) after {attempt} tries",
                    f"check the network, or {self.url_setting} if you set it; re-running is safe",
                )
                if retry_unsent_only and not unsent:
                    raise failure from None
                return Retry(self.policy.backoff(attempt), failure)
            self._note(f"{method} {path} {response.status_code} ({_ms(started)} ms)")
            limited = "HTTP 429" if response.status_code == 429 else None
            if limited is None and rate_limited is not None and (code := rate_limited(response)):
                limited = f"{path}: {code}"
            if limited is not None:
                failure = ServiceError(
                    self.service,
                    f"rate limit hit and still in force after {attempt} tries ({limited})",
                    "wait a few minutes and run the command again; re-running is safe",
                )
                return Retry(self.policy.retry_after(response.headers.get("Retry-After"), attempt), failure)
            if response.status_code >= 500 and not retry_unsent_only:
                failure = ServiceError(
                    self.service,
                    f"the service is failing (HTTP {response.status_code}, {attempt} tries)",
                    "try again later; re-running is safe",
                )
                return Retry(self.policy.backoff(attempt), failure)
            return response

        return self.policy.run(try_once, self._sleep)

    def _note(self, line: str) -> None:
        if self._log is not None:
            self._log(f"{self.service}: {line}")


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _transport_reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return "connection failed"
    return type(exc).__name__


def json_body(response: httpx.Response) -> Any:
    """The JSON body, or None if there is none or it is not JSON (an HTML error page, say)."""
    try:
        return response.json()
    except ValueError:
        return None
