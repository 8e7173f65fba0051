"""`rolebot secrets check`: which credentials were found where, whether each decrypts, and
which files in the secrets directory may hold a secret in clear."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from rolebot.errors import CredentialsError, RolebotError
from rolebot.output import app_context, handle_errors

if TYPE_CHECKING:
    from rolebot.context import AppContext, ServiceKind

secrets_app = typer.Typer(help="Inspect credentials without showing them.", no_args_is_help=True, rich_markup_mode=None)

KEY_FIELDS = ("type", "client_email", "private_key", "token_uri")


@secrets_app.command("check")
@handle_errors
def secrets_check(ctx: typer.Context) -> None:
    """Show where each credential comes from, whether it decrypts, and which services run live.

    Also lists the Slack scopes the configured features need and, when the Slack token can be used,
    which of them it lacks; and flags any other file in the secrets directory that may hold a
    secret in clear.
    """
    from rolebot.render import secrets_table
    from rolebot.services import secrets

    app = app_context(ctx)
    credentials = app.services.credentials
    credentials.preload(*secrets.ALL)
    rows: list[tuple[str, str, str, bool]] = []
    for credential in secrets.ALL:
        where = credentials.where(credential)
        origin = credentials.origin(credential)
        if origin is None:
            rows.append((credential.label, "—", "not found", True))
            continue
        try:
            if credential.key is None:
                document = credentials.document(credential)
                missing = [f for f in KEY_FIELDS if not document.get(f)]
                if missing:
                    raise CredentialsError(f"key file lacks {', '.join(missing)}", "download a new JSON key")
            else:
                credentials.secret(credential)
            status = "decrypts" if origin == "secrets file" else ("set" if credential.key else "readable")
            rows.append((credential.label, where, status, True))
        except CredentialsError as error:
            rows.append((credential.label, where, str(error), False))
    unusable = not all(ok for *_, ok in rows)
    unsafe = credentials.unsafe_files()
    rows.extend(("stray file", file.shown, f"{file.reason}: it may hold a secret in clear", False) for file in unsafe)
    services = []
    kinds: tuple[ServiceKind, ...] = ("members", "calendar", "notifier")
    for kind in kinds:
        try:
            mode = "live" if app.services.is_live(kind) else "local"
        except RolebotError as error:
            mode = f"unavailable ({error.message})"
        services.append(f"{kind}: {mode}")
    app.out.print(secrets_table(rows))
    app.out.print(f"backend {app.settings.backend} → " + " · ".join(services))
    token_ok = all(ok for label, _, _, ok in rows if label == secrets.SLACK_TOKEN.label)
    scopes_problem = report_scopes(app, token_ok)
    if unusable:
        raise CredentialsError("some credentials cannot be used", "see the table above")
    if unsafe:
        raise CredentialsError(
            f"{len(unsafe)} file(s) in the secrets directory may hold a secret in clear",
            "rotate whatever they hold, then delete them (secrets/README.md shows how to encrypt)",
        )
    if scopes_problem is not None:
        raise scopes_problem


def report_scopes(app: AppContext, token_ok: bool) -> CredentialsError | None:
    """Show the Slack scopes the configured features need, and which the token has when Slack can be
    asked; the error to end with if the token lacks some, or Slack could not tell."""
    from rolebot.preflight import scopes_needed
    from rolebot.render import scopes_table
    from rolebot.services.secrets import SLACK_TOKEN

    needed = scopes_needed(app.config.roles.values())
    has, unchecked = token_scopes(app) if token_ok else (None, RolebotError("the Slack bot token cannot be used"))
    app.out.print(scopes_table(needed, has, unchecked.message if unchecked else ""))
    lacking = sorted(scope for scope in needed if has is not None and scope not in has)
    if lacking:
        return CredentialsError(
            f"the Slack bot token lacks the scope(s) {', '.join(lacking)} that the configured features need",
            "add them under OAuth & Permissions → Bot Token Scopes in the Slack app's settings, then reinstall "
            "the app to the workspace",
        )
    found = app.services.credentials.origin(SLACK_TOKEN) is not None
    if has is None and unchecked is not None and found and app.settings.backend != "local":
        return CredentialsError(
            f"the Slack bot token's scopes could not be checked: {unchecked.message}", unchecked.hint
        )
    return None


def token_scopes(app: AppContext) -> tuple[frozenset[str] | None, RolebotError | None]:
    """The Slack token's scopes (asked of Slack: `auth.test`), or None and why they are unknown."""
    from rolebot.services.slack import SlackMessenger

    services = app.services
    try:
        if not services.is_live("messenger"):
            reason = "--backend local" if app.settings.backend == "local" else "no Slack bot token"
            return None, RolebotError(reason)
        messenger = services.messenger()
        if not isinstance(messenger, SlackMessenger):
            return None, RolebotError("no Slack bot token")
        return messenger.token_scopes(), None
    except RolebotError as error:
        return None, error
