"""The step engine: a job's named steps, each planned and then applied, each on its own line.

Planning a step may fail, and so may applying it; either way the step's line says why and the
other steps go on: a failed step never stops another that can still run. When one error stops
several steps (a read they all needed, or a write they depend on), the first step to meet it
says what it is and the others say "not done: same problem as the <first> step". Lines come out
in the job's order, whatever order the steps finish in.

Writes run at the same time, except where one waits for another (`after`): a step that acts on
what another one wrote runs once that one is done, and reads its result.
"""

from __future__ import annotations

import threading
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
        self._lock = threading.Lock()  # steps that wait for another record their results from a worker

    @property
    def results(self) -> tuple[StepResult, ...]:
        """Every result, in the job's order of steps."""
        with self._lock:
            found = list(self._results)
        return tuple(sorted(found, key=lambda r: self._rank.get(r.name, len(self._rank))))

    def done(self, name: str, text: str) -> None:
        with self._lock:
            self._results.append(StepResult(name, True, text))

    def fail(self, name: str, error: Exception) -> None:
        """Record a failed step; an error already reported by another step is not repeated."""
        with self._lock:
            earlier = next((r.name for r in self._results if not r.ok and r.error is error), None)
            text = f"not done: same problem as the {earlier} step" if earlier else str(error)
            self._results.append(StepResult(name, False, text, error))

    def result(self, name: str) -> StepResult | None:
        """The step's result, once it has one."""
        with self._lock:
            return next((r for r in self._results if r.name == name), None)

    def error(self, name: str) -> Exception | None:
        """The error the step failed with, if it did."""
        found = self.result(name)
        return found.error if found is not None and not found.ok else None

    def attempt(self, name: str, task: Callable[[], T]) -> T | None:
        """`task()`; None if it raised a RolebotError, which then fails the step.

        Any other error is a bug, not a step's failure: it propagates."""
        try:
            return task()
        except RolebotError as error:
            self.fail(name, error)
            return None

    def apply(
        self,
        writes: Mapping[str, Callable[[], str]],
        *,
        first: str | None = None,
        after: Mapping[str, str] | None = None,
    ) -> None:
        """Run each step's write; what it returns is the step's line.

        `first`, if it is among the writes, runs before the others and gates them: if it fails,
        they fail with its error without running (they would act on what it did not record).
        The others run at the same time, except that `after` maps a step to the one whose write
        it waits for: it runs as soon as that one is done, whether or not it succeeded (it reads
        that result with `result` and decides what it means). A step waiting for one that has no
        write here runs with the others."""
        rest = dict(writes)
        gate = rest.pop(first) if first in rest else None
        if first is not None and gate is not None:
            self._record(first, gate)
            stopped = self.error(first)
            if stopped is not None:
                for name in rest:
                    self.fail(name, stopped)
                return
        chains = _chains(list(rest), {k: v for k, v in (after or {}).items() if k in rest and v in rest})

        def run(chain: list[str]) -> None:
            for name in chain:
                self._record(name, rest[name])

        if len(chains) <= 1:
            for chain in chains:
                run(chain)
            return
        with ThreadPoolExecutor(max_workers=len(chains), thread_name_prefix="rolebot-step") as pool:
            futures = [pool.submit(run, chain) for chain in chains]
        for future in futures:
            future.result()  # a bug in a write (not a RolebotError) propagates

    def _record(self, name: str, write: Callable[[], str]) -> None:
        text = self.attempt(name, write)
        if text is not None:
            self.done(name, text)


def _chains(names: list[str], waits: Mapping[str, str]) -> list[list[str]]:
    """The writes as chains run one after another: each step that waits for none, followed by the
    steps that wait for it (and for those, in turn)."""
    followers: dict[str, list[str]] = {}
    for name in names:
        if name in waits:
            followers.setdefault(waits[name], []).append(name)

    def chain(name: str) -> list[str]:
        return [name, *(step for follower in followers.get(name, []) for step in chain(follower))]

    chains = [chain(name) for name in names if name not in waits]
    if sum(len(c) for c in chains) != len(names):
        raise ValueError(f"steps wait for each other in a circle: {dict(waits)}")
    return chains
