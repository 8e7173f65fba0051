"""A server that answers, but slowly: a byte at a time, `pause` seconds apart.

Every request gets a complete, valid HTTP answer (so a client that waited long enough would
succeed): the status line and headers, then `body`. With `headers_too`, the status line and
headers trickle as well; otherwise they come at once and only the body trickles. Per-read
socket timeouts never fire on such a server: only a bound on the whole request ends it.
"""

from __future__ import annotations

import socket
import threading


class TricklingServer:
    def __init__(self, body: bytes, pause: float, *, headers_too: bool = False) -> None:
        self.body = body
        self.pause = pause
        self.headers_too = headers_too
        self.requests = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._lock = threading.Lock()

    def __enter__(self) -> TricklingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            received = b""
            while b"\r\n\r\n" not in received:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                received += chunk
            with self._lock:
                self.requests += 1
            head = (
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\n"
                + f"Content-Length: {len(self.body)}\r\n\r\n".encode()
            )
            slow = head + self.body if self.headers_too else self.body
            try:
                if not self.headers_too:
                    connection.sendall(head)
                for offset in range(len(slow)):
                    if self._stop.wait(self.pause):
                        return
                    connection.sendall(slow[offset : offset + 1])
            except OSError:  # the client gave up: good
                return
