"""How rolebot's httpx clients connect: one SSL context per process, environment proxies, and
connections whose every socket wait ends with the request (`bounded`).

httpx's timeouts apply to each socket operation, so a server trickling a byte every few seconds
never trips them. Here each read, write and connect waits at most what is left of the current
request's time, set by `bounded(ends)` around a request; past it, the wait fails as a timeout
that httpx maps like any other.
"""

from __future__ import annotations

import ssl
import threading
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

# --- one SSL context per process -----------------------------------------------------------------

_ssl_lock = threading.Lock()
_ssl_context: ssl.SSLContext | None = None


def ssl_context() -> ssl.SSLContext:
    """The SSL context every live client shares (httpx's defaults: certifi, or SSL_CERT_FILE/DIR)."""
    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            _ssl_context = httpx.create_ssl_context()
        return _ssl_context


def proxied(url: str) -> bool:
    """Whether the environment sends `url` through a proxy (HTTPS_PROXY and friends, NO_PROXY)."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    return bool({parts.scheme, "all"} & proxies.keys()) and not urllib.request.proxy_bypass(parts.hostname or "")


# --- socket waits that end with the request ------------------------------------------------------

_REQUEST_ENDS: ContextVar[float | None] = ContextVar("rolebot_request_ends", default=None)
"""When the request this thread is making must be over (time.monotonic), if any."""


@contextmanager
def bounded(ends: float) -> Iterator[None]:
    """Every socket wait in the block ends by `ends` (time.monotonic)."""
    token = _REQUEST_ENDS.set(ends)
    try:
        yield
    finally:
        _REQUEST_ENDS.reset(token)


def _left(timeout: float | None, late: type[Exception]) -> float | None:
    """A socket wait, cut to what is left of the current request's time."""
    ends = _REQUEST_ENDS.get()
    if ends is None:
        return timeout
    left = ends - time.monotonic()
    if left <= 0:
        raise late("the request ran out of time")
    return left if timeout is None else min(timeout, left)


class _BoundedStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        tls = self._stream.start_tls(ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout))
        return _BoundedStream(tls)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


SocketOptions = Iterable[Any]


class _BoundedBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: SocketOptions | None = None,
    ) -> httpcore.NetworkStream:
        wait = _left(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(self._backend.connect_tcp(host, port, wait, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: SocketOptions | None = None
    ) -> httpcore.NetworkStream:
        wait = _left(timeout, httpcore.ConnectTimeout)
        return _BoundedStream(self._backend.connect_unix_socket(path, wait, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class BoundedTransport(httpx.HTTPTransport):
    """httpx's transport (its request, response and error mapping) over a pool of connections
    that read through `_BoundedBackend`.

    httpx offers no way to give its pool a network backend, and `HTTPTransport.__init__` does
    nothing but build that pool (and an SSL context for it): so this builds the same pool, with
    httpx's default limits and the backend, in its place. tests/services/test_http.py's
    trickling servers fail if it is ever not the one used.
    """

    def __init__(self, context: ssl.SSLContext | None) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_BoundedBackend(),
        )
