"""The one retry loop: `RetryPolicy.run`, driven by what each attempt returns."""

from __future__ import annotations

import pytest

from rolebot.errors import ServiceError
from rolebot.services.retry import Retry, RetryPolicy, Tries
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


def test_a_per_minute_rate_limit_is_waited_out_for_a_minute_in_all_not_a_number_of_tries(sleeps: Sleeps) -> None:
    policy = RetryPolicy(attempts=5, rate_limit_patience=60.0)
    tries: list[int] = []

    def try_once(attempt: int) -> Retry:
        tries.append(attempt)
        return Retry(policy.rate_limit_backoff(attempt), give_up(attempt), rate_limited=True)

    with pytest.raises(ServiceError) as caught:
        policy.run(try_once, sleeps)
    assert sum(sleeps.calls) == pytest.approx(60.0)  # the last wait is shortened to end at the minute
    assert len(tries) == len(sleeps.calls) + 1 > 5  # more tries than `attempts`: time bounds them
    assert str(caught.value) == f"Test: still failing after {len(tries)} tries — try again later"
    assert 1.0 <= sleeps.calls[0] <= 2.0


def test_rate_limit_backoff_doubles_from_its_own_delay_with_jitter() -> None:
    policy = RetryPolicy(rate_limit_delay=2.0, rate_limit_patience=60.0)
    for attempt, (low, high) in enumerate([(1, 2), (2, 4), (4, 8), (8, 16), (16, 32), (30, 60), (30, 60)], 1):
        assert low <= policy.rate_limit_backoff(attempt) <= high


def test_rate_limits_and_other_failures_each_keep_their_own_bound(sleeps: Sleeps) -> None:
    """Rate-limited tries do not use up the tries a 5xx is allowed, and the other way round."""
    outcomes = iter([True, False, True, False, True, False, False, False, False])

    def try_once(attempt: int) -> str | Retry:
        limited = next(outcomes, None)
        if limited is None:
            return "done"
        return Retry(10.0 if limited else 1.0, give_up(attempt), rate_limited=limited)

    with pytest.raises(ServiceError, match="still failing after 8 tries"):
        RetryPolicy(attempts=5).run(try_once, sleeps)
    # Three rate limits (10 s each) and four 5xx waits; the fifth 5xx is one too many.
    assert sleeps.calls == [10.0, 1.0, 10.0, 1.0, 10.0, 1.0, 1.0]


def test_a_retry_after_of_zero_still_uses_up_the_patience(sleeps: Sleeps) -> None:
    policy = RetryPolicy(base_delay=0.5, rate_limit_patience=3.0)
    with pytest.raises(ServiceError):
        policy.run(lambda attempt: Retry(0.0, give_up(attempt), rate_limited=True), sleeps)
    assert sleeps.calls == [0.5] * 6


def test_next_wait_says_when_no_try_is_left() -> None:
    policy = RetryPolicy(attempts=2, rate_limit_patience=60.0)
    assert policy.next_wait(Tries(), 1.0) == 1.0
    assert policy.next_wait(Tries(made=2, failed=1), 1.0) is None
    assert policy.next_wait(Tries(made=9, failed=1, limited=50.0), 30.0, rate_limited=True) == 10.0
    assert policy.next_wait(Tries(made=10, failed=1, limited=60.0), 30.0, rate_limited=True) is None
