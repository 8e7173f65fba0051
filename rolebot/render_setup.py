"""Rich renderables for setting rolebot up: the effective config and the doctor's checks. Pure, and
like `rolebot.render` never reads a string as markup."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from rolebot.config_report import BUILT_IN, ConfigReport
from rolebot.preflight import Check
from rolebot.renderables import TitledTable, plain


def shown_value(value: Any) -> str:
    """A setting's value as the config file would write it (`"#ops"`, `["Mon"]`, `true`); `—` if unset."""
    return "—" if value is None else json.dumps(value, ensure_ascii=False)


def config_table(report: ConfigReport) -> RenderableType:
    """The top-level settings, then one table per role, keys as the role's table writes them."""
    roles = f"(from {report.source})" if report.roles_written else "(a built-in role: the config defines none)"
    tables: list[RenderableType] = []
    for role in dict.fromkeys(s.role for s in report.settings):
        title = f"Config: {report.source}" if role is None else f"\n[roles.{role}]  {roles}"
        table = TitledTable(title, "Setting", "Value", "From")
        table.fold(1)  # a URL in a question is shown whole
        for setting in (s for s in report.settings if s.role == role):
            origin = plain(setting.origin, "dim" if setting.origin == BUILT_IN else "")
            table.add_row(setting.name, shown_value(setting.value), origin)
        tables.append(table)
    return Group(*tables)


STYLES = {"ok": "green", "failed": "red", "skipped": "dim"}


def doctor_table(checks: Sequence[Check], roles: Sequence[str]) -> RenderableType:
    """One row per check: ✓, ✗ (with the fix) or – (not checked, and why)."""
    table = TitledTable(
        f"Live checks for {', '.join(roles)} (no secret is ever shown)", "", "Service", "Check", "Result"
    )
    table.fold(3)
    for check in checks:
        result = Text(check.detail)
        if check.fix:
            result.append(f"\n{'fix' if check.status == 'failed' else 'to check it'}: {check.fix}", style="dim")
        table.add_row(plain(check.mark, STYLES[check.status]), check.service, check.name, result)
    return table
