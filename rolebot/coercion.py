"""Command-line values turned into Python values without pydantic, where Typer's answer is
certain.

Typer (0.29) converts every parameter's value through a pydantic `TypeAdapter` it builds the
first time the parameter is parsed, default values included: importing pydantic and building
the adapters of the global options costs about 70 ms of CPU on every command, `--help`
included. rolebot's parameters are of four kinds (`str`, `Path`, a bounded `int`, a `Literal`
of words); for them `Direct` gives the value Typer would give, with Typer's own helpers
(`coerce_cli_path`, `coerce_cli_choice`) and nothing else. A value it is not certain of (an
empty string, a number out of range, a word that is not a choice: whatever Typer would refuse,
or any other kind of parameter) goes to Typer's own coercion, so the result and every error
message are Typer's. `tests/test_coercion.py` checks that for every parameter of the app.

`typer._coercion` and the parameter's `_runtime_param` slot are Typer internals: the test above
fails loudly if an upgrade moves them (uv.lock pins Typer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer._click import Context, Parameter
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_choice, coerce_cli_path, lenient_issubclass
from typer._typing import is_literal_type, literal_values
from typer.core import _TyperParameter

_DIGITS = re.compile(r"[0-9]{1,15}")
_UNSURE = object()
"""`Direct`'s answer when only Typer's own coercion can tell."""


@dataclass(frozen=True)
class Direct(RuntimeParam):
    """Typer's coercion for one parameter, without pydantic where the answer is certain."""

    descriptor: TypeDescriptor

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        direct = _direct(self.descriptor, value, param, ctx)
        if direct is not _UNSURE:
            return direct
        return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


def _direct(descriptor: TypeDescriptor, value: Any, param: _TyperParameter, ctx: Context) -> Any:
    annotation, info = descriptor.annotation, descriptor.parameter_info
    if not isinstance(value, str) or info.parser is not None or descriptor.is_file:
        return _UNSURE
    if annotation is str:
        return value
    if annotation is int and _DIGITS.fullmatch(value) and not info.clamp:
        number = int(value)
        low_ok = info.min is None or number >= info.min
        return number if low_ok and (info.max is None or number <= info.max) else _UNSURE
    if is_literal_type(annotation) and all(isinstance(choice, str) for choice in literal_values(annotation)):
        choices = literal_values(annotation)
        try:
            return coerce_cli_choice(value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError:
            return _UNSURE
    if lenient_issubclass(annotation, Path) and info.path_type is None and value and not info.allow_dash:
        # Typer's path coercion, given the Path pydantic would have made of the string.
        return coerce_cli_path(annotation(value), info, path_type=annotation, param=param, ctx=ctx)
    return _UNSURE


def convert_directly(params: list[Parameter]) -> None:
    """Give each of a command's Typer parameters `Direct` coercion (before any is parsed)."""
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            descriptor = param.type_descriptor
            param._runtime_param = Direct(descriptor.parameter_info, descriptor.annotation, descriptor)
