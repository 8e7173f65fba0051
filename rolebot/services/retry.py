"""The retry policy every service client follows, and the one loop that applies it.

429 waits as `Retry-After` says (capped); 5xx and connection errors back off
exponentially with jitter; everything is bounded by `attempts`. No HTTP library is
imported here: each client decides what a failure means, this module only how long to
wait and when to stop.

`RetryPolicy.run` is the loop. An attempt either returns its result (done), returns a
`Retry` (try again after `wait` seconds; `failure` is what to raise if no try is left),
or raises (a failure that retrying cannot mend). Google's batches requeue their failed
items themselves, with the same policy's delays and bound.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TypeVar

Sleep = Callable[[float], None]
Log = Callable[[str], None]
T = TypeVar("T")


@dataclass(frozen=True)
class Retry:
    """What an attempt returns when trying again may help."""

    wait: float
    """Seconds to wait before the next try."""
    failure: Exception
    """The error to raise if that was the last try (it may name the number of tries)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    retry_after_cap: float = 60.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"a retry policy needs at least one attempt, not {self.attempts}")

    def backoff(self, attempt: int) -> float:
        """Delay before retry number `attempt` (1-based): exponential, capped, with jitter."""
        delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return float(delay * (0.5 + random.random() / 2))  # noqa: S311 - jitter, not cryptography

    def retry_after(self, header: str | None, attempt: int) -> float:
        """How long a 429 asks us to wait: `Retry-After` seconds or HTTP date, capped.

        Without a usable header, the backoff for `attempt`."""
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

    def run(self, try_once: Callable[[int], T | Retry], sleep: Sleep) -> T:
        """Call `try_once(1)`, `try_once(2)`, … until one returns a result, sleeping as each
        `Retry` asks in between; after `attempts` tries, raise the last `Retry.failure`."""
        for attempt in range(1, self.attempts + 1):
            outcome = try_once(attempt)
            if not isinstance(outcome, Retry):
                return outcome
            if attempt == self.attempts:
                raise outcome.failure
            sleep(outcome.wait)
        raise AssertionError("unreachable")  # pragma: no cover - __post_init__ allows no fewer than one try


DEFAULT_POLICY = RetryPolicy()
