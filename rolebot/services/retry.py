"""The retry policy every service client follows, and the one loop that applies it.

429 waits as `Retry-After` says (capped); 5xx and connection errors back off
exponentially with jitter, bounded by `attempts`. A failure the client marks as a
**rate limit counted per minute** (`Retry.rate_limited`: Google's, which are sliding
windows) is bounded by time instead: it backs off for up to `rate_limit_patience`
seconds in total (a minute) before giving up, however many tries that takes. No HTTP
library is imported here: each client decides what a failure means, this module only
how long to wait and when to stop.

`RetryPolicy.run` is the loop. An attempt either returns its result (done), returns a
`Retry` (try again after `wait` seconds; `failure` is what to raise if no try is left),
or raises (a failure that retrying cannot mend). Whether another try is allowed, and
after how long, is `RetryPolicy.next_wait` given the `Tries` so far: the loop asks it,
and so do Google's batches, which requeue their failed items themselves, each item
keeping its own `Tries`.
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
    rate_limited: bool = False
    """A rate limit counted per minute: bounded by `rate_limit_patience`, not by `attempts`."""


@dataclass(frozen=True)
class Tries:
    """How far retrying one thing has gone."""

    made: int = 1
    """Tries made so far (the next one's number, minus one)."""
    failed: int = 0
    """Tries that failed other than on a rate limit: bounded by `attempts`."""
    limited: float = 0.0
    """Seconds waited so far because of rate limits: bounded by `rate_limit_patience`."""

    def after(self, waited: float, *, rate_limited: bool) -> Tries:
        """The count once a try has failed and `waited` seconds have passed."""
        if rate_limited:
            return Tries(self.made + 1, self.failed, self.limited + waited)
        return Tries(self.made + 1, self.failed + 1, self.limited)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    retry_after_cap: float = 60.0
    rate_limit_patience: float = 60.0
    """Seconds to keep backing off, in total, while a per-minute rate limit lasts."""
    rate_limit_delay: float = 2.0
    """The first backoff on such a rate limit (then doubling, with jitter)."""

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"a retry policy needs at least one attempt, not {self.attempts}")

    def backoff(self, attempt: int) -> float:
        """Delay before retry number `attempt` (1-based): exponential, capped, with jitter."""
        delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return float(delay * (0.5 + random.random() / 2))  # noqa: S311 - jitter, not cryptography

    def rate_limit_backoff(self, attempt: int) -> float:
        """Delay before retry number `attempt` after a per-minute rate limit: longer than
        `backoff` (the window takes up to a minute to slide), doubling, with jitter."""
        delay = min(self.rate_limit_patience, self.rate_limit_delay * 2 ** (attempt - 1))
        return float(delay * (0.5 + random.random() / 2))  # noqa: S311 - jitter, not cryptography

    def next_wait(self, tries: Tries, wait: float, *, rate_limited: bool = False) -> float | None:
        """How long to wait before trying again after `tries`, the last of which asked for
        `wait` seconds; None when no try is left. Waits on rate limits stop at the patience:
        the last one is shortened to end there, and each counts at least `base_delay`."""
        if not rate_limited:
            return wait if tries.failed + 1 < self.attempts else None
        left = self.rate_limit_patience - tries.limited
        if left < self.base_delay:
            return None
        return min(max(wait, self.base_delay), left)

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
        `Retry` asks in between; when `next_wait` allows no more, raise the last `Retry.failure`."""
        tries = Tries()
        while True:
            outcome = try_once(tries.made)
            if not isinstance(outcome, Retry):
                return outcome
            wait = self.next_wait(tries, outcome.wait, rate_limited=outcome.rate_limited)
            if wait is None:
                raise outcome.failure
            sleep(wait)
            tries = tries.after(wait, rate_limited=outcome.rate_limited)


DEFAULT_POLICY = RetryPolicy()
