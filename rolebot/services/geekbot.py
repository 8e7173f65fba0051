"""The live notifier: standups in Geekbot, through its v1 API.

The API as it really behaves: the raw key goes in `Authorization` (no `Bearer`); paths
have no trailing slash (one gets a 301); create answers 200; questions go in as
`[{"question": text}]` and come out as `[{"text": ..., "id": ...}]`; users go in as Slack
IDs and come out as objects; `wait_time` goes in as minutes; PATCH replaces whole lists;
errors are `{"error": msg}` or a bare JSON string, and 401 means a bad key *or* no right
to edit the standup.

v1 has no idempotency key, so a create is never simply re-sent: after any failure where
the request may have reached Geekbot, the standup is looked up by name first.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, ValidationError

from rolebot.errors import ServiceError
from rolebot.models import ExistingStandup, StandupSpec
from rolebot.redaction import Secret
from rolebot.services.http import HttpClient, json_body
from rolebot.services.retry import Log, Retry, Sleep
from rolebot.validation import Tolerant, describe

if TYPE_CHECKING:
    import httpx

SERVICE = "Geekbot"
URL_SETTING = "ROLEBOT_GEEKBOT_API_URL"
DEFAULT_URL = "https://api.geekbot.com"
STANDUPS = "/v1/standups"
KEY_PLACES = "ROLEBOT_GEEKBOT_TOKEN or secrets/geekbot_api_token.json"
CREATE_ATTEMPTS = 3
"""Creates sent at most, each after a lookup by name has shown the standup is still missing."""


def _none_as_empty(value: object) -> object:
    return [] if value is None else value


def _text(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Id = Annotated[str, BeforeValidator(_text)]


class _User(Tolerant):
    id: Id


class _Question(Tolerant):
    text: str


class _Standup(Tolerant):
    id: Id
    name: str
    channel: str | None = None
    days: Annotated[list[str], BeforeValidator(_none_as_empty)] = Field(default_factory=list)
    time: str | None = None
    timezone: str | None = None
    questions: Annotated[list[_Question], BeforeValidator(_none_as_empty)] = Field(default_factory=list)
    users: Annotated[list[_User], BeforeValidator(_none_as_empty)] = Field(default_factory=list)

    def existing(self) -> ExistingStandup:
        return ExistingStandup(
            id=self.id,
            name=self.name,
            channel=self.channel,
            days=tuple(self.days),
            time=self.time or "",
            timezone=self.timezone or "",
            questions=tuple(q.text for q in self.questions),
            participants=tuple(u.id for u in self.users),
        )


class GeekbotNotifier:
    """Finds, creates and updates a role's standup with the standup manager's API key."""

    def __init__(self, http: HttpClient, host: str, *, sleep: Sleep, log: Log | None = None) -> None:
        self._http = http
        self._sleep = sleep
        self._log = log
        self.host = host
        self.description = f"Geekbot ({self.host})"

    @classmethod
    def connect(
        cls,
        api_url: str,
        token: Secret,
        *,
        sleep: Sleep,
        log: Log | None,
        transport: httpx.BaseTransport | None = None,
    ) -> GeekbotNotifier:
        """A notifier for the API at `api_url` (its root, like https://api.geekbot.com)."""
        base_url = api_url.strip().rstrip("/") or DEFAULT_URL
        http = HttpClient(
            SERVICE,
            base_url,
            {"Authorization": token.reveal(), "Accept": "application/json"},
            url_setting=URL_SETTING,
            transport=transport,
            sleep=sleep,
            log=log,
        )
        return cls(http, urlsplit(base_url).netloc or base_url, sleep=sleep, log=log)

    # -- reads --------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def find_standup(self, name: str) -> ExistingStandup | None:
        """The key owner's standup called exactly `name`, or None; several is an error."""
        response = self._http.request("GET", STANDUPS)
        if not response.is_success:
            raise self._refused(response, "listing standups")
        body = json_body(response)
        if not isinstance(body, list):
            raise self._unexpected(f"GET {STANDUPS}", "expected a list of standups")
        matches = [self._parse(item, f"GET {STANDUPS}") for item in body if _name_of(item) == name]
        if len(matches) > 1:
            ids = ", ".join(m.id for m in matches)
            raise ServiceError(
                SERVICE,
                f"{len(matches)} standups are called {name} (ids {ids}), so rolebot cannot tell which one to update",
                f"delete or rename the extras in Geekbot so that exactly one is called {name}, then run again",
            )
        return matches[0] if matches else None

    # -- writes -------------------------------------------------------------------------

    def create_standup(self, spec: StandupSpec) -> ExistingStandup:
        """Create the standup, never twice: a create whose answer was lost is looked up by
        name before it is sent again."""
        body = {
            "name": spec.name,
            "channel": spec.channel,
            "time": spec.time,
            "timezone": spec.timezone,
            "days": list(spec.days),
            "wait_time": spec.wait_time,
            "questions": [{"question": spec.question}],
            "users": list(spec.participants),
            "sync_channel_members": False,
            "personalised": False,
        }
        doing = f"creating the standup {spec.name}"

        def try_once(attempt: int) -> ExistingStandup | Retry:
            try:
                response = self._http.request("POST", STANDUPS, json=body, retry_unsent_only=True)
            except ServiceError as error:
                # Sent, perhaps, but no answer (or no connection at all): look before resending.
                problem = error.message.removeprefix(f"{SERVICE}: ")
            else:
                if response.is_success:
                    created = json_body(response)
                    if _name_of(created) == spec.name:
                        return self._parse(created, f"POST {STANDUPS}")
                    problem = f"HTTP {response.status_code} with an unexpected body"
                elif response.status_code < 500:
                    raise self._refused(response, doing, write=True)
                else:
                    problem = f"HTTP {response.status_code}: {_detail(response)}"
            found = self.find_standup(spec.name)
            if found is not None:
                self._note(f"{spec.name} exists (id {found.id}) although the create had no clear answer; using it")
                return found
            failure = ServiceError(
                SERVICE,
                f"could not create the standup {spec.name} in {attempt} tries (last: {problem}); "
                "Geekbot has no standup of that name, so nothing was created",
                "try again later; re-running is safe",
            )
            return Retry(self._http.policy.backoff(attempt), failure)

        return replace(self._http.policy, attempts=CREATE_ATTEMPTS).run(try_once, self._sleep)

    def update_standup(self, existing: ExistingStandup, spec: StandupSpec) -> ExistingStandup:
        """Replace participants and question only; the schedule (time, days, timezone,
        channel) stays as people may have tuned it. Sending the same PATCH twice does no harm."""
        body = {
            "users": list(spec.participants),
            "sync_channel_members": False,
            "questions": [{"question": spec.question}],
        }
        path = f"{STANDUPS}/{existing.id}"
        response = self._http.request("PATCH", path, json=body)
        if response.status_code == 404:
            raise ServiceError(
                SERVICE,
                f"the standup {existing.name} (id {existing.id}) no longer exists (HTTP 404: {_detail(response)})",
                "run the command again: rolebot will create it anew",
            )
        if not response.is_success:
            raise self._refused(response, f"updating the standup {existing.name} (id {existing.id})", write=True)
        return self._parse(json_body(response), f"PATCH {path}")

    # -- helpers ------------------------------------------------------------------------

    def _parse(self, item: Any, where: str) -> ExistingStandup:
        try:
            return _Standup.model_validate(item).existing()
        except ValidationError as exc:
            raise self._unexpected(where, describe(exc)) from None

    def _unexpected(self, where: str, problem: str) -> ServiceError:
        return ServiceError(
            SERVICE,
            f"unexpected answer from {self.host} to {where} ({problem})",
            f"check that {URL_SETTING} points to the Geekbot API (default {DEFAULT_URL})",
        )

    def _refused(self, response: httpx.Response, doing: str, *, write: bool = False) -> ServiceError:
        """One clear error for a response that is neither a success nor retried."""
        status = response.status_code
        detail = _detail(response)
        if 300 <= status < 400:
            location = response.headers.get("Location")
            to = f" to {location}" if location else ""
            return ServiceError(
                SERVICE,
                f"unexpected redirect (HTTP {status}{to}) when {doing} at {self.host}",
                f"set {URL_SETTING} to the API root itself, with https and no trailing slash (default {DEFAULT_URL})",
            )
        if status == 401:
            reason = (
                "the API key is not valid, or its owner may not edit this standup"
                if write
                else "the API key is not valid"
            )
            return ServiceError(
                SERVICE,
                f"refused {doing}: {reason} (HTTP 401: {detail})",
                "the key must be the personal API key of the standup manager named in the state, who must own "
                f"the standup; it is read from {KEY_PLACES}",
            )
        if status == 400:
            return ServiceError(
                SERVICE,
                f"rejected {doing} (HTTP 400): {detail}",
                "fix what Geekbot names (the role's standup settings, or the Slack IDs in the state), then run again",
            )
        if status == 403:
            return ServiceError(
                SERVICE,
                f"the API is not available to this key (HTTP 403: {detail}) when {doing}",
                "the team's Geekbot plan must include API access (free plans have none); "
                "ask a Geekbot admin, or use --backend local",
            )
        if status == 404:
            return ServiceError(
                SERVICE,
                f"{self.host} has no such resource (HTTP 404: {detail}) when {doing}",
                f"check that {URL_SETTING} points to the Geekbot API (default {DEFAULT_URL})",
            )
        return ServiceError(
            SERVICE,
            f"refused {doing} (HTTP {status}: {detail})",
            "re-running is safe; run with --verbose to see each call",
        )

    def _note(self, line: str) -> None:
        if self._log is not None:
            self._log(f"{SERVICE}: {line}")


def _name_of(item: Any) -> object:
    return item.get("name") if isinstance(item, dict) else None


def _detail(response: httpx.Response, limit: int = 200) -> str:
    """Geekbot's own message: `{"error": msg}`, `{"error": {"message": msg}}` or a bare string."""
    body = json_body(response)
    message: object = None
    if isinstance(body, dict):
        message = body.get("error") or body.get("message")
        if isinstance(message, dict):
            message = message.get("message")
    elif isinstance(body, str):
        message = body
    text = " ".join(str(message).split()) if message else (response.reason_phrase or "no details")
    return text if len(text) <= limit else text[: limit - 1] + "…"
