"""`rolebot members USERGROUP`: who is in a user group, in rotation order."""

from __future__ import annotations

from typing import Annotated

import typer

from rolebot.output import app_context, handle_errors


@handle_errors
def members_command(
    ctx: typer.Context,
    usergroup: Annotated[str, typer.Argument(help="User group handle, e.g. support-triagers.")],
    as_json: Annotated[bool, typer.Option("--json", help='Print [{"id", "name"}, ...] instead of a table.')] = False,
) -> None:
    """List a user group's members in rotation order (display name, Slack ID)."""
    import json

    from rolebot.render import members_table
    from rolebot.rotation import rotation_order

    app = app_context(ctx)
    handle = usergroup.strip().lstrip("@")
    source = app.services.members()
    app.services.banner("members")
    order = rotation_order(source.members(handle))
    if as_json:
        typer.echo(json.dumps([{"id": m.id, "name": m.name} for m in order], indent=2, ensure_ascii=False))
    else:
        app.out.print(members_table(handle, order))
