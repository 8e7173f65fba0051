"""A fake Geekbot v1 API that behaves as the real one does (the protocol facts: README.md).

Use it with `FakeServer(fake)` or `mock_transport(Recorder(fake))`. What it reproduces:

* personal API keys, sent raw in `Authorization` (`Bearer <key>` is refused with 401);
  each key belongs to a Slack user of the team roster;
* `GET /v1/standups` lists only the standups the key owner takes part in (is in `users`):
  not one they created and then left; `?admin=true` lists all of the team's for an admin
  (for anyone else the flag changes nothing);
* `GET /v1/standups/{id}` answers 404 for a standup the key owner does not take part in,
  as for one that does not exist (admins included: they see others' only in the listing);
* `GET /v1/me` (the key owner and the team) and `GET /v1/me/teams` (`is_admin`);
* a team whose plan has no API access (`api_access=False`): 403 on every call with a valid key
  (401 still comes first for a bad key), as API-FACTS.md says of `GET /v1/me`;
* questions whose `text` is null (templates, random questions), when seeded so;
* `POST /v1/standups` answers **200** with the standup; `wait_time` goes in as minutes and
  comes out as seconds (`null` and `-1` come out as `-1`); questions go in as
  `[{"question": text}]` and come out as `[{"id", "text", ...}]` with ids minted anew on
  every replacement; users go in as Slack IDs and come out as user objects;
* `PATCH/PUT/DELETE /v1/standups/{id}`: PATCH changes only what it is sent and replaces
  whole lists; PUT needs every field; DELETE answers the deleted standup, then 404
  `Not found`; a key whose owner is neither a member nor the creator of the standup gets
  401 on writes;
* standup IDs given out in increasing order;
* the validation errors Geekbot documents, in Geekbot's own wording (typos included);
* 301 to the same path without its trailing slash, and to another host for a "moved" one;
* faults to inject: N or unlimited error answers (429 with `Retry-After`, 5xx, ...), and
  errors sent *after* a write was done (the write happened, the answer was lost);
* races to force: `hold_creates(n)` holds each create until n of them have arrived, so runs
  at the same time all create before any of them sees another's standup.

Whether an admin may read (`GET /v1/standups/{id}`) or edit a standup they take no part in
is not documented; the fake answers as for anyone else (404, 401), which is the stricter case.

Messages Geekbot's references do not give (missing name or channel, unknown users, bad day
names) are worded here and marked as the fake's own.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tests.fakes.server import FakeRequest, FakeResponse

DEMO_ROSTER = Path(__file__).resolve().parents[2] / "state" / "roster.json"
DEMO_OWNER = "U05CHE9012"  # Chen Wei, the standup manager of the demo state
DEMO_KEY = "api_3f9c0e1b2a7d4c5e9b8a1f2e3d4c5b6a"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
STANDUP_PATH = re.compile(r"^/v1/standups/([^/]+)$")
CREATE_FIELDS = ("name", "channel", "time", "timezone", "days", "wait_time", "questions", "users")


def demo_members() -> list[tuple[str, str]]:
    """(Slack ID, name) of everyone in the demo roster, each once."""
    groups = json.loads(DEMO_ROSTER.read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    for entries in groups.values():
        for entry in entries:
            seen.setdefault(entry["id"], entry["name"])
    return list(seen.items())


def user_object(user_id: str, name: str, role: str = "member") -> dict[str, Any]:
    words = re.sub(r"[^a-z0-9 ]", "", name.lower()).split()
    handle = words[0] if words else user_id.lower()
    return {
        "id": user_id,
        "role": role,
        "email": f"{handle}@example.org",
        "username": handle,
        "realname": name,
        "profile_img": f"https://avatars.slack-edge.com/2024-01-01/{user_id}_48.jpg",
    }


def error(status: int, message: str) -> FakeResponse:
    return FakeResponse.json({"error": message}, status)


@dataclass
class Fault:
    """An injected answer for requests that match `method` and `path` (None: any).

    `times=None` repeats it forever. With `after_write` the request is carried out first
    and only its answer is replaced, so the write happened but the client cannot know.
    """

    status: int
    method: str | None = None
    path: str | None = None
    times: int | None = 1
    after_write: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    hits: int = 0

    def matches(self, request: FakeRequest, after_write: bool) -> bool:
        return (
            self.after_write == after_write
            and (self.times is None or self.hits < self.times)
            and (self.method is None or self.method == request.method)
            and (self.path is None or self.path == request.path)
        )

    def response(self) -> FakeResponse:
        self.hits += 1
        body = self.body if self.body is not None else {"error": f"fake fault {self.status}"}
        return FakeResponse.json(body, self.status, self.headers)


class FakeGeekbot:
    """The fake API; call it with a `FakeRequest`. Thread-safe."""

    def __init__(
        self,
        keys: Mapping[str, str] | None = None,
        members: Iterable[tuple[str, str]] | None = None,
        *,
        admins: Iterable[str] = (DEMO_OWNER,),
        channels: Mapping[str, Iterable[str]] | None = None,
        first_id: int = 3221,
        team: tuple[int, str] = (456, "Demo team"),
        api_access: bool = True,
    ) -> None:
        self.keys = dict(keys) if keys is not None else {DEMO_KEY: DEMO_OWNER}
        admin_ids = set(admins)
        self.users = {
            uid: user_object(uid, name, "admin" if uid in admin_ids else "member")
            for uid, name in (members if members is not None else demo_members())
        }
        self.channels = {name: list(ids) for name, ids in (channels or {}).items()}
        self.standups: dict[int, dict[str, Any]] = {}
        self.faults: list[Fault] = []
        self.moved_hosts: dict[str, str] = {}
        self.team = {"id": team[0], "name": team[1]}
        self.api_access = api_access
        """False: the team's plan has no API access (free plans since 2025): every call with a valid key
        gets 403."""
        self._held: threading.Barrier | None = None
        self._standup_ids = itertools.count(first_id)
        self._question_ids = itertools.count(6143977)
        self._lock = threading.RLock()

    # -- set-up helpers for tests -------------------------------------------------------

    def fail(self, status: int, **options: Any) -> Fault:
        """Inject a fault (see `Fault`); returns it, so a test can read `hits`."""
        fault = Fault(status, **options)
        self.faults.append(fault)
        return fault

    def hold_creates(self, count: int, timeout: float = 30.0) -> None:
        """Hold every `POST /v1/standups` until `count` of them have arrived (or `timeout`
        seconds have passed, should fewer ever come), then let them all through at once."""
        self._held = threading.Barrier(count, timeout=timeout)

    def seed(self, owner: str = DEMO_OWNER, **fields: Any) -> dict[str, Any]:
        """A standup made earlier (by hand or by another tool): fields as in a create body.

        A question given as `{"question": None}` has no text, like Geekbot's template and
        random questions (which the API cannot create)."""
        body: dict[str, Any] = {
            "channel": "#support-freshdesk",
            "time": "10:00:00",
            "timezone": "user_local",
            "days": ["Wed"],
            "wait_time": 10,
            "questions": [{"question": "How are you?"}],
            "users": [owner],
            "sync_channel_members": False,
            **fields,
        }
        textless = [i for i, q in enumerate(body["questions"]) if q.get("question") is None]
        body["questions"] = [{"question": "?"} if i in textless else q for i, q in enumerate(body["questions"])]
        with self._lock:
            problem = self._invalid(body, create=True)
            assert problem is None, problem
            standup = self._create(owner, body)
            for index in textless:
                standup["questions"][index].update(
                    text=None, is_random=True, random_texts=["How are you?", "Any news?"]
                )
            return copy.deepcopy(standup)

    def named(self, name: str) -> list[dict[str, Any]]:
        with self._lock:
            return [copy.deepcopy(s) for s in self.standups.values() if s["name"] == name]

    # -- the API ------------------------------------------------------------------------

    def __call__(self, request: FakeRequest) -> FakeResponse:
        held = self._held
        if held is not None and request.method == "POST" and request.path == "/v1/standups":
            # Fewer runs than expected came: let this one through anyway (the barrier broke).
            with contextlib.suppress(threading.BrokenBarrierError):
                if held.wait() == 0:
                    self._held = None  # once: a later create is not held
        with self._lock:
            return self._handle(request)

    def _handle(self, request: FakeRequest) -> FakeResponse:
        query = f"?{urlencode(request.query, doseq=True)}" if request.query else ""
        moved = self.moved_hosts.get(request.header("host") or "")
        if moved is not None:
            return FakeResponse(301, b"", {"Location": moved.rstrip("/") + request.path + query})
        if request.path.startswith("/v1/") and request.path.endswith("/"):
            return FakeResponse(301, b"", {"Location": request.path.rstrip("/") + query})
        fault = next((f for f in self.faults if f.matches(request, after_write=False)), None)
        if fault is not None:
            return fault.response()
        owner = self.keys.get(request.header("authorization") or "")
        if owner is None:
            return error(401, "Unauthorized")
        if not self.api_access:
            return error(403, "API access is not available on your current plan")  # the fake's own wording
        response = self._route(request, owner)
        if request.method != "GET" and 200 <= response.status < 300:
            lost = next((f for f in self.faults if f.matches(request, after_write=True)), None)
            if lost is not None:
                return lost.response()
        return response

    def _route(self, request: FakeRequest, owner: str) -> FakeResponse:
        admin = self.users[owner]["role"] == "admin"
        if request.path == "/v1/me" and request.method == "GET":
            return FakeResponse.json({"user": self.users[owner], "team": self.team})
        if request.path == "/v1/me/teams" and request.method == "GET":
            count = len(self.standups)
            return FakeResponse.json({"teams": [{**self.team, "is_admin": admin, "standup_count": count}]})
        if request.path == "/v1/standups":
            if request.method == "GET":
                every = request.query.get("admin") == ["true"] and admin
                listed = [s for s in self.standups.values() if every or self._takes_part(s, owner)]
                return FakeResponse.json(listed)
            if request.method == "POST":
                body = _body(request)
                problem = self._invalid(body, create=True)
                if problem is not None:
                    return error(400, problem)
                return FakeResponse.json(self._create(owner, body))
            return error(404, "Not found")
        match = STANDUP_PATH.match(request.path)
        if match is None:
            return error(404, "Not found")
        standup = self.standups.get(int(match[1])) if match[1].isdigit() else None
        if request.method == "GET":
            if standup is None or not self._takes_part(standup, owner):
                return error(404, "Standup not found")
            return FakeResponse.json(standup)
        if request.method not in ("PATCH", "PUT", "DELETE"):
            return error(404, "Not found")
        if standup is None:
            return error(404, "Not found" if request.method == "DELETE" else "Standup not found")
        if not self._may_edit(standup, owner):
            return error(401, "Unauthorized")
        if request.method == "DELETE":
            del self.standups[standup["id"]]
            return FakeResponse.json(standup)
        body = _body(request)
        problem = self._invalid(body, create=False, replace=request.method == "PUT", current=standup)
        if problem is not None:
            return error(400, problem)
        self._apply(standup, body)
        return FakeResponse.json(standup)

    def _takes_part(self, standup: dict[str, Any], owner: str) -> bool:
        return any(u["id"] == owner for u in standup["users"])

    def _may_edit(self, standup: dict[str, Any], owner: str) -> bool:
        return standup["master"] == owner or self._takes_part(standup, owner)

    # -- validation and storage ---------------------------------------------------------

    def _invalid(
        self, body: Any, *, create: bool, replace: bool = False, current: dict[str, Any] | None = None
    ) -> str | None:
        """Geekbot's 400 message for a create (POST), replace (PUT) or update (PATCH) body."""
        if not isinstance(body, dict):
            return "Invalid request body"  # the fake's own wording
        if replace:
            missing = [f for f in (*CREATE_FIELDS, "sync_channel_members") if f not in body]
            if body.get("sync_channel_members") is True and "users" in missing:
                missing.remove("users")
            if missing:
                return f'"{missing[0]}" is required'  # the fake's own wording
        if create:
            for name in ("name", "channel"):
                if not isinstance(body.get(name), str) or not body[name]:
                    return f'"{name}" is required'  # the fake's own wording
            if "time" not in body or "days" not in body:
                return "time amd days must be set"
            if "questions" not in body:
                return "Please define questions"
        for name in ("name", "channel", "timezone"):
            if name in body and not isinstance(body[name], str):
                return f'"{name}" must be a string'  # the fake's own wording
        if "time" in body and not (isinstance(body["time"], str) and TIME.match(body["time"])):
            return "Time should be in format xx:xx:xx (24 hours format)"
        if "days" in body:
            days = body["days"]
            if not isinstance(days, list) or not days:
                return "time amd days must be set"
            wrong = [d for d in days if d not in DAYS]
            if wrong:
                return f"Invalid day {wrong[0]!r}: use {', '.join(DAYS)}"  # the fake's own wording
        if "wait_time" in body:
            wait = body["wait_time"]
            if wait is not None and (not isinstance(wait, int) or isinstance(wait, bool) or wait < -1):
                return '"wait_time" must be a number of minutes, -1 or null'  # the fake's own wording
        if "questions" in body:
            questions = body["questions"]
            if not isinstance(questions, list) or not all(isinstance(q, dict) for q in questions):
                return '"questions" must be an array of objects having a "question" property'
            if not questions:
                return "Please define questions"
            if not all(isinstance(q.get("question"), str) and q["question"] for q in questions):
                return 'Each question must have a "question" property'
        sync = body.get("sync_channel_members", current["sync_channel_members"] if current else False)
        if sync is True:
            channel = body.get("channel", current["channel"] if current else None)
            if channel not in self.channels:
                found = "Could not find" if create else "Could not found"  # the typo is Geekbot's
                return f"{found} members in channel{channel}"
        elif "users" not in body:
            if create:
                return (
                    "You should send an array with users to add to the standup or use the sync channel members option"
                )
            if body.get("sync_channel_members") is False:
                return 'You tried to set participants manually but "users" param is missing'
        if "users" in body:
            users = body["users"]
            if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
                return '"users" must be an array of Slack user IDs'  # the fake's own wording
            unknown = [u for u in users if u not in self.users]
            if unknown:
                return f"User {unknown[0]} is not a member of the team"  # the fake's own wording
        return None

    def _create(self, owner: str, body: dict[str, Any]) -> dict[str, Any]:
        standup: dict[str, Any] = {
            "id": next(self._standup_ids),
            "name": "",
            "time": "10:00:00",
            "wait_time": -1,
            "timezone": "Etc/UTC",  # the creator's own time zone when none is given
            "days": [],
            "channel": None,
            "channel_ready": True,
            "questions": [],
            "users": [],
            "users_total": 0,
            "webhooks": [],
            "master": owner,
            "sync_channel_members": False,
            "sync_channel_ready": False,
            "sync_channel": None,
            "confidential": False,
            "anonymous": False,
            "draft": False,
            "paused": False,
            "personalised": False,
        }
        self._apply(standup, body)
        self.standups[standup["id"]] = standup
        return standup

    def _apply(self, standup: dict[str, Any], body: dict[str, Any]) -> None:
        for name in ("name", "channel", "time", "timezone", "sync_channel_members", "personalised"):
            if name in body:
                standup[name] = body[name]
        if "days" in body:
            standup["days"] = list(body["days"])
        if "wait_time" in body:
            wait = body["wait_time"]
            standup["wait_time"] = -1 if wait is None or wait == -1 else wait * 60
        if "questions" in body:
            standup["questions"] = [self._question(q["question"]) for q in body["questions"]]
        if standup["sync_channel_members"]:
            ids = self.channels[standup["channel"]]
            standup["sync_channel"] = standup["channel"]
        else:
            ids = body["users"] if "users" in body else [u["id"] for u in standup["users"]]
            standup["sync_channel"] = None
        standup["users"] = [copy.deepcopy(self.users[uid]) for uid in dict.fromkeys(ids)]
        standup["users_total"] = len(standup["users"])

    def _question(self, text: str) -> dict[str, Any]:
        return {
            "id": next(self._question_ids),
            "color": "EEEEEE",
            "text": text,
            "schedule": None,
            "answer_type": "text",
            "answer_choices": [],
            "hasAnswers": False,
            "is_random": False,
            "random_texts": [],
            "prefilled_by": None,
            "text_id": 121528,
            "preconditions": [],
            "label": "other",
            "flavor": "",
        }


def _body(request: FakeRequest) -> Any:
    try:
        return request.json()
    except ValueError:
        return None
