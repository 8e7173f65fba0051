"""`rolebot secrets check`: which credentials were found where, whether each decrypts, and
which files in the secrets directory may hold a secret in clear."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from rolebot.output import app_context, handle_errors

if TYPE_CHECKING:
    from rolebot.context import ServiceKind

secrets_app = typer.Typer(help="Inspect credentials without showing them.", no_args_is_help=True, rich_markup_mode=None)

KEY_FIELDS = ("type", "client_email", "private_key", "token_uri")


@secrets_app.command("check")
@handle_errors
def secrets_check(ctx: typer.Context) -> None:
    """Show where each credential comes from, whether it decrypts, and which services run live.

    Also flags any other file in the secrets directory that may hold a secret in clear.
    """
    from rolebot.errors import CredentialsError, RolebotError
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
    if unusable:
        raise CredentialsError("some credentials cannot be used", "see the table above")
    if unsafe:
        raise CredentialsError(
            f"{len(unsafe)} file(s) in the secrets directory may hold a secret in clear",
            "rotate whatever they hold, then delete them (secrets/README.md shows how to encrypt)",
        )
