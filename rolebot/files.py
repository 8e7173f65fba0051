"""Files rolebot writes: never half-written, and never two writers at once.

`write_atomic` writes a temporary file beside the target and renames it into place, so a
crash leaves the old file or the new one, never a mixture; a symlink is followed, so its
target is replaced and the link stays a link. `locked` is an advisory lock (a `.lock`
file beside the target, `flock`ed) that every read-modify-write of a local file holds:
two rolebot runs at once take turns instead of losing each other's changes. Steps of one run
that write the same file at once (two notices claimed in the state, say) queue on a lock in the
process first, so the next one starts the moment the file is free rather than at its next poll.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rolebot.errors import BusyError

LOCK_TIMEOUT = 30.0
"""Seconds to wait for another run's lock before giving up."""
_FIRST_POLL = 0.001
_POLL = 0.05
"""Another process's lock is polled: first after a millisecond, then twice as long each time, up to this."""
_in_process: dict[Path, threading.Lock] = {}
_in_process_guard = threading.Lock()


def _start_afresh_in_child() -> None:
    """A child forked while another thread held one of these locks would wait on it forever."""
    global _in_process_guard
    _in_process.clear()
    _in_process_guard = threading.Lock()


os.register_at_fork(after_in_child=_start_afresh_in_child)


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same directory, then rename it into place."""
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def lock_path(path: Path) -> Path:
    """The lock file of `path` (of a symlink's target): `.<name>.lock` beside it."""
    target = Path(os.path.realpath(path))
    return target.with_name(f".{target.name}.lock")


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT, shown_as: str | None = None) -> Iterator[None]:
    """Hold the advisory lock of `path` for a read-modify-write; wait up to `timeout` seconds
    for another run to release it. The lock dies with its process, so it is never stale."""
    lock = lock_path(path)
    give_up = time.monotonic() + timeout
    busy = BusyError(
        f"another rolebot run has been writing {shown_as or path} for over {timeout:g} s",
        "wait for it to finish, then run the command again",
    )
    with _in_process_guard:
        in_process = _in_process.setdefault(lock, threading.Lock())
    if not in_process.acquire(timeout=max(0.0, give_up - time.monotonic())):
        raise busy
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _flock(handle, give_up, busy)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            os.close(handle)
    finally:
        in_process.release()


def _flock(handle: int, give_up: float, busy: BusyError) -> None:
    """Take the file lock, polling while another process holds it, until `give_up`."""
    pause = _FIRST_POLL
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= give_up:
                raise busy from None
            time.sleep(pause)
            pause = min(pause * 2, _POLL)
