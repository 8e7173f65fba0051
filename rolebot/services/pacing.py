"""When a rate-limited key (a Slack method, one channel's posts) may next be used, shared by every thread.

Two rules, both the service's:

* **spacing** — a minimum interval between the starts of two calls with one key (Slack's
  `chat.postMessage`: about one message a second per channel). Each call claims the next free
  slot under a lock and then sleeps until it, so concurrent callers queue up instead of
  bursting together.
* **holds** — after a 429 the service said when to come back: no other call with that key
  starts before then. The call that got the 429 waits in its own retry loop
  (`rolebot.services.retry`), so a hold applies to every thread but the one that set it.

No HTTP here: `rolebot.services.http.HttpClient` calls `enter` before each attempt and `hold`
on a 429.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from rolebot.services.retry import Sleep

Clock = Callable[[], float]


@dataclass(frozen=True)
class Pace:
    """The key a call is paced by, and the least interval between two calls with it (seconds)."""

    key: str
    every: float = 0.0


class Gate:
    def __init__(self, clock: Clock = time.monotonic, sleep: Sleep = time.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._held: dict[str, tuple[float, int]] = {}

    def enter(self, pace: Pace) -> None:
        """Wait until `pace.key` may be used, and claim that moment."""
        me = threading.get_ident()
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(pace.key, now))
            until, holder = self._held.get(pace.key, (now, me))
            if holder != me:
                start = max(start, until)
            self._next[pace.key] = start + pace.every
        if start > now:
            self._sleep(start - now)

    def hold(self, key: str, seconds: float) -> None:
        """Nobody else uses `key` for `seconds` (the service asked for that wait)."""
        with self._lock:
            until = self._clock() + seconds
            current, _ = self._held.get(key, (until, 0))
            if until >= current:
                self._held[key] = (until, threading.get_ident())
