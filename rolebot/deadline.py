"""How long a whole command may take: one deadline shared by every request it makes.

Each request's timeout is the smaller of its own limit and what is left of the command's,
so a server that trickles a byte every few seconds, or a long run of retries, ends the
command with a clear error instead of keeping it waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rolebot.errors import BusyError

DEFAULT_SECONDS = 600.0
"""Ten minutes: far above a weekly run (seconds), far below a CI job's limit."""


class Deadline:
    def __init__(self, seconds: float = DEFAULT_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._ends = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self._ends - self._clock())

    def check(self, doing: str) -> None:
        """Raise if the command is out of time (call before starting something new)."""
        if self.remaining() <= 0:
            raise BusyError(
                f"the command ran out of time ({self.seconds:g} s) while {doing}",
                "a service is answering very slowly: try again later, or raise ROLEBOT_TIMEOUT (seconds)",
            )

    def timeout(self, limit: float, doing: str) -> float:
        """The timeout for one request: at most `limit`, never past the deadline."""
        self.check(doing)
        return min(limit, self.remaining())
