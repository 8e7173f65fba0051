"""The one retry loop: `RetryPolicy.run`, driven by what each attempt returns."""

from __future__ import annotations

import pytest

from rolebot.errors import ServiceError
from rolebot.services.retry import Retry, RetryPolicy
from tests.conftest import Sleeps


def give_up(attempt: int) -> ServiceError:
    return ServiceError("Test", f"still failing after {attempt} tries", "try again later")


def test_a_result_ends_the_loop_after_the_waits_the_retries_asked_for(sleeps: Sleeps) -> None:
    attempts: list[int] = []

    def try_once(attempt: int) -> str | Retry:
        attempts.append(attempt)
        return "done" if attempt == 3 else Retry(attempt * 1.5, give_up(attempt))

    assert RetryPolicy(attempts=5).run(try_once, sleeps) == "done"
    assert attempts == [1, 2, 3]
    assert sleeps.calls == [1.5, 3.0]


def test_after_the_last_attempt_its_failure_is_raised_without_a_last_wait(sleeps: Sleeps) -> None:
    with pytest.raises(ServiceError, match="still failing after 3 tries"):
        RetryPolicy(attempts=3).run(lambda attempt: Retry(2.0, give_up(attempt)), sleeps)
    assert sleeps.calls == [2.0, 2.0]


def test_an_attempt_that_raises_ends_the_loop_at_once(sleeps: Sleeps) -> None:
    def try_once(attempt: int) -> Retry:
        if attempt == 2:
            raise ServiceError("Test", "refused", "fix it")
        return Retry(1.0, give_up(attempt))

    with pytest.raises(ServiceError, match="refused"):
        RetryPolicy(attempts=5).run(try_once, sleeps)
    assert sleeps.calls == [1.0]


def test_a_policy_allows_at_least_one_attempt() -> None:
    with pytest.raises(ValueError, match="at least one attempt"):
        RetryPolicy(attempts=0)


def test_retry_after_is_honoured_and_capped_and_backoff_grows_with_jitter() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=8.0, retry_after_cap=60.0)
    assert policy.retry_after("7", 1) == 7.0
    assert policy.retry_after("3600", 1) == 60.0
    assert 0.25 <= policy.retry_after(None, 1) <= 0.5  # no header: the backoff
    assert 2.0 <= policy.backoff(4) <= 4.0
    assert 4.0 <= policy.backoff(10) <= 8.0  # capped
