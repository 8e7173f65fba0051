"""`GeekbotNotifier`: the role's standup in Geekbot, found, created, updated and deleted."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar, Unpack
from urllib.parse import quote

from pydantic import ValidationError

from rolebot.errors import ServiceError, StandupGone
from rolebot.models import CreatedStandup, ExistingStandup, StandupSearch, StandupSpec
from rolebot.services.geekbot.errors import DEFAULT_URL, SERVICE, URL_SETTING, detail, refused, unexpected
from rolebot.services.geekbot.wire import (
    ME,
    MY_TEAMS,
    STANDUPS,
    KeyOwner,
    Me,
    MyTeams,
    Standup,
    age,
    create_body,
    id_of,
    name_of,
    update_body,
)
from rolebot.services.http import HttpClient, Reach
from rolebot.services.retry import Log, Retry, Sleep
from rolebot.validation import Tolerant, describe

if TYPE_CHECKING:
    from rolebot.redaction import Secret

M = TypeVar("M", bound=Tolerant)

CREATE_ATTEMPTS = 3
"""Creates sent at most, each after a lookup by name has shown the standup is still missing."""


class GeekbotNotifier:
    """Finds, creates, updates and deletes a role's standup with the standup manager's API key."""

    def __init__(self, http: HttpClient, *, sleep: Sleep, log: Log | None = None) -> None:
        self._http = http
        self._sleep = sleep
        self._log = log
        self.host = http.host
        self.description = f"Geekbot ({self.host})"
        self._admin: bool | None = None
        self._owner: str | None = None

    @classmethod
    def connect(cls, api_url: str, token: Secret, **reach: Unpack[Reach]) -> GeekbotNotifier:
        """A notifier for the API at `api_url` (its root, like https://api.geekbot.com)."""
        base_url = api_url.strip().rstrip("/") or DEFAULT_URL
        headers = {"Authorization": token.reveal(), "Accept": "application/json"}
        http = HttpClient(SERVICE, base_url, headers, url_setting=URL_SETTING, **reach)
        return cls(http, sleep=reach["sleep"], log=reach["log"])

    def close(self) -> None:
        self._http.close()

    # -- reads --------------------------------------------------------------------------

    def find_standup(self, name: str, known_id: str | None = None) -> StandupSearch:
        """The standup with `known_id` if the key owner can see it (whatever it is called now);
        otherwise the one called `name` in a listing of every standup the key owner may see."""
        if known_id is not None:
            kept = self._get(known_id)
            if kept is not None:
                return StandupSearch(kept.existing())
        admin = self._is_admin()
        listed = self._list(admin=admin)
        if known_id is not None:
            renamed = next((item for item in listed if id_of(item) == known_id and name_of(item) != name), None)
            if renamed is not None:
                return StandupSearch(self._parse(Standup, renamed, f"GET {STANDUPS}").existing())
        named = [self._parse(Standup, item, f"GET {STANDUPS}") for item in listed if name_of(item) == name]
        if known_id is not None and not named and not admin:
            # Deleted, or the key owner was removed from it: only an admin's listing could tell.
            return StandupSearch(unseen_id=known_id)
        return self._choose(name, named)

    def _choose(self, name: str, named: list[Standup]) -> StandupSearch:
        """One standup of the name; of several, all made by the key owner, the oldest with the
        others as duplicates. Standups someone else made are never chosen for deletion."""
        if len(named) <= 1:
            return StandupSearch(named[0].existing() if named else None)
        owner = self._owner_id()
        ordered = sorted(named, key=age)
        others = [s for s in ordered if s.master != owner]
        if others:
            ids = ", ".join(s.id for s in ordered)
            theirs = ", ".join(f"{s.id} by {s.master or 'someone unknown'}" for s in others)
            raise ServiceError(
                SERVICE,
                f"{len(named)} standups are called {name} (ids {ids}), and not all were created by the key "
                f"owner ({theirs}), so rolebot cannot tell which one to update and deletes none",
                f"delete or rename the extras in Geekbot so that exactly one is called {name}, then run again",
            )
        keep, *newer = ordered
        return StandupSearch(keep.existing(), tuple(s.existing() for s in newer))

    def key_owner(self) -> KeyOwner:
        """Whose key this is (`GET /v1/me`). Fails with the fix when the key is not valid (401) or the
        team's plan has no API access (403)."""
        return self._parse(KeyOwner, self._read(ME, "reading the key owner"), f"GET {ME}")

    def _get(self, standup_id: str) -> Standup | None:
        """The standup with this ID, or None if the key owner cannot see it (or it is gone)."""
        path = f"{STANDUPS}/{quote(standup_id, safe='')}"
        response = self._http.request_json("GET", path)
        if response.status == 404:
            return None
        if not response.ok:
            raise refused(self.host, response, f"reading the standup with ID {standup_id}")
        return self._parse(Standup, response.body, f"GET {path}")

    def _list(self, *, admin: bool) -> list[Any]:
        """Every standup the key owner takes part in; with `admin`, every standup of the team."""
        response = self._http.request_json("GET", STANDUPS, params={"admin": "true"} if admin else None)
        if not response.ok:
            raise refused(self.host, response, "listing standups")
        body = response.body
        if not isinstance(body, list):
            raise unexpected(self.host, f"GET {STANDUPS}", "expected a list of standups")
        return body

    def _named(self, name: str) -> list[Standup]:
        """The standups called `name` that the key owner takes part in, oldest first."""
        found = (self._parse(Standup, item, f"GET {STANDUPS}") for item in self._list(admin=False))
        return sorted((s for s in found if s.name == name), key=age)

    def _is_admin(self) -> bool:
        """Whether the key owner is an admin of their team (asked once per run)."""
        if self._admin is None:
            teams = self._parse(MyTeams, self._read(MY_TEAMS, "reading the key owner's teams"), f"GET {MY_TEAMS}")
            self._admin = any(team.is_admin for team in teams.teams)
        return self._admin

    def _owner_id(self) -> str:
        """The key owner's Slack user ID (asked once per run, and only when needed)."""
        if self._owner is None:
            self._owner = self._parse(Me, self._read(ME, "reading the key owner"), f"GET {ME}").user.id
        return self._owner

    def _read(self, path: str, doing: str) -> Any:
        response = self._http.request_json("GET", path)
        if not response.ok:
            raise refused(self.host, response, doing)
        return response.body

    # -- writes -------------------------------------------------------------------------

    def create_standup(self, spec: StandupSpec) -> CreatedStandup:
        """Create the standup, never twice: a create whose answer was lost is looked up by
        name before it is sent again. Then settle any race with runs at the same time."""
        body = create_body(spec)
        doing = f"creating the standup {spec.name}"

        def try_once(attempt: int) -> CreatedStandup | Retry:
            try:
                response = self._http.request_json("POST", STANDUPS, json=body, retry_unsent_only=True)
            except ServiceError as error:
                # Sent, perhaps, but no answer (or no connection at all): look before resending.
                problem = error.message.removeprefix(f"{SERVICE}: ")
            else:
                if response.ok:
                    created = response.body
                    if name_of(created) == spec.name:
                        return self._settle(spec.name, self._parse(Standup, created, f"POST {STANDUPS}"))
                    problem = f"HTTP {response.status} with an unexpected body"
                elif response.status < 500:
                    raise refused(self.host, response, doing, write=True)
                else:
                    problem = f"HTTP {response.status}: {detail(response)}"
            found = self._after_lost_answer(spec.name)
            if found is not None:
                found_id = found.standup.id
                self._note(f"{spec.name} exists (id {found_id}) although the create had no clear answer; using it")
                return found
            failure = ServiceError(
                SERVICE,
                f"could not create the standup {spec.name} in {attempt} tries (last: {problem}); "
                "Geekbot has no standup of that name, so nothing was created",
                "try again later; re-running is safe",
            )
            return Retry(self._http.policy.backoff(attempt), failure)

        return replace(self._http.policy, attempts=CREATE_ATTEMPTS).run(try_once, self._sleep)

    def _settle(self, name: str, created: Standup) -> CreatedStandup:
        """Runs at the same time may each have created the standup (Geekbot has no idempotency
        key). List again: every run keeps the oldest of those the key owner created and deletes
        its own if it is not that one, so exactly one remains, whatever the interleaving."""
        creator = created.master or self._owner_id()
        mine = {created.id: created, **{s.id: s for s in self._named(name) if s.master == creator}}
        keep = min(mine.values(), key=age)
        if keep.id == created.id:
            return CreatedStandup(created.existing())
        self._delete(created.id, name)
        self._note(f"another run created {name} at the same time: kept the oldest (id {keep.id}), deleted ours")
        return CreatedStandup(keep.existing(), (created.id,))

    def _after_lost_answer(self, name: str) -> CreatedStandup | None:
        """After a create whose answer was lost: the standup if it exists after all. Which copy
        this run made cannot be known, so every newer one the key owner made is deleted."""
        owner = self._owner_id()
        mine = [s for s in self._named(name) if s.master == owner]
        if not mine:
            return None
        keep, *newer = mine
        return CreatedStandup(keep.existing(), tuple(s.id for s in newer if self._delete(s.id, name)))

    def update_standup(self, existing: ExistingStandup, spec: StandupSpec) -> ExistingStandup:
        """Replace participants and question only; the schedule (time, days, timezone,
        channel) stays as people may have tuned it. Sending the same PATCH twice does no harm."""
        path = f"{STANDUPS}/{quote(existing.id, safe='')}"
        response = self._http.request_json("PATCH", path, json=update_body(spec))
        if response.status == 404:
            raise StandupGone(
                SERVICE,
                f"the standup {existing.name} (id {existing.id}) no longer exists (HTTP 404: {detail(response)})",
                "run the command again: rolebot will create it anew",
            )
        if not response.ok:
            raise refused(self.host, response, f"updating the standup {existing.name} (id {existing.id})", write=True)
        return self._parse(Standup, response.body, f"PATCH {path}").existing()

    def delete_standup(self, standup: ExistingStandup) -> bool:
        return self._delete(standup.id, standup.name)

    def _delete(self, standup_id: str, name: str) -> bool:
        """Delete a standup; False if it was already gone."""
        response = self._http.request_json("DELETE", f"{STANDUPS}/{quote(standup_id, safe='')}")
        if response.status == 404:
            return False
        if not response.ok:
            raise refused(self.host, response, f"deleting the duplicate standup {name} (id {standup_id})", write=True)
        return True

    # -- helpers ------------------------------------------------------------------------

    def _parse(self, model: type[M], item: Any, where: str) -> M:
        try:
            return model.model_validate(item)
        except ValidationError as exc:
            raise unexpected(self.host, where, describe(exc)) from None

    def _note(self, line: str) -> None:
        if self._log is not None:
            self._log(f"{SERVICE}: {line}")
