"""How `--help` reads: arguments by their metavar (`ROLE`, `DATE`), and an Examples section
shown as written.

Typer writes a required argument as `{role}` in the usage line and `role <str>` in the list of
arguments. rolebot's commands use `RolebotCommand`, which writes `ROLE` in both (an optional one
`[ROLE]`), like every other Unix tool. A command's docstring may end with a section starting with
the line `Examples:`; its lines are shown as they are, in a section of their own, never rewrapped.
`rolebot.cli` gives every command and group these classes, so a new command cannot forget them.

Imported by `rolebot.cli`, so as cheap as Typer itself. (`typer._click` is the Click that Typer
bundles; rolebot imports nothing from a separate `click`.)
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

from typer._click import Context, HelpFormatter, Parameter
from typer.core import TyperArgument, TyperCommand, TyperGroup

EXAMPLES = "Examples:"


def split_examples(help_text: str | None) -> tuple[str, list[str]]:
    """The help text before its `Examples:` line, and the example lines after it (dedented)."""
    text = inspect.cleandoc(help_text or "")
    lines = text.splitlines()
    if EXAMPLES not in lines:
        return text, []
    at = lines.index(EXAMPLES)
    examples = inspect.cleandoc("\n".join(lines[at + 1 :])).splitlines()
    return "\n".join(lines[:at]).rstrip(), [line.rstrip() for line in examples if line.strip()]


def argument_name(argument: TyperArgument) -> str:
    """`ROLE`: the metavar, or the parameter's name in capitals."""
    return argument.metavar or (argument.name or "").upper()


class _Conventions:
    """What rolebot's commands and groups share: usage, argument list and examples."""

    help: str | None
    options_metavar: str | None

    if TYPE_CHECKING:

        def get_params(self, ctx: Context) -> list[Parameter]: ...

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = argument_name(param) + ("..." if param.nargs != 1 else "")
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        subcommands = getattr(self, "subcommand_metavar", None)
        return [*pieces, subcommands] if isinstance(subcommands, str) else pieces

    def format_help_text(self, ctx: Context, formatter: HelpFormatter) -> None:
        text, _ = split_examples(self.help)
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def format_epilog(self, ctx: Context, formatter: HelpFormatter) -> None:
        """The examples, last, each on its own line as written."""
        _, examples = split_examples(self.help)
        if examples:
            with formatter.section("Examples"):
                for line in examples:
                    formatter.write(f"{'':>{formatter.current_indent}}{line}\n")

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, TyperArgument):
                arguments.append((argument_name(param), param.help or ""))
            else:
                options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)
        commands = getattr(self, "format_commands", None)
        if callable(commands):
            commands(ctx, formatter)


class RolebotCommand(_Conventions, TyperCommand):
    """A command whose help reads `ROLE`, not `{role}` or `role <str>`, with its examples."""


class RolebotGroup(_Conventions, TyperGroup):
    """A group of commands, with the same help conventions."""
