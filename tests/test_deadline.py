from __future__ import annotations

import pytest

from rolebot.deadline import Deadline
from rolebot.errors import BusyError, UsageError
from rolebot.settings import GlobalOptions, load_settings


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_request_never_waits_past_the_commands_deadline() -> None:
    clock = Clock()
    deadline = Deadline(60, clock)
    assert deadline.timeout(30, "listing events") == 30
    clock.now += 45
    assert deadline.timeout(30, "listing events") == 15
    clock.now += 15
    with pytest.raises(BusyError) as caught:
        deadline.timeout(30, "listing events")
    assert str(caught.value).startswith("the command ran out of time (60 s) while listing events — ")


@pytest.mark.parametrize(("value", "seconds"), [(None, 600.0), ("", 600.0), ("90", 90.0), ("2.5", 2.5)])
def test_rolebot_timeout_sets_the_commands_deadline(value: str | None, seconds: float) -> None:
    environ = {} if value is None else {"ROLEBOT_TIMEOUT": value}
    assert load_settings(GlobalOptions(), environ).timeout == seconds


@pytest.mark.parametrize("value", ["soon", "0", "-5", "1e9"])
def test_a_bad_rolebot_timeout_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError, match="ROLEBOT_TIMEOUT"):
        load_settings(GlobalOptions(), {"ROLEBOT_TIMEOUT": value})
