"""The retry policy every service client follows (no HTTP library imported here).

429 waits as `Retry-After` says (capped); 5xx and connection errors back off
exponentially with jitter; everything is bounded by `attempts`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

Sleep = Callable[[float], None]
Log = Callable[[str], None]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    retry_after_cap: float = 60.0

    def backoff(self, attempt: int) -> float:
        """Delay before retry number `attempt` (1-based): exponential, capped, with jitter."""
        delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return float(delay * (0.5 + random.random() / 2))  # noqa: S311 - jitter, not cryptography

    def retry_after(self, header: str | None, attempt: int) -> float:
        """How long a 429 asks us to wait: `Retry-After` seconds or HTTP date, capped."""
        value = (header or "").strip()
        if value.isdigit():
            return min(float(value), self.retry_after_cap)
        if value:
            try:
                wait = parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                return self.backoff(attempt)
            return min(max(wait, 0.0), self.retry_after_cap)
        return self.backoff(attempt)


DEFAULT_POLICY = RetryPolicy()
