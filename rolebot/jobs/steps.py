"""The step engine: a job's named steps, each planned and then applied, each on its own line.

Planning a step may fail, and so may applying it; either way the step's line says why and the
other steps go on: a failed step never stops another that can still run. When one error stops
several steps (a read they all needed, or a write they depend on), the first step to meet it
says what it is and the others say "not done: same problem as the <first> step". Lines come out
in the job's order, whatever order the steps finish in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from rolebot.errors import RolebotError

T = TypeVar("T")


@dataclass(frozen=True)
class StepResult:
    name: str
    ok: bool
    text: str
    error: Exception | None = None

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.name}: {self.text}"


class StepLog:
    """The results of a job's steps so far."""

    def __init__(self, order: Sequence[str]) -> None:
        self._rank = {name: index for index, name in enumerate(order)}
        self._results: list[StepResult] = []

    @property
    def results(self) -> tuple[StepResult, ...]:
        """Every result, in the job's order of steps."""
        return tuple(sorted(self._results, key=lambda r: self._rank.get(r.name, len(self._rank))))

    def done(self, name: str, text: str) -> None:
        self._results.append(StepResult(name, True, text))

    def fail(self, name: str, error: Exception) -> None:
        """Record a failed step; an error already reported by another step is not repeated."""
        earlier = next((r.name for r in self._results if not r.ok and r.error is error), None)
        text = f"not done: same problem as the {earlier} step" if earlier else str(error)
        self._results.append(StepResult(name, False, text, error))

    def error(self, name: str) -> Exception | None:
        """The error the step failed with, if it did."""
        return next((r.error for r in self._results if r.name == name and not r.ok), None)

    def attempt(self, name: str, task: Callable[[], T]) -> T | None:
        """`task()`; None if it raised a RolebotError, which then fails the step.

        Any other error is a bug, not a step's failure: it propagates."""
        try:
            return task()
        except RolebotError as error:
            self.fail(name, error)
            return None

    def apply(self, writes: Mapping[str, Callable[[], str]], *, first: str | None = None) -> None:
        """Run each step's write; what it returns is the step's line.

        `first`, if it is among the writes, runs before the others and gates them: if it fails,
        they fail with its error without running (they would act on what it did not record).
        The others run at the same time."""
        rest = dict(writes)
        gate = rest.pop(first) if first in rest else None
        if first is not None and gate is not None:
            self._record(first, gate)
            stopped = self.error(first)
            if stopped is not None:
                for name in rest:
                    self.fail(name, stopped)
                return
        if len(rest) <= 1:
            for name, write in rest.items():
                self._record(name, write)
            return
        with ThreadPoolExecutor(max_workers=len(rest), thread_name_prefix="rolebot-step") as pool:
            futures = {name: pool.submit(write) for name, write in rest.items()}
        for name, future in futures.items():
            self._record(name, future.result)

    def _record(self, name: str, write: Callable[[], str]) -> None:
        text = self.attempt(name, write)
        if text is not None:
            self.done(name, text)
