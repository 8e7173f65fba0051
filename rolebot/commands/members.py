"""`rolebot members ROLE|USERGROUP`: who is in a user group, in rotation order."""

from __future__ import annotations

from typing import Annotated

import typer

from rolebot.output import app_context, handle_errors
from rolebot.params import AsJson, complete_role


@handle_errors
def members_command(
    ctx: typer.Context,
    group: Annotated[
        str,
        typer.Argument(
            metavar="ROLE|USERGROUP",
            help="A role (for its user group) or a user group handle, e.g. support-triager or support-triagers.",
            autocompletion=complete_role,
        ),
    ],
    as_json: AsJson = False,
) -> None:
    """List a role's user group in rotation order.

    A role stands for its user group; any other word is taken as a user group handle. The table
    shows each member's display name and Slack ID; --json prints [{"id", "name"}, ...].

    Examples:
        rolebot members support-triager
        rolebot members support-triagers --json
    """
    from rolebot.output import emit_json
    from rolebot.render import members_table
    from rolebot.rotation import rotation_order

    app = app_context(ctx)
    text = group.strip().lstrip("@")
    role = app.config.roles.get(text)
    handle = role.usergroup if role is not None else text
    source = app.services.members()
    app.services.banner("members")
    order = rotation_order(source.members(handle))
    if as_json:
        emit_json([{"id": m.id, "name": m.name} for m in order])
    else:
        app.show(members_table(handle, order))
