"""Credentials: the environment first, then sops-encrypted files in the secrets directory.

Files are decrypted by running `sops --decrypt` and reading its output in memory; no
decrypted byte is ever written to disk. A file in the secrets directory without sops
metadata is refused: it may be a leaked secret.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rolebot.errors import CredentialsError
from rolebot.redaction import Secret, remember
from rolebot.settings import Settings


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

Origin = Literal["environment", "secrets file"]


class Credentials:
    """Finds and decrypts credentials, caching each decrypted value in memory only."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._cache: dict[str, Any] = {}

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

    def _load(self, credential: Credential) -> Any:
        if credential.env not in self._cache:
            self._cache[credential.env] = self._read(credential)
        return self._cache[credential.env]

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


def has_sops_metadata(path: Path) -> bool:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(document, dict) and isinstance(document.get("sops"), dict)


def sops_binary(settings: Settings) -> str:
    """The sops executable: $ROLEBOT_SOPS if set, else `sops` on PATH."""
    explicit = settings.env("ROLEBOT_SOPS")
    found = shutil.which(explicit or "sops", path=settings.environ.get("PATH"))
    if found:
        return found
    if explicit:
        raise CredentialsError(f"ROLEBOT_SOPS names {explicit!r}, which is not an executable", "fix the path")
    raise CredentialsError(
        "sops is not installed, so the secrets files cannot be decrypted",
        "run rolebot with `uv run` (the dev dependencies include sops-binary) or install sops "
        "from https://github.com/getsops/sops/releases",
    )


def decrypt(path: Path, settings: Settings) -> dict[str, Any]:
    """Decrypt a sops JSON file into memory."""
    if not has_sops_metadata(path):
        raise CredentialsError(
            f"{path} is not encrypted with sops (it has no sops metadata) and may be a leaked secret",
            "rotate that credential now, then store the new one with `sops --encrypt --in-place`",
        )
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [sops_binary(settings), "--decrypt", "--output-type", "json", str(path)],
            capture_output=True,
            env=dict(settings.environ),
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise CredentialsError(f"sops took too long to decrypt {path}", "check access to the key service") from None
    if result.returncode != 0:
        raise _sops_failure(path, result.returncode, result.stderr.decode("utf-8", "replace"))
    try:
        document = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise CredentialsError(f"sops decrypted {path} but the result is not JSON", "re-encrypt a JSON file") from None
    if not isinstance(document, dict):
        raise CredentialsError(f"{path} does not hold a JSON object", "re-encrypt a JSON object")
    return document


def _sops_failure(path: Path, code: int, stderr: str) -> CredentialsError:
    text = stderr.lower()
    if "mac mismatch" in text or "message authentication failed" in text or "data format" in text:
        return CredentialsError(
            f"{path} failed sops' integrity check: it was changed without sops",
            f"restore it with `git checkout -- {path}`, or encrypt the value again with sops",
        )
    if "data key" in text or "no identity matched" in text or "0 successful groups" in text:
        return CredentialsError(
            f"sops found no key that can decrypt {path}",
            "set SOPS_AGE_KEY_FILE (or SOPS_AGE_KEY) to an age key it was encrypted for, "
            "or log in to Google Cloud for the team's KMS key (`gcloud auth application-default login`)",
        )
    return CredentialsError(
        f"sops could not decrypt {path} (exit code {code})", f"run `sops --decrypt {path}` to see why"
    )
