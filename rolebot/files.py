"""Files rolebot writes: never half-written, and never two writers at once.

`write_atomic` writes a temporary file beside the target and renames it into place, so a
crash leaves the old file or the new one, never a mixture; a symlink is followed, so its
target is replaced and the link stays a link. `locked` is an advisory lock (a `.lock`
file beside the target, `flock`ed) that every read-modify-write of a local file holds:
two rolebot runs at once take turns instead of losing each other's changes.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rolebot.errors import BusyError

LOCK_TIMEOUT = 30.0
"""Seconds to wait for another run's lock before giving up."""
_POLL = 0.05


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
    lock.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        give_up = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= give_up:
                    raise BusyError(
                        f"another rolebot run has been writing {shown_as or path} for over {timeout:g} s",
                        "wait for it to finish, then run the command again",
                    ) from None
                time.sleep(_POLL)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)
