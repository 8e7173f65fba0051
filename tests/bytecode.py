"""Keeps compiled bytecode for the test run, imported by conftest.py before anything heavy.

Where PYTHONDONTWRITEBYTECODE is set (as on this project's machines), every pytest process would
compile rolebot and assertion-rewrite every test module again, and Hypothesis too: pytest rewrites
the whole package of a plugin it loads, about 0.35 s of CPU per process on its own. A run has a
process per core. The tests keep all of it in __pycache__ (ignored by git), as Python and pytest
do by default; this has to happen before conftest.py imports Hypothesis, or that import is
rewritten afresh on every run."""

import sys

sys.dont_write_bytecode = False
