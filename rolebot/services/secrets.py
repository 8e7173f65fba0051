"""Credentials: the environment first, then sops-encrypted files in the secrets directory.

Files are decrypted by running sops and reading its output in memory; no decrypted byte
is ever written to disk. A file in the secrets directory without sops metadata, or with
any value sops left in clear, is refused: it may be a leaked secret (`services/sops.py`).
Each credential is read once, in a thread of its own, so several decrypt at the same
time (`Credentials.preload`): a sops run is mostly waiting, for the key service or for
the Go runtime to start.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rolebot.errors import CredentialsError
from rolebot.redaction import Secret, remember
from rolebot.services.sops import decrypt, leak
from rolebot.settings import Settings, shown


@dataclass(frozen=True)
class Credential:
    label: str
    env: str
    file: str
    key: str | None  # the JSON key holding the value; None: the whole document

    def describe(self) -> str:
        return f"{self.env} or {self.file}"


SLACK_TOKEN = Credential("Slack bot token", "ROLEBOT_SLACK_TOKEN", "slack_bot_token.json", "slack_bot_token")
GEEKBOT_TOKEN = Credential("Geekbot API key", "ROLEBOT_GEEKBOT_TOKEN", "geekbot_api_token.json", "geekbot_api_token")
CALENDAR_ID = Credential("Google Calendar ID", "ROLEBOT_CALENDAR_ID", "calendar_id.json", "calendar_id")
GOOGLE_KEY = Credential("Google service account key", "ROLEBOT_GOOGLE_CREDENTIALS", "gcp_service_account.json", None)
ALL = (SLACK_TOKEN, GEEKBOT_TOKEN, CALENDAR_ID, GOOGLE_KEY)
DOCUMENTATION = "README.md"  # the one file in the secrets directory that is not a secret

Origin = Literal["environment", "secrets file"]


@dataclass(frozen=True)
class UnsafeFile:
    """A file in the secrets directory that may hold a secret in clear."""

    path: Path
    shown: str  # the path as people read it
    reason: str  # why, never quoting a value


class Credentials:
    """Finds and decrypts credentials, keeping each decrypted value (or failure) in memory only."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._reads: dict[str, Future[Any]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def preload(self, *credentials: Credential) -> None:
        """Start reading these credentials now, all at once; reading one later waits for it.

        Returns at once. A credential that cannot be read raises its error when it is read,
        so preloading one that is never needed costs a sops run and nothing else.
        """
        for credential in credentials:
            self._read_once(credential)

    def path(self, credential: Credential) -> Path:
        return self.settings.secrets_dir / credential.file

    def origin(self, credential: Credential) -> Origin | None:
        """Where the credential would come from, without decrypting anything."""
        if self.settings.env(credential.env):
            return "environment"
        if self.path(credential).is_file():
            return "secrets file"
        return None

    def where(self, credential: Credential) -> str:
        origin = self.origin(credential)
        if origin == "environment":
            return f"${credential.env}"
        if origin == "secrets file":
            return str(self.path(credential))
        return "not found"

    def secret(self, credential: Credential) -> Secret:
        """A string credential (token, calendar ID)."""
        value = self._load(credential)
        if not isinstance(value, Secret):
            raise CredentialsError(f"{credential.label} is not a string", f"check {credential.describe()}")
        return value

    def document(self, credential: Credential) -> dict[str, Any]:
        """A JSON credential (the service account key)."""
        value = self._load(credential)
        if not isinstance(value, dict):
            raise CredentialsError(f"{credential.label} is not a JSON object", f"check {credential.describe()}")
        return value

    def unsafe_files(self) -> list[UnsafeFile]:
        """Files in the secrets directory that may hold a secret in clear: anything but
        README.md and sops-encrypted JSON or YAML with every value encrypted. Credential
        files rolebot reads from there are left out: reading them reports the same."""
        root = self.settings.secrets_dir
        read_here = {self.path(c) for c in ALL if self.origin(c) == "secrets file"}
        found = []
        for path in sorted(_files(root)):
            if path == root / DOCUMENTATION or path in read_here:
                continue
            reason = leak(path)
            if reason is not None:
                found.append(UnsafeFile(path, shown(path, self.settings.cwd), reason))
        return found

    def close(self) -> None:
        """Let the reads still running finish, and end the threads that ran them (reading a
        credential afterwards starts them again)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def _load(self, credential: Credential) -> Any:
        return self._read_once(credential).result()

    def _read_once(self, credential: Credential) -> Future[Any]:
        """The one read of this credential, started in the pool on first demand."""
        with self._lock:
            read = self._reads.get(credential.env)
            if read is None:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(max_workers=len(ALL), thread_name_prefix="rolebot-credentials")
                read = self._reads[credential.env] = self._pool.submit(self._read, credential)
            return read

    def _read(self, credential: Credential) -> Any:
        from_env = self.settings.env(credential.env)
        if from_env is not None:
            if credential.key is not None:
                return Secret(from_env)
            return _read_key_file(Path(from_env).expanduser(), credential)
        path = self.path(credential)
        if not path.is_file():
            raise CredentialsError(
                f"no {credential.label}: ${credential.env} is not set and {path} does not exist",
                "set the variable, add the sops-encrypted file, or use --backend local",
            )
        document = decrypt(path, self.settings)
        if credential.key is None:
            _remember_document(document)
            return document
        value = document.get(credential.key)
        if not isinstance(value, str) or not value:
            raise CredentialsError(
                f"{path} has no string field {credential.key!r}",
                f'store it as {{"{credential.key}": "..."}} and encrypt it with sops',
            )
        return Secret(value)


def _remember_document(document: dict[str, Any]) -> None:
    for key in ("private_key", "private_key_id"):
        value = document.get(key)
        if isinstance(value, str):
            remember(value)


def _read_key_file(path: Path, credential: Credential) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CredentialsError(f"${credential.env} points to {path}, which does not exist", "fix the path") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise CredentialsError(
            f"${credential.env} points to {path}, which is not a readable JSON key file",
            "download the service account key again as JSON",
        ) from None
    if not isinstance(document, dict):
        raise CredentialsError(f"{path} is not a service account key (not a JSON object)", "check the file")
    _remember_document(document)
    return document


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from (path for path in root.rglob("*") if not path.is_dir())
