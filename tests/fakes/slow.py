"""A raw HTTP server that misbehaves on purpose, on a real socket: for the bounds of
`rolebot.services.http` (the whole-request time limit and the answer size limit).

Each connection reads one request's head, then does what `behaviour` says until the client
hangs up or the server stops:

* `trickle-body` — a prompt 200 head announcing a large JSON body, then one byte every
  `interval` seconds;
* `trickle-head` — a status line, then one byte of a header every `interval` seconds;
* `huge-declared` — a 200 head with a Content-Length far over any limit, then bytes as fast
  as the socket takes them;
* `endless-chunked` — a 200 head with `Transfer-Encoding: chunked` (no length), then 64 KiB
  chunks as fast as the socket takes them.

`sent` counts the body bytes written, to show a client stopped reading.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable
from typing import Literal

Behaviour = Literal["trickle-body", "trickle-head", "huge-declared", "endless-chunked"]
CHUNK = 64 * 1024


class SlowServer:
    def __init__(self, behaviour: Behaviour, interval: float = 0.05, declared: int = 200 * 2**20) -> None:
        self.behaviour = behaviour
        self.interval = interval
        self.declared = declared
        self.sent = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        server = self

        class _Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                connection: socket.socket = self.request
                try:
                    _read_head(connection)
                    server._misbehave(connection)
                except OSError:
                    pass  # the client hung up: that is the point

        self._tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self._tcp.daemon_threads = True
        self.port = self._tcp.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # shutdown() waits for serve_forever() to notice it, at its next poll: a short poll keeps
        # each test from waiting most of one.
        self._thread = threading.Thread(target=self._tcp.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)

    def __enter__(self) -> SlowServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._tcp.shutdown()
        self._tcp.server_close()

    def _count(self, size: int) -> None:
        with self._lock:
            self.sent += size

    def _misbehave(self, connection: socket.socket) -> None:
        if self.behaviour == "trickle-head":
            connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not self._stopping.wait(self.interval):
                connection.sendall(b"z")
        elif self.behaviour == "trickle-body":
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
            connection.sendall(b"[")
            while not self._stopping.wait(self.interval):
                connection.sendall(b"0")
                self._count(1)
        elif self.behaviour == "huge-declared":
            head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {self.declared}\r\n\r\n"
            connection.sendall(head.encode())
            self._flood(connection, lambda block: block)
        else:
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            connection.sendall(head)
            self._flood(connection, lambda block: b"%x\r\n%s\r\n" % (len(block), block))

    def _flood(self, connection: socket.socket, frame: Callable[[bytes], bytes]) -> None:
        block = b" " * CHUNK
        framed = frame(block)
        while not self._stopping.is_set():
            connection.sendall(framed)
            self._count(len(block))


def _read_head(connection: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        received = connection.recv(4096)
        if not received:
            raise ConnectionResetError("the client hung up before its request was complete")
        data += received
