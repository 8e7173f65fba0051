"""Hypothesis profiles, and `budget`: how many examples a property test runs under each.

- `ci` (loaded where the `CI` variable is set, as `.ci/run` on CI has it): a fixed set of
  examples per test (derandomized, no example database), so a CI run can never fail by
  chance; a failure it shows is the same on every run of the same code.
- `dev` (loaded otherwise): new examples on every run, and the failures found are kept in
  `.hypothesis/` and replayed first next time; `--hypothesis-seed=N` repeats a run.
- `hunt` (`--hypothesis-profile=hunt`, by hand only): ten times the examples of `dev`, to look
  for new failures before CI could stumble on one.

A failure found by exploring is pinned as an explicit example (`@example`, or a table test)
so that every run, CI's included, replays it.
"""

from __future__ import annotations

import os

from hypothesis import Phase, settings

DEFAULT_EXAMPLES = 100

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile("hunt", settings.get_profile("dev"), max_examples=10 * DEFAULT_EXAMPLES)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def budget(examples: int, *, shrink: bool = True) -> settings:
    """`@budget(n)`: n examples per run under `ci` and `dev`, scaled with the profile's
    `max_examples` under another (ten times n under `hunt`). `shrink=False` for a test expected
    to fail (xfail), whose failures nobody needs shrunk: shrinking can take minutes."""
    phases = tuple(settings.default.phases if shrink else (p for p in settings.default.phases if p != Phase.shrink))
    return settings(max_examples=max(1, examples * settings.default.max_examples // DEFAULT_EXAMPLES), phases=phases)
