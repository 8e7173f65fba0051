"""`rolebot secrets check`: which credentials were found where, whether each decrypts, and
which files in the secrets directory may hold a secret in clear."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from rolebot.errors import CredentialsError, RolebotError
from rolebot.output import app_context, handle_errors
from rolebot.params import AsJson

if TYPE_CHECKING:
    from rolebot.context import AppContext, ServiceKind

secrets_app = typer.Typer(help="Inspect credentials without showing them.", no_args_is_help=True, rich_markup_mode=None)

KEY_FIELDS = ("type", "client_email", "private_key", "token_uri")


@secrets_app.command("check")
@handle_errors
def secrets_check(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Where each credential comes from, and whether it decrypts.

    Also says which services run live, lists the Slack scopes the configured features need and,
    when the Slack token can be used, which of them it lacks; and flags any other file in the
    secrets directory that may hold a secret in clear. No value is ever shown. Exits 1 if anything
    is wrong.

    Examples:
        rolebot secrets check
        rolebot --secrets-dir ../team/secrets secrets check --json
    """
    from rolebot.output import emit_json
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
    services: dict[str, str] = {}
    kinds: tuple[ServiceKind, ...] = ("members", "calendar", "notifier")
    for kind in kinds:
        try:
            services[kind] = "live" if app.services.is_live(kind) else "local"
        except RolebotError as error:
            services[kind] = f"unavailable ({error.message})"
    if not as_json:
        app.show(secrets_table(rows))
        app.out.print(f"backend {app.settings.backend} → " + " · ".join(f"{k}: {v}" for k, v in services.items()))
    token_ok = all(ok for label, _, _, ok in rows if label == secrets.SLACK_TOKEN.label)
    scopes, scopes_problem = report_scopes(app, token_ok, as_json=as_json)
    if as_json:
        emit_json(
            {
                "ok": not (unusable or unsafe or scopes_problem),
                "credentials": [
                    {"credential": label, "found_in": None if where == "—" else where, "status": status, "ok": ok}
                    for label, where, status, ok in rows
                ],
                "backend": app.settings.backend,
                "services": services,
                **scopes,
            }
        )
    if unusable:
        raise CredentialsError("some credentials cannot be used", "see the table above")
    if unsafe:
        raise CredentialsError(
            f"{len(unsafe)} file(s) in the secrets directory may hold a secret in clear",
            "rotate whatever they hold, then delete them (secrets/README.md shows how to encrypt)",
        )
    if scopes_problem is not None:
        raise scopes_problem


def report_scopes(
    app: AppContext, token_ok: bool, *, as_json: bool = False
) -> tuple[dict[str, object], CredentialsError | None]:
    """Show the Slack scopes the configured features need, and which the token has when Slack can be
    asked; the same as JSON-ready data, and the error to end with if the token lacks some, or Slack
    could not tell."""
    from rolebot.preflight import scopes_needed
    from rolebot.render import scopes_table
    from rolebot.services.secrets import SLACK_TOKEN

    needed = scopes_needed(app.config.roles.values())
    has, unchecked = token_scopes(app) if token_ok else (None, RolebotError("the Slack bot token cannot be used"))
    app.show(scopes_table(needed, has, unchecked.message if unchecked else ""), as_json=as_json)
    data: dict[str, object] = {
        "scopes": [
            {"scope": scope, "needed_for": list(uses), "token_has": None if has is None else scope in has}
            for scope, uses in needed.items()
        ],
        "scopes_unchecked": unchecked.message if has is None and unchecked else None,
    }
    lacking = sorted(scope for scope in needed if has is not None and scope not in has)
    if lacking:
        return data, CredentialsError(
            f"the Slack bot token lacks the scope(s) {', '.join(lacking)} that the configured features need",
            "add them under OAuth & Permissions → Bot Token Scopes in the Slack app's settings, then reinstall "
            "the app to the workspace",
        )
    found = app.services.credentials.origin(SLACK_TOKEN) is not None
    if has is None and unchecked is not None and found and app.settings.backend != "local":
        return data, CredentialsError(
            f"the Slack bot token's scopes could not be checked: {unchecked.message}", unchecked.hint
        )
    return data, None


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
