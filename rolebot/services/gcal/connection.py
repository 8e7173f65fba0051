"""Everything a call to Google goes through: the API client, its transports and the key.

The Calendar discovery document shipped inside googleapiclient is loaded and its
`rootUrl` replaced by `ROLEBOT_GOOGLE_API_URL`, then `build_from_document` builds the
client (offline: no discovery request). Single calls go to `{root}calendar/v3/...` and
batches to `{root}batch/calendar/v3` (`api_endpoint` would move only the former).

The `events` resource is built once (building it costs about 2 ms of CPU). Each request
borrows a transport (`transport()`) for its duration: httplib2 is not thread-safe, so
batches sent at the same time each go through another one, while requests made one after
another reuse the same (and its open connection). All share the `Meter` and the command's
`Deadline`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import google_auth_httplib2
from google.oauth2 import service_account
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc

from rolebot.deadline import Deadline
from rolebot.errors import ServiceError
from rolebot.redaction import Secret
from rolebot.services.gcal.errors import KEY_PLACES, SERVICE, URL_SETTING, Answer, scrubber, unreachable
from rolebot.services.gcal.transport import MAX_RESPONSE_BYTES, TIMEOUT, LoggedHttp, Meter
from rolebot.services.retry import Log

SCOPE = "https://www.googleapis.com/auth/calendar.events"
REQUIRED_KEY_FIELDS = ("client_email", "private_key", "token_uri")


class Connection:
    """The googleapiclient service and its `events` resource, over bounded, logged transports
    with service-account credentials."""

    def __init__(
        self,
        root: str,
        credentials: service_account.Credentials,
        meter: Meter,
        deadline: Deadline,
        *,
        api_host: str,
        token_host: str,
        timeout: float = TIMEOUT,
        max_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.credentials = credentials
        self.meter = meter
        self.api_host = api_host
        self.token_host = token_host
        self._deadline = deadline
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._lock = threading.Lock()
        self._token_lock = threading.Lock()
        self._free = [self._new_transport()]
        document = json.loads(_static_discovery())
        document["rootUrl"] = root
        self.service = build_from_document(document, http=self._free[0])
        self.events = self.service.events()

    @classmethod
    def open(
        cls,
        api_url: str,
        calendar_id: Secret,
        key: dict[str, Any],
        log: Log | None,
        deadline: Deadline,
        *,
        timeout: float = TIMEOUT,
        max_bytes: int = MAX_RESPONSE_BYTES,
    ) -> Connection:
        """Check the URL and the key (no request is made), and build the client."""
        root = api_url if api_url.endswith("/") else api_url + "/"
        parts = urlsplit(root)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ServiceError(
                SERVICE,
                f"{URL_SETTING} is not an http(s) URL: {api_url!r}",
                "set it to e.g. https://www.googleapis.com/",
            )
        credentials = _credentials(key)
        token_host = urlsplit(str(key["token_uri"])).netloc or "the token endpoint"
        meter = Meter(log, scrubber(calendar_id))
        return cls(
            root,
            credentials,
            meter,
            deadline,
            api_host=parts.netloc,
            token_host=token_host,
            timeout=timeout,
            max_bytes=max_bytes,
        )

    @contextmanager
    def transport(self) -> Iterator[google_auth_httplib2.AuthorizedHttp]:
        """An authorised transport no other thread is using, for as long as the block lasts."""
        with self._lock:
            http = self._free.pop() if self._free else self._new_transport()
        try:
            yield http
        finally:
            with self._lock:
                self._free.append(http)

    def _new_transport(self) -> google_auth_httplib2.AuthorizedHttp:
        plain = LoggedHttp(self.meter, self._deadline, timeout=self._timeout, max_bytes=self._max_bytes)
        return google_auth_httplib2.AuthorizedHttp(self.credentials, http=plain)

    def fresh_token(self) -> None:
        """Get a token through our own transport (before batches: the library would use a bare one)."""
        with self._token_lock:
            if not self.credentials.valid:
                with self.transport() as http:
                    self.credentials.refresh(google_auth_httplib2.Request(http.http))  # type: ignore[no-untyped-call]

    def unreachable(self, error: BaseException, *, outer: bool = False) -> Answer:
        """No reply: from the token endpoint while there is no token, else from the API."""
        host = self.api_host if self.credentials.valid else self.token_host
        return unreachable(error, host, outer=outer)


@cache
def _static_discovery() -> str:
    document = get_static_doc("calendar", "v3")
    if not document:  # pragma: no cover - the document ships with google-api-python-client
        raise ServiceError(SERVICE, "google-api-python-client has no Calendar v3 discovery document", "reinstall it")
    return str(document)


def _credentials(key: dict[str, Any]) -> service_account.Credentials:
    kind = key.get("type")
    if kind is not None and kind != "service_account":
        raise ServiceError(
            SERVICE,
            f"the Google key is not a service account key (its type is {str(kind)[:40]!r})",
            f"create a JSON key for a service account and put it in {KEY_PLACES}",
        )
    missing = [name for name in REQUIRED_KEY_FIELDS if not isinstance(key.get(name), str) or not key.get(name)]
    if missing:
        raise ServiceError(
            SERVICE,
            f"the service account key has no {', '.join(missing)}",
            f"download the service account's JSON key again and put it in {KEY_PLACES}",
        )
    try:
        load = service_account.Credentials.from_service_account_info
        credentials: service_account.Credentials = load(key, scopes=[SCOPE])  # type: ignore[no-untyped-call]
    except (ValueError, TypeError, KeyError, IndexError):
        raise ServiceError(
            SERVICE,
            "the service account key's private key cannot be read",
            f"download the service account's JSON key again and put it in {KEY_PLACES}",
        ) from None
    return credentials
