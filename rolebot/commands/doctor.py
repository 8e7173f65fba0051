"""`rolebot doctor [ROLE]`: a live preflight of every service the roles use, changing nothing."""

from __future__ import annotations

from typing import Annotated

import typer

from rolebot.output import app_context, handle_errors
from rolebot.params import complete_role


@handle_errors
def doctor_command(
    ctx: typer.Context,
    role: Annotated[
        str | None,
        typer.Argument(
            metavar="ROLE",
            help="Check only what this role needs (default: every role).",
            show_default=False,
            autocompletion=complete_role,
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help='Print {"ok", "roles", "checks": [{"service", "check", "status", "detail", "fix"}]}.'
        ),
    ] = False,
) -> None:
    """Check, live, that Slack, the calendar and Geekbot are ready.

    Changes nothing. Slack: the bot token is valid, has the scopes the roles' features need, each user group exists
    (and a rotating one has members), and the app is in each announce channel (when the token may
    read channels). Google Calendar: the calendar is shared with the service account, which may
    change events. Geekbot (for roles with a standup): the key is valid and the plan has API
    access. A ✓/✗ table, with the fix for each ✗; exit 1 if there is any. No secret is shown.

    Examples:
        rolebot doctor
        rolebot doctor support-triager --json
    """
    from dataclasses import replace

    from rolebot.errors import RolebotError, UsageError
    from rolebot.jobs.doctor import run_doctor
    from rolebot.output import emit_json
    from rolebot.preflight import plan_preflight
    from rolebot.redaction import redact
    from rolebot.render_setup import doctor_table

    app = app_context(ctx)
    if app.settings.backend == "local":
        raise UsageError("doctor checks the live services, and --backend local uses none", "run it without it")
    plan = plan_preflight(app.config, role)
    checks = [
        replace(check, detail=redact(check.detail), fix=None if check.fix is None else redact(check.fix))
        for check in run_doctor(app, plan)
    ]
    failed = [check for check in checks if check.status == "failed"]
    if as_json:
        emit_json({"ok": not failed, "roles": list(plan.roles), "checks": [check.to_json() for check in checks]})
    else:
        app.show(doctor_table(checks, plan.roles))
    if failed:
        raise RolebotError(
            f"{len(failed)} of {len(checks)} checks failed ({', '.join(f'{c.service} {c.name}' for c in failed)})",
            "fix what each ✗ row says, then run `rolebot doctor` again",
        )
    skipped = sum(check.status == "skipped" for check in checks)
    app.say(f"✓ ready: {len(checks) - skipped} checks passed" + (f", {skipped} not checked" if skipped else ""))
