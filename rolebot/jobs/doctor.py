"""The doctor's checks, made live: one cheap read or so per service, the three services at once.

* **Slack**: `auth.test` (the token is valid; its `x-oauth-scopes` header: the scopes it has),
  `usergroups.list` (each user group exists, is enabled, and a rotating one has members), and,
  when the token may read channels, `conversations.info`/`.list` for each announce channel (the
  app is in it; it cannot be checked otherwise without posting).
* **Google Calendar**: one `events.list` asking only for `accessRole`: the calendar is shared
  with the service account, and it may change events.
* **Geekbot**: `GET /v1/me` (the key is valid, and the team's plan has API access); not asked
  when no role checked has a standup.

Every failure becomes a ✗ check with the service's own fix; nothing here raises a `RolebotError`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from rolebot.errors import RolebotError, ServiceError
from rolebot.preflight import CALENDAR, GEEKBOT, SLACK, Check, Preflight, Status
from rolebot.services.secrets import CALENDAR_ID, GEEKBOT_TOKEN, GOOGLE_KEY, SLACK_TOKEN

if TYPE_CHECKING:
    from rolebot.context import AppContext
    from rolebot.services.slack import SlackApi
    from rolebot.services.slack.api import Identity

WRITERS = ("owner", "writer")
CHANNEL_SCOPES = frozenset({"channels:read", "groups:read"})


def run_doctor(app: AppContext, plan: Preflight) -> list[Check]:
    """Every check, Slack's first, then Google Calendar's, then Geekbot's."""
    credentials = app.services.credentials
    wanted = [SLACK_TOKEN, CALENDAR_ID, GOOGLE_KEY, *([GEEKBOT_TOKEN] if plan.geekbot else [])]
    credentials.preload(*(c for c in wanted if credentials.origin(c) is not None))
    services: list[Callable[[AppContext, Preflight], list[Check]]] = [slack_checks, calendar_checks, geekbot_checks]
    with ThreadPoolExecutor(max_workers=len(services), thread_name_prefix="rolebot-doctor") as pool:
        parts = [pool.submit(service, app, plan) for service in services]
        return [check for part in parts for check in part.result()]


def _check(service: str, name: str, status: Status, detail: str, fix: str | None = None) -> Check:
    return Check(service, name, status, detail, fix)


def _failed(service: str, name: str, error: RolebotError) -> Check:
    said = error.message
    if isinstance(error, ServiceError):
        said = said.removeprefix(f"{error.service}: ")
    return Check(service, name, "failed", said, error.hint)


# --- Slack ----------------------------------------------------------------------------------


def slack_checks(app: AppContext, plan: Preflight) -> list[Check]:
    later = ["scopes", *(f"@{handle}" for handle in plan.groups), *plan.channels]

    def rest(why: str) -> list[Check]:
        return [_check(SLACK, name, "skipped", f"not checked: {why}") for name in later]

    credentials = app.services.credentials
    if credentials.origin(SLACK_TOKEN) is None:
        missing = _check(
            SLACK,
            "bot token",
            "failed",
            "no Slack bot token",
            f"set {SLACK_TOKEN.env}, or add {credentials.path(SLACK_TOKEN)} encrypted with sops "
            "(the app's Bot User OAuth Token, xoxb-…)",
        )
        return [missing, *rest("no Slack bot token")]
    try:
        api = app.services.slack_api()
        identity = api.identify()
    except RolebotError as error:
        return [_failed(SLACK, "bot token", error), *rest("the token cannot be used")]
    found = [_check(SLACK, "bot token", "ok", f"valid: workspace {identity.team}, app user @{identity.user}")]
    found.append(_scopes(plan, identity))
    found.extend(_groups(api, plan, identity))
    found.extend(_channel(api, channel, plan.channels[channel], identity) for channel in plan.channels)
    return found


def _scopes(plan: Preflight, identity: Identity) -> Check:
    lacking = [scope for scope in plan.scopes if scope not in identity.scopes]
    if not lacking:
        return _check(SLACK, "scopes", "ok", f"has every scope the roles need: {', '.join(plan.scopes)}")
    needs = "; ".join(f"{scope} for {', '.join(plan.scopes[scope])}" for scope in lacking)
    return _check(
        SLACK,
        "scopes",
        "failed",
        f"the token lacks {', '.join(lacking)} ({needs})",
        "add them under OAuth & Permissions → Bot Token Scopes in the Slack app's settings, then reinstall the "
        "app to the workspace",
    )


def _groups(api: SlackApi, plan: Preflight, identity: Identity) -> list[Check]:
    from rolebot.services.slack.groups import list_groups, pick_group

    names = [f"@{handle}" for handle in plan.groups]
    if "usergroups:read" not in identity.scopes:
        return [_check(SLACK, name, "skipped", "not checked: the token lacks usergroups:read") for name in names]
    try:
        groups = list_groups(api)
    except RolebotError as error:
        return [_failed(SLACK, name, error) for name in names]
    found = []
    for handle, uses in plan.groups.items():
        setting = " and ".join(f"roles.{use.replace(': ', '.')}" for use in uses)
        try:
            group = pick_group(groups, handle, setting)
        except ServiceError as error:
            found.append(_failed(SLACK, f"@{handle}", error))
            continue
        if plan.rotates(handle) and not group.users:
            found.append(
                _check(
                    SLACK,
                    f"@{handle}",
                    "failed",
                    f"@{group.handle} has no members: nobody can take a turn",
                    f"add the people who take turns to @{group.handle} in Slack (People → User groups)",
                )
            )
        else:
            count = len(group.users)
            found.append(_check(SLACK, f"@{handle}", "ok", f"exists, {count} member{'s' if count != 1 else ''}"))
    return found


def _channel(api: SlackApi, channel: str, roles: tuple[str, ...], identity: Identity) -> Check:
    from rolebot.services.slack.channels import SearchCut, find_channel

    setting = " and ".join(f"roles.{role}.slack.announce_channel" for role in roles)
    if not identity.scopes & CHANNEL_SCOPES:
        return _check(
            SLACK,
            channel,
            "skipped",
            "whether the app is in it cannot be checked without posting: the token has neither channels:read "
            "nor groups:read (optional scopes; add channels:read to have it checked)",
        )
    try:
        found = find_channel(api, channel, identity.scopes)
    except SearchCut as cut:
        return _check(SLACK, channel, "skipped", f"not checked: {cut.message.removeprefix('Slack: ')}", cut.hint)
    except RolebotError as error:
        return _failed(SLACK, channel, error)
    if found is None:
        private = "" if "groups:read" in identity.scopes else " (a private one is seen only with groups:read)"
        return _check(
            SLACK,
            channel,
            "failed",
            f"the app sees no channel {channel}{private}",
            f"check {setting} in the config; a private channel must have the app in it (/invite @the-app)",
        )
    shown = f"#{found.name}" if found.name else channel
    if found.is_archived:
        return _check(
            SLACK, channel, "failed", f"{shown} is archived", f"unarchive it, or set {setting} to another channel"
        )
    if not found.is_member:
        return _check(
            SLACK,
            channel,
            "failed",
            f"the app is not in {shown}, so it cannot post there",
            f"invite it: type /invite @the-app-name in {shown}",
        )
    return _check(SLACK, channel, "ok", f"the app is in {shown} and can post there")


# --- Google Calendar ------------------------------------------------------------------------


def calendar_checks(app: AppContext, plan: Preflight) -> list[Check]:
    credentials = app.services.credentials
    absent = [c for c in (CALENDAR_ID, GOOGLE_KEY) if credentials.origin(c) is None]
    if absent:
        missing = _check(
            CALENDAR,
            "credentials",
            "failed",
            f"no {' and no '.join(c.label for c in absent)}",
            "; ".join(f"set {c.env} or add {credentials.path(c)} encrypted with sops" for c in absent),
        )
        return [missing, _check(CALENDAR, "sharing", "skipped", "not checked: no credentials")]
    try:
        email = str(credentials.document(GOOGLE_KEY).get("client_email") or "the service account")
        calendar = app.services.connect_calendar()
    except RolebotError as error:
        return [_failed(CALENDAR, "credentials", error), _check(CALENDAR, "sharing", "skipped", "not checked")]
    found = [_check(CALENDAR, "credentials", "ok", f"the calendar ID and the key of {email}")]
    try:
        role = calendar.access_role()
    except RolebotError as error:
        return [*found, _failed(CALENDAR, "sharing", error)]
    share = (
        f"open the calendar's Settings and sharing in Google Calendar, and under Share with specific people give "
        f"{email} the permission 'Make changes to events'"
    )
    if role is None:
        said = f"the calendar is not shared with {email}, or the calendar ID is wrong"
        fix = f"{share}; check the calendar ID ({CALENDAR_ID.describe()})"
        return [*found, _check(CALENDAR, "sharing", "failed", said, fix)]
    if role not in WRITERS:
        said = f"shared with {email} read-only ({role}): rolebot cannot write its events"
        return [*found, _check(CALENDAR, "sharing", "failed", said, share)]
    return [*found, _check(CALENDAR, "sharing", "ok", f"shared with {email}, who may change events ({role})")]


# --- Geekbot --------------------------------------------------------------------------------


def geekbot_checks(app: AppContext, plan: Preflight) -> list[Check]:
    if not plan.geekbot:
        which = "the role runs" if len(plan.roles) == 1 else "the roles run"
        return [_check(GEEKBOT, "API key", "skipped", f"not checked: {which} without Geekbot")]
    credentials = app.services.credentials
    if credentials.origin(GEEKBOT_TOKEN) is None:
        return [
            _check(
                GEEKBOT,
                "API key",
                "failed",
                f"no Geekbot API key (needed for {', '.join(plan.geekbot)})",
                f"set {GEEKBOT_TOKEN.env}, or add {credentials.path(GEEKBOT_TOKEN)} encrypted with sops "
                "(the standup manager's personal API key)",
            )
        ]
    try:
        notifier = app.services.connect_geekbot()
    except RolebotError as error:
        return [_failed(GEEKBOT, "API key", error)]
    try:
        owner = notifier.key_owner()
    except RolebotError as error:
        return [_failed(GEEKBOT, "API key", error)]
    finally:
        notifier.close()
    return [_check(GEEKBOT, "API key", "ok", f"valid, with API access: the key of {owner.says()}")]
