"""Independent calls run at the same time, so a command waits for the slowest, not the sum."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    value: T | None = None
    error: BaseException | None = None

    def get(self) -> T:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


def gather(tasks: Mapping[str, Callable[[], object]], *, parallel: bool = True) -> dict[str, Outcome[object]]:
    """Run every task, each in its own thread; return each one's value or error."""

    def capture(task: Callable[[], object]) -> Outcome[object]:
        try:
            return Outcome(task())
        except Exception as error:  # noqa: BLE001 - handed back to the caller, who decides
            return Outcome(None, error)

    if len(tasks) <= 1 or not parallel:
        return {name: capture(task) for name, task in tasks.items()}
    with ThreadPoolExecutor(max_workers=len(tasks), thread_name_prefix="rolebot") as pool:
        futures = {name: pool.submit(capture, task) for name, task in tasks.items()}
        return {name: future.result() for name, future in futures.items()}
