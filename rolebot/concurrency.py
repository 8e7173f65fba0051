"""Independent calls run at the same time, so a command waits for the slowest, not the sum."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """A call's value, or the error it raised, to be looked at when (and if) it is needed."""

    value: T | None = None
    error: Exception | None = None

    @classmethod
    def of(cls, task: Callable[[], T]) -> Outcome[T]:
        try:
            return cls(task())
        except Exception as error:  # noqa: BLE001 - handed back to the caller, who decides
            return cls(None, error)

    def get(self) -> T:
        if self.error is not None:
            raise self.error
        return cast("T", self.value)  # the value may itself be None (a standup not found)


class Together:
    """Start calls in threads, collect their outcomes later."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="rolebot")

    def start(self, task: Callable[[], T]) -> Future[Outcome[T]]:
        return self._pool.submit(Outcome.of, task)

    def __enter__(self) -> Together:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True)


def gather(tasks: Mapping[str, Callable[[], T]], *, parallel: bool = True) -> dict[str, Outcome[T]]:
    """Run every task (each in its own thread unless `parallel` is off); return each outcome."""
    if len(tasks) <= 1 or not parallel:
        return {name: Outcome.of(task) for name, task in tasks.items()}
    with Together(len(tasks)) as together:
        futures = {name: together.start(task) for name, task in tasks.items()}
    return {name: future.result() for name, future in futures.items()}
