"""How a Geekbot failure is told to the user: one line naming the fix, never the key.

Errors are `{"error": msg}`, `{"error": {"message": msg}}` or a bare JSON string; 401 means
a bad key *or* no right to edit the standup; 404 is an unknown (or unseen) resource.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rolebot.errors import ServiceError

if TYPE_CHECKING:
    from rolebot.services.http import Answer

SERVICE = "Geekbot"
URL_SETTING = "ROLEBOT_GEEKBOT_API_URL"
DEFAULT_URL = "https://api.geekbot.com"
KEY_PLACES = "ROLEBOT_GEEKBOT_TOKEN or secrets/geekbot_api_token.json"


def detail(response: Answer, limit: int = 200) -> str:
    """Geekbot's own message: `{"error": msg}`, `{"error": {"message": msg}}` or a bare string."""
    body = response.body
    message: object = None
    if isinstance(body, dict):
        message = body.get("error") or body.get("message")
        if isinstance(message, dict):
            message = message.get("message")
    elif isinstance(body, str):
        message = body
    text = " ".join(str(message).split()) if message else (response.reason_phrase or "no details")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unexpected(host: str, where: str, problem: str) -> ServiceError:
    return ServiceError(
        SERVICE,
        f"unexpected answer from {host} to {where} ({problem})",
        f"check that {URL_SETTING} points to the Geekbot API (default {DEFAULT_URL})",
    )


def refused(host: str, response: Answer, doing: str, *, write: bool = False) -> ServiceError:
    """One clear error for a response that is neither a success nor retried."""
    status = response.status
    said = detail(response)
    if 300 <= status < 400:
        location = response.headers.get("Location")
        to = f" to {location}" if location else ""
        return ServiceError(
            SERVICE,
            f"unexpected redirect (HTTP {status}{to}) when {doing} at {host}",
            f"set {URL_SETTING} to the API root itself, with https and no trailing slash (default {DEFAULT_URL})",
        )
    if status == 401:
        reason = "the API key is not valid"
        if write:
            reason += ", or its owner may not edit this standup"
        return ServiceError(
            SERVICE,
            f"refused {doing}: {reason} (HTTP 401: {said})",
            "the key must be the personal API key of the standup manager named in the state, who must own "
            f"the standup; it is read from {KEY_PLACES}",
        )
    if status == 400:
        return ServiceError(
            SERVICE,
            f"rejected {doing} (HTTP 400): {said}",
            "fix what Geekbot names (the role's standup settings, or the Slack IDs in the state), then run again",
        )
    if status == 403:
        return ServiceError(
            SERVICE,
            f"the API is not available to this key (HTTP 403: {said}) when {doing}",
            "the team's Geekbot plan must include API access (free plans have none); "
            "ask a Geekbot admin, or use --backend local",
        )
    if status == 404:
        return ServiceError(
            SERVICE,
            f"{host} has no such resource (HTTP 404: {said}) when {doing}",
            f"check that {URL_SETTING} points to the Geekbot API (default {DEFAULT_URL})",
        )
    return ServiceError(
        SERVICE,
        f"refused {doing} (HTTP {status}: {said})",
        "re-running is safe; run with --verbose to see each call",
    )
