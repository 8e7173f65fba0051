"""The step engine on its own: lines in order, one error told once, the gate, writes together."""

import threading
from collections.abc import Callable

import pytest

from rolebot.errors import RolebotError, ServiceError
from rolebot.jobs.steps import StepLog, StepResult


def lines(log: StepLog) -> list[str]:
    return [result.line() for result in log.results]


def raising(error: Exception) -> Callable[[], str]:
    def task() -> str:
        raise error

    return task


def test_lines_come_out_in_the_jobs_order_whatever_order_the_steps_finish() -> None:
    log = StepLog(["state", "standup", "calendar"])
    log.done("calendar", "3 created")
    log.fail("standup", RolebotError("Geekbot is down", "try later"))
    log.done("state", "rotated")
    assert lines(log) == ["✓ state: rotated", "✗ standup: Geekbot is down — try later", "✓ calendar: 3 created"]


def test_an_error_that_stops_several_steps_is_told_once() -> None:
    log = StepLog(["state", "standup", "calendar"])
    unreadable = RolebotError("roster.json is not valid JSON", "fix the file")
    for name in ("state", "calendar"):
        assert log.attempt(name, raising(unreadable)) is None
    log.fail("standup", RolebotError("roster.json is not valid JSON", "fix the file"))  # equal, not the same
    assert lines(log) == [
        "✗ state: roster.json is not valid JSON — fix the file",
        "✗ standup: roster.json is not valid JSON — fix the file",
        "✗ calendar: not done: same problem as the state step",
    ]
    assert log.error("calendar") is unreadable
    assert log.error("nothing") is None


def test_attempt_gives_the_value_and_lets_a_bug_through() -> None:
    log = StepLog(["state"])
    assert log.attempt("state", lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        log.attempt("state", lambda: 1 // 0)
    assert log.results == ()


def test_a_failed_gate_fails_the_writes_it_gates_without_running_them() -> None:
    log = StepLog(["state", "standup", "calendar"])
    ran: list[str] = []

    def write(name: str) -> str:
        ran.append(name)
        return "done"

    full = ServiceError("state", "disk full", "free some space")
    log.apply(
        {"state": raising(full), "standup": lambda: write("standup"), "calendar": lambda: write("calendar")},
        first="state",
    )
    assert ran == []
    assert lines(log) == [
        "✗ state: state: disk full — free some space",
        "✗ standup: not done: same problem as the state step",
        "✗ calendar: not done: same problem as the state step",
    ]


def test_after_the_gate_the_writes_run_at_the_same_time_and_report_apart() -> None:
    log = StepLog(["state", "standup", "calendar"])
    both_running = threading.Barrier(2, timeout=60)  # only passes if the two writes overlap

    def standup() -> str:
        both_running.wait()
        raise ServiceError("Geekbot", "HTTP 503", "try later")

    def calendar() -> str:
        both_running.wait()
        return "53 created"

    log.apply({"state": lambda: "rotated", "standup": standup, "calendar": calendar}, first="state")
    assert lines(log) == [
        "✓ state: rotated",
        "✗ standup: Geekbot: HTTP 503 — try later",
        "✓ calendar: 53 created",
    ]


def test_without_a_gate_a_single_write_runs_and_reports() -> None:
    log = StepLog(["state", "standup"])
    log.apply({"standup": lambda: "up to date"}, first="state")
    assert log.results == (StepResult("standup", True, "up to date"),)


def test_a_bug_in_a_write_is_not_a_step_failure() -> None:
    log = StepLog(["standup", "calendar"])

    with pytest.raises(KeyError):
        log.apply({"standup": raising(KeyError("oops")), "calendar": lambda: "done"})


def test_a_step_that_waits_for_another_runs_after_it_and_sees_its_result_while_the_rest_run_at_once() -> None:
    log = StepLog(["state", "calendar", "dates moved", "announce"])
    both_running = threading.Barrier(2, timeout=60)  # the calendar and the announcement overlap
    seen: list[StepResult | None] = []

    def calendar() -> str:
        both_running.wait()
        raise ServiceError("calendar", "1 event(s) not updated", "re-run")

    def announce() -> str:
        both_running.wait()
        return "posted"

    def moved() -> str:
        seen.append(log.result("calendar"))
        return "told Ada"

    log.apply(
        {"state": lambda: "rotated", "dates moved": moved, "calendar": calendar, "announce": announce},
        first="state",
        after={"dates moved": "calendar"},
    )
    assert [(r.name, r.ok) for r in seen if r is not None] == [("calendar", False)]  # ran after it, despite the failure
    assert lines(log) == [
        "✓ state: rotated",
        "✗ calendar: calendar: 1 event(s) not updated — re-run",
        "✓ dates moved: told Ada",
        "✓ announce: posted",
    ]


def test_a_step_waiting_for_one_with_no_write_runs_with_the_others() -> None:
    log = StepLog(["calendar", "dates moved"])
    log.apply({"dates moved": lambda: f"calendar: {log.result('calendar')}"}, after={"dates moved": "calendar"})
    assert lines(log) == ["✓ dates moved: calendar: None"]


def test_a_failed_gate_fails_the_waiting_steps_too() -> None:
    log = StepLog(["state", "calendar", "dates moved"])
    full = ServiceError("state", "disk full", "free some space")
    log.apply(
        {"state": raising(full), "calendar": lambda: "done", "dates moved": lambda: "told"},
        first="state",
        after={"dates moved": "calendar"},
    )
    assert lines(log)[1:] == [
        "✗ calendar: not done: same problem as the state step",
        "✗ dates moved: not done: same problem as the state step",
    ]


def test_steps_waiting_for_each_other_in_a_circle_are_a_bug() -> None:
    log = StepLog(["a", "b"])
    with pytest.raises(ValueError, match="in a circle"):
        log.apply({"a": lambda: "x", "b": lambda: "y"}, after={"a": "b", "b": "a"})
