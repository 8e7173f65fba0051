"""Slack's rate limits, for a fake that enforces them when asked (`FakeSlack.limit_rates`).

Per method and token, a sliding minute holds at most the tier's calls (Tier 2: 20, Tier 4: 100);
`chat.postMessage` takes one message a second per channel. A call over the limit gets HTTP 429
with `Retry-After`: the whole seconds until it would have been allowed. Time comes from a clock
the test controls, so a client that waits as asked (on the same clock) is never refused.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict, deque
from collections.abc import Callable

TIER_2 = 20
TIER_4 = 100
PER_MINUTE = {
    "usergroups.list": TIER_2,
    "usergroups.users.list": TIER_2,
    "users.list": TIER_2,
    "usergroups.users.update": TIER_2,
    "users.info": TIER_4,
    "auth.test": TIER_4,
}
POST_INTERVAL = 1.0


class RateLimits:
    def __init__(self, clock: Callable[[], float], per_minute: dict[str, int] | None = None) -> None:
        self.clock = clock
        self.per_minute = dict(PER_MINUTE if per_minute is None else per_minute)
        self._lock = threading.Lock()
        self._calls: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._last_post: dict[tuple[str, str], float] = {}
        self.refused: list[str] = []
        """Every call refused with a 429, by method."""

    def admit(self, token: str, method: str, channel: str | None) -> int | None:
        """None when the call may go ahead (and it is counted); otherwise the seconds to wait."""
        with self._lock:
            now = self.clock()
            wait = (
                self._post_wait(token, channel, now)
                if method == "chat.postMessage"
                else self._tier_wait(token, method, now)
            )
            if wait is not None:
                self.refused.append(method)
            return wait

    def _post_wait(self, token: str, channel: str | None, now: float) -> int | None:
        key = (token, channel or "")
        last = self._last_post.get(key)
        if last is not None and now - last < POST_INTERVAL:
            return max(1, math.ceil(POST_INTERVAL - (now - last)))
        self._last_post[key] = now
        return None

    def _tier_wait(self, token: str, method: str, now: float) -> int | None:
        limit = self.per_minute.get(method)
        if limit is None:
            return None
        window = self._calls[(token, method)]
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= limit:
            return max(1, math.ceil(window[0] + 60 - now))
        window.append(now)
        return None
