"""Atomic writes that follow symlinks, and the advisory lock local read-modify-writes hold."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from rolebot.errors import BusyError
from rolebot.files import lock_path, locked, write_atomic


def test_a_symlinked_file_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    target = tmp_path / "real" / "team-roles.json"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "team-roles.json"
    link.symlink_to(target)
    write_atomic(link, "new\n")
    assert link.is_symlink()
    assert target.read_text() == "new\n"
    assert lock_path(link) == target.with_name(".team-roles.json.lock")


def _hold(path: str, seconds: float, ready: multiprocessing.synchronize.Event) -> None:
    with locked(Path(path)):
        ready.set()
        time.sleep(seconds)


@pytest.mark.slow
def test_a_held_lock_makes_a_second_writer_wait_then_give_up_clearly(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    ready = multiprocessing.get_context("fork").Event()
    holder = multiprocessing.get_context("fork").Process(target=_hold, args=(str(path), 2.0, ready))
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(BusyError) as caught, locked(path, timeout=0.2, shown_as="state/calendar.ics"):
            pass
        assert str(caught.value) == (
            "another rolebot run has been writing state/calendar.ics for over 0.2 s — "
            "wait for it to finish, then run the command again"
        )
    finally:
        holder.join()
    with locked(path, timeout=0.2):  # released when its holder ended
        pass


def test_the_lock_is_released_when_the_block_fails(tmp_path: Path) -> None:
    path = tmp_path / "team-roles.json"
    with pytest.raises(ValueError, match="boom"), locked(path):
        raise ValueError("boom")
    with locked(path, timeout=0.1):
        pass


def test_threads_of_one_run_take_turns_on_a_file(tmp_path: Path) -> None:
    """Steps of one run writing the same file at once (two notices claimed in the state) queue
    in the process: every read-modify-write lands."""
    path = tmp_path / "team-roles.json"
    write_atomic(path, "0")

    def add_one_twenty_times() -> None:
        for _ in range(20):
            with locked(path, timeout=10):
                count = int(path.read_text())
                write_atomic(path, str(count + 1))

    workers = [threading.Thread(target=add_one_twenty_times) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert path.read_text() == "60"


@contextmanager
def held_by_a_thread(path: Path) -> Iterator[None]:
    """Another thread of this process holds the lock of `path` until the block ends."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with locked(path):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        yield
    finally:
        release.set()
        holder.join()


def test_a_thread_waiting_past_the_timeout_gives_up_clearly_too(tmp_path: Path) -> None:
    path = tmp_path / "calendar.ics"
    with held_by_a_thread(path):
        with pytest.raises(BusyError) as caught, locked(path, timeout=0.01, shown_as="state/calendar.ics"):
            pass
        assert str(caught.value).startswith("another rolebot run has been writing state/calendar.ics for over 0.01 s")
    with locked(path, timeout=0.1):
        pass


def _write_under_lock(path: str) -> None:
    with locked(Path(path), timeout=10):
        Path(path).write_text("child")


@pytest.mark.slow  # a forked process
def test_a_child_forked_while_a_thread_holds_the_lock_waits_only_for_its_release(tmp_path: Path) -> None:
    path = tmp_path / "team-roles.json"
    child = multiprocessing.get_context("fork").Process(target=_write_under_lock, args=(str(path),))
    with held_by_a_thread(path):
        child.start()  # the thread holds the lock as the child is forked; it lets go when the block ends
    child.join(20)
    assert child.exitcode == 0
    assert path.read_text() == "child"
