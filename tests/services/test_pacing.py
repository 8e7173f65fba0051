"""The gate that spaces calls with one key and holds them after a 429 (`rolebot.services.pacing`)."""

from __future__ import annotations

import threading

import pytest

from rolebot.services.pacing import Gate, Pace
from tests.fakes.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_calls_with_one_key_are_spaced_and_other_keys_are_not(clock: FakeClock) -> None:
    gate = Gate(clock, clock.sleep)
    posts = Pace("chat.postMessage C1", every=1.0)
    for _ in range(3):
        gate.enter(posts)
        gate.enter(Pace("chat.postMessage C2", every=1.0))
        gate.enter(Pace("users.info"))
    assert clock.sleeps == [1.0, 1.0]  # C1's second and third post; C2's fall in the same seconds


def test_a_call_that_comes_late_enough_does_not_wait(clock: FakeClock) -> None:
    gate = Gate(clock, clock.sleep)
    gate.enter(Pace("k", every=1.0))
    clock.now += 5
    gate.enter(Pace("k", every=1.0))
    assert clock.sleeps == []


def test_concurrent_callers_queue_for_successive_slots() -> None:
    sleeps: list[float] = []
    lock = threading.Lock()

    def record(seconds: float) -> None:
        with lock:
            sleeps.append(seconds)

    gate = Gate(lambda: 0.0, record)
    threads = [threading.Thread(target=gate.enter, args=(Pace("k", every=1.0),)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sleeps) == [1.0, 2.0, 3.0]


def test_a_hold_stops_every_other_thread_until_it_ends_but_not_the_one_that_set_it(clock: FakeClock) -> None:
    gate = Gate(clock, clock.sleep)
    gate.hold("users.info", 30)
    gate.enter(Pace("users.info"))  # the holder waits in its own retry loop, not here
    assert clock.sleeps == []

    other = threading.Thread(target=gate.enter, args=(Pace("users.info"),))
    other.start()
    other.join()
    assert clock.sleeps == [30]
    gate.enter(Pace("users.list"))
    assert clock.sleeps == [30]


def test_a_shorter_hold_never_shortens_a_longer_one(clock: FakeClock) -> None:
    gate = Gate(clock, clock.sleep)
    gate.hold("k", 30)
    gate.hold("k", 5)
    waiter = threading.Thread(target=gate.enter, args=(Pace("k"),))
    waiter.start()
    waiter.join()
    assert clock.sleeps == [30]
